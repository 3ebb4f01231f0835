/**
 * What makes kurir observable without touching business code: health checks now; metric instruments, trace
 * context across the outbox and inbox, and the log layout as they arrive.
 */
module dev.kurir.observability {
    requires dev.kurir.application;
    requires org.slf4j;
    // PrometheusRegistry appears in this module's API; bootstrap creates one per kurir instance.
    requires transitive io.prometheus.metrics.model;
    requires io.prometheus.metrics.config;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.instrumentation.jvm;
    requires io.prometheus.writer.text;
    requires com.zaxxer.hikari;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;

    exports dev.kurir.observability.health;
    exports dev.kurir.observability.logging;
    exports dev.kurir.observability.metrics;
    exports dev.kurir.observability.tracing;
}
