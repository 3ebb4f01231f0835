package dev.kurir.application.orders.usecase;

import dev.kurir.application.orders.OrdersModule;

/** Builds the use cases; reached only through {@link OrdersModule#create}. */
public final class OrdersFactory {
    private OrdersFactory() {
    }

    public static OrdersModule create(OrdersModule.Dependencies deps) {
        OrderQueriesService queries = new OrderQueriesService(deps.orders());
        PlaceOrderService placeOrder = new PlaceOrderService(
                deps.catalog(), deps.orders(), deps.outbox(), deps.unitOfWork(), deps.clock());
        return new OrdersModule(placeOrder, queries, queries);
    }
}
