package dev.kurir.application.orders.port.out;

import dev.kurir.domain.orders.Sku;
import dev.kurir.domain.shared.Money;
import java.util.Map;
import java.util.Set;

/**
 * Where orders learn the current price of skus. In the monolith the adapter asks the items module in-process;
 * in split mode it calls the item service over HTTP. This port is the only way orders reaches items.
 */
public interface ItemCatalog {

    /**
     * @return the price of each known sku; skus the catalog does not sell are absent from the map
     * @throws CatalogUnavailableException if the catalog cannot be asked right now
     */
    Map<Sku, Money> pricesOf(Set<Sku> skus);
}
