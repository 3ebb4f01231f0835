package dev.kurir.observability.metrics;

import dev.kurir.application.monitoring.HttpRequestListener;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;

/**
 * RED metrics of the HTTP API: one histogram {@code kurir_http_server_request_duration_seconds} by method, route
 * template and status. Its {@code _count} gives the request rate and, by status, the error rate.
 */
public final class HttpServerMetrics implements HttpRequestListener {
    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "QUERY");

    private final Histogram duration;

    public HttpServerMetrics(PrometheusRegistry registry) {
        this.duration = Histogram.builder()
                .name("kurir_http_server_request_duration_seconds")
                .help("Time to answer an HTTP API request, by method, route template and response status")
                .labelNames("method", "route", "status")
                .register(registry);
    }

    /** Records one answered request; an unknown method is counted as {@code other}. */
    @Override
    public void requestCompleted(String method, String route, int status, double seconds) {
        duration.labelValues(METHODS.contains(method) ? method : "other", route, Integer.toString(status))
                .observe(seconds);
    }
}
