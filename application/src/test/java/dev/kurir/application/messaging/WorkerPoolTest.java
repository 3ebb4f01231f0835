package dev.kurir.application.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Worker ids own leases in tables that several processes share: two processes must never draw the same one. */
class WorkerPoolTest {

    @Test
    void workerId_isModuleRoleAndIndex_atThisProcesssRandomUuid() {
        String id = WorkerPool.workerId("orders", "inbox", 2);

        assertTrue(id.startsWith("orders-inbox-2@"), id);
        String instance = id.substring("orders-inbox-2@".length());
        UUID uuid = UUID.fromString(instance);
        assertEquals(instance, uuid.toString(), "a canonical UUID");
        assertEquals(4, uuid.version(), "a random UUID");
        assertEquals("orders-relay@" + instance, WorkerPool.sharedId("orders", "relay"), "one instance per process");
    }

    @Test
    void instanceIds_neverRepeat_evenWhereEveryProcessHasTheSamePid() {
        // In containers every kurir is pid 1: only the random part tells replicas apart. More draws than four hex
        // digits can tell apart (65,536) must still all differ.
        Set<String> drawn = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String instance = WorkerPool.instanceId();
            assertTrue(drawn.add(instance), "drawn twice after " + i + " draws: " + instance);
        }
    }
}
