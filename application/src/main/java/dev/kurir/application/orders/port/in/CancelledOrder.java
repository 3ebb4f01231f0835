package dev.kurir.application.orders.port.in;

/**
 * The answer to {@link CancelOrderUseCase#cancelOrder}.
 *
 * @param changed false when the order was CANCELLED already, and nothing was written
 */
public record CancelledOrder(OrderView order, boolean changed) {
}
