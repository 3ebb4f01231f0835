package dev.kurir.application.messaging;

import java.time.Duration;

/**
 * Wakes idle workers as soon as new rows are committed, instead of waiting for the next poll. A generation
 * counter makes it race-free: a worker remembers the generation before it looks for work and sleeps only while
 * nothing was signalled since.
 *
 * <p>A signal wakes one idle worker, not all of them: one commit's rows are claimed by one worker, and waking the
 * others only made them run a claim that finds nothing (two wasted transactions per commit with three workers).
 * Busy workers need no wake-up: they look for work again after each round that found some, and a worker that is not
 * waiting yet sees the new generation and does not wait.
 */
public final class WakeUpSignal {
    private long generation;

    /** Called after a commit that wrote rows the workers should see: wakes one idle worker. */
    public synchronized void signal() {
        generation++;
        notify();
    }

    /** Wakes every waiting worker, e.g. to let them see that the pool is stopping. */
    synchronized void signalAll() {
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
