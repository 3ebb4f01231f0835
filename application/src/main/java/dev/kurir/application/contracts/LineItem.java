package dev.kurir.application.contracts;

/** One line of an order as the events carry it: a SKU and a quantity of at least 1. */
public record LineItem(String sku, int quantity) {
    public LineItem {
        Fields.text(sku, "sku");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity of " + sku + " must be at least 1, was " + quantity);
        }
    }
}
