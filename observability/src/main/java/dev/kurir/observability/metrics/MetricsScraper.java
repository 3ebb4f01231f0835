package dev.kurir.observability.metrics;

import dev.kurir.application.monitoring.MetricsExposition;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Collects a registry and writes it in the format the scraper asks for: OpenMetrics (which carries exemplars),
 * the Prometheus text format, or protobuf.
 */
public final class MetricsScraper implements MetricsExposition {
    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();

    public MetricsScraper(PrometheusRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Scrapes now. {@code acceptHeader} may be null: the Prometheus text format is the default. */
    @Override
    public Scrape scrape(String acceptHeader) {
        ExpositionFormatWriter writer = formats.findWriter(acceptHeader);
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(body, registry.scrape(), EscapingScheme.fromAcceptHeader(acceptHeader));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return new Scrape(writer.getContentType(), body.toByteArray());
    }
}
