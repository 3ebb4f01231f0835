package dev.kurir.application.items.port.in;

import dev.kurir.domain.items.Sku;
import java.util.Optional;

/** Lists the catalog in sku order, a page at a time. */
public interface ListItemsQuery {
    int DEFAULT_LIMIT = 100;
    int MAX_LIMIT = 1000;

    /** @throws IllegalArgumentException if the limit is not between 1 and {@link #MAX_LIMIT} */
    ItemPage listItems(Optional<Sku> after, int limit);
}
