package dev.kurir.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ConsoleSignInsTest {
    private Instant now = Instant.parse("2026-12-07T20:00:00Z");
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    };

    @Test
    void failuresInARow_doubleTheDelay_upToItsCap() {
        assertEquals(Duration.ofMillis(250), ConsoleSignIns.delay(1));
        assertEquals(Duration.ofMillis(500), ConsoleSignIns.delay(2));
        assertEquals(Duration.ofMillis(4000), ConsoleSignIns.delay(5));
        assertEquals(ConsoleSignIns.MAX_DELAY, ConsoleSignIns.delay(6));
        assertEquals(ConsoleSignIns.MAX_DELAY, ConsoleSignIns.delay(1000));
    }

    @Test
    void anAddressCountsFailuresWithinTheWindow_andASuccessClearsThem() {
        ConsoleSignIns signIns = new ConsoleSignIns(clock);
        assertEquals(1, signIns.failed("10.0.0.1"));
        assertEquals(2, signIns.failed("10.0.0.1"));
        assertEquals(1, signIns.failed("10.0.0.2"), "addresses are counted apart");
        now = now.plus(ConsoleSignIns.WINDOW).plusSeconds(1);
        assertEquals(1, signIns.failed("10.0.0.1"), "a failure after a quiet window starts again");
        assertEquals(2, signIns.failed("10.0.0.1"));
        signIns.succeeded("10.0.0.1");
        assertEquals(1, signIns.failed("10.0.0.1"));
    }
}
