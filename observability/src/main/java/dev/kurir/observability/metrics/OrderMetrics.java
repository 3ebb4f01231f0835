package dev.kurir.observability.metrics;

import dev.kurir.application.orders.port.in.OrderView;
import dev.kurir.application.orders.port.out.OrdersListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Counts cancelled orders by cause ({@code kurir_orders_cancelled_total}: a request, or the saga deadline) and the
 * saga deadline's failed rounds ({@code kurir_order_deadline_failures_total}).
 */
public final class OrderMetrics implements OrdersListener {
    private final Counter cancelled;
    private final Counter deadlineFailures;

    public OrderMetrics(PrometheusRegistry registry) {
        cancelled = Counter.builder()
                .name("kurir_orders_cancelled_total")
                .help("Orders cancelled, by cause: request (POST /api/orders/{id}/cancel) or deadline "
                        + "(still PENDING at KURIR_ORDER_DEADLINE)")
                .labelNames("cause")
                .register(registry);
        // Both series exist from the first scrape, so rate() and the deadline alert see the first cancellation.
        cancelled.labelValues("request");
        cancelled.labelValues("deadline");
        deadlineFailures = Counter.builder()
                .name("kurir_order_deadline_failures_total")
                .help("Rounds of the saga deadline that failed (e.g. the database is away); orders past their "
                        + "deadline wait for the next round")
                .register(registry);
    }

    @Override
    public void cancelled(OrderView order, boolean byDeadline) {
        cancelled.labelValues(byDeadline ? "deadline" : "request").inc();
    }

    @Override
    public void deadlineRoundFailed(RuntimeException error) {
        deadlineFailures.inc();
    }
}
