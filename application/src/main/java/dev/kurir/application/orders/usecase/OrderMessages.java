package dev.kurir.application.orders.usecase;

import dev.kurir.application.shared.port.out.OutgoingMessage;
import dev.kurir.domain.orders.OrderCancelled;
import dev.kurir.domain.orders.OrderPlaced;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The wire form of the events orders publishes: the contract other modules consume. */
final class OrderMessages {
    static final String EXCHANGE = "orders";
    static final String ORDER_CREATED = "order.created";
    static final String ORDER_CANCELLED = "order.cancelled";

    private OrderMessages() {
    }

    /** {@code {"order_id","customer_id","amount","items":[{"sku","quantity"}]}}, as in the seed. */
    static OutgoingMessage of(OrderPlaced event) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("order_id", event.orderId());
        payload.put("customer_id", event.customerId());
        payload.put("amount", event.amount().toString());
        payload.put("items", event.lines().stream()
                .map(line -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("sku", line.sku().value());
                    item.put("quantity", line.quantity());
                    return item;
                })
                .toList());
        return new OutgoingMessage(UUID.randomUUID(), ORDER_CREATED, EXCHANGE, ORDER_CREATED, payload);
    }

    /** {@code {"order_id","reason"}}: the items module releases what it holds for the order. */
    static OutgoingMessage of(OrderCancelled event) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("order_id", event.orderId());
        payload.put("reason", event.reason());
        return new OutgoingMessage(UUID.randomUUID(), ORDER_CANCELLED, EXCHANGE, ORDER_CANCELLED, payload);
    }
}
