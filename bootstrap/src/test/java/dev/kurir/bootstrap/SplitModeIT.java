package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The same jar as two services: order-service and item-service, each with its own database, sharing a broker.
 * Orders are priced over HTTP and confirmed through both message hops, an item-service that dies loses nothing, and
 * cancellations and the saga deadline end every order while it is down.
 */
class SplitModeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOON = Duration.ofSeconds(30);

    @Test
    void ordersAndItemsAsTwoServices_confirmAndReject_andSurviveTheItemServiceDying() throws Exception {
        try (TestDatabase ordersDb = TestDatabase.create();
             TestDatabase itemsDb = TestDatabase.create();
             TestBroker broker = TestBroker.create()) {
            int itemsPort = freePort();
            Map<String, String> itemsEnv = env(itemsDb, broker, "items");
            itemsEnv.put("KURIR_HTTP_PORT", Integer.toString(itemsPort));
            Map<String, String> ordersEnv = env(ordersDb, broker, "orders");
            ordersEnv.put("KURIR_ITEMS_URL", "http://127.0.0.1:" + itemsPort);

            KurirProcess itemService = KurirProcess.start(itemsEnv).awaitReady(SOON);
            try (KurirProcess orderService = KurirProcess.start(ordersEnv).awaitReady(SOON)) {
                HttpClientSupport items = new HttpClientSupport(itemService.apiPort);
                HttpClientSupport orders = new HttpClientSupport(orderService.apiPort);
                assertEquals(201, items.postJson("/api/items",
                        "{\"sku\":\"SPLIT-1\",\"name\":\"Widget\",\"price\":\"2.50\",\"stock\":10}").statusCode());

                String confirmed = place(orders, 4);
                String rejected = place(orders, 50);
                assertEquals("CONFIRMED", awaitFinal(orders, confirmed));
                assertEquals("REJECTED", awaitFinal(orders, rejected));
                assertEquals("10.00", JSON.readTree(orders.get("/api/orders/" + confirmed).body()).get("amount").asText());

                // Each service serves and migrates only its own module.
                assertEquals(404, orders.get("/api/items/SPLIT-1").statusCode());
                assertEquals(404, items.get("/api/orders/" + confirmed).statusCode());
                assertEquals(List.of("orders"), schemas(ordersDb));
                assertEquals(List.of("items"), schemas(itemsDb));

                List<String> inFlight = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    inFlight.add(place(orders, 1));
                }
                itemService.kill();
                var refused = orders.postJson("/api/orders",
                        "{\"customerId\":\"c-split\",\"items\":[{\"sku\":\"SPLIT-1\",\"quantity\":1}]}");
                assertEquals(503, refused.statusCode(), refused.body());
                assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
                assertEquals(7, count(ordersDb, "SELECT count(*) FROM orders.orders"), "nothing written on 503");

                itemService = KurirProcess.start(itemsEnv).awaitReady(SOON);
                for (String orderId : inFlight) {
                    assertEquals("CONFIRMED", awaitFinal(orders, orderId));
                }
                assertEquals(1, JSON.readTree(new HttpClientSupport(itemService.apiPort).get("/api/items/SPLIT-1")
                        .body()).get("stock").asInt(), "10 - 4 - 5: each reservation happened once");
                assertPublishedEventsMatchTheirSchemas(ordersDb, itemsDb);
            } finally {
                itemService.close();
            }
        }
    }

    @Test
    void cancelAndDeadline_whileTheItemServiceIsDownLongerThanTheDeadline_endEveryOrder_andReleaseAllStock()
            throws Exception {
        try (TestDatabase ordersDb = TestDatabase.create();
             TestDatabase itemsDb = TestDatabase.create();
             TestBroker broker = TestBroker.create()) {
            int itemsPort = freePort();
            Map<String, String> itemsEnv = env(itemsDb, broker, "items");
            itemsEnv.put("KURIR_HTTP_PORT", Integer.toString(itemsPort));
            Map<String, String> ordersEnv = env(ordersDb, broker, "orders");
            ordersEnv.put("KURIR_ITEMS_URL", "http://127.0.0.1:" + itemsPort);
            ordersEnv.put("KURIR_ORDER_DEADLINE", "4s");

            KurirProcess itemService = KurirProcess.start(itemsEnv).awaitReady(SOON);
            try (KurirProcess orderService = KurirProcess.start(ordersEnv).awaitReady(SOON)) {
                HttpClientSupport orders = new HttpClientSupport(orderService.apiPort);
                assertEquals(201, new HttpClientSupport(itemService.apiPort).postJson("/api/items",
                        "{\"sku\":\"SPLIT-1\",\"name\":\"Widget\",\"price\":\"2.50\",\"stock\":10}").statusCode());
                String confirmed = place(orders, 4);
                assertEquals("CONFIRMED", awaitFinal(orders, confirmed));

                // An order whose order.created cannot reach the item service, which then goes down for longer than
                // the deadline; meanwhile the confirmed order is cancelled.
                bindItemsQueue(broker, false);
                String stuck = place(orders, 3);
                itemService.kill();
                bindItemsQueue(broker, true);
                long down = System.nanoTime();
                var cancelled = orders.postJson("/api/orders/" + confirmed + "/cancel", "{\"reason\":\"split\"}");
                assertEquals(200, cancelled.statusCode(), cancelled.body());
                assertEquals("CANCELLED", awaitFinal(orders, stuck));
                assertEquals("deadline exceeded", JSON.readTree(orders.get("/api/orders/" + stuck).body())
                        .get("cancellationReason").asText());
                Thread.sleep(Math.max(0, 5_000 - Duration.ofNanos(System.nanoTime() - down).toMillis()));

                itemService = KurirProcess.start(itemsEnv).awaitReady(SOON);
                HttpClientSupport items = new HttpClientSupport(itemService.apiPort);
                Eventually.await("all stock back", SOON, () -> stockOf(items) == 10, () -> "stock " + stockOf(items));
                Eventually.await("the stuck order's events handled", SOON, () -> count(itemsDb,
                        "SELECT count(*) FROM items.inbox WHERE status = 'PROCESSED' AND payload->>'order_id' = ?",
                        stuck) == 2);
                assertEquals(10, stockOf(items));
                assertEquals(0, count(itemsDb, "SELECT count(*) FROM items.reservations "
                        + "WHERE decision = 'RESERVED' AND NOT cancelled"));
                assertEquals("CANCELLED", JSON.readTree(orders.get("/api/orders/" + confirmed).body())
                        .get("status").asText());
                assertEquals("CANCELLED", JSON.readTree(orders.get("/api/orders/" + stuck).body())
                        .get("status").asText());
                assertPublishedEventsMatchTheirSchemas(ordersDb, itemsDb);
            } finally {
                itemService.close();
            }
        }
    }

    /** What the two services published to each other, each from its own database's outbox. */
    private static void assertPublishedEventsMatchTheirSchemas(TestDatabase ordersDb, TestDatabase itemsDb) {
        PublishedEvents.assertEachMatchesItsSchema(Jdbi.create(ordersDb.dataSource()), "orders");
        PublishedEvents.assertEachMatchesItsSchema(Jdbi.create(itemsDb.dataSource()), "items");
    }

    private static int stockOf(HttpClientSupport items) {
        try {
            return JSON.readTree(items.get("/api/items/SPLIT-1").body()).get("stock").asInt();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> env(TestDatabase database, TestBroker broker, String modules) {
        Map<String, String> env = new HashMap<>();
        env.put("KURIR_MODULES", modules);
        env.put("KURIR_DB_URL", database.jdbcUrl());
        env.put("KURIR_DB_USER", database.user());
        env.put("KURIR_DB_PASSWORD", database.password());
        env.put("KURIR_AMQP_URI", broker.amqpUri());
        return env;
    }

    private static String place(HttpClientSupport orders, int quantity) throws IOException {
        var response = orders.postJson("/api/orders",
                "{\"customerId\":\"c-split\",\"items\":[{\"sku\":\"SPLIT-1\",\"quantity\":" + quantity + "}]}");
        assertEquals(201, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("orderId").asText();
    }

    private static String awaitFinal(HttpClientSupport orders, String orderId) {
        Eventually.await("order " + orderId + " decided", SOON,
                () -> !orders.get("/api/orders/" + orderId).body().contains("\"status\":\"PENDING\""),
                () -> orders.get("/api/orders/" + orderId).body());
        try {
            return JSON.readTree(orders.get("/api/orders/" + orderId).body()).get("status").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> schemas(TestDatabase database) {
        return Jdbi.create(database.dataSource()).withHandle(h -> h.createQuery("""
                SELECT schema_name FROM information_schema.schemata
                WHERE schema_name IN ('orders', 'items') ORDER BY schema_name""").mapTo(String.class).list());
    }

    private static long count(TestDatabase database, String sql, Object... params) {
        return Jdbi.create(database.dataSource()).withHandle(h -> {
            var query = h.createQuery(sql);
            for (int i = 0; i < params.length; i++) {
                query.bind(i, params[i]);
            }
            return query.mapTo(Long.class).one();
        });
    }

    /** Binds or unbinds the item service's queue: unbound, the order service's order.* events are unroutable. */
    private static void bindItemsQueue(TestBroker broker, boolean bound) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(broker.amqpUri());
        try (Connection connection = factory.newConnection("split-mode-it");
             Channel channel = connection.createChannel()) {
            if (bound) {
                channel.queueBind("items.order-events", "orders", "order.*");
            } else {
                channel.queueUnbind("items.order-events", "orders", "order.*");
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
