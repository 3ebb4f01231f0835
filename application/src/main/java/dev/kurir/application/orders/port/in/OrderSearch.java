package dev.kurir.application.orders.port.in;

import dev.kurir.domain.orders.OrderStatus;
import java.util.Optional;

/**
 * A page request over orders, newest first.
 *
 * @param after the position to continue after (from {@link OrderPage#nextCursor()}), empty for the first page
 * @throws IllegalArgumentException if the limit is not between 1 and {@link #MAX_LIMIT}
 */
public record OrderSearch(Optional<OrderStatus> status, Optional<String> customerId, int limit, Optional<Long> after) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public OrderSearch {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
    }
}
