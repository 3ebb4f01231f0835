package dev.kurir.application.orders.port.in;

/** No order has the id a command named. */
public final class OrderNotFoundException extends RuntimeException {
    public OrderNotFoundException(String orderId) {
        super("no order with id " + orderId);
    }
}
