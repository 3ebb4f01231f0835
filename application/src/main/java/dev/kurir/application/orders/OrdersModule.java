package dev.kurir.application.orders;

import dev.kurir.application.contracts.OrderCancelled;
import dev.kurir.application.contracts.OrderCreated;
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
import dev.kurir.application.orders.usecase.OrdersFactory;
import dev.kurir.application.shared.port.out.Outbox;
import dev.kurir.application.shared.port.out.UnitOfWork;
import dev.kurir.application.messaging.handler.InboxHandler;
import dev.kurir.application.module.ModuleDescriptor;
import dev.kurir.application.module.ModuleDescriptor.Publication;
import dev.kurir.application.module.ModuleDescriptor.Subscription;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The orders module's inbound ports, built from its outbound ones by {@link #create}: its use cases (the saga
 * deadline's among them), and the handlers of the events it consumes through its inbox ({@code stock.reserved},
 * {@code stock.rejected}).
 */
public record OrdersModule(PlaceOrderUseCase placeOrder, CancelOrderUseCase cancelOrder,
                           CancelOverdueOrdersUseCase cancelOverdueOrders, GetOrderQuery getOrder,
                           ListOrdersQuery listOrders, Map<String, InboxHandler> inboxHandlers) {

    /** The orders module as the rest of the system sees it: what it publishes, what it consumes, where. */
    public static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("orders", "orders", "orders",
            "order-service",
            List.of(new Publication(OrderCreated.TYPE.name(), "order.created"),
                    new Publication(OrderCancelled.TYPE.name(), "order.cancelled")),
            "orders.item-events",
            List.of(new Subscription("items", "stock.*", List.of(StockReserved.TYPE.name(), StockRejected.TYPE.name()))));

    /** What the orders module needs; the outbox must write to the orders schema. */
    public record Dependencies(OrderRepository orders, IdempotencyKeys idempotencyKeys, ItemCatalog catalog,
                               Outbox outbox, UnitOfWork unitOfWork, OrdersListener listener, Clock clock) {
        public Dependencies {
            Objects.requireNonNull(listener, "listener");
            Objects.requireNonNull(orders, "orders");
            Objects.requireNonNull(idempotencyKeys, "idempotencyKeys");
            Objects.requireNonNull(catalog, "catalog");
            Objects.requireNonNull(outbox, "outbox");
            Objects.requireNonNull(unitOfWork, "unitOfWork");
            Objects.requireNonNull(clock, "clock");
        }
    }

    public static OrdersModule create(Dependencies deps) {
        return new OrdersModule(
                OrdersFactory.placeOrder(deps.catalog(), deps.orders(), deps.idempotencyKeys(), deps.outbox(),
                        deps.unitOfWork(), deps.clock()),
                OrdersFactory.cancelOrder(deps.orders(), deps.outbox(), deps.unitOfWork(), deps.listener(),
                        deps.clock()),
                OrdersFactory.cancelOverdueOrders(deps.orders(), deps.outbox(), deps.unitOfWork(), deps.listener(),
                        deps.clock()),
                OrdersFactory.getOrder(deps.orders()),
                OrdersFactory.listOrders(deps.orders()),
                OrdersFactory.inboxHandlers(deps.orders(), deps.clock()));
    }
}
