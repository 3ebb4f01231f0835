package dev.kurir.domain.orders;

import dev.kurir.domain.shared.DomainEvent;
import dev.kurir.domain.shared.DomainRuleViolation;
import dev.kurir.domain.shared.Money;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An order: priced when placed, then confirmed or rejected once, by the answer of the items module; cancelled, on
 * request or by the saga deadline, while it is pending or confirmed.
 */
public final class Order {
    public static final int MAX_LINES = 100;
    public static final int MAX_REASON_LENGTH = 500;
    private static final Pattern CUSTOMER_ID = Pattern.compile("[\\p{L}\\p{N}._:@-]{1,64}");

    private final String orderId;
    private final String customerId;
    private final List<OrderLine> lines;
    private final Money amount;
    private final Instant createdAt;
    private OrderStatus status;
    private String rejectionReason;
    private String cancellationReason;
    private Instant updatedAt;
    private final List<DomainEvent> events = new ArrayList<>();

    private Order(String orderId, String customerId, List<OrderLine> lines, OrderStatus status,
                  String rejectionReason, String cancellationReason, Instant createdAt, Instant updatedAt) {
        this.orderId = Objects.requireNonNull(orderId, "orderId");
        this.customerId = Objects.requireNonNull(customerId, "customerId");
        this.lines = List.copyOf(lines);
        this.amount = this.lines.stream().map(OrderLine::total).reduce(Money.ZERO, Money::plus);
        this.status = Objects.requireNonNull(status, "status");
        this.rejectionReason = rejectionReason;
        this.cancellationReason = cancellationReason;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.updatedAt = Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /**
     * Places a new PENDING order and records {@link OrderPlaced}.
     *
     * @throws IllegalArgumentException if the customer id is malformed, there are no lines or more than
     *                                  {@link #MAX_LINES}, or a sku appears twice
     */
    public static Order place(String customerId, List<OrderLine> lines, Clock clock) {
        validateCustomerId(customerId);
        validateLines(lines);
        Instant now = clock.instant();
        Order order = new Order(UUID.randomUUID().toString(), customerId, lines, OrderStatus.PENDING, null, null, now, now);
        order.events.add(new OrderPlaced(order.orderId, customerId, order.amount, order.lines));
        return order;
    }

    /** Rebuilds an order from storage; records no event. */
    public static Order restore(String orderId, String customerId, List<OrderLine> lines, OrderStatus status,
                                String rejectionReason, String cancellationReason, Instant createdAt,
                                Instant updatedAt) {
        return new Order(orderId, customerId, lines, status, rejectionReason, cancellationReason, createdAt,
                updatedAt);
    }

    public static void validateCustomerId(String customerId) {
        if (customerId == null || !CUSTOMER_ID.matcher(customerId).matches()) {
            throw new IllegalArgumentException(
                    "customerId must be 1-64 letters, digits, '.', '_', ':', '@' or '-'");
        }
    }

    private static void validateLines(List<OrderLine> lines) {
        if (lines == null || lines.isEmpty()) {
            throw new IllegalArgumentException("an order needs at least one line");
        }
        if (lines.size() > MAX_LINES) {
            throw new IllegalArgumentException("an order has at most " + MAX_LINES + " lines, got " + lines.size());
        }
        Set<Sku> seen = new HashSet<>();
        for (OrderLine line : lines) {
            if (!seen.add(line.sku())) {
                throw new IllegalArgumentException("sku " + line.sku() + " appears in more than one line");
            }
        }
    }

    /** Stock was reserved. @throws DomainRuleViolation unless the order is PENDING */
    public void confirm(Clock clock) {
        requirePending();
        status = OrderStatus.CONFIRMED;
        updatedAt = clock.instant();
    }

    /** Stock could not be reserved. @throws DomainRuleViolation unless the order is PENDING */
    public void reject(String reason, Clock clock) {
        requirePending();
        status = OrderStatus.REJECTED;
        rejectionReason = Objects.requireNonNull(reason, "reason");
        updatedAt = clock.instant();
    }

    /**
     * Cancels a PENDING or CONFIRMED order and records {@link OrderCancelled}, so that the items module releases its
     * stock. Cancelling a CANCELLED order again changes nothing.
     *
     * @return false if the order was already CANCELLED (nothing recorded)
     * @throws IllegalArgumentException if the reason is blank, too long or holds control characters
     * @throws DomainRuleViolation      if the order is REJECTED
     */
    public boolean cancel(String reason, Clock clock) {
        validateReason(reason);
        if (status == OrderStatus.CANCELLED) {
            return false;
        }
        if (status == OrderStatus.REJECTED) {
            throw new DomainRuleViolation("order " + orderId + " is REJECTED; only a PENDING or CONFIRMED order can "
                    + "be cancelled");
        }
        status = OrderStatus.CANCELLED;
        cancellationReason = reason;
        updatedAt = clock.instant();
        events.add(new OrderCancelled(orderId, reason));
        return true;
    }

    public static void validateReason(String reason) {
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON_LENGTH
                || reason.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("reason must be 1-" + MAX_REASON_LENGTH
                    + " characters, not blank, without control characters");
        }
    }

    private void requirePending() {
        if (status != OrderStatus.PENDING) {
            throw new DomainRuleViolation("order " + orderId + " is already " + status);
        }
    }

    /** Returns the events recorded since the last call, and forgets them. */
    public List<DomainEvent> pullEvents() {
        List<DomainEvent> pulled = List.copyOf(events);
        events.clear();
        return pulled;
    }

    public String orderId() { return orderId; }
    public String customerId() { return customerId; }
    public List<OrderLine> lines() { return lines; }
    public Money amount() { return amount; }
    public OrderStatus status() { return status; }
    public String rejectionReason() { return rejectionReason; }
    public String cancellationReason() { return cancellationReason; }
    public Instant createdAt() { return createdAt; }
    public Instant updatedAt() { return updatedAt; }
}
