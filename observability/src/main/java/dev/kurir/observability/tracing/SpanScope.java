package dev.kurir.observability.tracing;

import dev.kurir.application.messaging.MessagingTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/** A span made current for the scope's life, and ended with it. */
final class SpanScope implements MessagingTracing.Scope {
    private final Span span;
    private final Scope scope;

    SpanScope(Span span) {
        this.span = span;
        this.scope = Context.root().with(span).makeCurrent();
    }

    @Override
    public void failed(String reason) {
        span.setStatus(StatusCode.ERROR, reason);
    }

    @Override
    public void close() {
        scope.close();
        span.end();
    }
}
