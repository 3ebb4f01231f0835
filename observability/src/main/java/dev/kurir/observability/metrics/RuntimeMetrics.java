package dev.kurir.observability.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** JVM and process metrics (memory, GC, threads, classes, CPU, open files) from client_java's {@link JvmMetrics}. */
public final class RuntimeMetrics {
    private RuntimeMetrics() {
    }

    /** Registers them in {@code registry}; registering twice in the same registry does nothing the second time. */
    public static void register(PrometheusRegistry registry) {
        JvmMetrics.builder().register(registry);
    }
}
