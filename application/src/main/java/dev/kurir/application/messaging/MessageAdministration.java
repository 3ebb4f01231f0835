package dev.kurir.application.messaging;

import dev.kurir.application.messaging.port.out.MessageAdminStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's view of every outbox and inbox of the modules this process runs: list rows, count them by status,
 * and send FAILED rows round again once the cause is fixed.
 */
public final class MessageAdministration {
    /** Which table of a module. */
    public enum Kind { OUTBOX, INBOX }

    public static final int MAX_LIMIT = 500;
    private static final Set<String> STATUSES = Set.of("PENDING", "SENT", "PROCESSED", "FAILED");

    private final Map<String, Map<Kind, MessageAdminStore>> stores = new LinkedHashMap<>();
    private final Map<String, Runnable> wakeUps = new LinkedHashMap<>();

    /** Registers a module's tables and what wakes its workers after a retry. */
    public MessageAdministration register(String module, MessageAdminStore outbox, MessageAdminStore inbox,
                                          Runnable wakeUp) {
        stores.put(module, Map.of(Kind.OUTBOX, outbox, Kind.INBOX, inbox));
        wakeUps.put(module, wakeUp);
        return this;
    }

    public Set<String> modules() {
        return stores.keySet();
    }

    /** @throws IllegalArgumentException for an unknown module or status, or a limit out of range */
    public List<MessageAdminStore.Row> list(String module, Kind kind, Optional<String> status, int limit) {
        status.ifPresent(s -> {
            if (!STATUSES.contains(s)) {
                throw new IllegalArgumentException("status must be one of " + STATUSES + ", was " + s);
            }
        });
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        return store(module, kind).list(status, limit);
    }

    /** Rows per module, table and status. */
    public Map<String, Map<Kind, Map<String, Long>>> counts() {
        Map<String, Map<Kind, Map<String, Long>>> counts = new LinkedHashMap<>();
        stores.forEach((module, tables) -> {
            Map<Kind, Map<String, Long>> byKind = new LinkedHashMap<>();
            for (Kind kind : Kind.values()) {
                byKind.put(kind, tables.get(kind).countByStatus());
            }
            counts.put(module, byKind);
        });
        return counts;
    }

    /** @return false if the row does not exist or is not FAILED */
    public boolean retry(String module, Kind kind, long id) {
        boolean retried = store(module, kind).retry(id);
        if (retried) {
            wakeUps.get(module).run();
        }
        return retried;
    }

    public int retryAllFailed(String module, Kind kind) {
        int retried = store(module, kind).retryAllFailed();
        if (retried > 0) {
            wakeUps.get(module).run();
        }
        return retried;
    }

    private MessageAdminStore store(String module, Kind kind) {
        Map<Kind, MessageAdminStore> tables = stores.get(module);
        if (tables == null) {
            throw new IllegalArgumentException("module must be one of " + stores.keySet() + ", was " + module);
        }
        return tables.get(kind);
    }
}
