package dev.kurir.application.messaging;

import dev.kurir.application.messaging.port.out.JobTurns;
import dev.kurir.application.messaging.port.out.RetentionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes a module's settled outbox and inbox rows once they are older than the retention, in small batches with
 * a pause between them so that no batch holds locks for long or crowds out the relay.
 *
 * <p>The inbox's duplicate detection only reaches back as far as the retention: a message redelivered after its
 * row was deleted would be processed again.
 *
 * <p>Every process running the module schedules the job; per interval, the one that takes the turn runs it.
 */
public final class RetentionJob implements AutoCloseable {
    static final int BATCH_SIZE = 1_000;
    /** The job's name in the module's job turns. */
    public static final String JOB = "retention";
    private static final Duration PAUSE_BETWEEN_BATCHES = Duration.ofMillis(50);

    private final String module;
    private final RetentionStore store;
    private final JobTurns turns;
    private final Duration retention;
    private final Clock clock;
    private final MessagingTracing tracing;
    private final MessagingListener listener;
    private final ScheduledExecutorService scheduler;

    /** @param listener told how many rows a run deleted, when it deleted any, and of every failed run */
    public RetentionJob(String module, RetentionStore store, JobTurns turns, Duration retention, Clock clock,
                        MessagingTracing tracing, MessagingListener listener) {
        this.module = module;
        this.store = store;
        this.turns = turns;
        this.retention = retention;
        this.clock = clock;
        this.tracing = tracing;
        this.listener = listener;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(module + "-retention").daemon(true).factory());
    }

    /**
     * Runs now and then every {@code every}, whenever no other process ran it within {@code every}; a failed run
     * (e.g. the database is away) is reported to the listener and waits for the next one.
     */
    public void start(Duration every) {
        scheduler.scheduleWithFixedDelay(() -> runInTurn(every), 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @SuppressWarnings("try") // the scope only has to be open
    private void runInTurn(Duration every) {
        try (MessagingTracing.Scope quiet = tracing.background()) {
            if (turns.take(JOB, every)) {
                runOnce();
            }
        } catch (RuntimeException e) {
            // Not urgent, the next run retries; but told, so that a retention that never succeeds is seen.
            listener.retentionFailed(module, e);
        }
    }

    /** Deletes everything past the retention, batch by batch; returns how many rows went. */
    public int runOnce() {
        var cutoff = clock.instant().minus(retention);
        int total = 0;
        int deleted;
        do {
            deleted = store.purgeSettledBefore(cutoff, BATCH_SIZE);
            total += deleted;
            if (deleted > 0 && !sleep()) {
                break;
            }
        } while (deleted > 0 && !scheduler.isShutdown());
        if (total > 0) {
            listener.retentionPurged(module, total);
        }
        return total;
    }

    private boolean sleep() {
        try {
            Thread.sleep(PAUSE_BETWEEN_BATCHES);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
