package dev.kurir.application.items.port.in;

import dev.kurir.domain.items.Sku;
import java.util.Objects;

/** Adds {@code quantity} units to an item's stock. */
public record RestockCommand(Sku sku, int quantity) {
    public RestockCommand {
        Objects.requireNonNull(sku, "sku");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1, was " + quantity);
        }
    }
}
