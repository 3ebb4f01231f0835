/**
 * Trace context across the outbox and the inbox, on the OpenTelemetry API: what the OpenTelemetry Java agent
 * records when it is attached, and nothing at all (no-op) when it is not. A row stores the W3C {@code traceparent}
 * of the work that wrote it; whoever works on the row later continues that trace, or, when the row is retried or
 * waited long, starts a new trace that links to it.
 */
package dev.kurir.observability.tracing;
