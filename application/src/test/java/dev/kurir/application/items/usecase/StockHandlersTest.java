package dev.kurir.application.items.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.contracts.OrderCancelled;
import dev.kurir.application.contracts.OrderCreated;
import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InboxHandler;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.handler.InvalidMessageException;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import dev.kurir.domain.items.Item;
import dev.kurir.domain.items.Reservation;
import dev.kurir.domain.items.Sku;
import dev.kurir.domain.shared.Money;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * order.created reserves once per order, order.cancelled releases once, in whichever order they come. The handlers
 * are driven as the inbox drives them: through {@link InboxHandler#of}, from the payload as it was stored.
 */
class StockHandlersTest {
    private final InMemoryItems items = new InMemoryItems();
    private final List<OutgoingMessage> outbox = new ArrayList<>();
    private final InboxHandler reserve = InboxHandler.of(OrderCreated.TYPE,
            new ReserveStockHandler(items, items, outbox::add));
    private final InboxHandler release = InboxHandler.of(OrderCancelled.TYPE, new ReleaseStockHandler(items, items));

    /** Every call is a new message id, as a re-publish or a second publisher would send it. */
    private static InboxMessage orderCreated(String orderId, Object lines) {
        return new InboxMessage(1, UUID.randomUUID(), "order.created", 1, "order-service",
                Map.of("order_id", orderId, "customer_id", "c", "amount", "1.00", "items", lines), 0, Instant.now(),
                null);
    }

    private static InboxMessage orderCreated(Object lines) {
        return orderCreated("order-1", lines);
    }

    private static InboxMessage orderCancelled(String orderId) {
        return new InboxMessage(2, UUID.randomUUID(), "order.cancelled", 1, "order-service",
                Map.of("order_id", orderId, "reason", "cancelled on request"), 0, Instant.now(), null);
    }

    private void stock(String sku, int stock) {
        items.insertIfAbsent(new Item(new Sku(sku), sku, Money.of("1.00"), stock));
    }

    private int stockOf(String sku) {
        return items.stored.get(sku).stock();
    }

    @Test
    void enoughStock_reservesEveryLine_andAnswersStockReserved() {
        stock("A", 5);
        stock("B", 2);
        assertEquals(Handled.APPLIED, reserve.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 5),
                Map.of("sku", "B", "quantity", 1)))));
        assertEquals(0, stockOf("A"));
        assertEquals(1, stockOf("B"));
        assertEquals("stock.reserved", outbox.get(0).eventType());
        assertEquals("items", outbox.get(0).exchange());
        assertEquals("order-1", outbox.get(0).payload().get("order_id"));
        assertEquals(Map.of(new Sku("A"), 5, new Sku("B"), 1), items.reservations.get("order-1").lines());
    }

    @Test
    void anOrderCreated_withFieldsThisReaderDoesNotKnow_isApplied() {
        stock("A", 5);
        InboxMessage newer = new InboxMessage(1, UUID.randomUUID(), "order.created", 1, "order-service",
                Map.of("order_id", "order-1", "customer_id", "c", "amount", "1.00", "channel", "web",
                        "items", List.of(Map.of("sku", "A", "quantity", 2, "gift_wrap", true))),
                0, Instant.now(), null);
        assertEquals(Handled.APPLIED, reserve.handle(newer));
        assertEquals(3, stockOf("A"));
        assertEquals("stock.reserved", outbox.get(0).eventType());
    }

    @Test
    void oneShortLine_reservesNothing_andNamesTheShortfall() {
        stock("A", 5);
        stock("B", 2);
        reserve.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 5), Map.of("sku", "B", "quantity", 3),
                Map.of("sku", "C", "quantity", 1))));
        assertEquals(5, stockOf("A"));
        assertEquals(2, stockOf("B"));
        assertEquals("stock.rejected", outbox.get(0).eventType());
        assertEquals("not enough stock for B: requested 3, available 2; unknown sku C",
                outbox.get(0).payload().get("reason"));
        assertEquals(Reservation.Decision.REJECTED, items.reservations.get("order-1").decision());
    }

    @Test
    void sameOrderCreated_underANewMessageId_reservesOnce_andAnswersOnce() {
        stock("A", 7);
        reserve.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 3))));
        assertEquals(Handled.DUPLICATE, reserve.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 3)))));
        assertEquals(4, stockOf("A"));
        assertEquals(1, outbox.size());
    }

    @Test
    void rejectedOrder_createdAgain_isADuplicate_evenWhenStockArrivedMeanwhile() {
        stock("A", 1);
        reserve.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 3))));
        items.stored.get("A").restock(10);
        assertEquals(Handled.DUPLICATE, reserve.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 3)))));
        assertEquals(11, stockOf("A"));
        assertEquals(1, outbox.size());
    }

    @Test
    void cancelled_releasesExactlyWhatTheOrderHeld_once() {
        stock("A", 10);
        stock("B", 10);
        reserve.handle(orderCreated("order-1", List.of(Map.of("sku", "A", "quantity", 3))));
        reserve.handle(orderCreated("order-2", List.of(Map.of("sku", "A", "quantity", 2),
                Map.of("sku", "B", "quantity", 4))));
        assertEquals(Handled.APPLIED, release.handle(orderCancelled("order-2")));
        assertEquals(Handled.DUPLICATE, release.handle(orderCancelled("order-2")));
        assertEquals(7, stockOf("A"));
        assertEquals(10, stockOf("B"));
        assertFalse(items.reservations.get("order-2").holdsStock());
        assertTrue(items.reservations.get("order-1").holdsStock());
    }

    @Test
    void cancelledBeforeCreated_leavesATombstone_thatRefusesTheLateOrderOnce_withoutReserving() {
        stock("A", 5);
        assertEquals(Handled.APPLIED, release.handle(orderCancelled("order-1")));
        assertEquals(Handled.APPLIED, reserve.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 2)))));
        assertEquals(Handled.DUPLICATE, reserve.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 2)))));
        assertEquals(Handled.DUPLICATE, release.handle(orderCancelled("order-1")));
        assertEquals(5, stockOf("A"));
        assertEquals(1, outbox.size());
        assertEquals("stock.rejected", outbox.get(0).eventType());
        assertEquals(Reservation.ORDER_CANCELLED, outbox.get(0).payload().get("reason"));
    }

    @Test
    void cancelAfterARejection_releasesNothing() {
        stock("A", 1);
        reserve.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 3))));
        assertEquals(Handled.APPLIED, release.handle(orderCancelled("order-1")));
        assertEquals(1, stockOf("A"));
    }

    @Test
    void malformedPayload_isInvalid() {
        assertThrows(InvalidMessageException.class, () -> reserve.handle(orderCreated("not a list")));
        assertThrows(InvalidMessageException.class, () -> reserve.handle(orderCreated(List.of())));
        assertThrows(InvalidMessageException.class, () -> reserve.handle(orderCreated(List.of(Map.of("sku", "A")))));
        assertThrows(InvalidMessageException.class,
                () -> reserve.handle(orderCreated(List.of(Map.of("sku", "A", "quantity", 0)))));
        assertThrows(InvalidMessageException.class, () -> release.handle(new InboxMessage(2, UUID.randomUUID(),
                "order.cancelled", 1, "order-service", Map.of("reason", "x"), 0, Instant.now(), null)));
        assertEquals(List.of(), outbox);
        assertEquals(Map.of(), items.reservations);
    }
}
