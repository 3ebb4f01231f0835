package dev.kurir.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.orders.port.in.OrderPage;
import dev.kurir.application.orders.port.in.OrderSearch;
import dev.kurir.application.shared.port.out.Outbox;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import dev.kurir.domain.items.Item;
import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderLine;
import dev.kurir.domain.orders.OrderStatus;
import dev.kurir.domain.orders.Sku;
import dev.kurir.domain.shared.Money;
import dev.kurir.testing.TestDatabase;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresAdaptersIT {
    private static TestDatabase database;
    private static Jdbi jdbi;

    private final Clock clock = Clock.systemUTC();
    private JdbiUnitOfWork unitOfWork;
    private JdbiOrderRepository orders;
    private JdbiItemRepository items;
    private Outbox ordersOutbox;
    private RecordingHandOff relay;

    @BeforeAll
    static void migrate() {
        database = TestDatabase.create();
        for (ModuleSchema schema : Schemas.ALL) {
            Flyway.configure().dataSource(database.dataSource()).schemas(schema.schemaName()).createSchemas(true)
                    .locations(schema.migrationLocation()).load().migrate();
        }
        jdbi = Jdbi.create(database.dataSource());
    }

    @AfterAll
    static void drop() {
        database.close();
    }

    @BeforeEach
    void wire() {
        unitOfWork = new JdbiUnitOfWork(jdbi);
        orders = new JdbiOrderRepository(jdbi);
        items = new JdbiItemRepository(jdbi);
        relay = RecordingHandOff.full();
        ordersOutbox = relay.ordersOutbox(jdbi);
        jdbi.useHandle(h -> h.execute("TRUNCATE orders.orders, orders.order_lines, orders.outbox, items.items CASCADE"));
    }

    private Order newOrder(String customerId) {
        return Order.place(customerId, List.of(new OrderLine(new Sku("ITEM-99"), 5, Money.of("77.45"))), clock);
    }

    private static OutgoingMessage message(String orderId) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("order_id", orderId);
        payload.put("items", List.of(Map.of("sku", "ITEM-99", "quantity", 5)));
        return new OutgoingMessage(UUID.randomUUID(), "order.created", 1, "orders", "order.created", payload);
    }

    private static long count(String table) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
    }

    @Test
    void orderAndOutboxRow_commitTogether() {
        Order order = newOrder("cust-020");
        OutgoingMessage message = message(order.orderId());

        unitOfWork.inTransaction(() -> {
            orders.insert(order);
            ordersOutbox.append(message);
            return null;
        });

        assertEquals(1, relay.wakeUps.get(), "the relay is woken once the transaction committed");
        Order found = orders.findById(order.orderId()).orElseThrow();
        assertEquals("387.25", found.amount().toString());
        assertEquals(OrderStatus.PENDING, found.status());
        assertEquals(1, found.lines().size());
        Map<String, Object> row = jdbi.withHandle(h -> h.createQuery("""
                        SELECT message_id, event_type, status::text AS status, retry_count, exchange, routing_key,
                               payload::text AS payload
                        FROM orders.outbox""").mapToMap().one());
        assertEquals(message.messageId(), row.get("message_id"));
        assertEquals("PENDING", row.get("status"));
        assertEquals(0, row.get("retry_count"));
        assertEquals("orders", row.get("exchange"));
        assertEquals("order.created", row.get("routing_key"));
        assertEquals("{\"items\": [{\"sku\": \"ITEM-99\", \"quantity\": 5}], \"order_id\": \"" + order.orderId() + "\"}",
                row.get("payload"));
    }

    @Test
    void anOrdersLines_areStoredInOrder_andReadBackWhenLocked() {
        List<OrderLine> lines = List.of(new OrderLine(new Sku("ITEM-3"), 1, Money.of("0.10")),
                new OrderLine(new Sku("ITEM-1"), 2, Money.of("1234.56")),
                new OrderLine(new Sku("ITEM-2"), 3, Money.of("7.00")));
        Order order = Order.place("cust-021", lines, clock);
        unitOfWork.inTransaction(() -> {
            orders.insert(order);
            return null;
        });

        Order locked = unitOfWork.inTransaction(() -> orders.lockById(order.orderId())).orElseThrow();
        assertEquals(lines, locked.lines());
        assertEquals(order.amount(), locked.amount());
        assertEquals(lines, orders.findById(order.orderId()).orElseThrow().lines());
        assertTrue(unitOfWork.inTransaction(() -> orders.lockById("no-such-order")).isEmpty());
    }

    @Test
    void whenTheTransactionFails_neitherOrderNorOutboxRowIsWritten() {
        Order order = newOrder("cust-020");

        assertThrows(IllegalStateException.class, () -> unitOfWork.inTransaction(() -> {
            orders.insert(order);
            ordersOutbox.append(message(order.orderId()));
            throw new IllegalStateException("boom after both writes");
        }));

        assertEquals(0, count("orders.orders"));
        assertEquals(0, count("orders.order_lines"));
        assertEquals(0, count("orders.outbox"));
        assertEquals(0, relay.wakeUps.get(), "no wake-up for a rolled-back transaction");
    }

    @Test
    void outboxAppend_outsideATransaction_isRefused() {
        assertThrows(IllegalStateException.class, () -> ordersOutbox.append(message("x")));
        assertEquals(0, count("orders.outbox"));
    }

    @Test
    void search_pagesNewestFirst_andFilters() {
        for (int i = 0; i < 5; i++) {
            Order order = newOrder(i % 2 == 0 ? "even" : "odd");
            unitOfWork.inTransaction(() -> {
                orders.insert(order);
                return null;
            });
        }
        OrderPage first = orders.search(new OrderSearch(Optional.empty(), Optional.empty(), 2, Optional.empty()));
        OrderPage second = orders.search(new OrderSearch(Optional.empty(), Optional.empty(), 2, first.nextCursor()));
        OrderPage third = orders.search(new OrderSearch(Optional.empty(), Optional.empty(), 2, second.nextCursor()));
        assertEquals(2, first.orders().size());
        assertEquals(2, second.orders().size());
        assertEquals(1, third.orders().size());
        assertTrue(third.nextCursor().isEmpty());
        assertTrue(first.orders().get(0).createdAt().compareTo(third.orders().get(0).createdAt()) >= 0);

        OrderPage even = orders.search(new OrderSearch(Optional.of(OrderStatus.PENDING), Optional.of("even"), 10,
                Optional.empty()));
        assertEquals(3, even.orders().size());
        assertEquals(0, orders.search(new OrderSearch(Optional.of(OrderStatus.CONFIRMED), Optional.empty(), 10,
                Optional.empty())).orders().size());
    }

    @Test
    void items_insertOnce_lockAndRestock_andPrice() {
        var sku = new dev.kurir.domain.items.Sku("ITEM-99");
        assertTrue(items.insertIfAbsent(new Item(sku, "Widget", Money.of("12.50"), 3)));
        assertFalse(items.insertIfAbsent(new Item(sku, "Other", Money.of("1.00"), 0)));

        unitOfWork.inTransaction(() -> {
            Item item = items.lockBySku(sku).orElseThrow();
            item.restock(5);
            items.updateStock(List.of(item));
            return null;
        });

        Item stored = items.findBySku(sku).orElseThrow();
        assertEquals("Widget", stored.name());
        assertEquals(8, stored.stock());
        assertEquals(1, items.findAll(Set.of(sku, new dev.kurir.domain.items.Sku("NOPE"))).size());
        assertEquals(List.of("ITEM-99"), items.list(Optional.empty(), 10).stream().map(i -> i.sku().value()).toList());
        assertTrue(items.list(Optional.of(sku), 10).isEmpty());
    }

    @Test
    void sqlLookingText_isStoredVerbatim() {
        Order order = Order.place("x'); DROP TABLE orders.orders; --".replaceAll("[^\\p{L}\\p{N}._:@-]", "-"),
                List.of(new OrderLine(new Sku("ITEM-1"), 1, Money.of("1.00"))), clock);
        unitOfWork.inTransaction(() -> {
            orders.insert(order);
            return null;
        });
        assertEquals(order.customerId(), orders.findById(order.orderId()).orElseThrow().customerId());
        var sku = new dev.kurir.domain.items.Sku("ITEM-2");
        items.insertIfAbsent(new Item(sku, "Robert'); DROP TABLE items.items; --", Money.of("1.00"), 1));
        assertEquals("Robert'); DROP TABLE items.items; --", items.findBySku(sku).orElseThrow().name());
    }
}
