package dev.kurir.application.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InboxHandler;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.handler.InvalidMessageException;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.in.UnstorableDeliveryException;
import dev.kurir.application.shared.port.out.DatabaseUnavailableException;
import dev.kurir.application.shared.port.out.UnitOfWork.CommitOutcomeUnknownException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The inbox's guards against applying a message twice, or counting attempts that were never made. */
class InboxServiceTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final String WORKER = "items-inbox-1@test";

    private final ManualClock clock = new ManualClock();
    private final InMemoryUnitOfWork unitOfWork = new InMemoryUnitOfWork();
    private final InMemoryInboxStore store = new InMemoryInboxStore(unitOfWork, clock);
    /** The handler's committed effects: what "applied" means here. */
    private final List<UUID> applied = new CopyOnWriteArrayList<>();
    private final List<String> told = new CopyOnWriteArrayList<>();
    private volatile InboxHandler behaviour = message -> Handled.APPLIED;

    private final InboxService inbox = new InboxService("items", store,
            Map.<String, InboxHandler>of("order.created", this::handle), unitOfWork,
            new MessagingSettings(1, 1, 100, 100, Duration.ofMillis(10), 2, Duration.ofSeconds(1), LEASE),
            new Recorder(), MessagingTracing.NONE, clock);

    private Handled handle(InboxMessage message) {
        Handled outcome = behaviour.handle(message);
        unitOfWork.write(() -> applied.add(message.messageId()));
        return outcome;
    }

    private final class Recorder implements MessagingListener {
        @Override
        public void processed(String module, String workerId, InboxMessage message, Duration took) {
            told.add("processed " + message.messageId());
        }

        @Override
        public void processingFailed(String module, String workerId, InboxMessage message, String reason,
                                     boolean willRetry) {
            told.add((willRetry ? "will retry " : "failed ") + message.messageId());
        }

        @Override
        public void databaseUnavailable(String module, String workerId, String reason) {
            told.add("database unavailable");
        }
    }

    private static IncomingDelivery delivery() {
        return new IncomingDelivery(UUID.randomUUID(), "order.created", 1, "order-service", "orders",
                "order.created", "{}", null);
    }

    private IncomingDelivery pending() {
        IncomingDelivery delivery = delivery();
        assertTrue(store.record(delivery));
        return delivery;
    }

    // ---- the consumer's path: applied in the transaction that stores the delivery

    @Test
    void receive_appliesTheDeliveryOnce() {
        IncomingDelivery delivery = delivery();

        assertTrue(inbox.receive(delivery));
        assertFalse(inbox.receive(delivery), "a duplicate");

        assertEquals(List.of(delivery.messageId()), applied);
        assertEquals("PROCESSED", store.row(delivery).status);
    }

    @Test
    void receive_whenTheCommitsOutcomeIsUnknown_rethrows_andRecordsNoFailedAttempt() {
        unitOfWork.commitOutcomeUnknown = true;
        IncomingDelivery delivery = delivery();

        assertThrows(CommitOutcomeUnknownException.class, () -> inbox.receive(delivery));

        // Recording a failed attempt now could store PENDING a message whose effects did commit: a second run.
        assertTrue(store.find(delivery).isEmpty(), "left to the broker's redelivery");
        assertEquals(List.of(), told);
    }

    @Test
    void receive_ofAnInvalidMessage_storesItFailedAtOnce() {
        behaviour = message -> {
            throw new InvalidMessageException("no order_id");
        };
        IncomingDelivery delivery = delivery();

        assertTrue(inbox.receive(delivery));

        InMemoryInboxStore.Row row = store.row(delivery);
        assertEquals("FAILED", row.status);
        assertEquals("no order_id", row.error);
        assertEquals(List.of("failed " + delivery.messageId()), told);
        assertEquals(List.of(), applied);
    }

    @Test
    void reads_onlyTheMajorVersionItsHandlerReads_ofATypeItHandles() {
        assertTrue(inbox.reads("order.created", 1));
        assertFalse(inbox.reads("order.created", 2));
        assertFalse(inbox.reads("stock.reserved", 1));
    }

    @Test
    void aStoredMessageOfAnUnknownMajorVersion_isFailed_withTheReason_andNeverHandled() {
        IncomingDelivery delivery = new IncomingDelivery(UUID.randomUUID(), "order.created", 2, "order-service",
                "orders", "order.created", "{}", null);

        assertTrue(inbox.receive(delivery));

        InMemoryInboxStore.Row row = store.row(delivery);
        assertEquals("FAILED", row.status);
        assertEquals("unsupported version 2 of order.created", row.error);
        assertEquals(List.of(), applied);
    }

    @Test
    void receive_whenTheHandlerFails_storesTheDeliveryForARetry_withOneAttemptCounted() {
        behaviour = message -> {
            throw new IllegalStateException("lock timeout");
        };
        IncomingDelivery delivery = delivery();

        assertTrue(inbox.receive(delivery));

        InMemoryInboxStore.Row row = store.row(delivery);
        assertEquals("PENDING", row.status);
        assertEquals(1, row.retryCount);
        assertTrue(row.nextAttemptAt.isAfter(clock.instant()));
        assertEquals(List.of("will retry " + delivery.messageId()), told);
    }

    @Test
    void receive_whenTheDatabaseIsUnavailable_rethrows_andCountsNoAttempt() {
        IncomingDelivery delivery = delivery();
        behaviour = message -> {
            throw new DatabaseUnavailableException("the database cannot be reached: connection lost", null);
        };

        assertThrows(DatabaseUnavailableException.class, () -> inbox.receive(delivery));

        assertTrue(store.find(delivery).isEmpty(), "left to the broker's redelivery, with no attempt counted");
        assertEquals(List.of("database unavailable"), told);
    }

    @Test
    void receive_ofADeliveryTheInboxRefuses_throwsItOnForTheDeadLetterQueue() {
        store.refusal = "the inbox cannot store it: invalid byte sequence (SQLSTATE 22021)";

        UnstorableDeliveryException e = assertThrows(UnstorableDeliveryException.class,
                () -> inbox.receive(delivery()));

        assertEquals("the inbox cannot store it: invalid byte sequence (SQLSTATE 22021)", e.getMessage());
        assertEquals(List.of(), told);
    }

    // ---- the workers' path: rows whose first attempt failed

    @Test
    void aWorkerWhoseLeaseWasLost_rollsBackTheHandlersEffects_andMarksNothingProcessed() {
        IncomingDelivery delivery = pending();
        behaviour = message -> {
            store.takeOver(message.id(), "items-inbox-2@elsewhere"); // the lease ran out meanwhile
            return Handled.APPLIED;
        };

        inbox.processBatch(WORKER);

        assertEquals(List.of(), applied, "rolled back: the worker now holding the row applies it");
        InMemoryInboxStore.Row row = store.row(delivery);
        assertEquals("PENDING", row.status);
        assertEquals("items-inbox-2@elsewhere", row.lockedBy);
        assertFalse(told.contains("processed " + delivery.messageId()));
    }

    @Test
    void aWorker_marksAnInvalidMessageFailedAtOnce() {
        IncomingDelivery delivery = pending();
        behaviour = message -> {
            throw new InvalidMessageException("no order o-1");
        };

        inbox.processBatch(WORKER);

        InMemoryInboxStore.Row row = store.row(delivery);
        assertEquals("FAILED", row.status);
        assertEquals(0, row.retryCount);
        assertEquals("no order o-1", row.error);
        assertEquals(List.of("failed " + delivery.messageId()), told);
    }

    @Test
    void aWorker_retriesAFailingMessageWithBackoff_thenMarksItFailed() {
        IncomingDelivery delivery = pending();
        int[] attempts = {0};
        behaviour = message -> {
            attempts[0]++;
            throw new IllegalStateException("lock timeout");
        };

        inbox.processBatch(WORKER);
        assertEquals(1, store.row(delivery).retryCount);
        inbox.processBatch(WORKER);
        assertEquals(1, attempts[0], "the retry is not due yet");

        clock.advance(Duration.ofMinutes(1));
        inbox.processBatch(WORKER);
        assertEquals(2, store.row(delivery).retryCount);
        clock.advance(Duration.ofMinutes(1));
        inbox.processBatch(WORKER);

        InMemoryInboxStore.Row row = store.row(delivery);
        assertEquals(3, attempts[0], "the first attempt and maxRetries = 2 retries");
        assertEquals("FAILED", row.status);
        assertEquals("lock timeout", row.error);
        UUID id = delivery.messageId();
        assertEquals(List.of("will retry " + id, "will retry " + id, "failed " + id), told);
    }

    @Test
    void aWorker_whenTheDatabaseIsUnavailable_countsNoAttempt_andHandsTheBatchBack() {
        List<IncomingDelivery> rows = List.of(pending(), pending(), pending());
        unitOfWork.unreachable = true;

        boolean more = inbox.processBatch(WORKER);

        for (IncomingDelivery delivery : rows) {
            InMemoryInboxStore.Row row = store.row(delivery);
            assertEquals("PENDING", row.status);
            assertEquals(0, row.retryCount, "no attempt counted");
            assertNull(row.lockedBy, "handed back, not left to its lease");
            assertFalse(row.nextAttemptAt.isAfter(clock.instant()), "due at once");
        }
        assertEquals(List.of("database unavailable"), told, "one report, and no failure of the message");
        assertTrue(more, "to be claimed again after the pause");

        unitOfWork.unreachable = false;
        inbox.processBatch(WORKER);
        assertEquals(rows.stream().map(IncomingDelivery::messageId).toList(), applied);
    }

    @Test
    void aWorker_whenTheCommitsOutcomeIsUnknown_countsNoAttempt_andHandsTheRowBack() {
        IncomingDelivery delivery = pending();
        unitOfWork.commitOutcomeUnknown = true;

        inbox.processBatch(WORKER);

        InMemoryInboxStore.Row row = store.row(delivery);
        assertEquals(0, row.retryCount, "the database failed, not the message");
        assertNull(row.lockedBy, "handed back: if the commit did go through, the row is PROCESSED and stays so");
        assertEquals(List.of("database unavailable"), told);
    }

    @Test
    void aWorker_handsTheRestOfItsBatchBack_onceHalfTheLeaseIsUsed() {
        List<IncomingDelivery> rows = List.of(pending(), pending(), pending());
        behaviour = message -> {
            clock.advance(LEASE.dividedBy(2)); // a slow handler
            return Handled.APPLIED;
        };

        assertTrue(inbox.processBatch(WORKER), "more rows are waiting");

        assertEquals(List.of(rows.get(0).messageId()), applied);
        for (IncomingDelivery delivery : rows.subList(1, 3)) {
            InMemoryInboxStore.Row row = store.row(delivery);
            assertEquals("PENDING", row.status);
            assertNull(row.lockedBy, "handed back for a claim with a fresh lease");
            assertEquals(0, row.retryCount);
        }

        inbox.processBatch(WORKER);
        inbox.processBatch(WORKER);
        assertEquals(rows.stream().map(IncomingDelivery::messageId).toList(), applied);
    }
}
