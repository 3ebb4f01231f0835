package dev.kurir.application.items.usecase;

import dev.kurir.application.shared.port.out.OutgoingMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The wire form of the events items publishes: the contract the orders module consumes. */
final class ItemMessages {
    static final String EXCHANGE = "items";
    static final String STOCK_RESERVED = "stock.reserved";
    static final String STOCK_REJECTED = "stock.rejected";

    private ItemMessages() {
    }

    /** {@code {"order_id","items":[{"sku","quantity"}]}}: the stock now held for the order. */
    static OutgoingMessage reserved(String orderId, List<Map<String, Object>> lines) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("order_id", orderId);
        payload.put("items", lines);
        return new OutgoingMessage(UUID.randomUUID(), STOCK_RESERVED, EXCHANGE, STOCK_RESERVED, payload);
    }

    /** {@code {"order_id","reason"}}: nothing was reserved. */
    static OutgoingMessage rejected(String orderId, String reason) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("order_id", orderId);
        payload.put("reason", reason);
        return new OutgoingMessage(UUID.randomUUID(), STOCK_REJECTED, EXCHANGE, STOCK_REJECTED, payload);
    }
}
