package dev.kurir.application.orders.port.in;

/**
 * The answer to {@link PlaceOrderUseCase#placeOrder}.
 *
 * @param replayed true when an earlier request with the same {@code Idempotency-Key} placed this order
 */
public record PlacedOrder(OrderView order, boolean replayed) {
}
