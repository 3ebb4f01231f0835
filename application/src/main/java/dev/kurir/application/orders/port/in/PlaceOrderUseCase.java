package dev.kurir.application.orders.port.in;

/** Places an order: prices it, stores it PENDING and queues {@code order.created}, all in one transaction. */
public interface PlaceOrderUseCase {

    /**
     * With an idempotency key already used for the same request, places nothing and returns the first order.
     *
     * @throws UnknownSkuException            if the catalog does not know one of the skus; nothing is written
     * @throws IdempotencyKeyReusedException  if the key was used for a different request; nothing is written
     * @throws IllegalArgumentException       if the lines break an order rule; nothing is written
     */
    PlacedOrder placeOrder(PlaceOrderCommand command);
}
