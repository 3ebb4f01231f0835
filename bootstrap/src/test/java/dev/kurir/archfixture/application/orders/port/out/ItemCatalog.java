package dev.kurir.archfixture.application.orders.port.out;

/** The fixture tree's pricing port. */
public interface ItemCatalog {
}
