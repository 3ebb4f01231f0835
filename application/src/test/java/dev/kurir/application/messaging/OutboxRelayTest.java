package dev.kurir.application.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.messaging.port.out.BrokerUnavailableException;
import dev.kurir.application.messaging.port.out.MessagePublisher;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import dev.kurir.application.messaging.port.out.OutboxStore;
import dev.kurir.application.messaging.port.out.PublishOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the relay takes rows handed over at commit, and how it still finds the rows nobody handed over. */
class OutboxRelayTest {
    private static final Duration NO_POLL = Duration.ofHours(1);

    private final OutboxTable table = new OutboxTable();
    private final List<OutboundMessage> published = new CopyOnWriteArrayList<>();
    private final RelayEvents events = new RelayEvents();
    private final MessagePublisher broker = batch -> {
        published.addAll(batch);
        return batch.stream().map(PublishOutcome::confirmed).toList();
    };

    private OutboxRelay relay(Duration pollInterval) {
        return relay(broker, 2, 100, pollInterval);
    }

    private OutboxRelay relay(MessagePublisher publisher, int workers, int batchSize, Duration pollInterval) {
        return new OutboxRelay("orders", table, publisher, new MessagingSettings(workers, 1, batchSize, 100,
                pollInterval, 3, Duration.ofSeconds(1), Duration.ofSeconds(30)), events, MessagingTracing.NONE,
                Clock.systemUTC());
    }

    @Test
    void rowsHandedOver_arePublishedAndMarkedSent_withoutAnyClaimBeyondTheFirst() throws InterruptedException {
        try (OutboxRelay relay = relay(NO_POLL)) {
            relay.start();
            await(() -> table.claims() == 2, "each worker claims once at start, for rows left from before");
            for (int i = 0; i < 50; i++) {
                String owner = relay.leaseOwner().orElseThrow();
                relay.committed(table.insert(owner));
            }
            await(() -> table.count("SENT") == 50, "all 50 marked SENT");
            assertEquals(50, published.size());
            assertEquals(2, table.claims(), "no claim: the rows came from the hand-over");
        }
    }

