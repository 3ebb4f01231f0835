package dev.kurir.application.messaging;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WakeUpSignalTest {

    @Test
    void aSignalBeforeTheWait_isNotMissed() throws InterruptedException {
        WakeUpSignal signal = new WakeUpSignal();
        long seen = signal.generation();
        signal.signal();
        long start = System.nanoTime();
        signal.awaitAfter(seen, Duration.ofSeconds(10));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "returned at once");
    }

    @Test
    void aSignalFromAnotherThread_wakesTheWaiter() throws InterruptedException {
        WakeUpSignal signal = new WakeUpSignal();
        long seen = signal.generation();
        Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            signal.signal();
        });
        long start = System.nanoTime();
        signal.awaitAfter(seen, Duration.ofSeconds(10));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "woken by the signal");
    }
}
