package dev.kurir.application.items.port.out;

import dev.kurir.domain.items.Item;
import dev.kurir.domain.items.Sku;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Where items are kept. Writes join the current {@code UnitOfWork} transaction. */
public interface ItemRepository {

    /** @return false, writing nothing, if an item with the same sku exists */
    boolean insertIfAbsent(Item item);

    Optional<Item> findBySku(Sku sku);

    /** Reads the item and locks it until the transaction ends; use it before changing stock. */
    Optional<Item> lockBySku(Sku sku);

    /** Reads and locks the items, in sku order so that concurrent reservations cannot deadlock. */
    List<Item> lockAll(Set<Sku> skus);

    /** Writes the current stock of each item, in one statement. */
    void updateStock(List<Item> items);

    /** Up to {@code limit} items with a sku after {@code after}, in sku order. */
    List<Item> list(Optional<Sku> after, int limit);

    List<Item> findAll(Set<Sku> skus);
}