    @Test
    void rowsHandedOverDuringAPublish_goOutTogetherInTheNextBatch() throws InterruptedException {
        CountDownLatch firstPublishHeld = new CountDownLatch(1);
        CountDownLatch releaseFirstPublish = new CountDownLatch(1);
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        MessagePublisher slowBroker = batch -> {
            batchSizes.add(batch.size());
            if (batchSizes.size() == 1) {
                firstPublishHeld.countDown();
                try {
                    releaseFirstPublish.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return batch.stream().map(PublishOutcome::confirmed).toList();
        };
        try (OutboxRelay relay = relay(slowBroker, 3, 100, NO_POLL)) {
            relay.start();
            await(() -> table.claims() == 3, "the start-up claims");
            relay.committed(table.insert(relay.leaseOwner().orElseThrow()));
            firstPublishHeld.await();
            for (int i = 0; i < 10; i++) {
                relay.committed(table.insert(relay.leaseOwner().orElseThrow()));
            }
            Thread.sleep(100); // the two idle workers were woken meanwhile: they must leave the rows alone
            releaseFirstPublish.countDown();
            await(() -> table.count("SENT") == 11, "all 11 marked SENT");
            assertEquals(List.of(1, 10), batchSizes);
        }
    }

    @Test
    void aRowWrittenUnleased_isClaimedAtTheWakeUp() throws InterruptedException {
        try (OutboxRelay relay = relay(NO_POLL)) {
            relay.start();
            await(() -> table.claims() == 2, "the start-up claims");
            table.insert(null);
            relay.wakeUp();
            await(() -> table.count("SENT") == 1, "the unleased row is claimed and sent");
        }
    }

    @Test
    void aRowNobodySignalled_isFoundByThePoll() throws InterruptedException {
        try (OutboxRelay relay = relay(Duration.ofMillis(50))) {
            relay.start();
            await(() -> table.claims() >= 2, "the start-up claims");
            table.insert(null); // e.g. a retry falling due, or a row whose lease ran out: no signal comes
            await(() -> table.count("SENT") == 1, "the poll claims it");
        }
    }

    @Test
    void aHandedOverRowOlderThanHalfItsLease_isReleasedForAClaim_notPublished() throws InterruptedException {
        try (OutboxRelay relay = relay(NO_POLL)) {
            relay.start();
            await(() -> table.claims() == 2, "the start-up claims");
            // E.g. a transaction that ran long, or a queue that waited for a slow broker: its lease may run out
            // while it is published, and another relay would claim and publish it too.
            relay.committed(table.insert(relay.leaseOwner().orElseThrow(), Instant.now().minusSeconds(20)));
            await(() -> table.count("SENT") == 1, "released, then claimed and sent as an unleased row");
            assertEquals(3, table.claims(), "it went out through a claim");
        }
    }

    @Test
    void theCommitHookNeverThrows_evenWhenTheRowCannotBeReleased() {
        OutboxRelay relay = relay(NO_POLL);
        String owner = relay.leaseOwner().orElseThrow();
        relay.close();
        table.down = true;
        // After close nothing takes the row: it is released, which fails here; the lease runs out instead.
        relay.committed(table.insert(owner));
        assertEquals(0, table.claimable());
    }

    @Test
    void afterABrokerOutage_claimsStartSmallAgain() throws InterruptedException {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        MessagePublisher brokerAwayOnce = batch -> {
            attempts.add(batch.size());
            if (attempts.size() == 2) {
                throw new BrokerUnavailableException("connection refused", null);
            }
            return batch.stream().map(PublishOutcome::confirmed).toList();
        };
        try (OutboxRelay relay = relay(brokerAwayOnce, 1, 1000, NO_POLL)) {
            for (int i = 0; i < 1000; i++) {
                table.insert(null);
            }
            relay.start();
            await(() -> table.count("SENT") == 1000, "all 1,000 marked SENT");
            assertEquals(List.of(100, 200, 100, 200, 400, 200), attempts,
                    "the batch of 200 was released untouched; after the pause, claims grew again from 100");
        }
    }

    @Test
    void aMessageReturnedAsUnroutable_waitsWithoutUsingARetry_andGoesOutOnceTheRouteIsBack()
            throws InterruptedException {
        AtomicBoolean routed = new AtomicBoolean();
        MessagePublisher broker = batch -> batch.stream().map(message -> routed.get()
                ? PublishOutcome.confirmed(message)
                : PublishOutcome.unroutable(message, "unroutable: no queue bound to exchange orders")).toList();
        long id = table.insert(null).id();
        try (OutboxRelay relay = relay(broker, 1, 100, Duration.ofMillis(20))) {
            relay.start();
            await(() -> events.count("publishUnroutable") == 1, "the return was reported");
            Thread.sleep(200); // ten polls: none may take the row before its pause is over
            assertEquals("PENDING 0 unroutable: no queue bound to exchange orders", table.row(id));
            assertEquals(0, table.claimable(), "postponed, not released at once");
            assertEquals(1, events.count("publishUnroutable"));

            routed.set(true);
            table.makeDue(); // as if the pause had passed
            // The row is marked SENT before the listener hears of it: wait for both.
            await(() -> table.count("SENT") == 1 && events.count("published") == 1, "sent once the route is back");
            assertEquals(List.of("publishUnroutable", "published"), events.names());
        }
    }

    @Test
    void aMessageTheBrokerNacked_isAFailedAttempt() throws InterruptedException {
        MessagePublisher broker = batch -> batch.stream()
                .map(message -> PublishOutcome.failed(message, "nacked by the broker")).toList();
        long id = table.insert(null).id();
        try (OutboxRelay relay = relay(broker, 1, 100, NO_POLL)) {
            relay.start();
            await(() -> events.count("publishFailed") == 1, "the failed attempt was reported");
            assertEquals("PENDING 1 nacked by the broker", table.row(id));
            assertEquals(List.of("publishFailed willRetry=true"), events.all());
        }
    }

    @Test
    void confirmedRows_areMarkedSent_evenWhenRecordingAnotherRowsFailureFails() throws InterruptedException {
        long nacked = table.insert(null).id();
        long confirmed = table.insert(null).id();
        MessagePublisher broker = batch -> batch.stream().map(message -> message.id() == nacked
                ? PublishOutcome.failed(message, "nacked by the broker") : PublishOutcome.confirmed(message)).toList();
        table.attemptsDown = true;
        try (OutboxRelay relay = relay(broker, 1, 100, NO_POLL)) {
            relay.start();
            await(() -> table.row(confirmed).startsWith("SENT"), "the confirmed row marked SENT");
            assertEquals(1, events.count("published"), "published once, not again after its lease");
        }
    }

    @Test
    void confirmsThatTimeOut_releaseTheBatchUntouched_andItIsSentAgain_countedOnce() throws InterruptedException {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        MessagePublisher slowToConfirm = batch -> {
            attempts.add(batch.size());
            if (attempts.size() == 1) {
                throw new BrokerUnavailableException("the broker did not confirm 3 of 3 messages within 10000 ms",
                        null);
            }
            return batch.stream().map(PublishOutcome::confirmed).toList();
        };
        List<Long> ids = List.of(table.insert(null).id(), table.insert(null).id(), table.insert(null).id());
        try (OutboxRelay relay = relay(slowToConfirm, 1, 100, NO_POLL)) {
            relay.start();
            await(() -> table.count("SENT") == 3, "all three sent after the time-out");
            assertEquals(List.of(3, 3), attempts, "the whole batch again, after the pause");
            for (long id : ids) {
                assertEquals("SENT 0 null", table.row(id), "no attempt counted");
            }
            assertEquals(List.of("brokerUnavailable", "published", "published", "published"), events.names());
        }
    }

    @ParameterizedTest(name = "claim batch {0}")
    @ValueSource(ints = {100, 1000})
    void noLeaseIsOffered_onceHalfTheHandOverQueueIsTaken(int relayBatchSize) {
        // not started: nothing drains the queue
        OutboxRelay relay = relay(broker, 2, relayBatchSize, NO_POLL);
        for (int i = 0; i < 500; i++) {
            relay.committed(table.insert(relay.leaseOwner().orElseThrow()));
        }
        assertTrue(relay.leaseOwner().isPresent(), "500 of 1,000 places taken: still room");
        relay.committed(table.insert(relay.leaseOwner().orElseThrow()));
        assertTrue(relay.leaseOwner().isEmpty(), "more than half taken: new rows are written unleased");
        relay.close();
    }

    @Test
    void aBacklog_isClaimedInGrowingBatches_andHandedOverRowsInSmallRounds() throws InterruptedException {
        List<Integer> claimed = new CopyOnWriteArrayList<>();
        List<Integer> handedOver = new CopyOnWriteArrayList<>();
        MessagePublisher countingBroker = batch -> {
            // rows 1,501 to 1,750 are the handed-over ones
            boolean handed = batch.getFirst().id() > 1500 && batch.getFirst().id() <= 1750;
            (handed ? handedOver : claimed).add(batch.size());
            return batch.stream().map(PublishOutcome::confirmed).toList();
        };
        try (OutboxRelay relay = relay(countingBroker, 1, 1000, NO_POLL)) {
            for (int i = 0; i < 1500; i++) {
                table.insert(null); // a backlog from before the start
            }
            for (int i = 0; i < 250; i++) {
                relay.committed(table.insert(relay.leaseOwner().orElseThrow()));
            }
            relay.start(); // one worker: one batch at a time
            await(() -> table.count("SENT") == 1750, "all 1,750 marked SENT");
            assertEquals(List.of(100, 200, 400, 800), claimed, "the backlog in claims that double while full");
            assertEquals(List.of(100, 100, 50), handedOver, "the handed-over rows in rounds of 100");

            await(() -> table.claims() == 5, "the claim of 1,000 that finds the backlog gone");
            claimed.clear();
            for (int i = 0; i < 150; i++) {
                table.insert(null);
            }
            relay.wakeUp();
            await(() -> table.count("SENT") == 1900, "the next 150 marked SENT");
            assertEquals(List.of(100, 50), claimed, "after a claim that was not full, claims start small again");
        }
    }

    @Test
    void closing_freesTheRowsStillWaitingToBePublished() {
        OutboxRelay relay = relay(NO_POLL);
        for (int i = 0; i < 3; i++) {
            relay.committed(table.insert(relay.leaseOwner().orElseThrow()));
        }
        relay.close();
        assertEquals(3, table.claimable(), "released for the next relay to claim");
        assertTrue(relay.leaseOwner().isEmpty(), "a closed relay takes nothing more");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 10 s: " + what);
            Thread.sleep(5);
        }
    }

    /** What the relay told its listener, in order. */
    private static final class RelayEvents implements MessagingListener {
        private final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void published(String module, String workerId, OutboundMessage message, Duration lag) {
            calls.add("published");
        }

        @Override
        public void publishFailed(String module, String workerId, OutboundMessage message, String reason,
                                  boolean willRetry) {
            calls.add("publishFailed willRetry=" + willRetry);
        }

        @Override
        public void publishUnroutable(String module, String workerId, OutboundMessage message, String reason) {
            calls.add("publishUnroutable");
        }

        @Override
        public void brokerUnavailable(String module, String workerId, String reason) {
            calls.add("brokerUnavailable");
        }

        List<String> all() {
            return List.copyOf(calls);
        }

        List<String> names() {
            return calls.stream().map(call -> call.split(" ")[0]).toList();
        }

        long count(String name) {
            return names().stream().filter(name::equals).count();
        }
    }

    /** The outbox table's lease protocol in memory: enough to see which rows the relay claims and settles. */
    private static final class OutboxTable implements OutboxStore {
        private final Map<Long, Row> rows = new LinkedHashMap<>();
        private long nextId = 1;
        private int claims;
        volatile boolean down;
        /** Recording a failed or returned attempt fails (the database went away after the publish). */
        volatile boolean attemptsDown;

        private static final class Row {
            final OutboundMessage message;
            String status = "PENDING";
            String lockedBy;
            int retryCount;
            String error;
            Instant nextAttemptAt = Instant.EPOCH;

            Row(OutboundMessage message, String lockedBy) {
                this.message = message;
                this.lockedBy = lockedBy;
            }

            boolean claimable() {
                return status.equals("PENDING") && lockedBy == null && !nextAttemptAt.isAfter(Instant.now());
            }
        }

        synchronized OutboundMessage insert(String leaseOwner) {
            return insert(leaseOwner, Instant.now());
        }

        synchronized OutboundMessage insert(String leaseOwner, Instant createdAt) {
            long id = nextId++;
            OutboundMessage message = new OutboundMessage(id, UUID.randomUUID(), "order.created", 1, "orders",
                    "order.created", "{}", 0, createdAt, null);
            rows.put(id, new Row(message, leaseOwner));
            return message;
        }

        synchronized int claims() {
            return claims;
        }

        synchronized long count(String status) {
            return rows.values().stream().filter(row -> row.status.equals(status)).count();
        }

        synchronized long claimable() {
            return rows.values().stream().filter(Row::claimable).count();
        }

        /** Status, retry count and error of a row, e.g. {@code PENDING 1 nacked by the broker}. */
        synchronized String row(long id) {
            Row row = rows.get(id);
            return row.status + " " + row.retryCount + " " + row.error;
        }

        /** Makes every postponed or retried row due now, as if its pause had passed. */
        synchronized void makeDue() {
            rows.values().forEach(row -> row.nextAttemptAt = Instant.EPOCH);
        }

        @Override
        public synchronized List<OutboundMessage> claim(String workerId, int limit, Duration lease) {
            claims++;
            List<OutboundMessage> claimed = new ArrayList<>();
            for (Row row : rows.values()) {
                if (claimed.size() < limit && row.claimable()) {
                    row.lockedBy = workerId;
                    OutboundMessage m = row.message;
                    claimed.add(new OutboundMessage(m.id(), m.messageId(), m.eventType(), m.eventVersion(), m.exchange(),
                            m.routingKey(), m.payloadJson(), row.retryCount, m.createdAt(), m.traceparent()));
                }
            }
            return claimed;
        }

        @Override
        public synchronized void markSent(String workerId, List<Long> ids) {
            settle(workerId, ids, "SENT", 0, null, Instant.EPOCH);
        }

        @Override
        public synchronized void scheduleRetry(String workerId, long id, String error, Instant nextAttemptAt) {
            if (attemptsDown) {
                throw new IllegalStateException("the database is down");
            }
            settle(workerId, List.of(id), "PENDING", 1, error, nextAttemptAt);
        }

        @Override
        public synchronized void postpone(String workerId, long id, String error, Instant nextAttemptAt) {
            settle(workerId, List.of(id), "PENDING", 0, error, nextAttemptAt);
        }

        @Override
        public synchronized void markFailed(String workerId, long id, String error) {
            settle(workerId, List.of(id), "FAILED", 0, error, Instant.EPOCH);
        }

        @Override
        public synchronized void release(String workerId, List<Long> ids) {
            settle(workerId, ids, "PENDING", 0, null, Instant.EPOCH);
        }

        private void settle(String workerId, List<Long> ids, String status, int attempts, String error,
                            Instant nextAttemptAt) {
            if (down) {
                throw new IllegalStateException("the database is down");
            }
            for (long id : ids) {
                Row row = rows.get(id);
                if (row.status.equals("PENDING") && workerId.equals(row.lockedBy)) {
                    row.status = status;
                    row.lockedBy = null;
                    row.retryCount += attempts;
                    if (error != null) {
                        row.error = error;
                    }
                    row.nextAttemptAt = nextAttemptAt;
                }
            }
        }
    }
}
