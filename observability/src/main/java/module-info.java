/**
 * What makes kurir observable without touching business code: health checks now; metric instruments, trace
 * context across the outbox and inbox, and the log layout as they arrive.
 */
module dev.kurir.observability {
    requires dev.kurir.application;
    requires org.slf4j;

    exports dev.kurir.observability.health;
    exports dev.kurir.observability.logging;
}
