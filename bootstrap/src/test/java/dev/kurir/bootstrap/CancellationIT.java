package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cancellation, the saga deadline and reservations per order, through the real outbox, broker and inbox: every
 * order ends, and each business fact (an order's creation, its cancellation) takes effect once, whatever the
 * message ids it arrives under and in whichever order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancellationIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOON = Duration.ofSeconds(20);
    private static final String DEADLINE = "5s";

    private TestDatabase database;
    private TestBroker broker;
    private Kurir kurir;
    private HttpClientSupport api;
    private Jdbi jdbi;

    @BeforeAll
    void start() throws Exception {
        database = TestDatabase.create();
        broker = TestBroker.create();
        Map<String, String> env = RunningKurir.environment(database, broker);
        env.put("KURIR_ORDER_DEADLINE", DEADLINE);
        env.put("KURIR_RETRY_BACKOFF", "100ms");
        env.put("KURIR_POLL_INTERVAL", "200ms");
        kurir = Kurir.start(KurirConfig.from(env));
        api = new HttpClientSupport(kurir.apiPort());
        jdbi = Jdbi.create(database.dataSource());
    }

    @AfterAll
    void stop() {
        try {
            // Last, so that it sees what every test of the class had the modules publish (order.cancelled too).
            PublishedEvents.assertEachMatchesItsSchema(jdbi, "orders", "items");
        } finally {
            kurir.close();
            broker.close();
            database.close();
        }
    }

    @Test
    void cancel_confirmedOrder_releasesItsStock_once_andAgainAnswersTheSameOrder() {
        String sku = createItem(10);
        String orderId = placeOrder(sku, 4);
        awaitStatus(orderId, "CONFIRMED");
        assertEquals(6, stock(sku));

        var cancelled = api.postJson("/api/orders/" + orderId + "/cancel", "{\"reason\":\"customer changed mind\"}");
        assertEquals(200, cancelled.statusCode(), cancelled.body());
        assertEquals("CANCELLED", json(cancelled.body()).get("status").asText());
        assertEquals("customer changed mind", json(cancelled.body()).get("cancellationReason").asText());
        Eventually.await("stock released", SOON, () -> stock(sku) == 10);

        long outboxRows = count("SELECT count(*) FROM orders.outbox WHERE payload->>'order_id' = ?", orderId);
        var again = api.post("/api/orders/" + orderId + "/cancel", null, HttpRequest.BodyPublishers.noBody());
        assertEquals(200, again.statusCode(), again.body());
        assertEquals("customer changed mind", json(again.body()).get("cancellationReason").asText());
        assertEquals(outboxRows, count("SELECT count(*) FROM orders.outbox WHERE payload->>'order_id' = ?", orderId));
        awaitProcessed("items", orderId, "order.cancelled", 1);
        assertEquals(10, stock(sku));
        assertEquals("CANCELLED", order(orderId).get("status").asText());
    }

    @Test
    void cancel_pendingOrder_withoutABody_usesTheDefaultReason() {
        String sku = createItem(10);
        String orderId = placeOrder(sku, 1);
        // An empty body, even one declared JSON, is no body: the default reason.
        var cancelled = api.post("/api/orders/" + orderId + "/cancel", "application/json",
                HttpRequest.BodyPublishers.noBody());
        assertEquals(200, cancelled.statusCode(), cancelled.body());
        assertEquals("cancelled on request", json(cancelled.body()).get("cancellationReason").asText());
        // Whether order.created or order.cancelled reaches items first, nothing stays reserved.
        awaitProcessed("items", orderId, "order.cancelled", 1);
        awaitProcessed("items", orderId, "order.created", 1);
        assertEquals(10, stock(sku));
        assertEquals("CANCELLED", order(orderId).get("status").asText());
    }

    @Test
    void cancel_rejectedOrder_is409_unknownIs404_badReasonIs400_andNothingIsWritten() {
        String sku = createItem(1);
        String orderId = placeOrder(sku, 5);
        awaitStatus(orderId, "REJECTED");
        long outbox = count("SELECT count(*) FROM orders.outbox");

        var rejected = api.postJson("/api/orders/" + orderId + "/cancel", "{}");
        assertEquals(409, rejected.statusCode(), rejected.body());
        assertEquals("application/problem+json", rejected.headers().firstValue("Content-Type").orElse(""));
        assertEquals(404, api.postJson("/api/orders/no-such-order/cancel", "{}").statusCode());
        assertEquals(400, api.postJson("/api/orders/" + orderId + "/cancel", "{\"reason\":42}").statusCode());
        assertEquals(400, api.postJson("/api/orders/" + orderId + "/cancel", "{\"reason\":\"a\\u0000b\"}").statusCode());
        assertEquals(415, api.post("/api/orders/" + orderId + "/cancel", "text/plain",
                HttpRequest.BodyPublishers.ofString("why")).statusCode());
        assertEquals("REJECTED", order(orderId).get("status").asText());
        assertEquals(outbox, count("SELECT count(*) FROM orders.outbox"));
    }

    @Test
    void sameOrderCreated_republishedUnderANewMessageId_reservesOnce() throws Exception {
        String sku = createItem(7);
        String orderId = placeOrder(sku, 3);
        awaitStatus(orderId, "CONFIRMED");
        String payload = (String) jdbi.withHandle(h -> h.createQuery(
                "SELECT payload::text FROM orders.outbox WHERE payload->>'order_id' = ? AND event_type = 'order.created'")
                .bind(0, orderId).mapTo(String.class).one());

        publish("orders", "order.created", payload);
        awaitProcessed("items", orderId, "order.created", 2);
        assertEquals(4, stock(sku));
        assertEquals(1, count("SELECT count(*) FROM items.outbox WHERE payload->>'order_id' = ?", orderId));
        assertEquals(1, count("SELECT count(*) FROM items.reservation_lines WHERE order_id = ?", orderId));
    }

    @Test
    void orderCancelled_overtakingOrderCreated_leavesATombstone_andTheLateOrderIsRefusedWithoutStock()
            throws Exception {
        String sku = createItem(5);
        unbindItemsQueue();
        String orderId;
        try {
            orderId = placeOrder(sku, 2);
            var cancelled = api.postJson("/api/orders/" + orderId + "/cancel", "{\"reason\":\"overtaken\"}");
            assertEquals(200, cancelled.statusCode(), cancelled.body());
            // Its cancellation reaches items first (straight into the queue), its creation only after.
            String cancellation = (String) jdbi.withHandle(h -> h.createQuery("SELECT payload::text FROM orders.outbox "
                    + "WHERE payload->>'order_id' = ? AND event_type = 'order.cancelled'")
                    .bind(0, orderId).mapTo(String.class).one());
            publish("", "items.order-events", cancellation, "order.cancelled");
            awaitProcessed("items", orderId, "order.cancelled", 1);
        } finally {
            bindItemsQueue();
        }
        awaitProcessed("items", orderId, "order.created", 1);
        awaitProcessed("items", orderId, "order.cancelled", 2);
        Eventually.await("the refusal reached orders", SOON, () -> count("SELECT count(*) FROM orders.inbox "
                + "WHERE payload->>'order_id' = ? AND event_type = 'stock.rejected' AND status = 'PROCESSED'",
                orderId) == 1);
        assertEquals(5, stock(sku));
        assertEquals(0, count("SELECT count(*) FROM items.reservation_lines WHERE order_id = ?", orderId));
        assertEquals("order cancelled", jdbi.withHandle(h -> h.createQuery(
                "SELECT payload->>'reason' FROM items.outbox WHERE payload->>'order_id' = ?")
                .bind(0, orderId).mapTo(String.class).one()));
        JsonNode order = order(orderId);
        assertEquals("CANCELLED", order.get("status").asText());
        assertEquals("overtaken", order.get("cancellationReason").asText());
    }

    @Test
    void pendingOrder_pastTheDeadline_isCancelled_andItsLateReservationIsReleased() {
        String sku = createItem(5);
        unbindItemsQueue();
        String orderId;
        try {
            orderId = placeOrder(sku, 2);
            long placed = System.nanoTime();
            Eventually.await("order cancelled by the deadline", Duration.ofSeconds(40),
                    () -> "CANCELLED".equals(order(orderId).get("status").asText()));
            assertTrue(Duration.ofNanos(System.nanoTime() - placed).compareTo(Duration.ofSeconds(4)) > 0,
                    "cancelled before its deadline");
            assertEquals("deadline exceeded", order(orderId).get("cancellationReason").asText());
        } finally {
            bindItemsQueue();
        }
        awaitProcessed("items", orderId, "order.created", 1);
        awaitProcessed("items", orderId, "order.cancelled", 1);
        Eventually.await("stock back", SOON, () -> stock(sku) == 5);
        assertEquals("CANCELLED", order(orderId).get("status").asText());
        assertEquals(0, count("SELECT count(*) FROM orders.outbox WHERE status <> 'SENT' AND payload->>'order_id' = ?",
                orderId), "the unroutable events waited for their route, none burned its retries");
        String metrics = HttpClientSupport.management(kurir.managementPort()).get("/metrics").body();
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("kurir_orders_cancelled_total{cause=\"deadline\"}")
                && !line.endsWith(" 0.0")), metrics);
    }

    // ---- helpers

    private String createItem(int stock) {
        String sku = "ITEM-" + UUID.randomUUID().toString().substring(0, 8);
        var response = api.postJson("/api/items",
                "{\"sku\":\"" + sku + "\",\"name\":\"Widget\",\"price\":\"2.50\",\"stock\":" + stock + "}");
        assertEquals(201, response.statusCode(), response.body());
        return sku;
    }

    private String placeOrder(String sku, int quantity) {
        var response = api.postJson("/api/orders",
                "{\"customerId\":\"cust-1\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}]}");
        assertEquals(201, response.statusCode(), response.body());
        return json(response.body()).get("orderId").asText();
    }

    private JsonNode order(String orderId) {
        return json(api.get("/api/orders/" + orderId).body());
    }

    private void awaitStatus(String orderId, String status) {
        Eventually.await("order " + orderId + " " + status, SOON,
                () -> status.equals(order(orderId).get("status").asText()), () -> order(orderId).toString());
    }

    private void awaitProcessed(String module, String orderId, String eventType, int rows) {
        Eventually.await(rows + " " + eventType + " of " + orderId + " processed by " + module, SOON,
                () -> count("SELECT count(*) FROM " + module + ".inbox WHERE payload->>'order_id' = ? "
                        + "AND event_type = ? AND status = 'PROCESSED'", orderId, eventType) == rows);
    }

    private int stock(String sku) {
        return json(api.get("/api/items/" + sku).body()).get("stock").asInt();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError(body, e);
        }
    }

    private long count(String sql, Object... params) {
        return jdbi.withHandle(h -> {
            var query = h.createQuery(sql);
            for (int i = 0; i < params.length; i++) {
                query.bind(i, params[i]);
            }
            return query.mapTo(Long.class).one();
        });
    }

    private void unbindItemsQueue() {
        amqp(channel -> channel.queueUnbind("items.order-events", "orders", "order.*"));
    }

    private void bindItemsQueue() {
        amqp(channel -> channel.queueBind("items.order-events", "orders", "order.*"));
    }

    private void publish(String exchange, String routingKey, String payload) {
        publish(exchange, routingKey, payload, routingKey);
    }

    /** A copy of an event under a new message id, as a re-publish or a second publisher would send it. */
    private void publish(String exchange, String routingKey, String payload, String eventType) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(UUID.randomUUID().toString())
                .type(eventType).appId("order-service").contentType("application/json").deliveryMode(2).build();
        amqp(channel -> {
            channel.confirmSelect();
            channel.basicPublish(exchange, routingKey, true, properties, payload.getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(5_000);
        });
    }

    private interface ChannelWork {
        void run(Channel channel) throws Exception;
    }

    private void amqp(ChannelWork work) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(broker.amqpUri());
            try (Connection connection = factory.newConnection("cancellation-it");
                 Channel channel = connection.createChannel()) {
                work.run(channel);
            }
        } catch (Exception e) {
            throw new AssertionError("broker: " + e.getMessage(), e);
        }
    }
}
