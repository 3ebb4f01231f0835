package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the relay makes of the broker's answers when a route is missing (the message comes back: the topology's
 * fault, so no retry is used) and when the broker nacks (a failed attempt), on a running kurir, PostgreSQL and
 * the broker, changed behind kurir's back as an operator could.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOON = Duration.ofSeconds(20);

    private TestDatabase database;
    private TestBroker broker;
    private Kurir kurir;
    private HttpClientSupport api;
    private Jdbi jdbi;

    @BeforeAll
    void start() {
        database = TestDatabase.create();
        broker = TestBroker.create();
        Map<String, String> env = RunningKurir.environment(database, broker);
        env.put("KURIR_POLL_INTERVAL", "200ms");
        // Retries a second apart would all be used within the test's waits if a missing route counted as one.
        env.put("KURIR_RETRY_BACKOFF", "200ms");
        env.put("KURIR_MAX_RETRIES", "3");
        kurir = Kurir.start(KurirConfig.from(env));
        api = new HttpClientSupport(kurir.apiPort());
        jdbi = Jdbi.create(database.dataSource());
    }

    @AfterAll
    void stop() {
        if (kurir != null) {
            kurir.close();
        }
        broker.close();
        database.close();
    }

    @Test
    void anOrderCreatedWithNoQueueBound_waitsWithoutUsingARetry_andIsDeliveredOnceTheBindingIsBack()
            throws Exception {
        String sku = createItem(10);
        // One order through first: the relay declares its topology when it first connects, which would bind the
        // queue again had it not connected yet (on the embedded broker it connects with its first publish).
        String first = placeOrder(sku, 1);
        Eventually.await("a first order decided", SOON, () -> "CONFIRMED".equals(order(first).get("status").asText()));
        double returnedBefore = unroutableCount();
        try (Connection amqp = amqp(); Channel channel = amqp.createChannel()) {
            channel.queueUnbind("items.order-events", "orders", "order.*");
            String orderId;
            try {
                orderId = placeOrder(sku, 3);
                Eventually.await("the broker returned order.created", SOON,
                        () -> outboxRow(orderId).get("error") != null, () -> outboxRow(orderId).toString());
                // Several times the retries' pace: a missing route counted as an attempt would be FAILED by now.
                Thread.sleep(2_000);
                Map<String, Object> waiting = outboxRow(orderId);
                assertEquals("PENDING", waiting.get("status"), waiting.toString());
                assertEquals(0, waiting.get("retry_count"), waiting.toString());
                assertTrue(((String) waiting.get("error")).startsWith("unroutable: no queue bound to exchange orders"
                        + " with routing key order.created"), waiting.toString());
                assertTrue(unroutableCount() > returnedBefore, "kurir_outbox_unroutable_total moved");
                assertEquals("PENDING", order(orderId).get("status").asText());
            } finally {
                channel.queueBind("items.order-events", "orders", "order.*");
            }

            Eventually.await("the order is decided once the binding is back", SOON,
                    () -> "CONFIRMED".equals(order(orderId).get("status").asText()), () -> order(orderId).toString());
            Map<String, Object> sent = outboxRow(orderId);
            assertEquals("SENT", sent.get("status"), sent.toString());
            assertEquals(0, sent.get("retry_count"), sent.toString());
            assertEquals(6, stock(sku));
        }
    }

    @Test
    void anOrderCreatedTheBrokerNacks_isAFailedAttempt_andIsDeliveredOnceTheBrokerTakesIt() throws Exception {
        String sku = createItem(10);
        try (Connection amqp = amqp(); Channel channel = amqp.createChannel()) {
            // A second queue for order.* that is always full and rejects what is published to it: RabbitMQ nacks
            // every order.created, although items.order-events receives it too.
            declareFullQueue(channel);
            String orderId;
            try {
                orderId = placeOrder(sku, 3);
                Eventually.await("a nacked attempt is counted", SOON,
                        () -> (int) outboxRow(orderId).get("retry_count") >= 1, () -> outboxRow(orderId).toString());
                Map<String, Object> retried = outboxRow(orderId);
                assertEquals("PENDING", retried.get("status"), retried.toString());
                assertEquals("nacked by the broker", retried.get("error"), retried.toString());
            } finally {
                channel.queueDelete("order-events.full");
            }

            Eventually.await("SENT once the broker takes it", SOON,
                    () -> "SENT".equals(outboxRow(orderId).get("status")), () -> outboxRow(orderId).toString());
            Eventually.await("the order is decided", SOON,
                    () -> "CONFIRMED".equals(order(orderId).get("status").asText()), () -> order(orderId).toString());
            assertEquals(7, stock(sku), "copies that reached items.order-events took the stock once");
        }
    }

    private void declareFullQueue(Channel channel) throws Exception {
        // On a connection of its own: the embedded Qpid broker refuses these arguments and closes the connection.
        try (Connection own = amqp(); Channel declaring = own.createChannel()) {
            declaring.queueDeclare("order-events.full", true, false, false,
                    Map.of("x-max-length", 0, "x-overflow", "reject-publish"));
        } catch (Exception e) {
            assumeTrue(false, "the broker does not offer x-overflow=reject-publish (the embedded Qpid broker): " + e);
        }
        channel.queueBind("order-events.full", "orders", "order.*");
    }

    private Connection amqp() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(broker.amqpUri());
        return factory.newConnection("routing-it");
    }

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

    private int stock(String sku) {
        return json(api.get("/api/items/" + sku).body()).get("stock").asInt();
    }

    private Map<String, Object> outboxRow(String orderId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT status::text AS status, retry_count, error FROM orders.outbox
                        WHERE event_type = 'order.created' AND payload->>'order_id' = :orderId""")
                .bind("orderId", orderId)
                .mapToMap()
                .one());
    }

    private double unroutableCount() {
        var response = HttpClientSupport.management(kurir.managementPort()).get("/metrics");
        assertEquals(200, response.statusCode(), response.body());
        return Exposition.parse(response.body()).samples("kurir_outbox_unroutable_total", "module", "orders",
                "event_type", "order.created").stream().mapToDouble(Exposition.Sample::value).sum();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError(body, e);
        }
    }
}
