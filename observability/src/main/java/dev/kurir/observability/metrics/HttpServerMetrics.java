package dev.kurir.observability.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;

/**
 * RED metrics of the HTTP API: one histogram {@code kurir_http_server_request_duration_seconds} by method, route
 * template and status. Its {@code _count} gives the request rate and, by status, the error rate.
 */
public final class HttpServerMetrics {
    /** The route of a request no route matched: unknown paths must not grow the label set. */
    public static final String UNMATCHED_ROUTE = "unmatched";
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

    /**
     * Records one answered request.
     *
     * @param route the matched route template, e.g. {@code /api/orders/{orderId}}, never the raw path; or
     *              {@link #UNMATCHED_ROUTE}
     */
    public void requestCompleted(String method, String route, int status, double seconds) {
        duration.labelValues(METHODS.contains(method) ? method : "other", route, Integer.toString(status))
                .observe(seconds);
    }
}
