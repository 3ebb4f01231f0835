package dev.kurir.adapters.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing the admin token from one address: each failed sign-in within {@link #WINDOW} of the previous
 * one doubles the wait before the answer (250 ms, 500 ms, ... at most {@link #MAX_DELAY}). A correct sign-in clears
 * the address.
 */
final class ConsoleSignIns {
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final Duration MAX_DELAY = Duration.ofSeconds(5);
    private static final Duration FIRST_DELAY = Duration.ofMillis(250);
    private static final int MAX_TRACKED = 10_000;

    private record Failures(int count, Instant last) {
    }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    ConsoleSignIns(Clock clock) {
        this.clock = clock;
    }

    /** Records a failure from {@code address}; returns how many in a row, this one included. */
    int failed(String address) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_TRACKED) {
            failures.values().removeIf(f -> f.last().plus(WINDOW).isBefore(now));
        }
        return failures.merge(address, new Failures(1, now), (old, fresh) ->
                old.last().plus(WINDOW).isBefore(now) ? fresh : new Failures(old.count() + 1, now)).count();
    }

    void succeeded(String address) {
        failures.remove(address);
    }

    /** How long to hold the answer to the {@code count}-th failure in a row. */
    static Duration delay(int count) {
        long millis = FIRST_DELAY.toMillis() << Math.min(Math.max(count - 1, 0), 10);
        return Duration.ofMillis(Math.min(millis, MAX_DELAY.toMillis()));
    }
}
