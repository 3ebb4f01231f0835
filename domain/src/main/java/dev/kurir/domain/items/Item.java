package dev.kurir.domain.items;

import dev.kurir.domain.shared.DomainRuleViolation;
import dev.kurir.domain.shared.Money;
import java.util.Objects;

/**
 * A sellable item and its stock. Stock never goes below zero.
 */
public final class Item {
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_STOCK = 1_000_000_000;

    private final Sku sku;
    private final String name;
    private final Money price;
    private int stock;

    /**
     * @throws IllegalArgumentException if the name is blank or too long, or the stock is out of range
     */
    public Item(Sku sku, String name, Money price, int stock) {
        this.sku = Objects.requireNonNull(sku, "sku");
        this.price = Objects.requireNonNull(price, "price");
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("name must be 1-" + MAX_NAME_LENGTH + " characters and not blank");
        }
        if (stock < 0 || stock > MAX_STOCK) {
            throw new IllegalArgumentException("stock must be between 0 and " + MAX_STOCK + ", was " + stock);
        }
        this.name = name;
        this.stock = stock;
    }

    /** @throws IllegalArgumentException if the quantity is not positive or the stock would exceed {@link #MAX_STOCK} */
    public void restock(int quantity) {
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1, was " + quantity);
        }
        if ((long) stock + quantity > MAX_STOCK) {
            throw new IllegalArgumentException("stock would exceed " + MAX_STOCK);
        }
        stock += quantity;
    }

    public boolean canReserve(int quantity) {
        return quantity >= 1 && quantity <= stock;
    }

    /** @throws DomainRuleViolation if there is not enough stock */
    public void reserve(int quantity) {
        if (!canReserve(quantity)) {
            throw new DomainRuleViolation("not enough stock for " + sku + ": requested " + quantity + ", available " + stock);
        }
        stock -= quantity;
    }

    /**
     * Gives back stock an order held. It may take the stock past {@link #MAX_STOCK} (after a restock): stock that was
     * reserved is never refused back.
     *
     * @throws IllegalArgumentException if the quantity is not positive
     */
    public void release(int quantity) {
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1, was " + quantity);
        }
        stock = Math.addExact(stock, quantity);
    }

    public Sku sku() { return sku; }
    public String name() { return name; }
    public Money price() { return price; }
    public int stock() { return stock; }
}
