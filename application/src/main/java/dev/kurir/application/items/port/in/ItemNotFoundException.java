package dev.kurir.application.items.port.in;

/** No item has this sku. */
public final class ItemNotFoundException extends RuntimeException {
    public ItemNotFoundException(String sku) {
        super("no item with sku " + sku);
    }
}
