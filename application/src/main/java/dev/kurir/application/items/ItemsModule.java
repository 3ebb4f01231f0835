package dev.kurir.application.items;

import dev.kurir.application.contracts.OrderCancelled;
import dev.kurir.application.contracts.OrderCreated;
import dev.kurir.application.contracts.StockRejected;
import dev.kurir.application.contracts.StockReserved;
import dev.kurir.application.items.port.in.AddItemUseCase;
import dev.kurir.application.items.port.in.GetItemQuery;
import dev.kurir.application.items.port.in.ListItemsQuery;
import dev.kurir.application.items.port.in.PriceItemsQuery;
import dev.kurir.application.items.port.in.RestockItemUseCase;
import dev.kurir.application.items.port.out.ItemRepository;
import dev.kurir.application.items.port.out.Reservations;
import dev.kurir.application.items.usecase.ItemsFactory;
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
 * The items module's inbound ports, built from its outbound ones by {@link #create}: its use cases, and the
 * handlers of the events it consumes through its inbox ({@code order.created}, {@code order.cancelled}).
 */
public record ItemsModule(AddItemUseCase addItem, RestockItemUseCase restock, GetItemQuery getItem,
                          ListItemsQuery listItems, PriceItemsQuery prices, Map<String, InboxHandler> inboxHandlers) {

    /** The items module as the rest of the system sees it: what it publishes, what it consumes, where. */
    public static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("items", "items", "items", "item-service",
            List.of(new Publication(StockReserved.TYPE.name(), "stock.reserved"),
                    new Publication(StockRejected.TYPE.name(), "stock.rejected")),
            "items.order-events",
            List.of(new Subscription("orders", "order.*", List.of(OrderCreated.TYPE.name(), OrderCancelled.TYPE.name()))));

    /** What the items module needs; the outbox must write to the items schema. */
    public record Dependencies(ItemRepository items, Reservations reservations, Outbox outbox, UnitOfWork unitOfWork,
                               Clock clock) {
        public Dependencies {
            Objects.requireNonNull(items, "items");
            Objects.requireNonNull(reservations, "reservations");
            Objects.requireNonNull(outbox, "outbox");
            Objects.requireNonNull(unitOfWork, "unitOfWork");
            Objects.requireNonNull(clock, "clock");
        }
    }

    public static ItemsModule create(Dependencies deps) {
        return new ItemsModule(
                ItemsFactory.addItem(deps.items(), deps.unitOfWork()),
                ItemsFactory.restock(deps.items(), deps.unitOfWork()),
                ItemsFactory.getItem(deps.items()),
                ItemsFactory.listItems(deps.items()),
                ItemsFactory.prices(deps.items()),
                ItemsFactory.inboxHandlers(deps.items(), deps.reservations(), deps.outbox()));
    }
}
