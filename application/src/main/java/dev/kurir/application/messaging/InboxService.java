package dev.kurir.application.messaging;

import dev.kurir.application.messaging.handler.InboxHandler;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.handler.InvalidMessageException;
import dev.kurir.application.messaging.port.in.InboxReceiver;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.out.InboxStore;
import dev.kurir.application.shared.port.out.UnitOfWork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A module's inbox: records each delivery once per message id, and processes PENDING rows with the handler of
 * their event type. The handler's effects and the PROCESSED mark commit in one transaction, so a message takes
 * effect once even when it is delivered twice or a worker dies half-way.
 */
public final class InboxService implements InboxReceiver, AutoCloseable {
    private final String module;
    private final InboxStore store;
    private final Map<String, InboxHandler> handlers;
    private final UnitOfWork unitOfWork;
    private final MessagingSettings settings;
    private final MessagingListener listener;
    private final MessagingTracing tracing;
    private final Clock clock;
    private final RetryPolicy retries;
    private final WakeUpSignal signal = new WakeUpSignal();
    private final WorkerPool pool = new WorkerPool(signal);

    public InboxService(String module, InboxStore store, Map<String, InboxHandler> handlers, UnitOfWork unitOfWork,
                        MessagingSettings settings, MessagingListener listener, MessagingTracing tracing,
                        Clock clock) {
        this.module = module;
        this.store = store;
        this.handlers = Map.copyOf(handlers);
        this.unitOfWork = unitOfWork;
        this.settings = settings;
        this.listener = listener;
        this.tracing = tracing;
        this.clock = clock;
        this.retries = new RetryPolicy(settings.maxRetries(), settings.retryBackoff(), clock);
    }

    @Override
    public boolean handles(String eventType) {
        return handlers.containsKey(eventType);
    }

    @Override
    public boolean receive(IncomingDelivery delivery) {
        boolean recorded = store.record(delivery);
        listener.received(module, delivery, !recorded);
        if (recorded) {
            signal.signal();
        }
        return recorded;
    }

    /** Tells the workers there are rows to process, e.g. after an operator retried FAILED ones. */
    public void wakeUp() {
        signal.signal();
    }

    public void start() {
        for (int i = 1; i <= settings.inboxWorkers(); i++) {
            String workerId = WorkerPool.workerId(module, "inbox", i);
            listener.workerStarted(module, workerId, "inbox", settings.batchSize(), settings.maxRetries(),
                    settings.pollInterval());
            pool.start(workerId, () -> processBatch(workerId), settings.pollInterval(),
                    e -> listener.workerFailed(module, workerId, e));
        }
    }

    /** Claims and processes one batch; returns whether it was full, i.e. whether more rows may be waiting. */
    @SuppressWarnings("try") // the scope only has to be open
    boolean processBatch(String workerId) {
        List<InboxMessage> batch;
        try (MessagingTracing.Scope quiet = tracing.background()) {
            batch = store.claim(workerId, settings.batchSize(), settings.lease());
        }
        for (int i = 0; i < batch.size(); i++) {
            if (!pool.running()) {
                // Stopping: hand the rest back now rather than leave them to an expiring lease.
                store.release(workerId, batch.subList(i, batch.size()).stream().map(InboxMessage::id).toList());
                break;
            }
            process(workerId, batch.get(i));
        }
        // A partial batch took every row that was due: the next delivery's signal (or the poll) wakes the worker
        // again, with no claim that finds nothing in between. A full batch may have left rows: claim again at once.
        return batch.size() >= settings.batchSize();
    }

    private void process(String workerId, InboxMessage message) {
        try (MessagingTracing.Scope traced = tracing.handling(message)) {
            handle(workerId, message, traced);
        }
    }

    private void handle(String workerId, InboxMessage message, MessagingTracing.Scope traced) {
        Instant started = clock.instant();
        try {
            unitOfWork.inTransaction(() -> {
                handlerFor(message).handle(message);
                if (!store.markProcessed(workerId, message.id())) {
                    throw new IllegalStateException("lease on inbox row " + message.id() + " was lost; rolled back");
                }
                return null;
            });
            listener.processed(module, workerId, message, Duration.between(started, clock.instant()));
        } catch (InvalidMessageException e) {
            traced.failed(e.getMessage());
            store.markFailed(workerId, message.id(), e.getMessage());
            listener.processingFailed(module, workerId, message, e.getMessage(), false);
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            traced.failed(reason);
            Optional<Instant> next = retries.nextAttempt(message.retryCount());
            if (next.isPresent()) {
                store.scheduleRetry(workerId, message.id(), reason, next.get());
            } else {
                store.markFailed(workerId, message.id(), reason);
            }
            listener.processingFailed(module, workerId, message, reason, next.isPresent());
        }
    }

    private InboxHandler handlerFor(InboxMessage message) {
        InboxHandler handler = handlers.get(message.eventType());
        if (handler == null) {
            throw new InvalidMessageException("no handler for event type " + message.eventType());
        }
        return handler;
    }

    /** Stops the workers after the message each is processing. */
    @Override
    public void close() {
        pool.close();
    }
}
