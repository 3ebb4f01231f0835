package dev.kurir.bootstrap;

import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.orders.port.in.CancelOverdueOrdersUseCase;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the saga deadline: every tenth of the deadline (at least every 5 s, at most every 100 ms), cancels the
 * orders still PENDING past it, batch by batch. Several processes may run it at once: each skips the orders another
 * is cancelling.
 */
final class OrderDeadlineJob implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OrderDeadlineJob.class);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_INTERVAL = Duration.ofSeconds(5);

    private final CancelOverdueOrdersUseCase deadline;
    private final MessagingTracing tracing;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("orders-deadline").daemon(true).factory());

    private OrderDeadlineJob(CancelOverdueOrdersUseCase deadline, MessagingTracing tracing) {
        this.deadline = deadline;
        this.tracing = tracing;
    }

    static OrderDeadlineJob start(CancelOverdueOrdersUseCase deadline, Duration orderDeadline,
                                  MessagingTracing tracing) {
        OrderDeadlineJob job = new OrderDeadlineJob(deadline, tracing);
        long every = interval(orderDeadline).toMillis();
        job.scheduler.scheduleWithFixedDelay(job::runSafely, every, every, TimeUnit.MILLISECONDS);
        return job;
    }

    static Duration interval(Duration orderDeadline) {
        Duration tenth = orderDeadline.dividedBy(10);
        return tenth.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : tenth.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : tenth;
    }

    @SuppressWarnings("try") // the scope only has to be open
    private void runSafely() {
        try (MessagingTracing.Scope quiet = tracing.background()) {
            while (!scheduler.isShutdown() && deadline.cancelOverdueOrders() == deadline.batchSize()) {
                // a full batch: more orders may be overdue
            }
        } catch (RuntimeException e) {
            // The database is away, most likely: the next round tries again, and no order is cancelled half-way.
            log.atWarn().addKeyValue("reason", String.valueOf(e.getMessage()))
                    .log("saga deadline round failed; retrying at the next round");
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
