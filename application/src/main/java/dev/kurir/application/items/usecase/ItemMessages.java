package dev.kurir.application.items.usecase;

import dev.kurir.application.contracts.LineItem;
import dev.kurir.application.contracts.StockRejected;
import dev.kurir.application.contracts.StockReserved;
import dev.kurir.application.messaging.handler.EventCodec;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import java.util.List;

/** The contract events items publishes: its answers to the orders module. */
final class ItemMessages {
    static final String EXCHANGE = "items";

    private ItemMessages() {
    }

    /** The stock now held for the order. */
    static OutgoingMessage reserved(String orderId, List<LineItem> lines) {
        return EventCodec.outgoing(StockReserved.TYPE, new StockReserved(orderId, lines), EXCHANGE);
    }

    /** Nothing was reserved. */
    static OutgoingMessage rejected(String orderId, String reason) {
        return EventCodec.outgoing(StockRejected.TYPE, new StockRejected(orderId, reason), EXCHANGE);
    }
}
