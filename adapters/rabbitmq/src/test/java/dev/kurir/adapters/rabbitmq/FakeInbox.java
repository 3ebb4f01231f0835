package dev.kurir.adapters.rabbitmq;

import dev.kurir.application.messaging.port.in.InboxReceiver;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.in.UnstorableDeliveryException;
import dev.kurir.application.shared.port.out.DatabaseUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory inbox: records each message id once, and can be told to fail like a database that is down, or to
 * refuse deliveries as a table that cannot hold their data.
 */
final class FakeInbox implements InboxReceiver {
    private final Set<String> handledTypes;
    private final Map<UUID, IncomingDelivery> recorded = new ConcurrentHashMap<>();
    private final List<IncomingDelivery> attempts = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresToCome = new AtomicInteger();
    private final AtomicInteger unavailableToCome = new AtomicInteger();
    private volatile CountDownLatch blocker;
    private volatile String refusal;

    FakeInbox(String... handledTypes) {
        this.handledTypes = Set.of(handledTypes);
    }

    @Override
    public boolean handles(String eventType) {
        return handledTypes.contains(eventType);
    }

    /** Reads version 1 of every type it handles, as the modules do today. */
    @Override
    public boolean reads(String eventType, int eventVersion) {
        return handles(eventType) && eventVersion == 1;
    }

    @Override
    public boolean receive(IncomingDelivery delivery) {
        attempts.add(delivery);
        awaitBlocker();
        if (failuresToCome.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("the handler failed");
        }
        if (unavailableToCome.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new DatabaseUnavailableException("no connection within 3000 ms", null);
        }
        if (refusal != null) {
            throw new UnstorableDeliveryException(refusal, null);
        }
        return recorded.putIfAbsent(delivery.messageId(), delivery) == null;
    }

    /** Makes each receive wait, like a slow transaction, until the latch opens. */
    void blockUntil(CountDownLatch release) {
        blocker = release;
    }

    private void awaitBlocker() {
        CountDownLatch release = blocker;
        if (release == null) {
            return;
        }
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Refuses every delivery from now on, as an inbox whose table cannot hold its data. */
    void refuseAll(String reason) {
        refusal = reason;
    }

    void failNext(int times) {
        failuresToCome.set(times);
    }

    /** The next {@code times} receives find the database away. */
    void unavailableFor(int times) {
        unavailableToCome.set(times);
    }

    Map<UUID, IncomingDelivery> recorded() {
        return recorded;
    }

    List<IncomingDelivery> attempts() {
        return attempts;
    }
}
