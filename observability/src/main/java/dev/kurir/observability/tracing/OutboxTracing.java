package dev.kurir.observability.tracing;

import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;

/**
 * The trace of an outbox row's publication: the broker adapter opens {@link #publishing} (through
 * {@link MessagingTracing#publishing}) around each message's publish call, so that the OpenTelemetry agent's
 * producer span, and the {@code traceparent} header it writes, belong to the trace stored with the row.
 */
final class OutboxTracing {
    private static final Tracer TRACER = GlobalOpenTelemetry.getTracer(
            OpenTelemetryMessagingTracing.INSTRUMENTATION_SCOPE);

    private OutboxTracing() {
    }

    /**
     * Makes the row's stored context current until the scope is closed, after recording a span
     * {@code outbox wait <event_type>} for the time the row waited in the outbox. A row retried, or published long
     * after it was written, gets a span {@code outbox publish <event_type>} instead: the root of a new trace, linked
     * to the stored one; and so does a row with no stored context.
     */
    static MessagingTracing.Scope publishing(OutboundMessage message) {
        Instant now = Instant.now();
        StoredContext stored = StoredContext.of(message.traceparent(), message.retryCount(), message.createdAt(), now);
        if (stored.continues()) {
            Context parent = stored.parent();
            TRACER.spanBuilder("outbox wait " + message.eventType())
                    .setParent(parent)
                    .setStartTimestamp(message.createdAt())
                    .setAttribute("messaging.message.id", message.messageId().toString())
                    .startSpan()
                    .end(now);
            Scope scope = parent.makeCurrent();
            return scope::close;
        }
        Span span = stored.applyTo(TRACER.spanBuilder("outbox publish " + message.eventType()))
                .setAttribute("messaging.message.id", message.messageId().toString())
                .setAttribute("kurir.retry_count", message.retryCount())
                .setAttribute("kurir.outbox.waited_ms", Duration.between(message.createdAt(), now).toMillis())
                .startSpan();
        return new SpanScope(span);
    }
}
