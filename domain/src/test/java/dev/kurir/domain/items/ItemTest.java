package dev.kurir.domain.items;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kurir.domain.shared.DomainRuleViolation;
import dev.kurir.domain.shared.Money;
import org.junit.jupiter.api.Test;

class ItemTest {

    private static Item item(int stock) {
        return new Item(new Sku("ITEM-99"), "Widget", Money.of("12.50"), stock);
    }

    @Test
    void restock_addsToStock() {
        Item item = item(3);
        item.restock(5);
        assertEquals(8, item.stock());
    }

    @Test
    void restock_whenQuantityNotPositive_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> item(3).restock(0));
    }

    @Test
    void reserve_takesFromStock_andRefusesMoreThanAvailable() {
        Item item = item(5);
        item.reserve(5);
        assertEquals(0, item.stock());
        assertFalse(item.canReserve(1));
        assertThrows(DomainRuleViolation.class, () -> item.reserve(1));
        assertEquals(0, item.stock());
    }

    @Test
    void create_whenStockNegativeOrNameBlank_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> item(-1));
        assertThrows(IllegalArgumentException.class, () -> new Item(new Sku("A"), " ", Money.of("1.00"), 0));
    }
}
