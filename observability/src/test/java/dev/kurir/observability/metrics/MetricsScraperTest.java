package dev.kurir.observability.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.monitoring.MetricsExposition;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetricsScraperTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final MetricsScraper scraper = new MetricsScraper(registry);

    MetricsScraperTest() {
        new HttpServerMetrics(registry).requestCompleted("GET", "/api/orders/{orderId}", 200, 0.01);
    }

    private static String text(MetricsExposition.Scrape scrape) {
        return new String(scrape.body(), StandardCharsets.UTF_8);
    }

    @Test
    void openMetrics_isWrittenWhenTheScraperAsksForIt() {
        var scrape = scraper.scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8", scrape.contentType());
        assertTrue(text(scrape).endsWith("# EOF\n"), text(scrape));
    }

    @Test
    void theTextFormat_isWrittenForPlainTextAndWithoutAcceptHeader() {
        for (String accept : new String[] {"text/plain", "*/*", null}) {
            var scrape = scraper.scrape(accept);
            assertEquals("text/plain; version=0.0.4; charset=utf-8", scrape.contentType(), "Accept: " + accept);
            assertTrue(text(scrape).contains("kurir_http_server_request_duration_seconds_count"
                    + "{method=\"GET\",route=\"/api/orders/{orderId}\",status=\"200\"} 1"), text(scrape));
        }
    }

    @Test
    void protobuf_isWrittenWhenAskedFor() {
        var scrape = scraper.scrape(
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,"
                        + "text/plain;version=0.0.4;q=0.3");
        assertTrue(scrape.contentType().startsWith("application/vnd.google.protobuf"), scrape.contentType());
        assertTrue(scrape.body().length > 0);
    }
}
