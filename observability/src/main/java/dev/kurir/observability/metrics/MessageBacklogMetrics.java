package dev.kurir.observability.metrics;

import dev.kurir.application.messaging.port.out.MessageBacklog;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricFamilyDescriptor;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox and inbox backlogs, read from the database at each scrape: pending rows, the age of the oldest
 * pending row and FAILED rows, per module. When the database cannot be read the scrape still succeeds, without
 * these series.
 */
public final class MessageBacklogMetrics implements MultiCollector {
    private static final Logger log = LoggerFactory.getLogger(MessageBacklogMetrics.class);

    private record Family(String name, String help, ToDoubleFunction<MessageBacklog.Snapshot> value) {
    }

    private static final List<Family> FAMILIES = List.of(
            new Family("kurir_outbox_pending_rows", "Outbox rows not yet published, retries included",
                    s -> s.outbox().pending()),
            new Family("kurir_outbox_oldest_pending_age_seconds", "Age of the oldest pending outbox row; 0 when none",
                    s -> seconds(s.outbox())),
            new Family("kurir_outbox_failed_rows", "Outbox rows given up on (FAILED)", s -> s.outbox().failed()),
            new Family("kurir_inbox_pending_rows", "Inbox rows not yet processed, retries included",
                    s -> s.inbox().pending()),
            new Family("kurir_inbox_oldest_pending_age_seconds", "Age of the oldest pending inbox row; 0 when none",
                    s -> seconds(s.inbox())),
            new Family("kurir_inbox_failed_rows", "Inbox rows given up on (FAILED)", s -> s.inbox().failed()));

    private final Map<String, MessageBacklog> backlogs;

    private MessageBacklogMetrics(Map<String, MessageBacklog> backlogs) {
        this.backlogs = new LinkedHashMap<>(backlogs);
    }

    /** Registers the backlog gauges of each module ({@code module} label) in {@code registry}. */
    public static void register(PrometheusRegistry registry, Map<String, MessageBacklog> backlogsByModule) {
        registry.register(new MessageBacklogMetrics(backlogsByModule));
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, MessageBacklog.Snapshot> read = new LinkedHashMap<>();
        for (var backlog : backlogs.entrySet()) {
            try {
                read.put(backlog.getKey(), backlog.getValue().read());
            } catch (RuntimeException e) {
                // The modules share one database: while it is away, do not wait out a connection time-out for each.
                log.debug("backlog metrics skipped: the database cannot be read: {}", e.getMessage());
                break;
            }
        }
        if (read.isEmpty()) {
            return new MetricSnapshots();
        }
        return new MetricSnapshots(FAMILIES.stream().map(family -> snapshot(family, read)).toList());
    }

    private static MetricSnapshot snapshot(Family family, Map<String, MessageBacklog.Snapshot> read) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(family.name()).help(family.help());
        read.forEach((module, snapshot) -> gauge.dataPoint(GaugeDataPointSnapshot.builder()
                .labels(Labels.of("module", module))
                .value(family.value().applyAsDouble(snapshot))
                .build()));
        return gauge.build();
    }

    @Override
    public List<MetricFamilyDescriptor> getMetricFamilyDescriptors() {
        return FAMILIES.stream()
                .map(family -> MetricFamilyDescriptor.gauge(family.name()).help(family.help()).labelNames("module")
                        .build())
                .toList();
    }

    private static double seconds(MessageBacklog.Rows rows) {
        return rows.oldestPendingAge().toMillis() / 1000.0;
    }
}
