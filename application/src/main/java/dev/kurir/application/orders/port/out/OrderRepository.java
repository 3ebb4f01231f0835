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

    OrderPage search(OrderSearch search);
}
