package dev.kurir.observability.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kurir.application.monitoring.HttpRequestListener;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

class HttpServerMetricsTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HttpServerMetrics metrics = new HttpServerMetrics(registry);

    @Test
    void requestCompleted_observesByMethodRouteAndStatus() {
        metrics.requestCompleted("POST", "/api/orders", 201, 0.02);
        metrics.requestCompleted("POST", "/api/orders", 201, 0.04);

        var point = new Scraped(registry).histogram("kurir_http_server_request_duration_seconds",
                "method", "POST", "route", "/api/orders", "status", "201");
        assertEquals(2, point.getCount());
        assertEquals(0.06, point.getSum(), 1e-9);
    }

    @Test
    void anUnknownHttpMethod_isCountedAsOther() {
        metrics.requestCompleted("BREW", HttpRequestListener.UNMATCHED_ROUTE, 404, 0.001);

        assertEquals(1, new Scraped(registry).histogram("kurir_http_server_request_duration_seconds",
                "method", "other", "route", "unmatched", "status", "404").getCount());
    }
}
