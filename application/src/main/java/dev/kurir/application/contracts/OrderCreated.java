package dev.kurir.application.contracts;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * An order was placed and waits for its stock ({@code order.created}, from orders to items).
 *
 * @param amount the order's total, written as a decimal string ({@code "387.26"}) so no reader rounds it
 * @param items  the lines, at least one
 */
public record OrderCreated(String orderId, String customerId, BigDecimal amount, List<LineItem> items)
        implements IntegrationEvent {
    public static final EventType<OrderCreated> TYPE = new EventType<>("order.created", 1, OrderCreated.class);

    public OrderCreated {
        Fields.text(orderId, "order_id");
        Fields.text(customerId, "customer_id");
        Objects.requireNonNull(amount, "amount must be a decimal");
        items = Fields.nonEmpty(items, "items");
    }
}
