package dev.kurir.domain.items;

import java.util.Objects;
import java.util.regex.Pattern;

/** The identity of an item, e.g. {@code ITEM-99}. */
public record Sku(String value) {
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** @throws IllegalArgumentException unless 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit */
    public Sku {
        Objects.requireNonNull(value, "sku");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("sku must be 1-64 letters, digits, '.', '_' or '-': " + value);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
