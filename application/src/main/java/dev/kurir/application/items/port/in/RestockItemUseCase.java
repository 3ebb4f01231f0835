package dev.kurir.application.items.port.in;

/** Adds stock to an existing item. */
public interface RestockItemUseCase {

    /**
     * @throws ItemNotFoundException    if no item has the sku
     * @throws IllegalArgumentException if the stock would exceed its maximum
     */
    ItemView restock(RestockCommand command);
}
