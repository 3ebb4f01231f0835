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
    void sku_whenMalformed_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Sku(""));
        assertThrows(IllegalArgumentException.class, () -> new Sku("ITEM 99"));
        assertThrows(IllegalArgumentException.class, () -> new Sku("'; DROP TABLE x"));
    }
}
