package dev.kurir.application.messaging.port.out;

import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.in.UnstorableDeliveryException;
import dev.kurir.application.shared.port.out.DatabaseUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A module's inbox table: deliveries recorded once per message id, applied by the consumer as they arrive, and
 * processed by the inbox workers when that first attempt failed.
 *
 * <p>Each insert throws {@link UnstorableDeliveryException} when the table refuses the delivery's own data (a
 * character or value a column cannot hold), and {@link DatabaseUnavailableException} when the database cannot be
 * reached; nothing is written then. Error texts are stored as far as the column can hold them (shortened, a NUL
 * character replaced).
 */
public interface InboxStore {

    /**
     * Inserts the delivery as PROCESSED unless its message id is already there. Must run in the transaction of the
     * handler's effects: if they roll back, so does the row.
     *
     * @return the row, for the handler; empty for a duplicate message id (nothing written)
     * @throws UnstorableDeliveryException  if the table refuses the delivery's data
     * @throws DatabaseUnavailableException if the database cannot be reached
     */
    Optional<InboxMessage> insertProcessed(IncomingDelivery delivery);

    /**
     * Inserts the delivery as PENDING unless its message id is already there. Commits on its own.
     *
     * @return false for a duplicate message id (nothing written)
     * @throws UnstorableDeliveryException  if the table refuses the delivery's data
     * @throws DatabaseUnavailableException if the database cannot be reached
     */
    boolean record(IncomingDelivery delivery);

    /**
     * Inserts a delivery whose first attempt failed, unless its message id is already there: PENDING with one
     * attempt counted and due at {@code nextAttemptAt}, or FAILED when that is empty. Commits on its own.
     *
     * @return false for a duplicate message id (nothing written)
     * @throws UnstorableDeliveryException  if the table refuses the delivery's data
     * @throws DatabaseUnavailableException if the database cannot be reached
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
