package dev.kurir.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Optional;

/** {@code /api/items}: the catalog and its stock. */
public final class ItemsRoutes implements RouteGroup {
    private final ItemsModule items;

    public ItemsRoutes(ItemsModule items) {
        this.items = items;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/items", this::add);
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
