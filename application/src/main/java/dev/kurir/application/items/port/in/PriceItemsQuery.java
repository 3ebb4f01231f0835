package dev.kurir.application.items.port.in;

import dev.kurir.domain.items.Sku;
import dev.kurir.domain.shared.Money;
import java.util.Map;
import java.util.Set;

/** Current prices, for whoever prices orders. */
public interface PriceItemsQuery {

    /** @return the price of each known sku; unknown skus are absent */
    Map<Sku, Money> pricesOf(Set<Sku> skus);
}
