package dev.kurir.observability.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

class RetentionMetricsTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final RetentionMetrics metrics = new RetentionMetrics(registry);

    @Test
    void expect_createsTheModulesSeriesAtZero() {
        metrics.expect("orders");

        Scraped scraped = new Scraped(registry);
        assertEquals(0, scraped.counter("kurir_retention_failures_total", "module", "orders"));
        assertEquals(0, scraped.counter("kurir_retention_deleted_rows_total", "module", "orders"));
    }

    @Test
    void failuresAndDeletedRows_areCountedByModule() {
        metrics.retentionFailed("orders", new IllegalStateException("the database is away"));
        metrics.retentionFailed("orders", new IllegalStateException("the database is away"));
        metrics.retentionPurged("items", 1200);

        Scraped scraped = new Scraped(registry);
        assertEquals(2, scraped.counter("kurir_retention_failures_total", "module", "orders"));
        assertEquals(1200, scraped.counter("kurir_retention_deleted_rows_total", "module", "items"));
    }
}
