package dev.kurir.application.items.usecase;

import dev.kurir.application.items.port.out.ItemRepository;
import dev.kurir.application.items.port.out.Reservations;
import dev.kurir.domain.items.Item;
import dev.kurir.domain.items.Reservation;
import dev.kurir.domain.items.Sku;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** In-memory stand-ins of our own ports, for handler unit tests; storage is tested against PostgreSQL. */
final class InMemoryItems implements ItemRepository, Reservations {
    final Map<String, Item> stored = new TreeMap<>();
    final Map<String, Reservation> reservations = new TreeMap<>();

    @Override public boolean insertIfAbsent(Item item) { return stored.putIfAbsent(item.sku().value(), item) == null; }
    @Override public Optional<Item> findBySku(Sku sku) { return Optional.ofNullable(stored.get(sku.value())); }
    @Override public Optional<Item> lockBySku(Sku sku) { return findBySku(sku); }
    @Override public List<Item> lockAll(Set<Sku> skus) { return findAll(skus); }
    @Override public void updateStock(List<Item> changed) { changed.forEach(item -> stored.put(item.sku().value(), item)); }
    @Override public List<Item> list(Optional<Sku> after, int limit) { return List.copyOf(stored.values()); }
    @Override public List<Item> findAll(Set<Sku> skus) {
        return skus.stream().map(s -> stored.get(s.value())).filter(Objects::nonNull).toList();
    }
    @Override public Optional<Reservation> lock(String orderId) { return Optional.ofNullable(reservations.get(orderId)); }
    @Override public void save(Reservation reservation) { reservations.put(reservation.orderId(), reservation); }
}
