package dev.kurir.application.items.port.in;

import dev.kurir.domain.items.Item;
import dev.kurir.domain.shared.Money;

/** An item as callers see it. */
public record ItemView(String sku, String name, Money price, int stock) {
    public static ItemView of(Item item) {
        return new ItemView(item.sku().value(), item.name(), item.price(), item.stock());
    }
}
