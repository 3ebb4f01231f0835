package dev.kurir.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kurir.application.orders.OrdersModule;
import dev.kurir.application.orders.port.in.CancelOrderCommand;
import dev.kurir.application.orders.port.in.CancelledOrder;
import dev.kurir.application.orders.port.in.OrderPage;
import dev.kurir.application.orders.port.in.OrderSearch;
import dev.kurir.application.orders.port.in.OrderView;
import dev.kurir.application.orders.port.in.PlaceOrderCommand;
import dev.kurir.application.orders.port.in.PlacedOrder;
import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderStatus;
import dev.kurir.domain.orders.Sku;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/orders}: placing orders, cancelling them and reading them back. */
public final class OrdersRoutes implements RouteGroup {
    private static final Logger log = LoggerFactory.getLogger(OrdersRoutes.class);
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private final OrdersModule orders;

    public OrdersRoutes(OrdersModule orders) {
        this.orders = orders;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/orders", this::place);
        routes.get("/api/orders", this::list);
        routes.get("/api/orders/{orderId}", this::get);
        routes.post("/api/orders/{orderId}/cancel", this::cancel);
    }

    /**
     * With an {@code Idempotency-Key}, a retry of the same request gets the first answer again (201, the same
     * order, marked {@code Idempotent-Replayed: true}); the same key with another request gets 422.
     */
    private void place(Context ctx) {
        Optional<String> key = Optional.ofNullable(ctx.header(IDEMPOTENCY_KEY));
        PlacedOrder placed = orders.placeOrder().placeOrder(command(JsonBody.of(ctx).root(), key));
        OrderView order = placed.order();
        ctx.header("Location", "/api/orders/" + order.orderId());
        if (placed.replayed()) {
            ctx.header("Idempotent-Replayed", "true");
        } else {
            log.atInfo()
                    .addKeyValue("order_id", order.orderId())
                    .addKeyValue("customer_id", order.customerId())
                    .addKeyValue("amount", order.amount().toString())
                    .log("order placed");
        }
        Representations.send(ctx, 201, Representations.order(order));
    }

    private static PlaceOrderCommand command(JsonNode body, Optional<String> idempotencyKey) {
        String customerId = JsonBody.text(body, "customerId", "");
        JsonNode items = JsonBody.array(body, "items", "");
        if (items.size() > Order.MAX_LINES) {
            throw Problem.badRequest("items holds at most " + Order.MAX_LINES + " lines, got " + items.size());
        }
        List<PlaceOrderCommand.Line> lines = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String path = "items[" + i + "].";
            if (!item.isObject()) {
                throw Problem.badRequest("items[" + i + "] must be an object with sku and quantity");
            }
            try {
                lines.add(new PlaceOrderCommand.Line(
                        new Sku(JsonBody.text(item, "sku", path)), JsonBody.integer(item, "quantity", path)));
            } catch (IllegalArgumentException e) {
                throw Problem.badRequest(path.substring(0, path.length() - 1) + ": " + e.getMessage());
            }
        }
        return new PlaceOrderCommand(customerId, lines, idempotencyKey);
    }

    /**
     * Cancels a PENDING or CONFIRMED order: 200 with the order; a CANCELLED one is answered the same and nothing is
     * written; a REJECTED one gets 409. The body is optional: {@code {"reason": "..."}}.
     */
    private void cancel(Context ctx) {
        String reason = CancelOrderCommand.ON_REQUEST;
        long length = ctx.req().getContentLengthLong(); // -1: not declared (chunked, or no body at all)
        if (length > 0 || (length < 0 && ctx.header("Content-Type") != null)) {
            JsonNode given = JsonBody.of(ctx).root().get("reason");
            if (given != null && !given.isNull()) {
                if (!given.isTextual()) {
                    throw Problem.badRequest("reason must be a string");
                }
                reason = given.textValue();
            }
        }
        CancelledOrder cancelled = orders.cancelOrder().cancelOrder(new CancelOrderCommand(ctx.pathParam("orderId"),
                reason));
        Representations.send(ctx, 200, Representations.order(cancelled.order()));
    }

    private void get(Context ctx) {
        OrderView order = orders.getOrder().getOrder(ctx.pathParam("orderId"))
                .orElseThrow(() -> Problem.notFound("no order with id " + ctx.pathParam("orderId")));
        Representations.send(ctx, 200, Representations.order(order));
    }

    private void list(Context ctx) {
        OrderSearch search = new OrderSearch(
                Optional.ofNullable(ctx.queryParam("status")).filter(s -> !s.isEmpty()).map(OrdersRoutes::status),
                Optional.ofNullable(ctx.queryParam("customerId")).filter(s -> !s.isEmpty())
                        .map(OrdersRoutes::customerId),
                Cursors.limit(ctx.queryParam("limit"), OrderSearch.DEFAULT_LIMIT, OrderSearch.MAX_LIMIT),
                Cursors.decode(ctx.queryParam("cursor")).map(OrdersRoutes::position));
        OrderPage page = orders.listOrders().listOrders(search);
        Representations.send(ctx, 200, Representations.page("orders",
                page.orders().stream().map(Representations::order).toList(),
                page.nextCursor().map(seq -> Cursors.encode(Long.toString(seq))).orElse(null)));
    }

    private static OrderStatus status(String value) {
        try {
            return OrderStatus.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("status must be one of " + Arrays.toString(OrderStatus.values())
                    + ", was " + value);
        }
    }

    /**
     * A filter that no customer id can match is the request's fault, and checked here (a NUL, which PostgreSQL
     * cannot compare with text, among them). A before-handler for the whole query string would do it for every
     * route, but the tracing agent then names each request's span after that handler's "*" route.
     */
    private static String customerId(String value) {
        Order.validateCustomerId(value);
        return value;
    }

    private static long position(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw Problem.badRequest("cursor is not one this API handed out");
        }
    }
}
