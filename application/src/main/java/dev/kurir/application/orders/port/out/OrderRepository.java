package dev.kurir.application.orders.port.out;

import dev.kurir.application.orders.port.in.OrderPage;
import dev.kurir.application.orders.port.in.OrderSearch;
import dev.kurir.domain.orders.Order;
import java.util.Optional;

/** Where orders are kept. Writes join the current {@code UnitOfWork} transaction. */
public interface OrderRepository {

    /** Inserts a new order with its lines. */
    void insert(Order order);

    Optional<Order> findById(String orderId);

    /** Reads the order and locks it until the transaction ends; use it before changing its status. */
    Optional<Order> lockById(String orderId);

    /** Writes the order's status, rejection reason and update time. */
    void updateStatus(Order order);

    OrderPage search(OrderSearch search);
}
