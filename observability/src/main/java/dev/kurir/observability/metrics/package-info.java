/**
 * Prometheus metrics (client_java 1.x): every instrument is registered in the {@code PrometheusRegistry} of one
 * kurir instance, never in the static default registry, so that two instances in one JVM keep apart. Names carry
 * the {@code kurir_} prefix and base units; labels are bounded sets (module, event type, route, status, reason),
 * never ids.
 */
package dev.kurir.observability.metrics;
