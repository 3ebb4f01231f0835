package dev.kurir.domain.items;

import java.util.Map;
import java.util.Objects;

/**
 * What the items module knows of one order: its decision on {@code order.created} (if that has arrived) and whether
 * {@code order.cancelled} has arrived. Kept per order id, so that each business fact takes effect once whatever the
 * message ids it arrives under, and in whichever order the two events arrive.
 *
 * @param decision  RESERVED or REJECTED once {@code order.created} was handled; null while only the cancellation
 *                  is known (a tombstone, which makes a late {@code order.created} be refused)
 * @param cancelled whether {@code order.cancelled} was handled
 * @param lines     the stock reserved for the order, by sku; empty unless the decision is RESERVED
 * @param reason    why the stock was not reserved; null unless the decision is REJECTED
 */
public record Reservation(String orderId, Decision decision, boolean cancelled, Map<Sku, Integer> lines,
                          String reason) {
    /** The reason a late {@code order.created} is refused with when its order was cancelled first. */
    public static final String ORDER_CANCELLED = "order cancelled";

    public enum Decision {
        RESERVED, REJECTED
    }

    public Reservation {
        Objects.requireNonNull(orderId, "orderId");
        lines = Map.copyOf(lines);
        if (decision != Decision.RESERVED && !lines.isEmpty()) {
            throw new IllegalArgumentException("only a RESERVED reservation holds lines");
        }
        if (decision == Decision.REJECTED && reason == null) {
            throw new IllegalArgumentException("a REJECTED reservation needs its reason");
        }
    }

    public static Reservation reserved(String orderId, Map<Sku, Integer> lines) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reservation holds at least one line");
        }
        return new Reservation(orderId, Decision.RESERVED, false, lines, null);
    }

    public static Reservation rejected(String orderId, String reason) {
        return new Reservation(orderId, Decision.REJECTED, false, Map.of(), reason);
    }

    /** The order was cancelled before its {@code order.created} arrived. */
    public static Reservation tombstone(String orderId) {
        return new Reservation(orderId, null, true, Map.of(), null);
    }

    /** Whether stock is held for the order: reserved and not cancelled. */
    public boolean holdsStock() {
        return decision == Decision.RESERVED && !cancelled;
    }

    /** This reservation once {@code order.cancelled} was handled; its lines (if any) are what goes back. */
    public Reservation cancel() {
        if (cancelled) {
            throw new IllegalStateException("order " + orderId + " was cancelled already");
        }
        return new Reservation(orderId, decision, true, lines, reason);
    }

    /** A tombstone once the late {@code order.created} was refused. */
    public Reservation refuseLateOrder() {
        if (decision != null || !cancelled) {
            throw new IllegalStateException("reservation of order " + orderId + " is no tombstone");
        }
        return new Reservation(orderId, Decision.REJECTED, true, Map.of(), ORDER_CANCELLED);
    }
}
