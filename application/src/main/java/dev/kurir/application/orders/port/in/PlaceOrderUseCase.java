package dev.kurir.application.orders.port.in;

/** Places an order: prices it, stores it PENDING and queues {@code order.created}, all in one transaction. */
public interface PlaceOrderUseCase {

    /**
     * @throws UnknownSkuException    if the catalog does not know one of the skus; nothing is written
     * @throws IllegalArgumentException if the lines break an order rule (e.g. a sku twice); nothing is written
     */
    OrderView placeOrder(PlaceOrderCommand command);
}
