package dev.kurir.application.items.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kurir.application.items.port.out.ItemRepository;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.handler.InvalidMessageException;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import dev.kurir.domain.items.Item;
import dev.kurir.domain.items.Sku;
import dev.kurir.domain.shared.Money;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReserveStockHandlerTest {
    private final Map<String, Item> stored = new TreeMap<>();
    private final List<OutgoingMessage> outbox = new ArrayList<>();
    private final ItemRepository items = new ItemRepository() {
        @Override public boolean insertIfAbsent(Item item) { return stored.putIfAbsent(item.sku().value(), item) == null; }
        @Override public Optional<Item> findBySku(Sku sku) { return Optional.ofNullable(stored.get(sku.value())); }
        @Override public Optional<Item> lockBySku(Sku sku) { return findBySku(sku); }
        @Override public List<Item> lockAll(Set<Sku> skus) { return findAll(skus); }
        @Override public void updateStock(List<Item> changed) { changed.forEach(item -> stored.put(item.sku().value(), item)); }
        @Override public List<Item> list(Optional<Sku> after, int limit) { return List.copyOf(stored.values()); }
        @Override public List<Item> findAll(Set<Sku> skus) {
            return skus.stream().map(s -> stored.get(s.value())).filter(java.util.Objects::nonNull).toList();
        }
    };
    private final ReserveStockHandler handler = new ReserveStockHandler(items, outbox::add);

    private static InboxMessage orderCreated(Object lines) {
        return new InboxMessage(1, UUID.randomUUID(), "order.created", "order-service",
                Map.of("order_id", "order-1", "customer_id", "c", "amount", "1.00", "items", lines), 0, Instant.now(), null);
    }

    private void stock(String sku, int stock) {
        items.insertIfAbsent(new Item(new Sku(sku), sku, Money.of("1.00"), stock));
    }

    @Test
    void enoughStock_reservesEveryLine_andAnswersStockReserved() {
        stock("A", 5);
        stock("B", 2);
        handler.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 5), Map.of("sku", "B", "quantity", 1))));
        assertEquals(0, stored.get("A").stock());
        assertEquals(1, stored.get("B").stock());
        assertEquals("stock.reserved", outbox.get(0).eventType());
        assertEquals("items", outbox.get(0).exchange());
        assertEquals("order-1", outbox.get(0).payload().get("order_id"));
    }

    @Test
    void oneShortLine_reservesNothing_andNamesTheShortfall() {
        stock("A", 5);
        stock("B", 2);
        handler.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 5), Map.of("sku", "B", "quantity", 3),
                Map.of("sku", "C", "quantity", 1))));
        assertEquals(5, stored.get("A").stock());
        assertEquals(2, stored.get("B").stock());
        assertEquals("stock.rejected", outbox.get(0).eventType());
        assertEquals("not enough stock for B: requested 3, available 2; unknown sku C", outbox.get(0).payload().get("reason"));
    }

    @Test
    void malformedPayload_isInvalid() {
        assertThrows(InvalidMessageException.class, () -> handler.handle(orderCreated("not a list")));
        assertThrows(InvalidMessageException.class, () -> handler.handle(orderCreated(List.of())));
        assertThrows(InvalidMessageException.class, () -> handler.handle(orderCreated(List.of(Map.of("sku", "A")))));
        assertThrows(InvalidMessageException.class,
                () -> handler.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 0)))));
        assertEquals(List.of(), outbox);
    }
}
