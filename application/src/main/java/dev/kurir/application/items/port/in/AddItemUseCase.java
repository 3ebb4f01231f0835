package dev.kurir.application.items.port.in;

/** Adds an item to the catalog. */
public interface AddItemUseCase {

    /** @throws ItemAlreadyExistsException if the sku is taken; nothing is written */
    ItemView addItem(AddItemCommand command);
}
