package dev.kurir.application.items.usecase;

import dev.kurir.application.contracts.LineItem;
import dev.kurir.application.contracts.OrderCreated;
import dev.kurir.application.items.port.out.ItemRepository;
import dev.kurir.application.items.port.out.Reservations;
import dev.kurir.application.messaging.handler.EventHandler;
import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InvalidMessageException;
import dev.kurir.application.shared.port.out.Outbox;
import dev.kurir.domain.items.Item;
import dev.kurir.domain.items.Reservation;
import dev.kurir.domain.items.Sku;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Handles {@code order.created}: reserves the stock of every line or of none, once per order whatever the message
 * id, and answers with {@code stock.reserved} or {@code stock.rejected} through the items outbox, in the inbox
 * transaction. An order cancelled before this arrives is refused ({@code stock.rejected}, "order cancelled").
 */
final class ReserveStockHandler implements EventHandler<OrderCreated> {
    private final ItemRepository items;
    private final Reservations reservations;
    private final Outbox outbox;

    ReserveStockHandler(ItemRepository items, Reservations reservations, Outbox outbox) {
        this.items = items;
        this.reservations = reservations;
        this.outbox = outbox;
    }

    private record Line(Sku sku, int quantity) {
    }

    @Override
    public Handled handle(OrderCreated event) {
        String orderId = event.orderId();
        List<Line> lines = lines(event.items());
        Optional<Reservation> known = reservations.lock(orderId);
        if (known.isPresent()) {
            return answerKnownOrder(known.get());
        }
        Map<Sku, Item> stock = items.lockAll(lines.stream().map(Line::sku).collect(Collectors.toSet())).stream()
                .collect(Collectors.toMap(Item::sku, Function.identity()));
        Optional<String> shortfall = shortfall(lines, stock);
        if (shortfall.isPresent()) {
            reservations.save(Reservation.rejected(orderId, shortfall.get()));
            outbox.append(ItemMessages.rejected(orderId, shortfall.get()));
            return Handled.APPLIED;
        }
        Map<Sku, Integer> held = new LinkedHashMap<>();
        List<LineItem> reserved = new ArrayList<>();
        List<Item> changed = new ArrayList<>();
        for (Line line : lines) {
            Item item = stock.get(line.sku());
            item.reserve(line.quantity());
            changed.add(item);
            held.put(line.sku(), line.quantity());
            reserved.add(new LineItem(line.sku().value(), line.quantity()));
        }
        items.updateStock(changed);
        reservations.save(Reservation.reserved(orderId, held));
        outbox.append(ItemMessages.reserved(orderId, reserved));
        return Handled.APPLIED;
    }

    /** The order was decided before (a duplicate), or cancelled before it arrived (refused once, without stock). */
    private Handled answerKnownOrder(Reservation known) {
        if (known.decision() != null) {
            return Handled.DUPLICATE;
        }
        reservations.save(known.refuseLateOrder());
        outbox.append(ItemMessages.rejected(known.orderId(), Reservation.ORDER_CANCELLED));
        return Handled.APPLIED;
    }

    /** The lines as the domain knows them; the record has checked quantities and that there is at least one. */
    private static List<Line> lines(List<LineItem> items) {
        List<Line> lines = new ArrayList<>();
        for (LineItem item : items) {
            Sku sku;
            try {
                sku = new Sku(item.sku());
            } catch (IllegalArgumentException e) {
                throw new InvalidMessageException(e.getMessage());
            }
            if (lines.stream().anyMatch(l -> l.sku().equals(sku))) {
                throw new InvalidMessageException("sku " + sku + " appears twice");
            }
            lines.add(new Line(sku, item.quantity()));
        }
        return lines;
    }

    /** Why the order cannot be served in full, naming every short line; empty when it can. */
    private static Optional<String> shortfall(List<Line> lines, Map<Sku, Item> stock) {
        List<String> problems = new ArrayList<>();
        for (Line line : lines) {
            Item item = stock.get(line.sku());
            if (item == null) {
                problems.add("unknown sku " + line.sku());
            } else if (!item.canReserve(line.quantity())) {
                problems.add("not enough stock for " + line.sku() + ": requested " + line.quantity()
                        + ", available " + item.stock());
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }
}
