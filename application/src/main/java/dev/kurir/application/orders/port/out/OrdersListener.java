package dev.kurir.application.orders.port.out;

import dev.kurir.application.orders.port.in.OrderView;
import java.util.List;

/**
 * Told what happens to orders beyond placing them, so that logs and metrics stay outside the use cases. Called
 * after the transaction committed; implementations must be quick and must not throw.
 */
public interface OrdersListener {
    OrdersListener NONE = new OrdersListener() {
    };

    /** One listener that tells each of {@code listeners}, in order. */
    static OrdersListener all(List<OrdersListener> listeners) {
        List<OrdersListener> copy = List.copyOf(listeners);
        return new OrdersListener() {
            @Override
            public void cancelled(OrderView order, boolean byDeadline) {
                copy.forEach(listener -> listener.cancelled(order, byDeadline));
            }
        };
    }

    /** The order was cancelled, on request or by the saga deadline ({@code byDeadline}). */
    default void cancelled(OrderView order, boolean byDeadline) {
    }
}
