package dev.kurir.application.orders.port.in;

import java.util.Optional;

/** Reads one order. */
public interface GetOrderQuery {

    /** @return the order, or empty when no order has that id */
    Optional<OrderView> getOrder(String orderId);
}
