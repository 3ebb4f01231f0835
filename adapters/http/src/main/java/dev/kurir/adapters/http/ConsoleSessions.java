package dev.kurir.adapters.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's signed-in sessions, held in this process only: a session id (256 random bits) names one, and with it
 * the per-session CSRF token its forms carry. A session ends when signed out or after {@link #LIFETIME}; a restart
 * signs everyone out.
 */
final class ConsoleSessions {
    static final Duration LIFETIME = Duration.ofHours(8);
    // Sessions exist only after a correct token, so this bounds memory against a runaway script, not an attacker.
    private static final int MAX_SESSIONS = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A signed-in operator. */
    record Session(String id, String csrfToken, String actor, Instant expiresAt) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    ConsoleSessions(Clock clock) {
        this.clock = clock;
    }

    Session open(String actor) {
        Instant now = clock.instant();
        sessions.values().removeIf(session -> !session.expiresAt().isAfter(now));
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min(java.util.Comparator.comparing(Session::expiresAt))
                    .ifPresent(oldest -> sessions.remove(oldest.id()));
        }
        Session session = new Session(randomId(), randomId(), actor, now.plus(LIFETIME));
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session with that id; an expired one is removed and not returned. */
    Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        if (!session.expiresAt().isAfter(clock.instant())) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Compares in time independent of where the two differ, and of their lengths (both are hashed first). */
    static boolean sameSecret(String offered, String expected) {
        if (offered == null || expected == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(offered), sha256(expected));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String randomId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
