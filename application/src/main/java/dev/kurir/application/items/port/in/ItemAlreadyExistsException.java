package dev.kurir.application.items.port.in;

/** An item with this sku is already in the catalog. */
public final class ItemAlreadyExistsException extends RuntimeException {
    public ItemAlreadyExistsException(String sku) {
        super("an item with sku " + sku + " already exists");
    }
}
