package dev.kurir.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kurir.application.items.ItemsModule;
import dev.kurir.application.items.port.in.AddItemCommand;
import dev.kurir.application.items.port.in.ItemPage;
import dev.kurir.application.items.port.in.ItemView;
import dev.kurir.application.items.port.in.ListItemsQuery;
import dev.kurir.application.items.port.in.RestockCommand;
import dev.kurir.domain.items.Sku;
import dev.kurir.domain.shared.Money;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** {@code /api/items}: the catalog and its stock. */
public final class ItemsRoutes implements RouteGroup {
    private static final int MAX_PRICED_SKUS = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ItemsModule items;

    public ItemsRoutes(ItemsModule items) {
        this.items = items;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/items", this::add);
        routes.post("/api/items/prices", this::prices);
        routes.get("/api/items", this::list);
        routes.get("/api/items/{sku}", this::get);
        routes.post("/api/items/{sku}/restock", this::restock);
    }

    private void add(Context ctx) {
        JsonNode body = JsonBody.of(ctx).root();
        AddItemCommand command = new AddItemCommand(
                new Sku(JsonBody.text(body, "sku", "")),
                JsonBody.text(body, "name", ""),
                new Money(JsonBody.decimal(body, "price", "")),
                JsonBody.integer(body, "stock", ""));
        ItemView item = items.addItem().addItem(command);
        ctx.header("Location", "/api/items/" + item.sku());
        Representations.send(ctx, 201, Representations.item(item));
    }

    /**
     * {@code {"skus":[...]}} → {@code {"prices":{"ITEM-99":"77.45"}}}; unknown skus are absent. What the orders
     * service asks when it prices an order in split mode.
     */
    private void prices(Context ctx) {
        JsonNode skus = JsonBody.array(JsonBody.of(ctx).root(), "skus", "");
        if (skus.size() > MAX_PRICED_SKUS) {
            throw Problem.badRequest("skus holds at most " + MAX_PRICED_SKUS + " entries, got " + skus.size());
        }
        Set<Sku> asked = new LinkedHashSet<>();
        for (int i = 0; i < skus.size(); i++) {
            if (!skus.get(i).isTextual()) {
                throw Problem.badRequest("skus[" + i + "] must be a string");
            }
            asked.add(new Sku(skus.get(i).textValue()));
        }
        ObjectNode body = JSON.createObjectNode();
        ObjectNode prices = body.putObject("prices");
        items.prices().pricesOf(asked).forEach((sku, price) -> prices.put(sku.value(), price.toString()));
        Representations.send(ctx, 200, body);
    }

    private void list(Context ctx) {
        int limit = Cursors.limit(ctx.queryParam("limit"), ListItemsQuery.DEFAULT_LIMIT, ListItemsQuery.MAX_LIMIT);
        Optional<Sku> after = Cursors.decode(ctx.queryParam("cursor")).map(ItemsRoutes::skuFromCursor);
        ItemPage page = items.listItems().listItems(after, limit);
        Representations.send(ctx, 200, Representations.page("items",
                page.items().stream().map(Representations::item).toList(),
                page.nextCursor().map(Cursors::encode).orElse(null)));
    }

    private void get(Context ctx) {
        ItemView item = sku(ctx).flatMap(items.getItem()::getItem)
                .orElseThrow(() -> Problem.notFound("no item with sku " + ctx.pathParam("sku")));
        Representations.send(ctx, 200, Representations.item(item));
    }

    private void restock(Context ctx) {
        Sku sku = sku(ctx).orElseThrow(() -> Problem.notFound("no item with sku " + ctx.pathParam("sku")));
        int quantity = JsonBody.integer(JsonBody.of(ctx).root(), "quantity", "");
        Representations.send(ctx, 200, Representations.item(items.restock().restock(new RestockCommand(sku, quantity))));
    }

    /** A path segment that cannot be a sku names no item: that is a 404, not a 400. */
    private static Optional<Sku> sku(Context ctx) {
        try {
            return Optional.of(new Sku(ctx.pathParam("sku")));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Sku skuFromCursor(String value) {
        try {
            return new Sku(value);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("cursor is not one this API handed out");
        }
    }
}
