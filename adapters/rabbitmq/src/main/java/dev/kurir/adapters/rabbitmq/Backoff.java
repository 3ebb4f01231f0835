package dev.kurir.adapters.rabbitmq;

import java.time.Duration;

/** Pauses that double from 500 ms up to 5 s while failures continue, and start over after a success. */
final class Backoff {
    private static final Duration FIRST = Duration.ofMillis(500);
    private static final Duration MAX = Duration.ofSeconds(5);

    private Duration next = FIRST;

    synchronized Duration next() {
        Duration pause = next;
        next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
        return pause;
    }

    synchronized void reset() {
        next = FIRST;
    }
}
