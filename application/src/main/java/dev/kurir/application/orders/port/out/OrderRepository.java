package dev.kurir.application.orders.port.out;

import dev.kurir.application.orders.port.in.OrderPage;
import dev.kurir.application.orders.port.in.OrderSearch;
import dev.kurir.domain.orders.Order;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where orders are kept. Writes join the current {@code UnitOfWork} transaction. */
public interface OrderRepository {

    /** Inserts a new order with its lines. */
    void insert(Order order);

    Optional<Order> findById(String orderId);

    /** Reads the order and locks it until the transaction ends; use it before changing its status. */
    Optional<Order> lockById(String orderId);

    /**
     * Reads and locks up to {@code limit} PENDING orders placed before {@code placedBefore}, oldest first, skipping
     * those another transaction holds locked.
     */
    List<Order> lockPendingPlacedBefore(Instant placedBefore, int limit);

    /** Writes the order's status, its rejection or cancellation reason and its update time. */
    void updateStatus(Order order);

    OrderPage search(OrderSearch search);
}
