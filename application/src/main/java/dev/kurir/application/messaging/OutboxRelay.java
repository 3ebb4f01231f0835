package dev.kurir.application.messaging;

import dev.kurir.application.messaging.port.out.BrokerUnavailableException;
import dev.kurir.application.messaging.port.out.MessagePublisher;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import dev.kurir.application.messaging.port.out.OutboxStore;
import dev.kurir.application.messaging.port.out.PublishOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Publishes a module's outbox: workers claim due rows under a lease, publish them with no database lock held,
 * and mark them SENT once the broker confirmed. A refused message is retried with backoff and becomes FAILED
 * after the last retry; a broker that cannot be reached is no message's fault, so the rows are released
 * untouched and the worker waits for the broker with a growing pause. Nor is a missing route (the broker returned
 * the message as unroutable): that row waits 5 s, no attempt counted.
 *
 * <p>Rows written in this process are mostly not claimed at all: the outbox writer leases them to the relay as it
 * inserts them and hands them over after the commit ({@link RelayHandOff}), which saves a transaction per batch and
 * the wait for a claim. The table is still claimed from after every wake-up for unleased rows, after a full claim,
 * and once per poll interval, for retries and for rows whose hand-over was lost with a process. One worker at a time
 * publishes handed-over rows, so that the rows committed during one publish-confirm round go out together in the next
 * (100 at most).
 */
