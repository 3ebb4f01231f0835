package dev.kurir.application.orders.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.handler.InvalidMessageException;
import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderLine;
import dev.kurir.domain.orders.OrderStatus;
import dev.kurir.domain.orders.Sku;
import dev.kurir.domain.shared.Money;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StockDecisionHandlerTest {
    private final Clock clock = Clock.systemUTC();
    private final InMemoryOrders orders = new InMemoryOrders();
    private final Order order = Order.place("cust-1", List.of(new OrderLine(new Sku("A"), 1, Money.of("1.00"))), clock);

    private static InboxMessage message(String type, Map<String, Object> payload) {
        return new InboxMessage(1, UUID.randomUUID(), type, "item-service", payload, 0, Instant.now(), null);
    }

    @Test
    void reserved_confirmsThePendingOrder_andAgainIsADuplicate() {
        orders.insert(order);
        var handler = StockDecisionHandler.reserved(orders, clock);
        assertEquals(Handled.APPLIED, handler.handle(message("stock.reserved", Map.of("order_id", order.orderId()))));
        assertEquals(OrderStatus.CONFIRMED, orders.stored.get(order.orderId()).status());
        assertEquals(Handled.DUPLICATE, handler.handle(message("stock.reserved", Map.of("order_id", order.orderId()))));
        assertEquals(OrderStatus.CONFIRMED, orders.stored.get(order.orderId()).status());
    }

    @Test
    void aDecisionForACancelledOrder_isLate_andChangesNothing() {
        orders.insert(order);
        order.cancel("cancelled on request", clock);
        assertEquals(Handled.LATE, StockDecisionHandler.reserved(orders, clock)
                .handle(message("stock.reserved", Map.of("order_id", order.orderId()))));
        assertEquals(Handled.LATE, StockDecisionHandler.rejected(orders, clock)
                .handle(message("stock.rejected", Map.of("order_id", order.orderId(), "reason", "order cancelled"))));
        assertEquals(OrderStatus.CANCELLED, orders.stored.get(order.orderId()).status());
        assertEquals("cancelled on request", orders.stored.get(order.orderId()).cancellationReason());
    }

    @Test
    void rejected_keepsTheReason() {
        orders.insert(order);
        StockDecisionHandler.rejected(orders, clock).handle(message("stock.rejected",
                Map.of("order_id", order.orderId(), "reason", "not enough stock for A")));
        assertEquals(OrderStatus.REJECTED, orders.stored.get(order.orderId()).status());
        assertEquals("not enough stock for A", orders.stored.get(order.orderId()).rejectionReason());
    }

    @Test
    void contradictingDecision_unknownOrder_orMissingField_isInvalid() {
        orders.insert(order);
        StockDecisionHandler.reserved(orders, clock).handle(message("stock.reserved", Map.of("order_id", order.orderId())));
        assertThrows(InvalidMessageException.class, () -> StockDecisionHandler.rejected(orders, clock)
                .handle(message("stock.rejected", Map.of("order_id", order.orderId(), "reason", "late"))));
        assertThrows(InvalidMessageException.class, () -> StockDecisionHandler.reserved(orders, clock)
                .handle(message("stock.reserved", Map.of("order_id", "nope"))));
        assertThrows(InvalidMessageException.class, () -> StockDecisionHandler.rejected(orders, clock)
                .handle(message("stock.rejected", Map.of("order_id", order.orderId()))));
    }
}
