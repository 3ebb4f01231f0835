package dev.kurir.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.in.UnstorableDeliveryException;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import dev.kurir.application.shared.port.out.Outbox;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import dev.kurir.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lease protocol of the outbox and inbox tables, against a real PostgreSQL. */
class MessageStoresIT {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static TestDatabase database;
    private static Jdbi jdbi;

    private final JdbiOutboxStore outbox = new JdbiOutboxStore(jdbi, Schemas.ORDERS);
    private final JdbiInboxStore inbox = new JdbiInboxStore(jdbi, Schemas.ITEMS);

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

    @BeforeEach
    void empty() {
        jdbi.useHandle(h -> h.execute("TRUNCATE orders.outbox, items.inbox"));
    }

    private void appendOutbox(int count) {
        appendOutbox(count, RecordingHandOff.full());
    }

    private void appendOutbox(int count, RecordingHandOff relay) {
        Outbox writer = relay.ordersOutbox(jdbi);
        new JdbiUnitOfWork(jdbi).inTransaction(() -> {
            for (int i = 0; i < count; i++) {
                writer.append(new OutgoingMessage(UUID.randomUUID(), "order.created", 1, "orders",
                        "order.created", Map.of("order_id", "o-" + i)));
            }
            return null;
        });
    }

    private Map<String, Object> outboxRow(long id) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT status::text AS status, retry_count, error, locked_by, next_attempt_at > now() AS later
                FROM orders.outbox WHERE id = :id""").bind("id", id).mapToMap().one());
    }

    @Test
    void claim_leasesDueRowsOldestFirst_andSkipsLeasedOnes() {
        appendOutbox(5);
        List<OutboundMessage> first = outbox.claim("w1", 3, LEASE);
        List<OutboundMessage> second = outbox.claim("w2", 3, LEASE);
        assertEquals(3, first.size());
        assertEquals(2, second.size());
        assertTrue(first.get(0).id() < first.get(1).id());
        assertTrue(first.get(2).id() < second.get(0).id());
        assertTrue(outbox.claim("w3", 3, LEASE).isEmpty(), "everything is leased");
        assertEquals("{\"order_id\": \"o-0\"}", first.get(0).payloadJson());
    }

    @Test
    void concurrentClaims_neverShareARow() throws Exception {
        appendOutbox(200);
        ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            String worker = "w" + w;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                List<OutboundMessage> batch;
                while (!(batch = outbox.claim(worker, 7, LEASE)).isEmpty()) {
                    batch.forEach(m -> claimed.add(m.id()));
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(200, claimed.size());
        assertEquals(200, new HashSet<>(claimed).size(), "no row claimed twice");
    }

    @Test
    void anExpiredLease_isReclaimed_andTheOldHolderCanNoLongerSettleIt() {
        appendOutbox(1);
        OutboundMessage message = outbox.claim("crashed", 1, LEASE).get(0);
        assertTrue(outbox.claim("other", 1, LEASE).isEmpty(), "a live lease is respected");
        jdbi.useHandle(h -> h.execute("UPDATE orders.outbox SET locked_at = now() - interval '1 minute'"));

        OutboundMessage reclaimed = outbox.claim("other", 1, LEASE).get(0);
        assertEquals(message.id(), reclaimed.id());
        outbox.markSent("crashed", List.of(message.id()));
        assertEquals("PENDING", outboxRow(message.id()).get("status"), "the old holder's settle is ignored");
        outbox.markSent("other", List.of(message.id()));
        assertEquals("SENT", outboxRow(message.id()).get("status"));
        assertEquals(null, outboxRow(message.id()).get("locked_by"));
    }

    @Test
    void aRowWrittenLeased_isHandedOverAfterCommit_andNoClaimTakesIt_untilTheLeaseRunsOut() {
        RecordingHandOff relay = RecordingHandOff.leasingTo("orders-relay@1");
        appendOutbox(2, relay);

        assertEquals(0, relay.wakeUps.get(), "handed over, not claimed: nobody needs waking for a claim");
        assertEquals(2, relay.committed.size());
        OutboundMessage first = relay.committed.get(0);
        assertEquals("{\"order_id\":\"o-0\"}", first.payloadJson());
        assertEquals("orders-relay@1", outboxRow(first.id()).get("locked_by"));
        assertTrue(outbox.claim("w1", 10, LEASE).isEmpty(), "a live lease is respected");

        outbox.markSent("orders-relay@1", List.of(first.id()));
        assertEquals("SENT", outboxRow(first.id()).get("status"));
        jdbi.useHandle(h -> h.execute("UPDATE orders.outbox SET locked_at = now() - interval '1 minute'"));
        List<OutboundMessage> reclaimed = outbox.claim("w1", 10, LEASE);
        assertEquals(1, reclaimed.size(), "the other row's process died: its lease ran out and a claim takes it");
        OutboundMessage second = relay.committed.get(1);
        assertEquals(List.of(second.id(), second.messageId(), second.createdAt(), second.retryCount()),
                List.of(reclaimed.get(0).id(), reclaimed.get(0).messageId(), reclaimed.get(0).createdAt(),
                        reclaimed.get(0).retryCount()), "the handed-over row is the row as stored");
    }

    @Test
    void aRowWrittenLeased_inATransactionThatRollsBack_isNeitherStoredNorHandedOver() {
        RecordingHandOff relay = RecordingHandOff.leasingTo("orders-relay@1");
        Outbox writer = relay.ordersOutbox(jdbi);
        try {
            new JdbiUnitOfWork(jdbi).inTransaction(() -> {
                writer.append(new OutgoingMessage(UUID.randomUUID(), "order.created", 1, "orders",
                        "order.created", Map.of("order_id", "o-1")));
                throw new IllegalStateException("the business change failed");
            });
        } catch (IllegalStateException expected) {
            // the point of the test
        }
        assertTrue(relay.committed.isEmpty());
        long rows = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM orders.outbox").mapTo(Long.class).one());
        assertEquals(0, rows);
    }

    @Test
    void scheduleRetry_countsTheAttempt_andHidesTheRowUntilDue() {
        appendOutbox(1);
        OutboundMessage message = outbox.claim("w1", 1, LEASE).get(0);
        outbox.scheduleRetry("w1", message.id(), "nacked by the broker", Instant.now().plusSeconds(60));
        Map<String, Object> row = outboxRow(message.id());
        assertEquals("PENDING", row.get("status"));
        assertEquals(1, row.get("retry_count"));
        assertEquals("nacked by the broker", row.get("error"));
        assertEquals(true, row.get("later"));
        assertTrue(outbox.claim("w1", 1, LEASE).isEmpty(), "not due yet");

        jdbi.useHandle(h -> h.execute("UPDATE orders.outbox SET next_attempt_at = now()"));
        OutboundMessage again = outbox.claim("w1", 1, LEASE).get(0);
        assertEquals(1, again.retryCount());
        outbox.markFailed("w1", again.id(), "gave up");
        assertEquals("FAILED", outboxRow(again.id()).get("status"));
        assertTrue(outbox.claim("w1", 1, LEASE).isEmpty(), "FAILED rows are never claimed");
    }

    @Test
    void postpone_hidesTheRowUntilDue_withoutCountingAnAttempt() {
        appendOutbox(1);
        OutboundMessage message = outbox.claim("w1", 1, LEASE).get(0);
        outbox.postpone("w1", message.id(), "unroutable: no queue bound", Instant.now().plusSeconds(60));
        Map<String, Object> row = outboxRow(message.id());
        assertEquals("PENDING", row.get("status"));
        assertEquals(0, row.get("retry_count"));
        assertEquals("unroutable: no queue bound", row.get("error"));
        assertEquals(true, row.get("later"));
        assertTrue(outbox.claim("w1", 1, LEASE).isEmpty(), "not due yet");

        jdbi.useHandle(h -> h.execute("UPDATE orders.outbox SET next_attempt_at = now()"));
        assertEquals(0, outbox.claim("w2", 1, LEASE).get(0).retryCount());
    }

    @Test
    void release_freesRowsWithoutCountingAnAttempt() {
        appendOutbox(2);
        List<OutboundMessage> batch = outbox.claim("w1", 2, LEASE);
        outbox.release("w1", batch.stream().map(OutboundMessage::id).toList());
        assertEquals(0, outboxRow(batch.get(0).id()).get("retry_count"));
        assertEquals(2, outbox.claim("w2", 2, LEASE).size());
    }

    private static IncomingDelivery delivery(UUID messageId) {
        return new IncomingDelivery(messageId, "order.created", 1, "order-service", "orders", "order.created",
                "{\"order_id\":\"o-1\",\"items\":[{\"sku\":\"A\",\"quantity\":2}]}", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    @Test
    void inbox_recordsEachMessageIdOnce_andHandsOutParsedPayloads() {
        UUID id = UUID.randomUUID();
        assertTrue(inbox.record(delivery(id)));
        assertFalse(inbox.record(delivery(id)), "a duplicate message id is ignored");

        List<InboxMessage> claimed = inbox.claim("w1", 10, LEASE);
        assertEquals(1, claimed.size());
        InboxMessage message = claimed.get(0);
        assertEquals(id, message.messageId());
        assertEquals("order-service", message.senderId());
        assertEquals("o-1", message.payload().get("order_id"));
        assertEquals(List.of(Map.of("sku", "A", "quantity", 2)), message.payload().get("items"));
        assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", message.traceparent());
    }

    @Test
    void inbox_markProcessed_failsOnceTheLeaseWasLost() {
        inbox.record(delivery(UUID.randomUUID()));
        InboxMessage message = inbox.claim("slow", 1, LEASE).get(0);
        jdbi.useHandle(h -> h.execute("UPDATE items.inbox SET locked_at = now() - interval '1 minute'"));
        InboxMessage taken = inbox.claim("fast", 1, LEASE).get(0);

        assertFalse(inbox.markProcessed("slow", message.id()));
        assertTrue(inbox.markProcessed("fast", taken.id()));
        Set<String> statuses = new HashSet<>(jdbi.withHandle(h -> h.createQuery(
                "SELECT status::text FROM items.inbox").mapTo(String.class).list()));
        assertEquals(Set.of("PROCESSED"), statuses);
    }

    private List<Map<String, Object>> inboxRows() {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT message_id, status::text AS status, retry_count, error, next_attempt_at > now() AS later
                FROM items.inbox ORDER BY id""").mapToMap().list());
    }

    @Test
    void inbox_insertProcessed_returnsTheRowOnce_andRollsBackWithTheHandlersTransaction() {
        UUID id = UUID.randomUUID();
        JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(jdbi);
        try {
            unitOfWork.inTransaction(() -> {
                assertTrue(inbox.insertProcessed(delivery(id)).isPresent());
                throw new IllegalStateException("the handler failed");
            });
        } catch (IllegalStateException expected) {
            assertEquals("the handler failed", expected.getMessage());
        }
        assertEquals(List.of(), inboxRows(), "the row went with the handler's effects");

        InboxMessage message = unitOfWork.inTransaction(() -> inbox.insertProcessed(delivery(id))).orElseThrow();
        assertEquals(id, message.messageId());
        assertEquals("o-1", message.payload().get("order_id"));
        assertEquals(0, message.retryCount());
        assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", message.traceparent());
        assertTrue(unitOfWork.inTransaction(() -> inbox.insertProcessed(delivery(id))).isEmpty(),
                "a duplicate message id is not applied again");
        assertFalse(inbox.record(delivery(id)));
        assertEquals(List.of("PROCESSED"), inboxRows().stream().map(row -> row.get("status")).toList());
        assertEquals(List.of(), inbox.claim("w1", 10, LEASE), "nothing left for the workers");
    }

    @Test
    void inbox_recordFailedAttempt_countsOneAttempt_orGivesUp() {
        UUID retried = UUID.randomUUID();
        UUID givenUp = UUID.randomUUID();
        assertTrue(inbox.recordFailedAttempt(delivery(retried), "lock timeout", Optional.of(Instant.now().plusSeconds(60))));
        assertTrue(inbox.recordFailedAttempt(delivery(givenUp), "x".repeat(5000), Optional.empty()));
        assertFalse(inbox.recordFailedAttempt(delivery(retried), "again", Optional.empty()), "a duplicate is ignored");

        List<Map<String, Object>> rows = inboxRows();
        assertEquals(Map.of("message_id", retried, "status", "PENDING", "retry_count", 1, "error", "lock timeout",
                "later", true), rows.get(0));
        assertEquals("FAILED", rows.get(1).get("status"));
        assertEquals(0, rows.get(1).get("retry_count"));
        assertTrue(((String) rows.get(1).get("error")).length() < 2100, "the error is truncated");
        assertEquals(List.of(), inbox.claim("w1", 10, LEASE), "the retry is not due yet");
    }

    @Test
    void inbox_insertsOfDataPostgresRefuses_throwUnstorableDelivery_andWriteNothing() {
        UUID id = UUID.randomUUID();
        // JSON allows an escaped NUL character, jsonb does not; text columns refuse a NUL byte.
        IncomingDelivery nulInPayload = new IncomingDelivery(id, "order.created", 1, "order-service", "orders",
                "order.created", "{\"customer_id\":\"a\\u0000b\"}", null);
        IncomingDelivery nulInSender = new IncomingDelivery(id, "order.created", 1, "order\0service", "orders",
                "order.created", "{}", null);
        IncomingDelivery nulInTraceparent = new IncomingDelivery(id, "order.created", 1, "order-service", "orders",
                "order.created", "{}", "00-\0");
        JdbiUnitOfWork unitOfWork = new JdbiUnitOfWork(jdbi);

        UnstorableDeliveryException refused = assertThrows(UnstorableDeliveryException.class,
                () -> unitOfWork.inTransaction(() -> inbox.insertProcessed(nulInPayload)));
        assertEquals("the inbox cannot store it: unsupported Unicode escape sequence (SQLSTATE 22P05)",
                refused.getMessage());
        assertTrue(assertThrows(UnstorableDeliveryException.class, () -> inbox.record(nulInSender)).getMessage()
                .endsWith("(SQLSTATE 22021)"));
        assertTrue(assertThrows(UnstorableDeliveryException.class, () -> inbox.recordFailedAttempt(nulInTraceparent,
                "handler failed", Optional.of(Instant.now()))).getMessage().endsWith("(SQLSTATE 22021)"));
        assertEquals(List.of(), inboxRows());
    }

    @Test
    void inbox_aUniqueViolationOfTheDatabasesOwn_isNoPoison() {
        inbox.record(delivery(UUID.randomUUID()));
        // A sequence behind its table, as after a restore: the next insert collides on the id, whatever the message.
        jdbi.useHandle(h -> h.createQuery("SELECT setval(pg_get_serial_sequence('items.inbox', 'id'), "
                + "(SELECT max(id) FROM items.inbox), false)").mapTo(Long.class).one());

        RuntimeException failure = assertThrows(RuntimeException.class, () -> inbox.record(delivery(UUID.randomUUID())));
        assertFalse(failure instanceof UnstorableDeliveryException, "not dead-lettered: " + failure);
    }

    @Test
    void inbox_anErrorTextWithANulCharacter_isStoredWithoutIt() {
        UUID id = UUID.randomUUID();
        inbox.record(delivery(id));
        long rowId = inbox.claim("w1", 1, LEASE).get(0).id();
        inbox.scheduleRetry("w1", rowId, "customer a\0b unknown", Instant.now());
        assertTrue(inbox.recordFailedAttempt(delivery(UUID.randomUUID()), "stock service said \0", Optional.empty()));

        assertEquals(List.of("customer a\\0b unknown", "stock service said \\0"),
                inboxRows().stream().map(row -> row.get("error")).toList());
    }
}
