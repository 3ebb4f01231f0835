package dev.kurir.application.orders.port.in;

import dev.kurir.domain.orders.Order;
import java.util.Objects;

/**
 * Cancel one order.
 *
 * @param reason why, in words for people; {@link #ON_REQUEST} when the caller gives none
 */
public record CancelOrderCommand(String orderId, String reason) {
    public static final String ON_REQUEST = "cancelled on request";

    /** @throws IllegalArgumentException if the reason is blank, too long or holds control characters */
    public CancelOrderCommand {
        Objects.requireNonNull(orderId, "orderId");
        Order.validateReason(reason);
    }
}
