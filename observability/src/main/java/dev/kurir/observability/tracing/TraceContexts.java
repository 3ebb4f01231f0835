package dev.kurir.observability.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Map;

/** The current trace context as the W3C {@code traceparent} stored with outbox and inbox rows, and back. */
final class TraceContexts {
    private static final String TRACEPARENT = "traceparent";
    private static final TextMapGetter<String> STORED = (traceparent, key) ->
            TRACEPARENT.equals(key) ? traceparent : null;

    private TraceContexts() {
    }

    /**
     * @return the current span's context as a W3C {@code traceparent}, e.g.
     *         {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}; null when no span is current (always,
     *         when no OpenTelemetry agent is attached)
     */
    static String current() {
        if (!Span.current().getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** @return the span context in a stored {@code traceparent}; invalid for null or a malformed value */
    static SpanContext parse(String traceparent) {
        if (traceparent == null) {
            return SpanContext.getInvalid();
        }
        Context extracted = W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, STORED);
        return Span.fromContext(extracted).getSpanContext();
    }
}
