package dev.kurir.bootstrap;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Waits for a condition that asynchronous work will make true, and says what was last seen when it does not. */
final class Eventually {
    private Eventually() {
    }

    static void await(String what, Duration timeout, Supplier<Boolean> condition) {
        await(what, timeout, condition, () -> "");
    }

    static void await(String what, Duration timeout, Supplier<Boolean> condition, Supplier<String> lastSeen) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + timeout + ": " + what + " " + lastSeen.get());
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
