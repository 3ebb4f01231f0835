package dev.kurir.observability.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * The trace context stored with an outbox or inbox row, and how work on the row relates to it. The first attempt,
 * within {@link #CONTINUATION_WINDOW} of the row being written, continues the stored trace. A retry, or a row that
 * waited longer (a backlog worked off after an outage), starts a new trace with a link to the stored one: one
 * request's trace should show that request, not stretch over minutes of retries.
 *
 * @param continues whether the work is a child of {@code stored}
 */
record StoredContext(SpanContext stored, boolean continues) {
    static final Duration CONTINUATION_WINDOW = Duration.ofMinutes(1);

    static StoredContext of(String traceparent, int retryCount, Instant createdAt, Instant now) {
        SpanContext stored = TraceContexts.parse(traceparent);
        boolean firstAttemptSoon = retryCount == 0 && !createdAt.plus(CONTINUATION_WINDOW).isBefore(now);
        return new StoredContext(stored, stored.isValid() && firstAttemptSoon);
    }

    /** The context to work in: the stored one when the work continues it, otherwise the root (a new trace). */
    Context parent() {
        return continues ? Context.root().with(Span.wrap(stored)) : Context.root();
    }

    /** Makes the span a child of the stored context, or the root of a new trace that links to it. */
    SpanBuilder applyTo(SpanBuilder span) {
        span.setParent(parent());
        if (!continues && stored.isValid()) {
            span.addLink(stored);
        }
        return span;
    }
}
