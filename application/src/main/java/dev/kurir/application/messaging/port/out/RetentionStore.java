package dev.kurir.application.messaging.port.out;

import java.time.Instant;

/** Deletes what a module no longer needs to keep: settled outbox and inbox rows past the retention. */
public interface RetentionStore {

    /**
     * Deletes at most {@code limit} rows of each kind settled (SENT, PROCESSED, or DISCARDED by an operator) before
     * {@code cutoff}, in one short transaction per kind that skips rows other transactions hold. FAILED and PENDING
     * rows are never deleted.
     *
     * @return how many rows were deleted
     */
    int purgeSettledBefore(Instant cutoff, int limit);
}
