package dev.kurir.application.items.usecase;

import dev.kurir.application.contracts.OrderCancelled;
import dev.kurir.application.items.port.out.ItemRepository;
import dev.kurir.application.items.port.out.Reservations;
import dev.kurir.application.messaging.handler.EventHandler;
import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.domain.items.Item;
import dev.kurir.domain.items.Reservation;
import dev.kurir.domain.items.Sku;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Handles {@code order.cancelled}: gives back exactly the stock reserved for the order, once. When the order's
 * {@code order.created} has not arrived yet (the two may overtake each other), leaves a tombstone that refuses it.
 */
final class ReleaseStockHandler implements EventHandler<OrderCancelled> {
    private final ItemRepository items;
    private final Reservations reservations;

    ReleaseStockHandler(ItemRepository items, Reservations reservations) {
        this.items = items;
        this.reservations = reservations;
    }

    @Override
    public Handled handle(OrderCancelled event) {
        String orderId = event.orderId();
        Optional<Reservation> known = reservations.lock(orderId);
        if (known.isEmpty()) {
            reservations.save(Reservation.tombstone(orderId));
            return Handled.APPLIED;
        }
        Reservation reservation = known.get();
        if (reservation.cancelled()) {
            return Handled.DUPLICATE;
        }
        if (reservation.holdsStock()) {
            release(reservation.lines());
        }
        reservations.save(reservation.cancel());
        return Handled.APPLIED;
    }

    private void release(Map<Sku, Integer> lines) {
        List<Item> held = items.lockAll(lines.keySet());
        for (Item item : held) {
            item.release(lines.get(item.sku()));
        }
        if (held.size() != lines.size()) {
            // Items are never deleted; a missing one means the schema was changed by hand: retry, do not lose stock.
            throw new IllegalStateException("reserved items are missing: " + lines.keySet());
        }
        items.updateStock(held);
    }
}
