package dev.kurir.adapters.postgres;

import dev.kurir.application.items.port.out.ItemRepository;
import dev.kurir.domain.items.Item;
import dev.kurir.domain.items.Sku;
import dev.kurir.domain.shared.Money;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Items in the {@code items} schema. */
public final class JdbiItemRepository implements ItemRepository {
    private static final String COLUMNS = "sku, name, price, stock";

    private final Jdbi jdbi;

    public JdbiItemRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public boolean insertIfAbsent(Item item) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        INSERT INTO items.items (sku, name, price, stock) VALUES (:sku, :name, :price, :stock)
                        ON CONFLICT (sku) DO NOTHING
                        """)
                .bind("sku", item.sku().value())
                .bind("name", item.name())
                .bind("price", item.price().amount())
                .bind("stock", item.stock())
                .execute() == 1);
    }

    @Override
    public Optional<Item> findBySku(Sku sku) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM items.items WHERE sku = :sku")
                .bind("sku", sku.value())
                .map(JdbiItemRepository::toItem)
                .findOne());
    }

    @Override
    public Optional<Item> lockBySku(Sku sku) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT " + COLUMNS + " FROM items.items WHERE sku = :sku FOR UPDATE")
                .bind("sku", sku.value())
                .map(JdbiItemRepository::toItem)
                .findOne());
    }

    @Override
    public List<Item> lockAll(Set<Sku> skus) {
        String[] values = skus.stream().map(Sku::value).toArray(String[]::new);
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT " + COLUMNS + " FROM items.items WHERE sku = ANY(:skus) ORDER BY sku FOR UPDATE")
                .bind("skus", values)
                .map(JdbiItemRepository::toItem)
                .list());
    }

    @Override
    public void updateStock(List<Item> items) {
        if (items.isEmpty()) {
            return;
        }
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE items.items AS i SET stock = s.stock, updated_at = now()
                        FROM unnest(:skus, :stocks) AS s (sku, stock)
                        WHERE i.sku = s.sku
                        """)
                .bind("skus", items.stream().map(item -> item.sku().value()).toArray(String[]::new))
                .bind("stocks", items.stream().map(Item::stock).toArray(Integer[]::new))
                .execute());
    }

    @Override
    public List<Item> list(Optional<Sku> after, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT sku, name, price, stock FROM items.items
                        WHERE CAST(:after AS text) IS NULL OR sku > :after
                        ORDER BY sku LIMIT :limit
                        """)
                .bind("after", after.map(Sku::value).orElse(null))
                .bind("limit", limit)
                .map(JdbiItemRepository::toItem)
                .list());
    }

    @Override
    public List<Item> findAll(Set<Sku> skus) {
        String[] values = skus.stream().map(Sku::value).toArray(String[]::new);
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT " + COLUMNS + " FROM items.items WHERE sku = ANY(:skus)")
                .bind("skus", values)
                .map(JdbiItemRepository::toItem)
                .list());
    }

    private static Item toItem(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Item(new Sku(rs.getString("sku")), rs.getString("name"), new Money(rs.getBigDecimal("price")),
                rs.getInt("stock"));
    }
}
