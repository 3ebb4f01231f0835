package dev.kurir.application.orders.usecase;

import dev.kurir.application.orders.port.in.GetOrderQuery;
import dev.kurir.application.orders.port.in.ListOrdersQuery;
import dev.kurir.application.orders.port.in.OrderPage;
import dev.kurir.application.orders.port.in.OrderSearch;
import dev.kurir.application.orders.port.in.OrderView;
import dev.kurir.application.orders.port.out.OrderRepository;
import java.util.Optional;

final class OrderQueriesService implements GetOrderQuery, ListOrdersQuery {
    private final OrderRepository orders;

    OrderQueriesService(OrderRepository orders) {
        this.orders = orders;
    }

    @Override
    public Optional<OrderView> getOrder(String orderId) {
        return orders.findById(orderId).map(OrderView::of);
    }

    @Override
    public OrderPage listOrders(OrderSearch search) {
        return orders.search(search);
    }
}
