package dev.kurir.application.orders.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.orders.port.in.IdempotencyKeyReusedException;
import dev.kurir.application.orders.port.in.OrderView;
import dev.kurir.application.orders.port.in.PlacedOrder;
import dev.kurir.application.orders.port.out.IdempotencyKeys;
import dev.kurir.application.orders.port.in.PlaceOrderCommand;
import dev.kurir.application.orders.port.in.UnknownSkuException;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import dev.kurir.domain.orders.OrderStatus;
import dev.kurir.domain.orders.Sku;
import dev.kurir.domain.shared.Money;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The use case against in-memory stand-ins of its own ports; storage itself is tested in the *IT suites. */
class PlaceOrderServiceTest {
    private final InMemoryOrders repository = new InMemoryOrders();
    private final List<OutgoingMessage> outbox = new ArrayList<>();
    private final Map<String, IdempotencyKeys.Claim> claims = new HashMap<>();
    private final IdempotencyKeys keys = new IdempotencyKeys() {
        @Override public Optional<Claim> find(String key) { return Optional.ofNullable(claims.get(key)); }
        @Override public boolean record(String key, String hash, String orderId) {
            return claims.putIfAbsent(key, new Claim(hash, orderId)) == null;
        }
    };
    private final PlaceOrderService service = new PlaceOrderService(
            skus -> Map.of(new Sku("ITEM-99"), Money.of("77.45"), new Sku("ITEM-1"), Money.of("0.01")),
            repository, keys, outbox::add, new DirectUnitOfWork(),
            Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC));


    @Test
    void placeOrder_storesPendingOrder_andQueuesOrderCreated() {
        OrderView view = service.placeOrder(new PlaceOrderCommand("cust-020", List.of(
                new PlaceOrderCommand.Line(new Sku("ITEM-99"), 5), new PlaceOrderCommand.Line(new Sku("ITEM-1"), 1))))
                .order();

        assertEquals(OrderStatus.PENDING, view.status());
        assertEquals("387.26", view.amount().toString());
        assertEquals(1, repository.stored.size());
        assertEquals(1, outbox.size());
        OutgoingMessage message = outbox.get(0);
        assertEquals("order.created", message.eventType());
        assertEquals("orders", message.exchange());
        assertEquals("order.created", message.routingKey());
        assertEquals(1, message.eventVersion());
        assertEquals(List.of("order_id", "customer_id", "amount", "items"), List.copyOf(message.payload().keySet()));
        assertEquals(view.orderId(), message.payload().get("order_id"));
        assertEquals("387.26", message.payload().get("amount"));
        assertEquals(List.of(Map.of("sku", "ITEM-99", "quantity", 5), Map.of("sku", "ITEM-1", "quantity", 1)),
                message.payload().get("items"));
    }

    @Test
    void placeOrder_whenSkuUnknown_isRejected_andWritesNothing() {
        var error = assertThrows(UnknownSkuException.class, () -> service.placeOrder(new PlaceOrderCommand("cust-1",
                List.of(new PlaceOrderCommand.Line(new Sku("ITEM-99"), 1), new PlaceOrderCommand.Line(new Sku("NOPE"), 1)))));

        assertEquals(List.of("NOPE"), error.skus());
        assertTrue(repository.stored.isEmpty());
        assertTrue(outbox.isEmpty());
    }

    private PlaceOrderCommand withKey(String key, int quantity) {
        return new PlaceOrderCommand("cust-1", List.of(new PlaceOrderCommand.Line(new Sku("ITEM-99"), quantity)),
                Optional.of(key));
    }

    @Test
    void placeOrder_withAnIdempotencyKeySeenBefore_replaysTheFirstOrder_andWritesNothingNew() {
        PlacedOrder first = service.placeOrder(withKey("key-1", 2));
        PlacedOrder again = service.placeOrder(withKey("key-1", 2));

        assertFalse(first.replayed());
        assertTrue(again.replayed());
        assertEquals(first.order().orderId(), again.order().orderId());
        assertEquals(1, repository.stored.size());
        assertEquals(1, outbox.size());
    }

    @Test
    void placeOrder_withAnIdempotencyKeyUsedForAnotherRequest_isRefused() {
        service.placeOrder(withKey("key-2", 2));
        assertThrows(IdempotencyKeyReusedException.class, () -> service.placeOrder(withKey("key-2", 3)));
        assertEquals(1, repository.stored.size());
    }

    @Test
    void command_whenIdempotencyKeyMalformed_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> withKey("", 1));
        assertThrows(IllegalArgumentException.class, () -> withKey("has space", 1));
        assertThrows(IllegalArgumentException.class, () -> withKey("k".repeat(256), 1));
    }

    @Test
    void command_whenQuantityZero_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PlaceOrderCommand.Line(new Sku("A"), 0));
    }
}
