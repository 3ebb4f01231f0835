package dev.kurir.application.messaging;

import java.time.Duration;
import java.util.Objects;

/**
 * How the relay and the inbox workers run.
 *
 * @param relayWorkers   relay workers per module
 * @param inboxWorkers   inbox workers per module
 * @param relayBatchSize rows a relay worker claims at most at once: one claim, one publish-confirm round and one
 *                       UPDATE for the lot, so a backlog drains faster in large batches. Claims start at 100 (or this,
 *                       if smaller) and double while they come back full; handed-over rows go out 100 at a time
 * @param inboxBatchSize rows an inbox worker claims at once; it processes them one by one under one lease, and hands
 *                       the rest back for a fresh claim once half of the lease is used
 * @param pollInterval   the safety-net poll when no wake-up signal arrives
 * @param maxRetries     retries after the first failed attempt; then the row becomes FAILED
 * @param retryBackoff   the first retry's delay; it doubles with each retry, with jitter
 * @param lease          how long a claimed row stays reserved for its worker before others may take it
 */
public record MessagingSettings(int relayWorkers, int inboxWorkers, int relayBatchSize, int inboxBatchSize,
                                Duration pollInterval, int maxRetries, Duration retryBackoff, Duration lease) {
    public MessagingSettings {
        if (relayWorkers < 1 || inboxWorkers < 1 || relayBatchSize < 1 || inboxBatchSize < 1 || maxRetries < 0) {
            throw new IllegalArgumentException("workers and batch sizes must be positive, retries not negative");
        }
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(lease, "lease");
    }
}
