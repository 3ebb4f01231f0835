package dev.kurir.domain.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void of_normalisesToTwoDecimals() {
        assertEquals("12.50", Money.of("12.5").toString());
        assertEquals("3.00", Money.of("3").toString());
    }

    @Test
    void of_whenMoreThanTwoDecimals_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> Money.of("1.005"));
    }

    @Test
    void of_whenNegative_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> Money.of("-0.01"));
    }

    @Test
    void of_whenNotANumber_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> Money.of("12,50"));
    }

    @Test
    void of_whenAboveMaximum_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> Money.of("1000000000000.00"));
    }

    @Test
    void arithmetic_isExact() {
        assertEquals("387.26", Money.of("193.63").times(2).toString());
        assertEquals("0.30", Money.of("0.10").plus(Money.of("0.20")).toString());
    }
}
