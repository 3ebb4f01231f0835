package dev.kurir.application.orders.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kurir.application.contracts.LineItem;
import dev.kurir.application.contracts.StockRejected;
import dev.kurir.application.contracts.StockReserved;
import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InvalidMessageException;
import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderLine;
import dev.kurir.domain.orders.OrderStatus;
import dev.kurir.domain.orders.Sku;
import dev.kurir.domain.shared.Money;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class StockDecisionHandlerTest {
    private final Clock clock = Clock.systemUTC();
    private final InMemoryOrders orders = new InMemoryOrders();
    private final StockDecisionHandler decisions = new StockDecisionHandler(orders, clock);
    private final Order order = Order.place("cust-1", List.of(new OrderLine(new Sku("A"), 1, Money.of("1.00"))), clock);

    private static StockReserved reserved(String orderId) {
        return new StockReserved(orderId, List.of(new LineItem("A", 1)));
    }

    @Test
    void reserved_confirmsThePendingOrder_andAgainIsADuplicate() {
        orders.insert(order);
        assertEquals(Handled.APPLIED, decisions.reserved(reserved(order.orderId())));
        assertEquals(OrderStatus.CONFIRMED, orders.stored.get(order.orderId()).status());
        assertEquals(Handled.DUPLICATE, decisions.reserved(reserved(order.orderId())));
        assertEquals(OrderStatus.CONFIRMED, orders.stored.get(order.orderId()).status());
    }

    @Test
    void aDecisionForACancelledOrder_isLate_andChangesNothing() {
        orders.insert(order);
        order.cancel("cancelled on request", clock);
        assertEquals(Handled.LATE, decisions.reserved(reserved(order.orderId())));
        assertEquals(Handled.LATE, decisions.rejected(new StockRejected(order.orderId(), "order cancelled")));
        assertEquals(OrderStatus.CANCELLED, orders.stored.get(order.orderId()).status());
        assertEquals("cancelled on request", orders.stored.get(order.orderId()).cancellationReason());
    }

    @Test
    void rejected_keepsTheReason() {
        orders.insert(order);
        decisions.rejected(new StockRejected(order.orderId(), "not enough stock for A"));
        assertEquals(OrderStatus.REJECTED, orders.stored.get(order.orderId()).status());
        assertEquals("not enough stock for A", orders.stored.get(order.orderId()).rejectionReason());
    }

    @Test
    void contradictingDecision_orUnknownOrder_isInvalid() {
        orders.insert(order);
        decisions.reserved(reserved(order.orderId()));
        assertThrows(InvalidMessageException.class,
                () -> decisions.rejected(new StockRejected(order.orderId(), "late")));
        assertThrows(InvalidMessageException.class, () -> decisions.reserved(reserved("nope")));
        assertEquals(OrderStatus.CONFIRMED, orders.stored.get(order.orderId()).status());
    }
}
