package dev.kurir.application.items.usecase;

import dev.kurir.application.items.port.in.GetItemQuery;
import dev.kurir.application.items.port.in.ItemPage;
import dev.kurir.application.items.port.in.ItemView;
import dev.kurir.application.items.port.in.ListItemsQuery;
import dev.kurir.application.items.port.in.PriceItemsQuery;
import dev.kurir.application.items.port.out.ItemRepository;
import dev.kurir.domain.items.Item;
import dev.kurir.domain.items.Sku;
import dev.kurir.domain.shared.Money;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

final class ItemQueriesService implements GetItemQuery, ListItemsQuery, PriceItemsQuery {
    private final ItemRepository items;

    ItemQueriesService(ItemRepository items) {
        this.items = items;
    }

    @Override
    public Optional<ItemView> getItem(Sku sku) {
        return items.findBySku(sku).map(ItemView::of);
    }

    @Override
    public ItemPage listItems(Optional<Sku> after, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        // One extra row tells whether another page exists without a count query.
        List<Item> found = items.list(after, limit + 1);
        List<ItemView> page = found.stream().limit(limit).map(ItemView::of).toList();
        Optional<String> next = found.size() > limit ? Optional.of(page.getLast().sku()) : Optional.empty();
        return new ItemPage(page, next);
    }

    @Override
    public Map<Sku, Money> pricesOf(Set<Sku> skus) {
        if (skus.isEmpty()) {
            return Map.of();
        }
        return items.findAll(skus).stream().collect(Collectors.toMap(Item::sku, Item::price));
    }
}
