package dev.kurir.application.orders.port.in;

import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderStatus;
import dev.kurir.domain.shared.Money;
import java.time.Instant;
import java.util.List;

/**
 * An order as callers see it.
 *
 * @param rejectionReason    why it was REJECTED; null otherwise
 * @param cancellationReason why it was CANCELLED; null otherwise
 */
public record OrderView(String orderId, String customerId, List<Line> lines, Money amount, OrderStatus status,
                        String rejectionReason, String cancellationReason, Instant createdAt, Instant updatedAt) {

    public record Line(String sku, int quantity, Money unitPrice) {
    }

    public static OrderView of(Order order) {
        return new OrderView(order.orderId(), order.customerId(),
                order.lines().stream().map(l -> new Line(l.sku().value(), l.quantity(), l.unitPrice())).toList(),
                order.amount(), order.status(), order.rejectionReason(), order.cancellationReason(), order.createdAt(),
                order.updatedAt());
    }
}
