package dev.kurir.adapters.inprocess;

import dev.kurir.application.items.port.in.PriceItemsQuery;
import dev.kurir.application.orders.port.out.ItemCatalog;
import dev.kurir.domain.orders.Sku;
import dev.kurir.domain.shared.Money;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The orders module's item catalog, answered by the items module in the same process. One of the two places
 * that know how orders reaches items (the other is the HTTP catalog of split mode); each module sees only its
 * own sku type.
 */
public final class InProcessItemCatalog implements ItemCatalog {
    private final PriceItemsQuery prices;

    public InProcessItemCatalog(PriceItemsQuery prices) {
        this.prices = prices;
    }

    @Override
    public Map<Sku, Money> pricesOf(Set<Sku> skus) {
        Set<dev.kurir.domain.items.Sku> asked = skus.stream()
                .map(sku -> new dev.kurir.domain.items.Sku(sku.value()))
                .collect(Collectors.toSet());
        return prices.pricesOf(asked).entrySet().stream()
                .collect(Collectors.toMap(entry -> new Sku(entry.getKey().value()), Map.Entry::getValue));
    }
}
