package dev.kurir.application.items.usecase;

import dev.kurir.application.contracts.OrderCancelled;
import dev.kurir.application.contracts.OrderCreated;
import dev.kurir.application.items.port.in.AddItemUseCase;
import dev.kurir.application.items.port.in.GetItemQuery;
import dev.kurir.application.items.port.in.ListItemsQuery;
import dev.kurir.application.items.port.in.PriceItemsQuery;
import dev.kurir.application.items.port.in.RestockItemUseCase;
import dev.kurir.application.items.port.out.ItemRepository;
import dev.kurir.application.items.port.out.Reservations;
import dev.kurir.application.messaging.handler.InboxHandler;
import dev.kurir.application.shared.port.out.Outbox;
import dev.kurir.application.shared.port.out.UnitOfWork;
import java.util.Map;

/**
 * Builds the use cases behind their ports; called only by {@code ItemsModule.create}. It takes and returns
 * ports only, so the module's factory and this package do not depend on each other both ways.
 */
public final class ItemsFactory {
    private ItemsFactory() {
    }

    public static AddItemUseCase addItem(ItemRepository items, UnitOfWork unitOfWork) {
        return new ItemCommandsService(items, unitOfWork);
    }

    public static RestockItemUseCase restock(ItemRepository items, UnitOfWork unitOfWork) {
        return new ItemCommandsService(items, unitOfWork);
    }

    public static GetItemQuery getItem(ItemRepository items) {
        return new ItemQueriesService(items);
    }

    public static ListItemsQuery listItems(ItemRepository items) {
        return new ItemQueriesService(items);
    }

    public static PriceItemsQuery prices(ItemRepository items) {
        return new ItemQueriesService(items);
    }

    /** The handlers of the events items consumes, by event type. */
    public static Map<String, InboxHandler> inboxHandlers(ItemRepository items, Reservations reservations,
                                                          Outbox outbox) {
        return Map.of(OrderCreated.TYPE.name(),
                InboxHandler.of(OrderCreated.TYPE, new ReserveStockHandler(items, reservations, outbox)),
                OrderCancelled.TYPE.name(),
                InboxHandler.of(OrderCancelled.TYPE, new ReleaseStockHandler(items, reservations)));
    }
}
