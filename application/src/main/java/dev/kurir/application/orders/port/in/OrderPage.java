package dev.kurir.application.orders.port.in;

import java.util.List;
import java.util.Optional;

/** One page of orders and where the next one starts, if there is one. */
public record OrderPage(List<OrderView> orders, Optional<Long> nextCursor) {
}
