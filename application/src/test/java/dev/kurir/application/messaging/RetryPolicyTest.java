package dev.kurir.application.messaging;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final Instant now = Instant.parse("2026-11-25T10:00:00Z");
    private final RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(1), Clock.fixed(now, ZoneOffset.UTC));

    @Test
    void backoffDoublesWithJitter_thenGivesUpAfterMaxRetries() {
        for (int retries = 0; retries < 3; retries++) {
            long ceiling = 1000L << retries;
            for (int sample = 0; sample < 50; sample++) {
                long delay = Duration.between(now, policy.nextAttempt(retries).orElseThrow()).toMillis();
                assertTrue(delay >= ceiling / 2 && delay <= ceiling, "retry " + retries + " waited " + delay);
            }
        }
        assertTrue(policy.nextAttempt(3).isEmpty());
    }

    @Test
    void backoff_isCappedAtFiveMinutes() {
        RetryPolicy many = new RetryPolicy(100, Duration.ofSeconds(1), Clock.fixed(now, ZoneOffset.UTC));
        assertTrue(Duration.between(now, many.nextAttempt(60).orElseThrow()).compareTo(Duration.ofMinutes(5)) <= 0);
    }
}
