package dev.kurir.observability.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StoredContextTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void aFirstAttempt_soonAfterTheRowWasWritten_continuesTheStoredTrace() {
        StoredContext stored = StoredContext.of(TRACEPARENT, 0, NOW.minusSeconds(5), NOW);

        assertTrue(stored.continues());
        assertEquals(TRACE_ID, Span.fromContext(stored.parent()).getSpanContext().getTraceId());
        assertTrue(Span.fromContext(stored.parent()).getSpanContext().isSampled());
    }

    @Test
    void aRetry_startsANewTrace() {
        StoredContext stored = StoredContext.of(TRACEPARENT, 1, NOW.minusSeconds(5), NOW);

        assertFalse(stored.continues());
        assertEquals(TRACE_ID, stored.stored().getTraceId(), "kept for the link");
        assertEquals(Context.root(), stored.parent());
    }

    @Test
    void aRowOlderThanTheWindow_startsANewTrace() {
        assertTrue(StoredContext.of(TRACEPARENT, 0, NOW.minus(StoredContext.CONTINUATION_WINDOW), NOW).continues());
        assertFalse(StoredContext.of(TRACEPARENT, 0,
                NOW.minus(StoredContext.CONTINUATION_WINDOW).minus(Duration.ofMillis(1)), NOW).continues());
    }

    @Test
    void noOrAMalformedTraceparent_startsANewTraceWithoutLink() {
        for (String traceparent : new String[] {null, "", "00-nothex-00f067aa0ba902b7-01"}) {
            StoredContext stored = StoredContext.of(traceparent, 0, NOW, NOW);
            assertFalse(stored.continues(), traceparent);
            assertFalse(stored.stored().isValid(), traceparent);
        }
    }

    @Test
    void withoutTheAgent_noContextIsCurrent() {
        assertNull(TraceContexts.current());
    }
}
