package dev.kurir.application.orders.port.in;

/** Lists orders, newest first, filtered and paged. */
public interface ListOrdersQuery {
    OrderPage listOrders(OrderSearch search);
}
