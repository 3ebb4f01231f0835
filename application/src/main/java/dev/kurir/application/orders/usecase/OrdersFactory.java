package dev.kurir.application.orders.usecase;

import dev.kurir.application.contracts.StockRejected;
import dev.kurir.application.contracts.StockReserved;
import dev.kurir.application.orders.port.in.CancelOrderUseCase;
import dev.kurir.application.orders.port.in.CancelOverdueOrdersUseCase;
import dev.kurir.application.orders.port.in.GetOrderQuery;
import dev.kurir.application.orders.port.in.ListOrdersQuery;
import dev.kurir.application.orders.port.in.PlaceOrderUseCase;
import dev.kurir.application.orders.port.out.IdempotencyKeys;
import dev.kurir.application.orders.port.out.ItemCatalog;
import dev.kurir.application.orders.port.out.OrderRepository;
import dev.kurir.application.orders.port.out.OrdersListener;
import dev.kurir.application.shared.port.out.Outbox;
import dev.kurir.application.shared.port.out.UnitOfWork;
import dev.kurir.application.messaging.handler.InboxHandler;
import java.time.Clock;
import java.util.Map;

/**
 * Builds the use cases behind their ports; called only by {@code OrdersModule.create}. It takes and returns
 * ports only, so the module's factory and this package do not depend on each other both ways.
 */
public final class OrdersFactory {
    private OrdersFactory() {
    }

    public static PlaceOrderUseCase placeOrder(ItemCatalog catalog, OrderRepository orders, IdempotencyKeys keys,
                                               Outbox outbox, UnitOfWork unitOfWork, Clock clock) {
        return new PlaceOrderService(catalog, orders, keys, outbox, unitOfWork, clock);
    }

    public static CancelOrderUseCase cancelOrder(OrderRepository orders, Outbox outbox, UnitOfWork unitOfWork,
                                                 OrdersListener listener, Clock clock) {
        return new CancelOrderService(orders, outbox, unitOfWork, listener, clock);
    }

    /** The deadline cancels by the same path as a request. */
    public static CancelOverdueOrdersUseCase cancelOverdueOrders(OrderRepository orders, Outbox outbox,
                                                                 UnitOfWork unitOfWork, OrdersListener listener,
                                                                 Clock clock) {
        return new CancelOrderService(orders, outbox, unitOfWork, listener, clock);
    }

    public static GetOrderQuery getOrder(OrderRepository orders) {
        return new OrderQueriesService(orders);
    }

    public static ListOrdersQuery listOrders(OrderRepository orders) {
        return new OrderQueriesService(orders);
    }

    /** The handlers of the events orders consumes, by event type. */
    public static Map<String, InboxHandler> inboxHandlers(OrderRepository orders, Clock clock) {
        StockDecisionHandler decisions = new StockDecisionHandler(orders, clock);
        return Map.of(StockReserved.TYPE.name(), InboxHandler.of(StockReserved.TYPE, decisions::reserved),
                StockRejected.TYPE.name(), InboxHandler.of(StockRejected.TYPE, decisions::rejected));
    }
}
