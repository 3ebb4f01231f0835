package dev.kurir.observability.tracing;

import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Clock;

/**
 * {@link MessagingTracing} on the OpenTelemetry API. Handling an inbox message is a span
 * {@code inbox process <event_type>} that continues the context the consumer stored with the row (see
 * {@link StoredContext} for when it starts a new trace instead). Background work runs under a parent that is not
 * sampled, so that the parent-based sampler (the default) drops the database spans of every poll.
 */
public final class OpenTelemetryMessagingTracing implements MessagingTracing {
    static final String INSTRUMENTATION_SCOPE = "dev.kurir.messaging";
    private static final Context BACKGROUND = Context.root().with(Span.wrap(SpanContext.create(
            "6b757269720000000000000000000000", "6b75726972000000", TraceFlags.getDefault(),
            TraceState.getDefault())));

    private final Tracer tracer = GlobalOpenTelemetry.getTracer(INSTRUMENTATION_SCOPE);
    private final Clock clock;

    public OpenTelemetryMessagingTracing(Clock clock) {
        this.clock = clock;
    }

    @Override
    public MessagingTracing.Scope handling(InboxMessage message) {
        StoredContext stored = StoredContext.of(message.traceparent(), message.retryCount(), message.createdAt(),
                clock.instant());
        Span span = stored.applyTo(tracer.spanBuilder("inbox process " + message.eventType()))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.message.id", message.messageId().toString())
                .setAttribute("kurir.event_type", message.eventType())
                .setAttribute("kurir.sender_id", message.senderId())
                .setAttribute("kurir.retry_count", message.retryCount())
                .startSpan();
        return new SpanScope(span);
    }

    @Override
    public MessagingTracing.Scope background() {
        var scope = BACKGROUND.makeCurrent();
        return scope::close;
    }

    @Override
    public String currentTraceparent() {
        return TraceContexts.current();
    }

    @Override
    public MessagingTracing.Scope publishing(OutboundMessage message) {
        return OutboxTracing.publishing(message);
    }
}
