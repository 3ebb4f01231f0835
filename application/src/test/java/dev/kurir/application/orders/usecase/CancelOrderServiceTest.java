package dev.kurir.application.orders.usecase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.application.orders.port.in.CancelOrderCommand;
import dev.kurir.application.orders.port.in.CancelOverdueOrdersUseCase;
import dev.kurir.application.orders.port.in.CancelledOrder;
import dev.kurir.application.orders.port.in.OrderNotFoundException;
import dev.kurir.application.orders.port.in.OrderView;
import dev.kurir.application.orders.port.out.OrdersListener;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderLine;
import dev.kurir.domain.orders.OrderStatus;
import dev.kurir.domain.orders.Sku;
import dev.kurir.domain.shared.DomainRuleViolation;
import dev.kurir.domain.shared.Money;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CancelOrderServiceTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private final InMemoryOrders orders = new InMemoryOrders();
    private final List<OutgoingMessage> outbox = new ArrayList<>();
    private final List<String> told = new ArrayList<>();
    private final OrdersListener listener = new OrdersListener() {
        @Override
        public void cancelled(OrderView order, boolean byDeadline) {
            told.add(order.orderId() + (byDeadline ? " by deadline" : " on request"));
        }
    };
    private final CancelOrderService service = new CancelOrderService(orders, outbox::add,
            new DirectUnitOfWork(), listener, Clock.fixed(NOW, ZoneOffset.UTC));


    private Order placedAt(Instant at) {
        Order order = Order.place("cust-1", List.of(new OrderLine(new Sku("A"), 1, Money.of("1.00"))),
                Clock.fixed(at, ZoneOffset.UTC));
        order.pullEvents();
        orders.insert(order);
        return order;
    }

    @Test
    void cancel_pendingOrder_writesOrderCancelled_andIsIdempotent() {
        Order order = placedAt(NOW);
        CancelledOrder first = service.cancelOrder(new CancelOrderCommand(order.orderId(), "changed my mind"));
        assertTrue(first.changed());
        assertEquals(OrderStatus.CANCELLED, first.order().status());
        assertEquals(1, outbox.size());
        assertEquals("order.cancelled", outbox.get(0).eventType());
        assertEquals("order.cancelled", outbox.get(0).routingKey());
        assertEquals("orders", outbox.get(0).exchange());
        assertEquals(Map.of("order_id", order.orderId(), "reason", "changed my mind"), outbox.get(0).payload());

        CancelledOrder again = service.cancelOrder(new CancelOrderCommand(order.orderId(), "once more"));
        assertFalse(again.changed());
        assertEquals("changed my mind", again.order().cancellationReason());
        assertEquals(1, outbox.size());
        assertEquals(List.of(order.orderId() + " on request"), told);
    }

    @Test
    void cancel_unknownOrRejectedOrder_writesNothing() {
        assertThrows(OrderNotFoundException.class, () -> service.cancelOrder(new CancelOrderCommand("nope", "x")));
        Order rejected = placedAt(NOW);
        rejected.reject("no stock", Clock.systemUTC());
        assertThrows(DomainRuleViolation.class,
                () -> service.cancelOrder(new CancelOrderCommand(rejected.orderId(), "x")));
        assertEquals(List.of(), outbox);
        assertEquals(List.of(), told);
    }

    @Test
    void deadline_cancelsOnlyPendingOrdersOlderThanTheDeadline() {
        Order overdue = placedAt(NOW.minus(Duration.ofMinutes(5)).minusMillis(1));
        Order young = placedAt(NOW.minus(Duration.ofMinutes(4)));
        Order confirmed = placedAt(NOW.minus(Duration.ofHours(1)));
        confirmed.confirm(Clock.systemUTC());

        assertEquals(1, service.cancelPendingLongerThan(Duration.ofMinutes(5)));
        assertEquals(OrderStatus.CANCELLED, orders.stored.get(overdue.orderId()).status());
        assertEquals(CancelOverdueOrdersUseCase.DEADLINE_EXCEEDED,
                orders.stored.get(overdue.orderId()).cancellationReason());
        assertEquals(OrderStatus.PENDING, orders.stored.get(young.orderId()).status());
        assertEquals(OrderStatus.CONFIRMED, orders.stored.get(confirmed.orderId()).status());
        assertEquals(List.of(overdue.orderId() + " by deadline"), told);
        assertEquals(1, outbox.size());
        assertEquals(0, service.cancelPendingLongerThan(Duration.ofMinutes(5)));
    }

    @Test
    void deadline_cancelsBatchAfterBatch_untilNoneIsLeft() {
        for (int i = 0; i < CancelOrderService.BATCH_SIZE * 2 + 1; i++) {
            placedAt(NOW.minus(Duration.ofHours(1)));
        }
        assertEquals(CancelOrderService.BATCH_SIZE * 2 + 1, service.cancelPendingLongerThan(Duration.ofMinutes(5)));
        assertTrue(orders.stored.values().stream().allMatch(order -> order.status() == OrderStatus.CANCELLED));
    }
}
