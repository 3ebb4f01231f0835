package dev.kurir.application.items.usecase;

import dev.kurir.application.items.port.out.ItemRepository;
import dev.kurir.application.messaging.handler.InboxHandler;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.handler.InvalidMessageException;
import dev.kurir.application.messaging.handler.Payload;
import dev.kurir.application.shared.port.out.Outbox;
import dev.kurir.domain.items.Item;
import dev.kurir.domain.items.Sku;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Handles {@code order.created}: reserves the stock of every line or of none, and answers with
 * {@code stock.reserved} or {@code stock.rejected} through the items outbox, in the inbox transaction.
 */
final class ReserveStockHandler implements InboxHandler {
    private final ItemRepository items;
    private final Outbox outbox;

    ReserveStockHandler(ItemRepository items, Outbox outbox) {
        this.items = items;
        this.outbox = outbox;
    }

    private record Line(Sku sku, int quantity) {
    }

    @Override
    public void handle(InboxMessage message) {
        Payload body = message.body();
        String orderId = body.text("order_id");
        List<Line> lines = lines(body);
        Map<Sku, Item> stock = items.lockAll(lines.stream().map(Line::sku).collect(Collectors.toSet())).stream()
                .collect(Collectors.toMap(Item::sku, Function.identity()));
        Optional<String> shortfall = shortfall(lines, stock);
        if (shortfall.isPresent()) {
            outbox.append(ItemMessages.rejected(orderId, shortfall.get()));
            return;
        }
        List<Map<String, Object>> reserved = new ArrayList<>();
        List<Item> changed = new ArrayList<>();
        for (Line line : lines) {
            Item item = stock.get(line.sku());
            item.reserve(line.quantity());
            changed.add(item);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("sku", line.sku().value());
            entry.put("quantity", line.quantity());
            reserved.add(entry);
        }
        items.updateStock(changed);
        outbox.append(ItemMessages.reserved(orderId, reserved));
    }

    private static List<Line> lines(Payload body) {
        List<Line> lines = new ArrayList<>();
        for (Payload line : body.objects("items")) {
            Sku sku;
            try {
                sku = new Sku(line.text("sku"));
            } catch (IllegalArgumentException e) {
                throw new InvalidMessageException(e.getMessage());
            }
            int quantity = line.integer("quantity");
            if (quantity < 1) {
                throw new InvalidMessageException("quantity of " + sku + " must be at least 1, was " + quantity);
            }
            if (lines.stream().anyMatch(l -> l.sku().equals(sku))) {
                throw new InvalidMessageException("sku " + sku + " appears twice");
            }
            lines.add(new Line(sku, quantity));
        }
        if (lines.isEmpty()) {
            throw new InvalidMessageException("payload field items must not be empty");
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
