package dev.kurir.application.messaging.port.out;

import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A module's inbox table: deliveries recorded once per message id, applied by the consumer as they arrive, and
 * processed by the inbox workers when that first attempt failed.
 */
public interface InboxStore {

    /**
     * Inserts the delivery as PROCESSED unless its message id is already there. Must run in the transaction of the
     * handler's effects: if they roll back, so does the row.
     *
     * @return the row, for the handler; empty for a duplicate message id (nothing written)
     */
    Optional<InboxMessage> insertProcessed(IncomingDelivery delivery);

    /**
     * Inserts the delivery as PENDING unless its message id is already there. Commits on its own.
     *
     * @return false for a duplicate message id (nothing written)
     */
    boolean record(IncomingDelivery delivery);

    /**
     * Inserts a delivery whose first attempt failed, unless its message id is already there: PENDING with one
     * attempt counted and due at {@code nextAttemptAt}, or FAILED when that is empty. Commits on its own.
     *
     * @return false for a duplicate message id (nothing written)
     */
    boolean recordFailedAttempt(IncomingDelivery delivery, String error, Optional<Instant> nextAttemptAt);

    /** Claims up to {@code limit} due PENDING rows, oldest first, leased to {@code workerId}. Commits on its own. */
    List<InboxMessage> claim(String workerId, int limit, Duration lease);

    /**
     * Marks the row PROCESSED. Must run in the transaction of the handler's effects, so both commit together.
     *
     * @return false if the row is no longer leased to {@code workerId} (its lease expired and another worker took
     *         it): the caller must then roll back
     */
    boolean markProcessed(String workerId, long id);

    /** Counts a failed attempt and frees the row until {@code nextAttemptAt}. Commits on its own. */
    void scheduleRetry(String workerId, long id, String error, Instant nextAttemptAt);

    /** Gives up on the row: FAILED with {@code error}. Commits on its own. */
    void markFailed(String workerId, long id, String error);

    /** Frees rows untouched, e.g. those a stopping worker will not get to. Commits on its own. */
    void release(String workerId, List<Long> ids);
}
