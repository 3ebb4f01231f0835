package dev.kurir.application.orders.port.out;

import dev.kurir.application.orders.port.in.OrderView;
import java.util.List;

/**
 * Told what happens to orders beyond placing them, so that logs and metrics stay outside the use cases. Called
 * after the transaction committed; implementations must be quick and must not throw.
 */
public interface OrdersListener {
    /** One listener that tells each of {@code listeners}, in order. */
    static OrdersListener all(List<OrdersListener> listeners) {
        List<OrdersListener> copy = List.copyOf(listeners);
        return new OrdersListener() {
            @Override
            public void cancelled(OrderView order, boolean byDeadline) {
                copy.forEach(listener -> listener.cancelled(order, byDeadline));
            }

            @Override
            public void deadlineRoundFailed(RuntimeException error) {
                copy.forEach(listener -> listener.deadlineRoundFailed(error));
            }
        };
    }

    /** The order was cancelled, on request or by the saga deadline ({@code byDeadline}). */
    default void cancelled(OrderView order, boolean byDeadline) {
    }

    /** A round of the saga deadline failed (e.g. the database is away); the next round tries again. */
    default void deadlineRoundFailed(RuntimeException error) {
    }
}
