package dev.kurir.application.messaging;

import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InboxHandler;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.handler.InvalidMessageException;
import dev.kurir.application.messaging.port.in.InboxReceiver;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.in.UnstorableDeliveryException;
import dev.kurir.application.messaging.port.out.InboxStore;
import dev.kurir.application.shared.port.out.DatabaseUnavailableException;
import dev.kurir.application.shared.port.out.UnitOfWork.CommitOutcomeUnknownException;
import dev.kurir.application.shared.port.out.UnitOfWork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A module's inbox: records each delivery once per message id and applies it with the handler of its event type.
 * The consumer applies a delivery in the transaction that inserts its row as PROCESSED; a delivery whose first
 * attempt failed is stored PENDING and retried by the inbox workers, whose handler effects and PROCESSED mark also
 * commit in one transaction. Either way a message takes effect once, even when it is delivered twice or a process
 * dies half-way.
 *
 * <p>A database that cannot answer (unreachable, or no connection from the pool in time) is no message's fault: it
 * never counts as a failed attempt. A delivery is then returned to the broker, and a worker hands its rows back and
 * pauses.
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
    private final String consumerId;

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
        this.consumerId = module + "-consumer";
    }

    @Override
    public boolean handles(String eventType) {
        return handlers.containsKey(eventType);
    }

    @Override
    public boolean reads(String eventType, int eventVersion) {
        InboxHandler handler = handlers.get(eventType);
        return handler != null && handler.version() == eventVersion;
    }

    /**
     * Applies a delivery in the transaction that stores it: one transaction per message, and no worker hand-off.
     * When that first attempt fails, the delivery is stored with the failure, as a worker stores a failed attempt
     * (PENDING for a retry by the workers, or FAILED); only when even that cannot be committed, or when the database
     * could not answer, does this throw, and the broker redelivers it. A delivery the inbox refuses to store is
     * thrown back as {@link UnstorableDeliveryException}, for the dead-letter queue.
     */
    @Override
    public boolean receive(IncomingDelivery delivery) {
        Instant started = clock.instant();
        InboxMessage[] applied = {null};
        Handled[] outcome = {null};
        try {
            boolean recorded = unitOfWork.inTransaction(() -> {
                Optional<InboxMessage> row = store.insertProcessed(delivery);
                row.ifPresent(message -> {
                    applied[0] = message;
                    outcome[0] = applyOnArrival(message);
                });
                return row.isPresent();
            });
            listener.received(module, delivery, !recorded);
            if (recorded) {
                listener.processed(module, consumerId, applied[0], Duration.between(started, clock.instant()));
                reportUnchanged(applied[0], outcome[0]);
            }
            return recorded;
        } catch (CommitOutcomeUnknownException e) {
            throw e; // stored or not, nobody can say: the broker's redelivery finds out
        } catch (DatabaseUnavailableException e) {
            listener.databaseUnavailable(module, consumerId, e.getMessage());
            throw e; // not the message's fault: no attempt counted, the broker redelivers it
        } catch (UnstorableDeliveryException e) {
            throw e; // the row itself was refused: there is nothing a retry could change
        } catch (RuntimeException e) {
            if (applied[0] == null) {
                throw e; // the row could not even be inserted: nothing to hand over
            }
            return recordFailedAttempt(delivery, applied[0], e);
        }
    }

    /** Stores a delivery whose attempt on arrival failed, as a worker would have after the same attempt. */
    private boolean recordFailedAttempt(IncomingDelivery delivery, InboxMessage message, RuntimeException failure) {
        String reason = reason(failure);
        Optional<Instant> next = failure instanceof InvalidMessageException ? Optional.empty()
                : retries.nextAttempt(message.retryCount());
        boolean recorded;
        try {
            recorded = store.recordFailedAttempt(delivery, reason, next);
        } catch (DatabaseUnavailableException e) {
            listener.databaseUnavailable(module, consumerId, e.getMessage());
            throw e;
        }
        listener.received(module, delivery, !recorded);
        if (recorded) {
            listener.processingFailed(module, consumerId, message, reason, next.isPresent());
        }
        return recorded;
    }

    private Handled applyOnArrival(InboxMessage message) {
        try (MessagingTracing.Scope traced = tracing.handling(message)) {
            try {
                return apply(message);
            } catch (RuntimeException e) {
                traced.failed(reason(e));
                throw e;
            }
        }
    }

    /** Tells the workers there are rows to process, e.g. after an operator retried FAILED ones. */
    public void wakeUp() {
        signal.signal();
    }

    public void start() {
        for (int i = 1; i <= settings.inboxWorkers(); i++) {
            String workerId = WorkerPool.workerId(module, "inbox", i);
            listener.workerStarted(module, workerId, "inbox", settings.inboxBatchSize(), settings.maxRetries(),
                    settings.pollInterval());
            pool.start(workerId, () -> processBatch(workerId), settings.pollInterval(),
                    e -> listener.workerFailed(module, workerId, e));
        }
    }

    /**
     * Claims and processes one batch; returns whether more rows may be waiting. The rows are processed one by one
     * under the claim's lease, so once half of it is used the rest of the batch is handed back and claimed afresh:
     * no row is handled on a lease that may run out meanwhile (the work would be rolled back and done again).
     */
    @SuppressWarnings("try") // the scope only has to be open
    boolean processBatch(String workerId) {
        List<InboxMessage> batch;
        Instant leaseHalfUsed = clock.instant().plus(settings.lease().dividedBy(2));
        try (MessagingTracing.Scope quiet = tracing.background()) {
            batch = store.claim(workerId, settings.inboxBatchSize(), settings.lease());
        }
        for (int i = 0; i < batch.size(); i++) {
            if (!pool.running()) {
                // Stopping: hand the rest back now rather than leave them to an expiring lease.
                release(workerId, batch.subList(i, batch.size()));
                return false;
            }
            if (i > 0 && !clock.instant().isBefore(leaseHalfUsed)) {
                release(workerId, batch.subList(i, batch.size()));
                return true;
            }
            try {
                process(workerId, batch.get(i));
            } catch (DatabaseUnavailableException e) {
                // Nothing was counted: the row and the rest go back (or wait out their lease if even that fails).
                listener.databaseUnavailable(module, workerId, e.getMessage());
                releaseIfPossible(workerId, batch.subList(i, batch.size()));
                pool.sleep(settings.pollInterval());
                return true;
            }
        }
        // A partial batch took every row that was due: the next delivery's signal (or the poll) wakes the worker
        // again, with no claim that finds nothing in between. A full batch may have left rows: claim again at once.
        return batch.size() >= settings.inboxBatchSize();
    }

    private void release(String workerId, List<InboxMessage> rows) {
        store.release(workerId, rows.stream().map(InboxMessage::id).toList());
    }

    private void releaseIfPossible(String workerId, List<InboxMessage> rows) {
        try {
            release(workerId, rows);
        } catch (RuntimeException e) {
            // The database is still away: the rows come back once their lease has run out.
        }
    }

    private void process(String workerId, InboxMessage message) {
        try (MessagingTracing.Scope traced = tracing.handling(message)) {
            handle(workerId, message, traced);
        }
    }

    private void handle(String workerId, InboxMessage message, MessagingTracing.Scope traced) {
        Instant started = clock.instant();
        try {
            Handled outcome = unitOfWork.inTransaction(() -> {
                Handled handled = apply(message);
                if (!store.markProcessed(workerId, message.id())) {
                    throw new IllegalStateException("lease on inbox row " + message.id() + " was lost; rolled back");
                }
                return handled;
            });
            listener.processed(module, workerId, message, Duration.between(started, clock.instant()));
            reportUnchanged(message, outcome);
        } catch (DatabaseUnavailableException e) {
            traced.failed(reason(e));
            throw e;
        } catch (CommitOutcomeUnknownException e) {
            // The database failed, not the message: handed back like an outage. If the commit went through, the
            // row is PROCESSED and the hand-back (of PENDING rows only) leaves it so.
            traced.failed(reason(e));
            throw new DatabaseUnavailableException(reason(e), e);
        } catch (InvalidMessageException e) {
            traced.failed(e.getMessage());
            store.markFailed(workerId, message.id(), e.getMessage());
            listener.processingFailed(module, workerId, message, e.getMessage(), false);
        } catch (RuntimeException e) {
            String reason = reason(e);
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

    private void reportUnchanged(InboxMessage message, Handled outcome) {
        if (outcome != Handled.APPLIED) {
            listener.unchanged(module, message, outcome);
        }
    }

    private static String reason(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    }

    /** Runs the message's handler; a handler that does not say what it did fails inside the transaction. */
    private Handled apply(InboxMessage message) {
        return Objects.requireNonNull(handlerFor(message).handle(message),
                "the handler of " + message.eventType() + " returned no outcome");
    }

    private InboxHandler handlerFor(InboxMessage message) {
        InboxHandler handler = handlers.get(message.eventType());
        if (handler == null) {
            throw new InvalidMessageException("no handler for event type " + message.eventType());
        }
        if (handler.version() != message.eventVersion()) {
            throw new InvalidMessageException(
                    InboxReceiver.unsupportedVersion(message.eventType(), message.eventVersion()));
        }
        return handler;
    }

    /** Stops the workers after the message each is processing. */
    @Override
    public void close() {
        pool.close();
    }
}
