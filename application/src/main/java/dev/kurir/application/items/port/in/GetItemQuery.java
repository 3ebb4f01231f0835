package dev.kurir.application.items.port.in;

import dev.kurir.domain.items.Sku;
import java.util.Optional;

/** Reads one item. */
public interface GetItemQuery {

    /** @return the item, or empty when no item has the sku */
    Optional<ItemView> getItem(Sku sku);
}
