package dev.kurir.application.messaging;

import dev.kurir.application.messaging.port.out.BrokerUnavailableException;
import dev.kurir.application.messaging.port.out.MessagePublisher;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import dev.kurir.application.messaging.port.out.OutboxStore;
import dev.kurir.application.messaging.port.out.PublishOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Publishes a module's outbox: workers claim due rows under a lease, publish them with no database lock held,
 * and mark them SENT once the broker confirmed. A refused message is retried with backoff and becomes FAILED
 * after the last retry; a broker that cannot be reached is no message's fault, so the rows are released
 * untouched and the worker waits for the broker with a growing pause.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Duration MAX_OUTAGE_PAUSE = Duration.ofSeconds(5);

    private final String module;
    private final OutboxStore store;
    private final MessagePublisher publisher;
    private final MessagingSettings settings;
    private final MessagingListener listener;
    private final MessagingTracing tracing;
    private final Clock clock;
    private final RetryPolicy retries;
    private final WakeUpSignal signal = new WakeUpSignal();
    private final WorkerPool pool = new WorkerPool(signal);

    public OutboxRelay(String module, OutboxStore store, MessagePublisher publisher, MessagingSettings settings,
                       MessagingListener listener, MessagingTracing tracing, Clock clock) {
        this.module = module;
        this.store = store;
        this.publisher = publisher;
        this.settings = settings;
        this.listener = listener;
        this.tracing = tracing;
        this.clock = clock;
        this.retries = new RetryPolicy(settings.maxRetries(), settings.retryBackoff(), clock);
    }

    public void start() {
        for (int i = 1; i <= settings.relayWorkers(); i++) {
            String workerId = WorkerPool.workerId(module, "relay", i);
            Worker worker = new Worker(workerId);
            listener.workerStarted(module, workerId, "relay", settings.batchSize(), settings.maxRetries(),
                    settings.pollInterval());
            pool.start(workerId, worker::relayOnce, settings.pollInterval(),
                    e -> listener.workerFailed(module, workerId, e));
        }
    }

    /** Tells the workers that rows were committed; call it after the commit. */
    public void wakeUp() {
        signal.signal();
    }

    /** Stops the workers after the batch each holds is published and marked. */
    @Override
    public void close() {
        pool.close();
    }

    /** The state of one worker thread. */
    private final class Worker {
        private final String workerId;
        private Duration outagePause = Duration.ofMillis(100);

        Worker(String workerId) {
            this.workerId = workerId;
        }

        @SuppressWarnings("try") // the scope only has to be open
        boolean relayOnce() {
            List<OutboundMessage> batch = quietly(() -> store.claim(workerId, settings.batchSize(), settings.lease()));
            if (batch.isEmpty()) {
                return false;
            }
            List<PublishOutcome> outcomes;
            // The publisher continues each message's own trace; connecting and confirming belong to none.
            try (MessagingTracing.Scope quiet = tracing.background()) {
                outcomes = publisher.publish(batch);
            } catch (BrokerUnavailableException e) {
                quietly(() -> store.release(workerId, batch.stream().map(OutboundMessage::id).toList()));
                listener.brokerUnavailable(module, workerId, e.getMessage());
                pool.sleep(outagePause);
                outagePause = min(outagePause.multipliedBy(2), MAX_OUTAGE_PAUSE);
                return true;
            }
            outagePause = Duration.ofMillis(100);
            record(outcomes);
            // A partial batch took every row that was due: wait for the next commit's signal (or the poll) rather
            // than run a claim that finds nothing. A full one may have left rows behind: claim again at once.
            return batch.size() >= settings.batchSize();
        }

        private void record(List<PublishOutcome> outcomes) {
            List<Long> sent = new ArrayList<>();
            for (PublishOutcome outcome : outcomes) {
                OutboundMessage message = outcome.message();
                if (outcome.isConfirmed()) {
                    sent.add(message.id());
                    continue;
                }
                Optional<java.time.Instant> next = retries.nextAttempt(message.retryCount());
                if (next.isPresent()) {
                    quietly(() -> store.scheduleRetry(workerId, message.id(), outcome.failure(), next.get()));
                } else {
                    quietly(() -> store.markFailed(workerId, message.id(), outcome.failure()));
                }
                listener.publishFailed(module, workerId, message, outcome.failure(), next.isPresent());
            }
            if (!sent.isEmpty()) {
                quietly(() -> store.markSent(workerId, sent));
                var now = clock.instant();
                outcomes.stream().filter(PublishOutcome::isConfirmed).forEach(outcome -> listener.published(module,
                        workerId, outcome.message(), Duration.between(outcome.message().createdAt(), now)));
            }
        }
    }

    @SuppressWarnings("try")
    private <T> T quietly(Supplier<T> work) {
        try (MessagingTracing.Scope quiet = tracing.background()) {
            return work.get();
        }
    }

    @SuppressWarnings("try")
    private void quietly(Runnable work) {
        try (MessagingTracing.Scope quiet = tracing.background()) {
            work.run();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
