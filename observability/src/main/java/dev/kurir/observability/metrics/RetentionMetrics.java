package dev.kurir.observability.metrics;

import dev.kurir.application.messaging.MessagingListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Counts what each module's retention job does: {@code kurir_retention_deleted_rows_total} and
 * {@code kurir_retention_failures_total}, by module. A retention that keeps failing lets the outbox, the inbox and
 * the idempotency keys grow without bound, so its failures are counted (and alerted on) rather than only logged.
 */
public final class RetentionMetrics implements MessagingListener {
    private final Counter deleted;
    private final Counter failures;

    public RetentionMetrics(PrometheusRegistry registry) {
        deleted = Counter.builder().name("kurir_retention_deleted_rows_total")
                .help("Settled outbox and inbox rows (and idempotency keys) the retention job deleted")
                .labelNames("module").register(registry);
        failures = Counter.builder().name("kurir_retention_failures_total")
                .help("Retention runs that failed (the next run, 10 minutes later, tries again)")
                .labelNames("module").register(registry);
    }

    /** Creates the module's series at zero, so that {@code increase()} sees the first failure too. */
    public void expect(String module) {
        deleted.labelValues(module);
        failures.labelValues(module);
    }

    @Override
    public void retentionPurged(String module, int rows) {
        deleted.labelValues(module).inc(rows);
    }

    @Override
    public void retentionFailed(String module, RuntimeException error) {
        failures.labelValues(module).inc();
    }
}
