package dev.kurir.application.items.port.in;

import dev.kurir.domain.items.Item;
import dev.kurir.domain.items.Sku;
import dev.kurir.domain.shared.Money;

/**
 * A new item for the catalog.
 *
 * @throws IllegalArgumentException from the constructor when the name or stock breaks the item rules
 */
public record AddItemCommand(Sku sku, String name, Money price, int stock) {
    public AddItemCommand {
        new Item(sku, name, price, stock); // the item's own rules decide what is valid
    }
}
