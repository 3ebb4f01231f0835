package dev.kurir.observability.metrics;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * HikariCP's pool as {@code kurir_db_pool_*} metrics, by pool name. Hikari's own Prometheus tracker targets the
 * old simpleclient, hence this one. Give it to the pool with {@code HikariConfig.setMetricsTrackerFactory}.
 */
public final class ConnectionPoolMetrics implements MetricsTrackerFactory {
    private static final double[] ACQUIRE_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
            1, 2.5, 5};

    private final PrometheusRegistry registry;

    public ConnectionPoolMetrics(PrometheusRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Called by Hikari once, when the pool starts. */
    @Override
    public IMetricsTracker create(String poolName, PoolStats stats) {
        gauge("kurir_db_pool_active_connections", "Connections in use", poolName, stats::getActiveConnections);
        gauge("kurir_db_pool_idle_connections", "Open connections not in use", poolName, stats::getIdleConnections);
        gauge("kurir_db_pool_pending_threads", "Threads waiting for a connection", poolName, stats::getPendingThreads);
        gauge("kurir_db_pool_max_connections", "The most connections the pool opens", poolName,
                stats::getMaxConnections);
        Histogram acquire = Histogram.builder()
                .name("kurir_db_pool_acquire_seconds")
                .help("Time to get a connection from the pool")
                .labelNames("pool")
                .classicUpperBounds(ACQUIRE_BUCKETS)
                .register(registry);
        Counter timeouts = Counter.builder()
                .name("kurir_db_pool_timeouts_total")
                .help("Requests for a connection that timed out")
                .labelNames("pool")
                .register(registry);
        timeouts.labelValues(poolName);
        return new Tracker(acquire, timeouts, poolName);
    }

    private void gauge(String name, String help, String poolName, IntSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("pool")
                .callback(callback -> callback.call(value.getAsInt(), poolName))
                .register(registry);
    }

    /** Hikari's per-event callbacks, for the pool they were created for. */
    private record Tracker(Histogram acquire, Counter timeouts, String poolName) implements IMetricsTracker {
        @Override
        public void recordConnectionAcquiredNanos(long elapsedNanos) {
            acquire.labelValues(poolName).observe(elapsedNanos / 1e9);
        }

        @Override
        public void recordConnectionTimeout() {
            timeouts.labelValues(poolName).inc();
        }
    }
}
