package dev.kurir.application.orders.usecase;

import dev.kurir.application.contracts.LineItem;
import dev.kurir.application.contracts.OrderCancelled;
import dev.kurir.application.contracts.OrderCreated;
import dev.kurir.application.messaging.handler.EventCodec;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import dev.kurir.domain.orders.OrderPlaced;

/** The contract events orders publishes, from its domain events. */
final class OrderMessages {
    static final String EXCHANGE = "orders";

    private OrderMessages() {
    }

    static OutgoingMessage of(OrderPlaced event) {
        OrderCreated created = new OrderCreated(event.orderId(), event.customerId(), event.amount().amount(),
                event.lines().stream().map(line -> new LineItem(line.sku().value(), line.quantity())).toList());
        return EventCodec.outgoing(OrderCreated.TYPE, created, EXCHANGE);
    }

    /** The items module releases what it holds for the order. */
    static OutgoingMessage of(dev.kurir.domain.orders.OrderCancelled event) {
        return EventCodec.outgoing(OrderCancelled.TYPE, new OrderCancelled(event.orderId(), event.reason()), EXCHANGE);
    }
}
