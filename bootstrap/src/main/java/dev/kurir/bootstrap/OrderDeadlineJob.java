package dev.kurir.bootstrap;

import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.port.out.JobTurns;
import dev.kurir.application.orders.port.in.CancelOverdueOrdersUseCase;
import dev.kurir.application.orders.port.out.OrdersListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the saga deadline every tenth of it (at least every 5 s, at most every 100 ms): cancels the orders still
 * PENDING longer than the deadline. Every process running orders schedules it; per interval, the one that takes the
 * turn runs it (and were two to run at once, each would skip the orders the other is cancelling).
 *
 * <p>An outage must not cancel what it merely delayed: for a grace period after the broker or the database was last
 * seen away (half the deadline, at most 30 s: time for the relay and the inbox to catch up), only orders PENDING for
 * twice the deadline are cancelled, so that every order still ends while an outage lasts.
 */
final class OrderDeadlineJob implements AutoCloseable {
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_INTERVAL = Duration.ofSeconds(5);
    private static final Duration MAX_GRACE = Duration.ofSeconds(30);
    /** The job's name in the orders module's job turns. */
    static final String JOB = "order-deadline";

    private final Duration deadline;
    private final Duration interval;
    private final Duration grace;
    private final JobTurns turns;
    private final OrdersListener listener;
    private final MessagingTracing tracing;
    private final Clock clock;
    private final AtomicReference<Instant> lastOutage = new AtomicReference<>(Instant.MIN);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("orders-deadline").daemon(true).factory());

    OrderDeadlineJob(Duration deadline, JobTurns turns, OrdersListener listener, MessagingTracing tracing,
                     Clock clock) {
        this.deadline = deadline;
        this.interval = interval(deadline);
        this.grace = min(deadline.dividedBy(2), MAX_GRACE);
        this.turns = turns;
        this.listener = listener;
        this.tracing = tracing;
        this.clock = clock;
    }

    void start(CancelOverdueOrdersUseCase cancel) {
        long every = interval.toMillis();
        scheduler.scheduleWithFixedDelay(() -> runOnce(cancel), every, every, TimeUnit.MILLISECONDS);
    }

    /** The broker or the database was seen away just now: what it delayed gets the grace period to catch up. */
    void outageSeen() {
        lastOutage.set(clock.instant());
    }

    static Duration interval(Duration deadline) {
        return max(MIN_INTERVAL, min(deadline.dividedBy(10), MAX_INTERVAL));
    }

    /** The age past which this round cancels a PENDING order. */
    Duration cutoffAge() {
        boolean inGrace = lastOutage.get().isAfter(clock.instant().minus(grace));
        return inGrace ? deadline.multipliedBy(2) : deadline;
    }

    @SuppressWarnings("try") // the scope only has to be open
    void runOnce(CancelOverdueOrdersUseCase cancel) {
        try (MessagingTracing.Scope quiet = tracing.background()) {
            if (turns.take(JOB, interval)) {
                cancel.cancelPendingLongerThan(cutoffAge());
            }
        } catch (RuntimeException e) {
            // The database is away, most likely: the next round tries again; no order is cancelled half-way.
            outageSeen();
            listener.deadlineRoundFailed(e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
