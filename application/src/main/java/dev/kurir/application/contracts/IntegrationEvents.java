package dev.kurir.application.contracts;

import java.util.List;

/** Every event type of the contract, for what is derived from all of them (schemas, documentation checks). */
public final class IntegrationEvents {
    private IntegrationEvents() {
    }

    public static List<EventType<?>> all() {
        return List.of(OrderCreated.TYPE, OrderCancelled.TYPE, StockReserved.TYPE, StockRejected.TYPE);
    }
}
