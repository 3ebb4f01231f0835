package dev.kurir.observability.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kurir.application.orders.port.in.OrderView;
import dev.kurir.domain.orders.OrderStatus;
import dev.kurir.domain.shared.Money;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderMetricsTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final OrderMetrics metrics = new OrderMetrics(registry);
    private final OrderView order = new OrderView("o-1", "c", List.of(), Money.of("1.00"), OrderStatus.CANCELLED,
            null, "deadline exceeded", Instant.now(), Instant.now());

    @Test
    void cancellations_areCountedByCause_fromZero_andDeadlineFailuresToo() {
        assertEquals(0, new Scraped(registry).counter("kurir_orders_cancelled_total", "cause", "deadline"));
        metrics.cancelled(order, true);
        metrics.cancelled(order, true);
        metrics.cancelled(order, false);
        metrics.deadlineRoundFailed(new IllegalStateException("database away"));

        Scraped scraped = new Scraped(registry);
        assertEquals(2, scraped.counter("kurir_orders_cancelled_total", "cause", "deadline"));
        assertEquals(1, scraped.counter("kurir_orders_cancelled_total", "cause", "request"));
        assertEquals(1, scraped.counter("kurir_order_deadline_failures_total"));
    }
}
