package dev.kurir.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kurir.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RetentionIT {
    private static TestDatabase database;
    private static Jdbi jdbi;

    @BeforeAll
    static void migrate() {
        database = TestDatabase.create();
        for (ModuleSchema schema : Schemas.ALL) {
            Flyway.configure().dataSource(database.dataSource()).schemas(schema.schemaName()).createSchemas(true)
                    .locations(schema.migrationLocation()).load().migrate();
        }
        jdbi = Jdbi.create(database.dataSource());
    }

    @AfterAll
    static void drop() {
        database.close();
    }

    private static void outboxRow(String status, String age) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO orders.outbox (message_id, event_type, payload, routing_key, status, updated_at)
                        VALUES (gen_random_uuid(), 'order.created', '{}', 'order.created',
                                CAST(:status AS orders.outbox_status), now() - CAST(:age AS interval))""")
                .bind("status", status).bind("age", age).execute());
    }

    @Test
    void purge_deletesOnlySettledRowsPastTheCutoff_inBoundedBatches() {
        for (int i = 0; i < 5; i++) {
            outboxRow("SENT", "8 days");
        }
        outboxRow("SENT", "1 day");
        outboxRow("FAILED", "30 days");
        outboxRow("PENDING", "30 days");
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO orders.inbox (message_id, sender_id, event_type, payload, routing_key, status, updated_at)
                VALUES (gen_random_uuid(), 'item-service', 'stock.reserved', '{}', 'stock.reserved', 'PROCESSED',
                        now() - interval '9 days')"""));
        JdbiRetentionStore store = new JdbiRetentionStore(jdbi, Schemas.ORDERS);
        Instant cutoff = Instant.now().minusSeconds(7 * 24 * 3600);

        assertEquals(3, store.purgeSettledBefore(cutoff, 2), "2 outbox rows + 1 inbox row per batch at most");
        assertEquals(3, store.purgeSettledBefore(cutoff, 2) + store.purgeSettledBefore(cutoff, 2));
        assertEquals(0, store.purgeSettledBefore(cutoff, 2));

        List<String> left = jdbi.withHandle(h -> h.createQuery(
                "SELECT status::text FROM orders.outbox ORDER BY status").mapTo(String.class).list());
        assertEquals(List.of("FAILED", "PENDING", "SENT"), left);
        long inboxLeft = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM orders.inbox").mapTo(Long.class).one());
        assertEquals(0, inboxLeft);
    }

    @Test
    void purge_deletesADiscardedRow_aRetentionAfterItsDiscard_andNoSooner() {
        jdbi.useHandle(h -> h.execute("DELETE FROM items.outbox"));
        for (String age : List.of("8 days", "1 day")) {
            jdbi.useHandle(h -> h.createUpdate("""
                            INSERT INTO items.outbox (message_id, event_type, payload, routing_key, status, updated_at,
                                                      discarded_by, discarded_reason, discarded_at)
                            VALUES (gen_random_uuid(), 'stock.reserved', '{}', 'stock.reserved', 'DISCARDED',
                                    now() - CAST(:age AS interval), 'console@127.0.0.1', 'test',
                                    now() - CAST(:age AS interval))""")
                    .bind("age", age).execute());
        }
        JdbiRetentionStore store = new JdbiRetentionStore(jdbi, Schemas.ITEMS);

        assertEquals(1, store.purgeSettledBefore(Instant.now().minusSeconds(7 * 24 * 3600), 10));
        List<String> left = jdbi.withHandle(h -> h.createQuery(
                "SELECT status::text || ' ' || discarded_reason FROM items.outbox").mapTo(String.class).list());
        assertEquals(List.of("DISCARDED test"), left, "the discard of a day ago is kept");
    }
}
