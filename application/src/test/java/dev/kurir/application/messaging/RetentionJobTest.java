package dev.kurir.application.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.messaging.port.out.JobTurns;
import dev.kurir.application.messaging.port.out.RetentionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetentionJobTest {
    private static final JobTurns ALWAYS_MY_TURN = (job, interval) -> true;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);

    /** Records what the job reports, for the test thread to wait on. */
    private static final class Reports implements MessagingListener {
        final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

        @Override
        public void retentionPurged(String module, int rows) {
            seen.add(module + " purged " + rows);
        }

        @Override
        public void retentionFailed(String module, RuntimeException error) {
            seen.add(module + " failed: " + error.getMessage());
        }

        String next() throws InterruptedException {
            String report = seen.poll(10, TimeUnit.SECONDS);
            assertTrue(report != null, "the job reported nothing within 10 s");
            return report;
        }
    }

    /** Answers each call with the next outcome: a row count, or an exception to throw. */
    private static RetentionStore store(List<Object> outcomes) {
        Deque<Object> left = new ArrayDeque<>(outcomes);
        return (cutoff, limit) -> {
            Object outcome = left.isEmpty() ? 0 : left.poll();
            if (outcome instanceof RuntimeException e) {
                throw e;
            }
            return (Integer) outcome;
        };
    }

    @Test
    void aFailingRun_isReported_andTheNextRunStillRuns() throws InterruptedException {
        Reports reports = new Reports();
        RetentionStore store = store(List.of(new IllegalStateException("relation \"orders.outbox\" does not exist"),
                7, 0));
        try (RetentionJob job = new RetentionJob("orders", store, ALWAYS_MY_TURN, Duration.ofDays(7), CLOCK, MessagingTracing.NONE,
                reports)) {
            job.start(Duration.ofMillis(20));
            assertEquals("orders failed: relation \"orders.outbox\" does not exist", reports.next());
            assertEquals("orders purged 7", reports.next());
        }
    }

    @Test
    void runOnce_deletesBatchByBatch_andReportsTheTotal() {
        Reports reports = new Reports();
        try (RetentionJob job = new RetentionJob("items", store(List.of(RetentionJob.BATCH_SIZE, 3, 0)),
                ALWAYS_MY_TURN, Duration.ofDays(7), CLOCK, MessagingTracing.NONE, reports)) {
            assertEquals(RetentionJob.BATCH_SIZE + 3, job.runOnce());
        }
        assertEquals(List.of("items purged " + (RetentionJob.BATCH_SIZE + 3)), List.copyOf(reports.seen));
    }

    @Test
    void whileAnotherProcessHasTheTurn_nothingIsPurged() throws InterruptedException {
        Reports reports = new Reports();
        CountDownLatch asked = new CountDownLatch(3);
        List<String> jobsAsked = new CopyOnWriteArrayList<>();
        JobTurns othersTurn = (job, interval) -> {
            jobsAsked.add(job + " every " + interval.toMillis() + "ms");
            asked.countDown();
            return false;
        };
        RetentionStore store = (cutoff, limit) -> {
            throw new AssertionError("purged without the turn");
        };
        try (RetentionJob job = new RetentionJob("orders", store, othersTurn, Duration.ofDays(7), CLOCK,
                MessagingTracing.NONE, reports)) {
            job.start(Duration.ofMillis(20));
            assertTrue(asked.await(5, TimeUnit.SECONDS), "the job asked for its turn");
        }
        assertEquals("retention every 20ms", jobsAsked.getFirst());
        assertTrue(reports.seen.isEmpty(), "nothing purged, nothing failed: " + reports.seen);
    }
}
