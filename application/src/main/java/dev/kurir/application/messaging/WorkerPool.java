package dev.kurir.application.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Threads running one worker loop each until closed. A closing pool lets each worker finish the batch it holds.
 */
final class WorkerPool implements AutoCloseable {
    private static final String INSTANCE = instanceId();

    private final List<Thread> threads = new ArrayList<>();
    private final WakeUpSignal signal;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean running = true;

    WorkerPool(WakeUpSignal signal) {
        this.signal = signal;
    }

    /**
     * A worker id unique across processes and replicas, e.g. {@code orders-relay-1@0b6f0e1c-...}: leases must not
     * collide, and a process id does not tell containers apart (each is pid 1 in its own).
     */
    static String workerId(String module, String role, int index) {
        return module + "-" + role + "-" + index + "@" + INSTANCE;
    }

    /** A lease owner shared by a module's workers of one role in this process, e.g. {@code orders-relay@0b6f0e1c-...}. */
    static String sharedId(String module, String role) {
        return module + "-" + role + "@" + INSTANCE;
    }

    /** A random (version 4) UUID: 122 random bits, so two processes never draw the same. */
    static String instanceId() {
        return UUID.randomUUID().toString();
    }

    interface Loop {
        /** Does one round of work; returns true if more work may be waiting (then the next round starts at once). */
        boolean runOnce() throws InterruptedException;
    }

    /**
     * Starts a worker. An unexpected failure of a round (e.g. the database is away) is reported to
     * {@code onError} and the worker carries on after the poll interval: a worker never dies of it.
     */
    void start(String workerId, Loop loop, Duration pollInterval, java.util.function.Consumer<RuntimeException> onError) {
        Thread thread = Thread.ofPlatform().name(workerId).unstarted(() -> {
            while (running) {
                long seen = signal.generation();
                try {
                    if (!loop.runOnce() && running) {
                        signal.awaitAfter(seen, pollInterval);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    onError.accept(e);
                    if (!sleep(pollInterval)) {
                        return;
                    }
                }
            }
        });
        threads.add(thread);
        thread.start();
    }

    boolean running() {
        return running;
    }

    /** Sleeps unless the pool is stopping; returns false when interrupted. */
    boolean sleep(Duration duration) {
        try {
            // Not on the wake-up signal: a signal wakes a single worker, and one pausing here must not swallow it.
            stopping.await(Math.max(0, duration.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the loops after their current round; waits up to {@code timeout} in all. */
    void stop(Duration timeout) {
        running = false;
        stopping.countDown();
        signal.signalAll();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            try {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                thread.join(left);
                if (thread.isAlive()) {
                    thread.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }
}
