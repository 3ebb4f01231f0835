package dev.kurir.application.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * After a failed attempt: retry later with exponential backoff and jitter, or give up once {@code maxRetries}
 * retries have failed too. {@code retry_count} therefore counts retries, and a FAILED row was tried
 * {@code maxRetries + 1} times.
 */
final class RetryPolicy {
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final int maxRetries;
    private final Duration base;
    private final Clock clock;

    RetryPolicy(int maxRetries, Duration base, Clock clock) {
        this.maxRetries = maxRetries;
        this.base = base;
        this.clock = clock;
    }

    /** @return when to try again, or empty to give up */
    Optional<Instant> nextAttempt(int retriesSoFar) {
        if (retriesSoFar >= maxRetries) {
            return Optional.empty();
        }
        long exponential = base.toMillis() << Math.min(retriesSoFar, 20);
        long capped = Math.min(exponential, MAX_BACKOFF.toMillis());
        // Full jitter in the upper half: spreads retries of a burst without making the first one instant.
        long delay = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Optional.of(clock.instant().plusMillis(delay));
    }
}