public final class OutboxRelay implements RelayHandOff, AutoCloseable {
    private static final Duration MAX_OUTAGE_PAUSE = Duration.ofSeconds(5);
    /** How long a row returned as unroutable waits before it is published again; as long as an outage's pause. */
    private static final Duration UNROUTABLE_PAUSE = MAX_OUTAGE_PAUSE;
    /**
     * The small batch: a claim's size after a claim that found fewer rows than it asked for, and the largest round of
     * handed-over rows. Under a live load small batches spread the rows over the workers, whose claims, publishes and
     * UPDATEs then overlap; one worker with one large batch does them one after the other. A backlog instead is
     * claimed in batches that double while they come back full, up to the configured batch size, which saves a
     * claim, a confirm wait and an UPDATE per row in each step.
     */
    private static final int SMALL_BATCH = 100;
    /** Handed-over rows held at most, in rounds: enough for bursts, and published long before their lease ends. */
    private static final int HAND_OFF_ROUNDS = 10;

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
    private final int smallBatch;
    private final BlockingQueue<OutboundMessage> handedOver;
    private final String handOffOwner;
    private final AtomicBoolean unleasedCommitted = new AtomicBoolean();
    private final AtomicBoolean handOffTaken = new AtomicBoolean();
    private final Object handOffLock = new Object();
    private volatile boolean closed;
    private volatile boolean brokerUnreachable;

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
        this.smallBatch = Math.min(settings.relayBatchSize(), SMALL_BATCH);
        this.handedOver = new ArrayBlockingQueue<>(HAND_OFF_ROUNDS * smallBatch);
        this.handOffOwner = WorkerPool.sharedId(module, "relay");
    }

    public void start() {
        for (int i = 1; i <= settings.relayWorkers(); i++) {
            String workerId = WorkerPool.workerId(module, "relay", i);
            Worker worker = new Worker(workerId);
            listener.workerStarted(module, workerId, "relay", settings.relayBatchSize(), settings.maxRetries(),
                    settings.pollInterval());
            pool.start(workerId, worker::relayOnce, settings.pollInterval(),
                    e -> listener.workerFailed(module, workerId, e));
        }
    }

    /**
     * Offers a lease while the hand-over queue is at most half full (a row leased now reaches the queue only at its
     * commit, and the other half is room for the rows of transactions still open) and the broker is reachable (rows
     * that cannot be published would only wait out their lease in the queue).
     */
    @Override
    public Optional<String> leaseOwner() {
        return !closed && !brokerUnreachable && handedOver.size() <= handedOver.remainingCapacity()
                ? Optional.of(handOffOwner) : Optional.empty();
    }

    /** Runs in the writer's after-commit hook, so it never throws: the commit has happened whatever goes wrong here. */
    @Override
    public void committed(OutboundMessage message) {
        boolean queued;
        synchronized (handOffLock) { // close() must not miss a row offered while it drains the queue
            queued = !closed && handedOver.offer(message);
        }
        if (!queued) {
            // No room after all (or no workers left): free the lease, so that a claim finds the row now, not later.
            releaseHandedOver(List.of(message));
        }
        signal.signal();
    }

    /** Tells the workers that unleased rows were committed, or released by an operator; call it after the commit. */
    @Override
    public void wakeUp() {
        unleasedCommitted.set(true);
        signal.signal();
    }

    /**
     * Stops the workers after the batch each holds is published and marked, then frees the rows still waiting in
     * the hand-over queue for the next relay to claim.
     */
    @Override
    public void close() {
        synchronized (handOffLock) {
            closed = true;
        }
        pool.close();
        List<OutboundMessage> waiting = new ArrayList<>();
        handedOver.drainTo(waiting);
        if (!waiting.isEmpty()) {
            releaseHandedOver(waiting);
        }
    }

    /**
     * Frees handed-over rows for a claim and has the next round claim them; if the database cannot be reached, their
     * lease runs out instead. It never throws: it also runs in the writer's after-commit hook.
     */
    private void releaseHandedOver(List<OutboundMessage> messages) {
        try {
            releaseForClaim(handOffOwner, messages);
        } catch (RuntimeException e) {
            listener.workerFailed(module, handOffOwner, e);
        }
    }

    /** Frees rows untouched and has the next round claim them: a released row is found by nothing but a claim. */
    private void releaseForClaim(String owner, List<OutboundMessage> messages) {
        List<Long> ids = messages.stream().map(OutboundMessage::id).toList();
        quietly(() -> store.release(owner, ids));
        unleasedCommitted.set(true);
    }

    /** The state of one worker thread. */
    private final class Worker {
        private final String workerId;
        private Duration outagePause = Duration.ofMillis(100);
        private long lastClaim;
        private int claimSize = smallBatch;
        private boolean tableHasMore = true; // rows may be waiting from before this process started

        Worker(String workerId) {
            this.workerId = workerId;
        }

        /**
         * One round; returns whether to go again at once. Handed-over rows come first, unless the poll is due (so
         * that one worker alone still claims retries under a steady hand-over): they were leased when written, and
         * a backlog being claimed must not keep them waiting until their lease runs out.
         */
        boolean relayOnce() {
            boolean pollDue = System.nanoTime() - lastClaim >= settings.pollInterval().toNanos();
            if (!pollDue && !handedOver.isEmpty() && handOffTaken.compareAndSet(false, true)) {
                return publishHandedOver();
            }
            if (pollDue || tableHasMore || unleasedCommitted.getAndSet(false)) {
                return claimAndPublish();
            }
            // One worker at a time publishes the handed-over rows. Several would each take the row or two that
            // arrived meanwhile and pay a publish-confirm round and an UPDATE for each; this way the rows that arrive
            // during one round go out together in the next.
            if (!handOffTaken.compareAndSet(false, true)) {
                return false; // its holder looks at the queue again when its round is over
            }
            return publishHandedOver();
        }

        private boolean claimAndPublish() {
            lastClaim = System.nanoTime();
            int limit = claimSize;
            List<OutboundMessage> claimed = quietly(() -> store.claim(workerId, limit, settings.lease()));
            // A partial claim took every row that was due: wait for the next signal (or the poll) rather than run a
            // claim that finds nothing. A full one may have left rows behind: claim again at once, and more of them.
            tableHasMore = claimed.size() >= limit;
            claimSize = tableHasMore ? Math.min(2 * limit, settings.relayBatchSize()) : smallBatch;
            boolean outage = !claimed.isEmpty() && publish(workerId, claimed);
            if (outage) {
                pauseForBroker();
            }
            return outage || tableHasMore || !handedOver.isEmpty();
        }

        /** Publishes what the hand-over queue holds; the caller has taken the gate, which this gives back. */
        private boolean publishHandedOver() {
            boolean outage;
            try {
                List<OutboundMessage> handed = new ArrayList<>();
                handedOver.drainTo(handed, smallBatch);
                outage = publish(handOffOwner, withinLease(handed));
            } finally {
                handOffTaken.set(false);
            }
            if (outage) {
                pauseForBroker(); // without the gate: the rows are released, and another worker may publish later ones
            }
            return outage || !handedOver.isEmpty() || tableHasMore || unleasedCommitted.get();
        }

        /**
         * The rows that still have half their lease left. Older ones (a slow broker, a long transaction) are
         * released for a claim rather than published: their lease could run out during the publish, and another
         * relay would publish them a second time.
         */
        private List<OutboundMessage> withinLease(List<OutboundMessage> handed) {
            Instant oldest = clock.instant().minus(settings.lease().dividedBy(2));
            List<OutboundMessage> fresh = new ArrayList<>(handed.size());
            List<OutboundMessage> stale = new ArrayList<>();
            for (OutboundMessage message : handed) {
                if (message.createdAt().isBefore(oldest)) {
                    stale.add(message);
                } else {
                    fresh.add(message);
                }
            }
            if (!stale.isEmpty()) {
                releaseHandedOver(stale);
            }
            return fresh;
        }

        /**
         * Publishes a batch leased to {@code owner} and settles it; returns true if the broker could not be reached
         * (the rows were released). Any other failure releases the rows too, then propagates.
         */
        @SuppressWarnings("try") // the scope only has to be open
        private boolean publish(String owner, List<OutboundMessage> batch) {
            if (batch.isEmpty()) {
                return false;
            }
            List<PublishOutcome> outcomes;
            // The publisher continues each message's own trace; connecting and confirming belong to none.
            try (MessagingTracing.Scope quiet = tracing.background()) {
                outcomes = publisher.publish(batch);
            } catch (BrokerUnavailableException e) {
                brokerUnreachable = true;
                releaseForClaim(owner, batch);
                listener.brokerUnavailable(module, workerId, e.getMessage());
                return true;
            } catch (RuntimeException e) {
                releaseForClaim(owner, batch);
                throw e;
            }
            brokerUnreachable = false;
            outagePause = Duration.ofMillis(100);
            record(owner, outcomes);
            return false;
        }

        private void pauseForBroker() {
            claimSize = smallBatch; // a broker that was away or slow to confirm is not sent a large batch first
            pool.sleep(outagePause);
            outagePause = min(outagePause.multipliedBy(2), MAX_OUTAGE_PAUSE);
        }

        private void record(String owner, List<PublishOutcome> outcomes) {
            // The confirmed rows first: should the database fail on a later write, they are not published again.
            List<OutboundMessage> sent = outcomes.stream().filter(PublishOutcome::isConfirmed)
                    .map(PublishOutcome::message).toList();
            if (!sent.isEmpty()) {
                quietly(() -> store.markSent(owner, sent.stream().map(OutboundMessage::id).toList()));
                var now = clock.instant();
                sent.forEach(message -> listener.published(module, workerId, message,
                        Duration.between(message.createdAt(), now)));
            }
            for (PublishOutcome outcome : outcomes) {
                switch (outcome.status()) {
                    case CONFIRMED -> { }
                    case UNROUTABLE -> postpone(owner, outcome.message(), outcome.failure());
                    case FAILED -> countFailedAttempt(owner, outcome.message(), outcome.failure());
                }
            }
        }

        /**
         * A missing route is the topology's fault (a binding deleted, a consumer's queue not declared yet), and
         * lasts until someone fixes it: like a broker outage it must not use up the message's retries.
         */
        private void postpone(String owner, OutboundMessage message, String reason) {
            Instant next = clock.instant().plus(UNROUTABLE_PAUSE);
            quietly(() -> store.postpone(owner, message.id(), reason, next));
            listener.publishUnroutable(module, workerId, message, reason);
        }

        private void countFailedAttempt(String owner, OutboundMessage message, String reason) {
            Optional<Instant> next = retries.nextAttempt(message.retryCount());
            if (next.isPresent()) {
                quietly(() -> store.scheduleRetry(owner, message.id(), reason, next.get()));
            } else {
                quietly(() -> store.markFailed(owner, message.id(), reason));
            }
            listener.publishFailed(module, workerId, message, reason, next.isPresent());
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
