package dev.kurir.domain.orders;

import dev.kurir.domain.shared.Money;
import java.util.Objects;

/**
 * One priced line of an order. The unit price is fixed when the order is placed.
 */
public record OrderLine(Sku sku, int quantity, Money unitPrice) {
    public static final int MAX_QUANTITY = 1_000_000;

    /** @throws IllegalArgumentException if the quantity is not between 1 and {@link #MAX_QUANTITY} */
    public OrderLine {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(unitPrice, "unitPrice");
        if (quantity < 1 || quantity > MAX_QUANTITY) {
            throw new IllegalArgumentException("quantity must be between 1 and " + MAX_QUANTITY + ", was " + quantity);
        }
    }

    public Money total() {
        return unitPrice.times(quantity);
    }
}
