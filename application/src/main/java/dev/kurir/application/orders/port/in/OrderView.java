package dev.kurir.application.orders.port.in;

import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderStatus;
import dev.kurir.domain.shared.Money;
import java.time.Instant;
import java.util.List;

/** An order as callers see it. */
public record OrderView(String orderId, String customerId, List<Line> lines, Money amount, OrderStatus status,
                        String rejectionReason, Instant createdAt, Instant updatedAt) {

    public record Line(String sku, int quantity, Money unitPrice) {
    }

    public static OrderView of(Order order) {
        return new OrderView(order.orderId(), order.customerId(),
                order.lines().stream().map(l -> new Line(l.sku().value(), l.quantity(), l.unitPrice())).toList(),
                order.amount(), order.status(), order.rejectionReason(), order.createdAt(), order.updatedAt());
    }
}
