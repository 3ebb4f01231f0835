package dev.kurir.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ConsoleSessionsTest {
    private Instant now = Instant.parse("2026-12-07T20:00:00Z");
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    };

    @Test
    void aSession_isFoundUntilItExpiresOrIsClosed() {
        ConsoleSessions sessions = new ConsoleSessions(clock);
        ConsoleSessions.Session session = sessions.open("console@10.0.0.1");
        assertEquals(43, session.id().length(), "256 random bits, base64url");
        assertNotEquals(session.id(), session.csrfToken());
        assertEquals(session, sessions.find(session.id()).orElseThrow());
        assertTrue(sessions.find("made-up").isEmpty());
        assertTrue(sessions.find(null).isEmpty());

        now = now.plus(ConsoleSessions.LIFETIME);
        assertTrue(sessions.find(session.id()).isEmpty(), "expired at its lifetime");

        ConsoleSessions.Session next = sessions.open("console@10.0.0.1");
        sessions.close(next.id());
        assertTrue(sessions.find(next.id()).isEmpty());
    }

    @Test
    void sameSecret_comparesWholeValues() {
        assertTrue(ConsoleSessions.sameSecret("a-long-admin-token", "a-long-admin-token"));
        assertFalse(ConsoleSessions.sameSecret("a-long-admin-toke", "a-long-admin-token"));
        assertFalse(ConsoleSessions.sameSecret("", "a-long-admin-token"));
        assertFalse(ConsoleSessions.sameSecret(null, "a-long-admin-token"));
    }
}
