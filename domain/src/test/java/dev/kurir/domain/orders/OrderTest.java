package dev.kurir.domain.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.domain.shared.DomainRuleViolation;
import dev.kurir.domain.shared.Money;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

    private static OrderLine line(String sku, int quantity, String price) {
        return new OrderLine(new Sku(sku), quantity, Money.of(price));
    }

    @Test
    void place_sumsPriceTimesQuantity_andRecordsOrderPlaced() {
        Order order = Order.place("cust-020", List.of(line("ITEM-99", 5, "77.45"), line("ITEM-1", 1, "0.01")), clock);

        assertEquals("387.26", order.amount().toString());
        assertEquals(OrderStatus.PENDING, order.status());
        assertEquals(clock.instant(), order.createdAt());
        List<?> events = order.pullEvents();
        assertEquals(1, events.size());
        OrderPlaced placed = assertInstanceOf(OrderPlaced.class, events.get(0));
        assertEquals(order.orderId(), placed.orderId());
        assertEquals("387.26", placed.amount().toString());
        assertTrue(order.pullEvents().isEmpty(), "events are handed out once");
    }

    @Test
    void place_whenNoLines_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> Order.place("cust-1", List.of(), clock));
    }

    @Test
    void place_whenMoreThanHundredLines_isRejected() {
        List<OrderLine> lines = new ArrayList<>();
        for (int i = 0; i <= Order.MAX_LINES; i++) {
            lines.add(line("SKU-" + i, 1, "1.00"));
        }
        var error = assertThrows(IllegalArgumentException.class, () -> Order.place("cust-1", lines, clock));
        assertTrue(error.getMessage().contains("at most 100"));
    }

    @Test
    void place_whenSkuRepeated_isRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> Order.place("cust-1", List.of(line("A", 1, "1.00"), line("A", 2, "1.00")), clock));
    }

    @Test
    void place_whenCustomerIdBlankOrTooLong_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> Order.place(" ", List.of(line("A", 1, "1.00")), clock));
        assertThrows(IllegalArgumentException.class,
                () -> Order.place("c".repeat(65), List.of(line("A", 1, "1.00")), clock));
    }

    @Test
    void orderLine_whenQuantityNotPositive_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> line("A", 0, "1.00"));
        assertThrows(IllegalArgumentException.class, () -> line("A", -3, "1.00"));
    }

    @Test
    void confirm_thenReject_isRefused() {
        Order order = Order.place("cust-1", List.of(line("A", 1, "1.00")), clock);
        order.confirm(clock);
        assertEquals(OrderStatus.CONFIRMED, order.status());
        assertThrows(DomainRuleViolation.class, () -> order.reject("late", clock));
    }

    @Test
    void reject_keepsTheReason() {
        Order order = Order.place("cust-1", List.of(line("A", 1, "1.00")), clock);
        order.reject("not enough stock for A", clock);
        assertEquals(OrderStatus.REJECTED, order.status());
        assertEquals("not enough stock for A", order.rejectionReason());
    }

    @Test
    void cancel_pendingOrConfirmed_recordsOrderCancelled_once() {
        Order pending = Order.place("cust-1", List.of(line("A", 1, "1.00")), clock);
        pending.pullEvents();
        assertTrue(pending.cancel("changed my mind", clock));
        assertEquals(OrderStatus.CANCELLED, pending.status());
        assertEquals("changed my mind", pending.cancellationReason());
        assertEquals(List.of(new OrderCancelled(pending.orderId(), "changed my mind")), pending.pullEvents());
        assertEquals(false, pending.cancel("again", clock));
        assertEquals("changed my mind", pending.cancellationReason());
        assertEquals(List.of(), pending.pullEvents());

        Order confirmed = Order.place("cust-1", List.of(line("A", 1, "1.00")), clock);
        confirmed.confirm(clock);
        assertTrue(confirmed.cancel("deadline exceeded", clock));
        assertEquals(OrderStatus.CANCELLED, confirmed.status());
    }

    @Test
    void cancel_rejectedOrder_isRefused_andCancelledCannotBeDecided() {
        Order rejected = Order.place("cust-1", List.of(line("A", 1, "1.00")), clock);
        rejected.reject("no stock", clock);
        assertThrows(DomainRuleViolation.class, () -> rejected.cancel("too late", clock));
        Order cancelled = Order.place("cust-1", List.of(line("A", 1, "1.00")), clock);
        cancelled.cancel("x", clock);
        assertThrows(DomainRuleViolation.class, () -> cancelled.confirm(clock));
        assertThrows(DomainRuleViolation.class, () -> cancelled.reject("no stock", clock));
    }

    @Test
    void cancel_reason_mustBeShortPrintableText() {
        Order order = Order.place("cust-1", List.of(line("A", 1, "1.00")), clock);
        assertThrows(IllegalArgumentException.class, () -> order.cancel(" ", clock));
        assertThrows(IllegalArgumentException.class, () -> order.cancel("a\u0000b", clock));
        assertThrows(IllegalArgumentException.class, () -> order.cancel("x".repeat(Order.MAX_REASON_LENGTH + 1), clock));
        assertEquals(OrderStatus.PENDING, order.status());
    }

    @Test
    void sku_whenMalformed_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Sku(""));
        assertThrows(IllegalArgumentException.class, () -> new Sku("ITEM 99"));
        assertThrows(IllegalArgumentException.class, () -> new Sku("'; DROP TABLE x"));
    }
}
