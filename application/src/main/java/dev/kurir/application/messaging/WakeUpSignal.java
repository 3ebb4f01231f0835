package dev.kurir.application.messaging;

import java.time.Duration;

/**
 * Wakes idle workers as soon as new rows are committed, instead of waiting for the next poll. A generation
 * counter makes it race-free: a worker remembers the generation before it looks for work and sleeps only while
 * nothing was signalled since.
 */
public final class WakeUpSignal {
    private long generation;

    /** Called after a commit that wrote rows the workers should see. */
    public synchronized void signal() {
        generation++;
        notifyAll();
    }

    synchronized long generation() {
        return generation;
    }

    /** Sleeps until a signal newer than {@code seen}, or {@code timeout}. */
    synchronized void awaitAfter(long seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (generation == seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
