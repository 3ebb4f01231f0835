package dev.kurir.application.orders.usecase;

import dev.kurir.application.orders.port.in.OrderPage;
import dev.kurir.application.orders.port.in.OrderSearch;
import dev.kurir.application.orders.port.out.OrderRepository;
import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderStatus;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory stand-in of our own port, for use-case unit tests; storage is tested against PostgreSQL. */
final class InMemoryOrders implements OrderRepository {
    final Map<String, Order> stored = new LinkedHashMap<>();

    @Override public void insert(Order order) { stored.put(order.orderId(), order); }
    @Override public Optional<Order> findById(String orderId) { return Optional.ofNullable(stored.get(orderId)); }
    @Override public Optional<Order> lockById(String orderId) { return findById(orderId); }
    @Override public List<Order> lockPendingPlacedBefore(Instant placedBefore, int limit) {
        return stored.values().stream()
                .filter(o -> o.status() == OrderStatus.PENDING && o.createdAt().isBefore(placedBefore))
                .sorted(Comparator.comparing(Order::createdAt)).limit(limit).toList();
    }
    @Override public void updateStatus(Order order) { stored.put(order.orderId(), order); }
    @Override public OrderPage search(OrderSearch search) { return new OrderPage(List.of(), Optional.empty()); }
}
