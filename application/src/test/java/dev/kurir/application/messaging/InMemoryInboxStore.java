package dev.kurir.application.messaging;

import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.in.UnstorableDeliveryException;
import dev.kurir.application.messaging.port.out.InboxStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** An inbox table in memory, with the lease protocol of the real one; writes join the unit of work's transaction. */
final class InMemoryInboxStore implements InboxStore {
    /** One row; mutable as a table row is. */
    static final class Row {
        final long id;
        final IncomingDelivery delivery;
        String status;
        int retryCount;
        String error;
        String lockedBy;
        Instant lockedAt;
        Instant nextAttemptAt;

        Row(long id, IncomingDelivery delivery, String status, int retryCount, String error, Instant nextAttemptAt) {
            this.id = id;
            this.delivery = delivery;
            this.status = status;
            this.retryCount = retryCount;
            this.error = error;
            this.nextAttemptAt = nextAttemptAt;
        }

        InboxMessage message() {
            return new InboxMessage(id, delivery.messageId(), delivery.eventType(), delivery.eventVersion(),
                    delivery.senderId(), Map.of(), retryCount, Instant.EPOCH, delivery.traceparent());
        }
    }

    private final Map<Long, Row> rows = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final InMemoryUnitOfWork unitOfWork;
    private final Clock clock;
    volatile String refusal;

    InMemoryInboxStore(InMemoryUnitOfWork unitOfWork, Clock clock) {
        this.unitOfWork = unitOfWork;
        this.clock = clock;
    }

    @Override
    public Optional<InboxMessage> insertProcessed(IncomingDelivery delivery) {
        refuseIfTold();
        if (find(delivery).isPresent()) {
            return Optional.empty();
        }
        Row row = new Row(ids.incrementAndGet(), delivery, "PROCESSED", 0, null, clock.instant());
        unitOfWork.write(() -> rows.put(row.id, row));
        return Optional.of(row.message());
    }

    @Override
    public boolean record(IncomingDelivery delivery) {
        return insert(delivery, "PENDING", 0, null, clock.instant());
    }

    @Override
    public boolean recordFailedAttempt(IncomingDelivery delivery, String error, Optional<Instant> nextAttemptAt) {
        return nextAttemptAt.isPresent()
                ? insert(delivery, "PENDING", 1, error, nextAttemptAt.get())
                : insert(delivery, "FAILED", 0, error, clock.instant());
    }

    private boolean insert(IncomingDelivery delivery, String status, int retryCount, String error, Instant due) {
        refuseIfTold();
        if (find(delivery).isPresent()) {
            return false;
        }
        Row row = new Row(ids.incrementAndGet(), delivery, status, retryCount, error, due);
        rows.put(row.id, row);
        return true;
    }

    private void refuseIfTold() {
        if (refusal != null) {
            throw new UnstorableDeliveryException(refusal, null);
        }
    }

    @Override
    public synchronized List<InboxMessage> claim(String workerId, int limit, Duration lease) {
        Instant now = clock.instant();
        List<Row> due = rows.values().stream()
                .filter(r -> r.status.equals("PENDING") && !r.nextAttemptAt.isAfter(now))
                .filter(r -> r.lockedAt == null || r.lockedAt.isBefore(now.minus(lease)))
                .sorted(Comparator.comparingLong(r -> r.id)).limit(limit).toList();
        due.forEach(r -> {
            r.lockedBy = workerId;
            r.lockedAt = now;
        });
        return due.stream().map(Row::message).toList();
    }

    @Override
    public boolean markProcessed(String workerId, long id) {
        Row row = rows.get(id);
        if (!leasedTo(row, workerId)) {
            return false;
        }
        unitOfWork.write(() -> {
            row.status = "PROCESSED";
            unlock(row);
        });
        return true;
    }

    @Override
    public void scheduleRetry(String workerId, long id, String error, Instant nextAttemptAt) {
        Row row = rows.get(id);
        if (leasedTo(row, workerId)) {
            row.retryCount++;
            row.error = error;
            row.nextAttemptAt = nextAttemptAt;
            unlock(row);
        }
    }

    @Override
    public void markFailed(String workerId, long id, String error) {
        Row row = rows.get(id);
        if (leasedTo(row, workerId)) {
            row.status = "FAILED";
            row.error = error;
            unlock(row);
        }
    }

    @Override
    public void release(String workerId, List<Long> ids) {
        ids.stream().map(rows::get).filter(row -> leasedTo(row, workerId)).forEach(InMemoryInboxStore::unlock);
    }

    /** As another worker does once this one's lease ran out. */
    void takeOver(long id, String otherWorker) {
        rows.get(id).lockedBy = otherWorker;
    }

    Optional<Row> find(IncomingDelivery delivery) {
        return rows.values().stream().filter(r -> r.delivery.messageId().equals(delivery.messageId())).findFirst();
    }

    Row row(IncomingDelivery delivery) {
        return find(delivery).orElseThrow(() -> new AssertionError("no row for " + delivery.messageId()));
    }

    private static boolean leasedTo(Row row, String workerId) {
        return row != null && row.status.equals("PENDING") && workerId.equals(row.lockedBy);
    }

    private static void unlock(Row row) {
        row.lockedBy = null;
        row.lockedAt = null;
    }
}
