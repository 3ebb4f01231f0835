package dev.kurir.observability.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Optional;

/** One scrape of a registry, with look-ups by exposed name (counters with {@code _total}) and label pairs. */
final class Scraped {
    private final MetricSnapshots snapshots;

    Scraped(PrometheusRegistry registry) {
        this.snapshots = registry.scrape();
    }

    Optional<DataPointSnapshot> point(String name, String... labelPairs) {
        Labels labels = Labels.of(labelPairs);
        return snapshots.stream()
                .filter(s -> s.getMetadata().getName().equals(name) || (s.getMetadata().getName() + "_total").equals(name))
                .flatMap(s -> s.getDataPoints().stream())
                .map(DataPointSnapshot.class::cast)
                .filter(p -> p.getLabels().equals(labels))
                .findFirst();
    }

    double counter(String name, String... labelPairs) {
        return ((CounterDataPointSnapshot) require(name, labelPairs)).getValue();
    }

    double gauge(String name, String... labelPairs) {
        return ((GaugeDataPointSnapshot) require(name, labelPairs)).getValue();
    }

    HistogramDataPointSnapshot histogram(String name, String... labelPairs) {
        return (HistogramDataPointSnapshot) require(name, labelPairs);
    }

    private DataPointSnapshot require(String name, String... labelPairs) {
        return point(name, labelPairs).orElseThrow(() -> new AssertionError("no series " + name + Labels.of(labelPairs)));
    }
}
