package dev.kurir.domain.shared;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * A non-negative amount with exactly two decimal places. Currency is implicit: kurir has one.
 *
 * @param amount the value, scale 2
 */
public record Money(BigDecimal amount) implements Comparable<Money> {

    /** The largest amount kurir stores (it fits {@code numeric(14,2)}). */
    public static final BigDecimal MAX = new BigDecimal("999999999999.99");
    public static final Money ZERO = new Money(BigDecimal.ZERO);

    /**
     * @throws IllegalArgumentException if the amount is negative, has more than two decimals or exceeds {@link #MAX}
     */
    public Money {
        Objects.requireNonNull(amount, "amount");
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("amount must not be negative: " + amount.toPlainString());
        }
        if (amount.stripTrailingZeros().scale() > 2) {
            throw new IllegalArgumentException("amount must have at most 2 decimal places: " + amount.toPlainString());
        }
        if (amount.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("amount must not exceed " + MAX.toPlainString());
        }
        amount = amount.setScale(2, RoundingMode.UNNECESSARY);
    }

    /**
     * @throws IllegalArgumentException if the text is not a decimal number or breaks the rules above
     */
    public static Money of(String decimal) {
        try {
            return new Money(new BigDecimal(decimal));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a decimal number: " + decimal);
        }
    }

    public Money plus(Money other) {
        return new Money(amount.add(other.amount));
    }

    public Money times(int quantity) {
        return new Money(amount.multiply(BigDecimal.valueOf(quantity)));
    }

    @Override
    public int compareTo(Money other) {
        return amount.compareTo(other.amount);
    }

    /** The wire form, e.g. {@code "387.26"}. */
    @Override
    public String toString() {
        return amount.toPlainString();
    }
}
