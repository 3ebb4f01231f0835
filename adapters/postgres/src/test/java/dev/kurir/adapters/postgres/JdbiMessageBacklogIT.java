package dev.kurir.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.messaging.port.out.MessageBacklog;
import dev.kurir.testing.TestDatabase;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbiMessageBacklogIT {
    private static TestDatabase database;
    private static Jdbi jdbi;

    @BeforeAll
    static void migrate() {
        database = TestDatabase.create();
        Schemas.migrate(database.dataSource());
        jdbi = Jdbi.create(database.dataSource());
    }

    @AfterAll
    static void drop() {
        database.close();
    }

    private static void outboxRow(String schema, String status, String age) {
        insert(schema, """
                INSERT INTO <schema>.outbox (message_id, event_type, payload, routing_key, status, created_at)
                VALUES (gen_random_uuid(), 'order.created', '{}', 'order.created',
                        CAST(:status AS <schema>.outbox_status), now() - CAST(:age AS interval))""", status, age);
    }

    private static void inboxRow(String schema, String status, String age) {
        insert(schema, """
                INSERT INTO <schema>.inbox (message_id, sender_id, event_type, payload, routing_key, status, created_at)
                VALUES (gen_random_uuid(), 'item-service', 'stock.reserved', '{}', 'stock.reserved',
                        CAST(:status AS <schema>.inbox_status), now() - CAST(:age AS interval))""", status, age);
    }

    private static void insert(String schema, String sql, String status, String age) {
        jdbi.useHandle(h -> h.createUpdate(sql).define("schema", schema).bind("status", status).bind("age", age)
                .execute());
    }

    @Test
    void read_countsPendingAndFailedRows_andAgesTheOldestPendingOne() {
        MessageBacklog backlog = new JdbiMessageBacklog(jdbi, Schemas.ORDERS);
        assertEquals(new MessageBacklog.Snapshot(new MessageBacklog.Rows(0, Duration.ZERO, 0),
                new MessageBacklog.Rows(0, Duration.ZERO, 0)), backlog.read(), "empty tables");

        outboxRow("orders", "PENDING", "90 seconds");
        outboxRow("orders", "PENDING", "1 second");
        outboxRow("orders", "FAILED", "1 hour");
        outboxRow("orders", "SENT", "2 hours");
        inboxRow("orders", "FAILED", "1 minute");
        inboxRow("orders", "PROCESSED", "3 hours");
        outboxRow("items", "PENDING", "5 hours");

        MessageBacklog.Snapshot read = backlog.read();
        assertEquals(2, read.outbox().pending());
        assertEquals(1, read.outbox().failed());
        Duration age = read.outbox().oldestPendingAge();
        assertTrue(age.compareTo(Duration.ofSeconds(90)) >= 0 && age.compareTo(Duration.ofSeconds(120)) < 0,
                age::toString);
        assertEquals(new MessageBacklog.Rows(0, Duration.ZERO, 1), read.inbox(), "no pending inbox rows: age 0");
    }
}
