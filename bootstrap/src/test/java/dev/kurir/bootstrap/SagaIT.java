package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The order saga through the outbox, RabbitMQ and the inbox, and the seed's eight black-box cases, against a
 * real PostgreSQL and a real broker (the local RabbitMQ in its own vhost; the embedded broker when none runs).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SagaIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOON = Duration.ofSeconds(20);

    private TestDatabase database;
    private TestBroker broker;
    private Kurir kurir;
    private HttpClientSupport api;
    private HttpClientSupport management;
    private Jdbi jdbi;

    @BeforeAll
    void start() throws Exception {
        database = TestDatabase.create();
        broker = TestBroker.create();
        kurir = Kurir.start(KurirConfig.from(env()));
        api = new HttpClientSupport(kurir.apiPort());
        management = HttpClientSupport.management(kurir.managementPort());
        jdbi = Jdbi.create(database.dataSource());
    }

    private Map<String, String> env() throws Exception {
        Map<String, String> env = RunningKurir.environment(database, broker);
        // Quick retries keep the retry and FAILED cases short; the protocol is the same at any pace.
        env.put("KURIR_RETRY_BACKOFF", "100ms");
        env.put("KURIR_POLL_INTERVAL", "200ms");
        return env;
    }

    @AfterAll
    void stop() {
        try {
            // Last, so that it sees what every test of the class had the modules publish.
            PublishedEvents.assertEachMatchesItsSchema(jdbi, "orders", "items");
        } finally {
            kurir.close();
            broker.close();
            database.close();
        }
    }

    // ---- helpers

    private String createItem(int stock) {
        String sku = "ITEM-" + UUID.randomUUID().toString().substring(0, 8);
        var response = api.postJson("/api/items",
                "{\"sku\":\"" + sku + "\",\"name\":\"Widget\",\"price\":\"2.50\",\"stock\":" + stock + "}");
        assertEquals(201, response.statusCode(), response.body());
        return sku;
    }

    private String placeOrder(HttpClientSupport client, String sku, int quantity) {
        var response = client.postJson("/api/orders",
                "{\"customerId\":\"cust-1\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}]}");
        assertEquals(201, response.statusCode(), response.body());
        return json(response.body()).get("orderId").asText();
    }

    private JsonNode order(String orderId) {
        return json(api.get("/api/orders/" + orderId).body());
    }

    private String awaitFinalStatus(String orderId) {
        Eventually.await("order " + orderId + " decided", SOON,
                () -> !"PENDING".equals(order(orderId).get("status").asText()), () -> order(orderId).toString());
        return order(orderId).get("status").asText();
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

    private Map<String, Object> row(String sql, Object... params) {
        return jdbi.withHandle(h -> {
            var query = h.createQuery(sql);
            for (int i = 0; i < params.length; i++) {
                query.bind(i, params[i]);
            }
            return query.mapToMap().findOne().orElse(Map.of());
        });
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

    private Connection amqp() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(broker.amqpUri());
        return factory.newConnection("saga-it");
    }

    private void publishOrderCreated(UUID messageId, String orderId, String sku, int quantity) throws Exception {
        String body = "{\"order_id\":\"" + orderId + "\",\"customer_id\":\"c\",\"amount\":\"1.00\",\"items\":[{\"sku\":\""
                + sku + "\",\"quantity\":" + quantity + "}]}";
        publishRaw("order.created", new AMQP.BasicProperties.Builder().messageId(messageId.toString())
                .type("order.created").appId("order-service").contentType("application/json").deliveryMode(2)
                .build(), body.getBytes(StandardCharsets.UTF_8));
    }

    private void publishRaw(String routingKey, AMQP.BasicProperties properties, byte[] body) throws Exception {
        try (Connection connection = amqp(); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("orders", routingKey, true, properties, body);
            channel.waitForConfirmsOrDie(5_000);
        }
    }

    // ---- the saga

    @Test
    void order_isConfirmed_whenStockSuffices_andEveryRowIsSettled() {
        String sku = createItem(10);
        String orderId = placeOrder(api, sku, 4);

        assertEquals("CONFIRMED", awaitFinalStatus(orderId));
        assertEquals(6, stock(sku));
        assertNull(order(orderId).get("rejectionReason").textValue());
        // 2. the relay published order.created and marked it SENT
        assertEquals("SENT", row("SELECT status::text AS s FROM orders.outbox WHERE payload->>'order_id' = ?", orderId).get("s"));
        // 3. the items inbox processed it, recorded from order-service
        Map<String, Object> inbox = row("SELECT status::text AS s, sender_id, retry_count FROM items.inbox "
                + "WHERE payload->>'order_id' = ?", orderId);
        assertEquals("PROCESSED", inbox.get("s"));
        assertEquals("order-service", inbox.get("sender_id"));
        assertEquals(0, inbox.get("retry_count"));
        Eventually.await("stock.reserved settled", SOON, () -> "SENT".equals(row(
                "SELECT status::text AS s FROM items.outbox WHERE payload->>'order_id' = ?", orderId).get("s")));
        Map<String, Object> answer = row("SELECT status::text AS s, sender_id, event_type FROM orders.inbox "
                + "WHERE payload->>'order_id' = ?", orderId);
        assertEquals("PROCESSED", answer.get("s"));
        assertEquals("item-service", answer.get("sender_id"));
        assertEquals("stock.reserved", answer.get("event_type"));
    }

    @Test
    void order_isRejected_withTheReason_whenStockIsShort_andNoStockIsTaken() {
        String sku = createItem(2);
        String orderId = placeOrder(api, sku, 5);

        assertEquals("REJECTED", awaitFinalStatus(orderId));
        assertEquals("not enough stock for " + sku + ": requested 5, available 2",
                order(orderId).get("rejectionReason").asText());
        assertEquals(2, stock(sku));
    }

    // ---- the seed's black-box cases 4 to 8 (1 to 3 are in the test above and in ApiIT)

    @Test
    void rabbitMqRefusingAPublish_raisesRetryCount_andRepeatedRefusalsEndInFailed() {
        // An outbox row for an exchange that does not exist: the broker refuses it (404), a failed attempt. (A row
        // no queue is bound for is returned instead, which uses no retry: RoutingIT.)
        UUID messageId = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO orders.outbox (message_id, event_type, payload, exchange, routing_key)
                        VALUES (:id, 'order.archived', '{"order_id":"x"}', 'no-such-exchange', 'order.archived')""")
                .bind("id", messageId).execute());

        Eventually.await("retry_count goes up", SOON, () -> (int) row(
                "SELECT retry_count FROM orders.outbox WHERE message_id = ?", messageId).get("retry_count") >= 1);
        Eventually.await("FAILED after the last retry", SOON, () -> "FAILED".equals(row(
                "SELECT status::text AS s FROM orders.outbox WHERE message_id = ?", messageId).get("s")));
        Map<String, Object> failed = row("SELECT retry_count, error, locked_by FROM orders.outbox WHERE message_id = ?",
                messageId);
        assertEquals(3, failed.get("retry_count"), "KURIR_MAX_RETRIES retries after the first attempt");
        assertTrue(((String) failed.get("error")).startsWith("rejected by the broker"), (String) failed.get("error"));
        assertNull(failed.get("locked_by"));
    }

    private void failUpdatesOf(String sku) {
        jdbi.useHandle(h -> {
            h.execute("""
                    CREATE OR REPLACE FUNCTION items.simulated_failure() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN RAISE EXCEPTION 'simulated PostgreSQL error for %', NEW.sku; END $$""");
            // DDL takes no bind parameters; the sku is one this test generated (letters, digits, '-').
            h.execute("CREATE TRIGGER fail_" + sku.replace('-', '_').toLowerCase() + " BEFORE UPDATE ON items.items "
                    + "FOR EACH ROW WHEN (OLD.sku = '" + sku + "') EXECUTE FUNCTION items.simulated_failure()");
        });
    }

    private void stopFailingUpdatesOf(String sku) {
        jdbi.useHandle(h -> h.execute("DROP TRIGGER fail_" + sku.replace('-', '_').toLowerCase() + " ON items.items"));
    }

    @Test
    void postgresErrorInAHandler_raisesRetryCount_andTheMessageIsProcessedOnceItPasses() {
        String sku = createItem(10);
        failUpdatesOf(sku);
        String orderId = placeOrder(api, sku, 3);

        Eventually.await("a failed attempt is counted", SOON, () -> {
            Map<String, Object> inbox = row("SELECT retry_count FROM items.inbox WHERE payload->>'order_id' = ?", orderId);
            return !inbox.isEmpty() && (int) inbox.get("retry_count") >= 1;
        });
        assertTrue(((String) row("SELECT error FROM items.inbox WHERE payload->>'order_id' = ?", orderId).get("error"))
                .contains("simulated PostgreSQL error"));
        assertEquals(10, stock(sku), "a failed attempt leaves no effect");
        stopFailingUpdatesOf(sku);

        assertEquals("CONFIRMED", awaitFinalStatus(orderId));
        assertEquals(7, stock(sku), "the stock was taken exactly once");
        assertEquals("PROCESSED", row("SELECT status::text AS s FROM items.inbox WHERE payload->>'order_id' = ?",
                orderId).get("s"));
    }

    @Test
    void repeatedPostgresErrors_endInFailed_withTheReason() {
        String sku = createItem(10);
        failUpdatesOf(sku);
        try {
            String orderId = placeOrder(api, sku, 3);
            Eventually.await("inbox row FAILED", SOON, () -> "FAILED".equals(row(
                    "SELECT status::text AS s FROM items.inbox WHERE payload->>'order_id' = ?", orderId).get("s")));
            Map<String, Object> failed = row("SELECT retry_count, error FROM items.inbox WHERE payload->>'order_id' = ?",
                    orderId);
            assertEquals(3, failed.get("retry_count"));
            assertTrue(((String) failed.get("error")).contains("simulated PostgreSQL error for " + sku));
            assertEquals("PENDING", order(orderId).get("status").asText());
            assertEquals(10, stock(sku));
        } finally {
            stopFailingUpdatesOf(sku);
        }
    }

    @Test
    void aMessageFromRabbitMq_appearsInTheInbox_andTheSameMessageIdTwice_takesEffectOnce() throws Exception {
        String sku = createItem(10);
        UUID messageId = UUID.randomUUID();
        String orderId = "direct-" + UUID.randomUUID();
        double receivedBefore = inboxCounter("kurir_inbox_received_total");
        double duplicatesBefore = inboxCounter("kurir_inbox_duplicates_total");

        publishOrderCreated(messageId, orderId, sku, 2);
        publishOrderCreated(messageId, orderId, sku, 2);

        // The queue's depth counts ready messages only: a copy being handled is not in it. The inbox counts every
        // delivery once its transaction has ended, so both copies have taken whatever effect they take.
        Eventually.await("both deliveries reached the inbox", SOON,
                () -> inboxCounter("kurir_inbox_received_total") >= receivedBefore + 2,
                () -> "received " + (inboxCounter("kurir_inbox_received_total") - receivedBefore));
        assertEquals(8, stock(sku), "reserved once, not twice");
        assertEquals(1, count("SELECT count(*) FROM items.inbox WHERE payload->>'order_id' = ?", orderId),
                "the order was taken in once");
        assertEquals(1, count("SELECT count(*) FROM items.outbox WHERE payload->>'order_id' = ?", orderId),
                "one stock.* answer");
        assertEquals(1, inboxCounter("kurir_inbox_duplicates_total") - duplicatesBefore, "the second copy is a duplicate");
        assertEquals("PROCESSED", row("SELECT status::text AS s FROM items.inbox WHERE message_id = ?", messageId).get("s"));
        // The answer names an order the orders module never placed: it can never apply, so it fails at once.
        Eventually.await("the answer is refused by orders", SOON, () -> "FAILED".equals(row(
                "SELECT status::text AS s FROM orders.inbox WHERE payload->>'order_id' = ?", orderId).get("s")));
        assertEquals("no order " + orderId, row("SELECT error FROM orders.inbox WHERE payload->>'order_id' = ?",
                orderId).get("error"));
        assertEquals(0, queueDepth("items.order-events"));
    }

    /** The items module's inbox counter {@code name} for {@code order.created}, from this kurir's /metrics. */
    private double inboxCounter(String name) {
        var response = management.get("/metrics");
        assertEquals(200, response.statusCode(), response.body());
        List<Exposition.Sample> samples = Exposition.parse(response.body())
                .samples(name, "module", "items", "event_type", "order.created");
        return samples.stream().mapToDouble(Exposition.Sample::value).sum();
    }

    private long queueDepth(String queue) {
        try (Connection connection = amqp(); Channel channel = connection.createChannel()) {
            return channel.messageCount(queue);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPoisonMessage_landsInTheDeadLetterQueue_withTheReason() throws Exception {
        publishRaw("order.created", new AMQP.BasicProperties.Builder().type("order.created").deliveryMode(2).build(),
                "not json at all".getBytes(StandardCharsets.UTF_8));

        GetResponse dead = null;
        try (Connection connection = amqp(); Channel channel = connection.createChannel()) {
            for (int i = 0; i < 400 && dead == null; i++) {
                dead = channel.basicGet("kurir.dead-letter", true);
                if (dead == null) {
                    Thread.sleep(25);
                }
            }
        }
        assertTrue(dead != null, "a dead letter arrived");
        assertEquals("not json at all", new String(dead.getBody(), StandardCharsets.UTF_8));
        assertTrue(String.valueOf(dead.getProps().getHeaders().get("x-kurir-dead-letter-reason")).contains("message_id"));
        assertEquals(0, queueDepth("items.order-events"), "acked from the source queue");
    }

    @Test
    void theLeaseOfAKilledWorker_isReclaimed_andItsRowPublished() {
        String sku = createItem(10);
        String orderId = "lease-" + UUID.randomUUID();
        UUID messageId = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO orders.outbox (message_id, event_type, payload, exchange, routing_key, locked_by, locked_at)
                        VALUES (:id, 'order.created', CAST(:payload AS jsonb), 'orders', 'order.created',
                                'orders-relay-1@killed', now() - interval '10 minutes')""")
                .bind("id", messageId)
                .bind("payload", "{\"order_id\":\"" + orderId + "\",\"customer_id\":\"c\",\"amount\":\"2.50\","
                        + "\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":1}]}")
                .execute());

        Eventually.await("the stale lease is taken over and the row sent", SOON, () -> "SENT".equals(row(
                "SELECT status::text AS s FROM orders.outbox WHERE message_id = ?", messageId).get("s")));
        Eventually.await("the items module reserved the stock", SOON, () -> stock(sku) == 9);
    }

    @Test
    void twoInstancesOnTheSameTables_publishEveryRow_andEachMessageTakesEffectOnce() throws Exception {
        String sku = createItem(60);
        List<String> orderIds = new ArrayList<>();
        try (Kurir second = Kurir.start(KurirConfig.from(env()))) {
            HttpClientSupport secondApi = new HttpClientSupport(second.apiPort());
            for (int i = 0; i < 100; i++) {
                orderIds.add(placeOrder(i % 2 == 0 ? api : secondApi, sku, 1));
            }
            for (String orderId : orderIds) {
                awaitFinalStatus(orderId);
            }
        }
        long confirmed = orderIds.stream().filter(id -> "CONFIRMED".equals(order(id).get("status").asText())).count();
        assertEquals(60, confirmed);
        assertEquals(0, stock(sku));
        // Duplicates by their business effect, not by message id (which the inbox's unique index keeps single):
        // each order taken in once, answered once and decided once.
        assertEquals(Map.of(), notExactlyOnce("items.inbox", orderIds), "order.created rows per order");
        assertEquals(Map.of(), notExactlyOnce("items.outbox", orderIds), "stock.* answers per order");
        assertEquals(Map.of(), notExactlyOnce("orders.inbox", orderIds), "decisions per order");
        assertEquals(0, count("SELECT count(*) FROM orders.outbox WHERE status <> 'SENT' AND payload->>'order_id' = ANY(?)",
                (Object) orderIds.toArray(String[]::new)));
    }

    /** The orders of {@code orderIds} with other than one row in {@code table} (a constant), with their count. */
    private Map<String, Long> notExactlyOnce(String table, List<String> orderIds) {
        Map<String, Long> rows = new TreeMap<>();
        orderIds.forEach(id -> rows.put(id, 0L));
        jdbi.useHandle(h -> h.createQuery("SELECT payload->>'order_id' AS order_id, count(*) AS n FROM " + table
                        + " WHERE payload->>'order_id' = ANY(?) GROUP BY 1")
                .bind(0, orderIds.toArray(String[]::new))
                .map((rs, ctx) -> Map.entry(rs.getString("order_id"), rs.getLong("n")))
                .forEach(e -> rows.put(e.getKey(), e.getValue())));
        rows.values().removeIf(n -> n == 1);
        return rows;
    }

    @Test
    void aBrokerRestartDuringAStreamOfOrders_losesNothing_andMarksNothingFailed() throws Exception {
        assumeTrue(broker.canRestart(), "needs a broker whose queues survive a restart (RabbitMQ); "
                + "the embedded broker keeps messages in memory only");
        String sku = createItem(1_000);
        List<String> orderIds = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            if (i == 20) {
                broker.stop();
            }
            if (i == 40) {
                broker.start();
            }
            orderIds.add(placeOrder(api, sku, 1));
        }
        for (String orderId : orderIds) {
            assertEquals("CONFIRMED", awaitFinalStatus(orderId));
        }
        assertEquals(940, stock(sku));
        Object ids = orderIds.toArray(String[]::new);
        Eventually.await("every answer is sent", SOON, () -> count(
                "SELECT count(*) FROM items.outbox WHERE status <> 'SENT' AND payload->>'order_id' = ANY(?)", ids) == 0);
        assertEquals(0, count("SELECT count(*) FROM orders.outbox WHERE status <> 'SENT' AND payload->>'order_id' = ANY(?)",
                ids));
        assertEquals(0, count("SELECT sum(retry_count) FROM orders.outbox WHERE payload->>'order_id' = ANY(?)", ids),
                "an outage is not a failed attempt");
        // The restart redelivers what was unacknowledged: each order still took effect once.
        assertEquals(Map.of(), notExactlyOnce("items.inbox", orderIds), "order.created rows per order");
        assertEquals(Map.of(), notExactlyOnce("items.outbox", orderIds), "stock.* answers per order");
        assertEquals(Map.of(), notExactlyOnce("orders.inbox", orderIds), "decisions per order");
    }
}
