package dev.kurir.adapters.rabbitmq;

import dev.kurir.application.messaging.port.out.OutboundMessage;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Outbox rows for tests. */
final class Messages {
    private static final AtomicLong ids = new AtomicLong();

    private Messages() {
    }

    static OutboundMessage orderCreated() {
        return message("orders", "order.created");
    }

    static OutboundMessage message(String exchange, String routingKey) {
        UUID messageId = UUID.randomUUID();
        return new OutboundMessage(ids.incrementAndGet(), messageId, routingKey, 1, exchange, routingKey,
                "{\"order_id\":\"" + messageId + "\",\"amount\":\"387.26\"}", 0, Instant.now(), null);
    }
}
