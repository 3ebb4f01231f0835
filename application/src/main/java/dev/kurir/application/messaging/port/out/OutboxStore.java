package dev.kurir.application.messaging.port.out;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A module's outbox table, as the relay sees it. Rows are claimed with a lease: a worker that dies leaves its
 * lease to expire, and another worker claims the rows again. Each method commits on its own.
 */
public interface OutboxStore {

    /**
     * Claims up to {@code limit} due PENDING rows (oldest first) that no live lease holds, skipping rows other
     * workers are claiming at the same moment, and leases them to {@code workerId}.
     */
    List<OutboundMessage> claim(String workerId, int limit, Duration lease);

    /** Marks the rows SENT and frees them; only rows still leased to {@code workerId} are touched. */
    void markSent(String workerId, List<Long> ids);

    /** Counts a failed attempt ({@code retry_count + 1}, {@code error}) and frees the row until {@code nextAttemptAt}. */
    void scheduleRetry(String workerId, long id, String error, Instant nextAttemptAt);

    /**
     * Frees the row without counting an attempt ({@code retry_count} unchanged), keeps {@code error} as why it waits,
     * and makes it due again at {@code nextAttemptAt}: for a cause outside the message, such as a missing route.
     */
    void postpone(String workerId, long id, String error, Instant nextAttemptAt);

    /** Gives up on the row: FAILED with {@code error}, kept for an operator. */
    void markFailed(String workerId, long id, String error);

    /** Frees the rows untouched (no attempt counted), e.g. because the broker could not be reached. */
    void release(String workerId, List<Long> ids);
}
