package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.adapters.http.AdminRoutes;
import dev.kurir.adapters.http.HttpServer;
import dev.kurir.application.messaging.MessageAdministration;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The operator API: an operator finds FAILED rows, fixes the cause, and sends them round again. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "test-admin-token-" + UUID.randomUUID();

    private TestDatabase database;
    private TestBroker broker;
    private Kurir kurir;
    private HttpClientSupport api;
    private Jdbi jdbi;

    @BeforeAll
    void start() throws Exception {
        AuditLog.beginRun();
        database = TestDatabase.create();
        broker = TestBroker.create();
        Map<String, String> env = RunningKurir.environment(database, broker);
        env.put("KURIR_RETRY_BACKOFF", "50ms");
        env.put("KURIR_MAX_RETRIES", "1");
        env.put("KURIR_ADMIN_TOKEN", TOKEN);
        kurir = Kurir.start(KurirConfig.from(env));
        api = new HttpClientSupport(kurir.apiPort());
        jdbi = Jdbi.create(database.dataSource());
    }

    @AfterAll
    void stop() {
        kurir.close();
        broker.close();
        database.close();
    }

    private HttpResponse<String> admin(String method, String path, String token) {
        return admin(method, path, token, null);
    }

    private HttpResponse<String> admin(String method, String path, String token, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + kurir.managementPort() + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClientSupport.management(kurir.managementPort()).send(request);
    }

    /** Every route this API added for the console, as method and path. */
    private static final List<String[]> NEW_ROUTES = List.of(
            new String[] {"GET", "/admin/outbox/failures?module=orders"},
            new String[] {"GET", "/admin/inbox/failures?module=items"},
            new String[] {"GET", "/admin/outbox/orders/1"},
            new String[] {"POST", "/admin/outbox/orders/1/discard"},
            new String[] {"POST", "/admin/inbox/items/1/discard"},
            new String[] {"POST", "/admin/outbox/orders/retry-failed?reason=nacked"},
            new String[] {"GET", "/admin/dead-letters"},
            new String[] {"POST", "/admin/dead-letters/abc/replay"},
            new String[] {"POST", "/admin/dead-letters/abc/discard"});

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(response.body(), e);
        }
    }

    private String status(String sql, String orderId) {
        return jdbi.withHandle(h -> h.createQuery(sql).bind(0, orderId).mapTo(String.class).findOne().orElse(""));
    }

    @Test
    void withoutAValidToken_theOperatorApiRefuses() {
        HttpResponse<String> missing = admin("GET", "/admin/summary", null);
        assertEquals(401, missing.statusCode());
        assertEquals("application/problem+json", missing.headers().firstValue("Content-Type").orElse(""));
        assertEquals("Bearer", missing.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(403, admin("GET", "/admin/summary", "not-the-token").statusCode());
        assertEquals(403, admin("POST", "/admin/outbox/orders/retry-failed", TOKEN + "x").statusCode());
        assertEquals(200, admin("GET", "/admin/summary", TOKEN).statusCode());
    }

    @Test
    void withoutAValidToken_everyNewRouteRefuses() {
        for (String[] route : NEW_ROUTES) {
            String what = route[0] + " " + route[1];
            HttpResponse<String> missing = admin(route[0], route[1], null, "{\"reason\":\"x\"}");
            assertEquals(401, missing.statusCode(), what);
            assertEquals("application/problem+json", missing.headers().firstValue("Content-Type").orElse(""), what);
            assertEquals(403, admin(route[0], route[1], "wrong-" + TOKEN, "{\"reason\":\"x\"}").statusCode(), what);
        }
    }

    @Test
    void withNoTokenConfigured_theOperatorApiIsOff() {
        try (HttpServer server = HttpServer.start("127.0.0.1", 0,
                List.of(new AdminRoutes(new MessageAdministration(), Optional.empty(), () -> true)))) {
            HttpResponse<String> response = HttpClientSupport.management(server.port()).get("/admin/summary");
            assertEquals(404, response.statusCode());
            assertTrue(response.body().contains("KURIR_ADMIN_TOKEN"), response.body());
            for (String[] route : NEW_ROUTES) {
                HttpResponse<String> off = HttpClientSupport.management(server.port()).send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.port() + route[1]))
                        .header("Authorization", "Bearer " + TOKEN)
                        .method(route[0], HttpRequest.BodyPublishers.noBody()));
                assertEquals(404, off.statusCode(), route[0] + " " + route[1]);
                assertTrue(off.body().contains("admin-disabled"), off.body());
            }
        }
    }

    @Test
    void whileTheServiceStarts_anAuthorizedCallGets503_andAnUnauthorizedOneStill401() {
        try (HttpServer server = HttpServer.start("127.0.0.1", 0,
                List.of(new AdminRoutes(new MessageAdministration(), Optional.of(TOKEN), () -> false)))) {
            HttpClientSupport client = HttpClientSupport.management(server.port());
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> starting = client.send(HttpRequest.newBuilder(URI.create(base + "/admin/summary"))
                    .header("Authorization", "Bearer " + TOKEN).GET());
            assertEquals(503, starting.statusCode(), starting.body());
            assertEquals("application/problem+json", starting.headers().firstValue("Content-Type").orElse(""));
            assertEquals("1", starting.headers().firstValue("Retry-After").orElse(""));
            assertTrue(json(starting).get("type").asText().endsWith("/starting"), starting.body());
            assertEquals(401, client.get("/admin/summary").statusCode());
        }
    }

    @Test
    void anOperator_findsAFailedInboxRow_fixesTheCause_andRetriesIt() {
        var created = api.postJson("/api/items", "{\"sku\":\"ADMIN-1\",\"name\":\"W\",\"price\":\"1.00\",\"stock\":5}");
        assertEquals(201, created.statusCode(), created.body());
        jdbi.useHandle(h -> {
            h.execute("CREATE FUNCTION items.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    + "BEGIN RAISE EXCEPTION 'stock table is read-only for maintenance'; END $$");
            h.execute("CREATE TRIGGER refuse BEFORE UPDATE ON items.items FOR EACH ROW EXECUTE FUNCTION items.refuse()");
        });
        var placed = api.postJson("/api/orders", "{\"customerId\":\"c\",\"items\":[{\"sku\":\"ADMIN-1\",\"quantity\":2}]}");
        String orderId = json(placed).get("orderId").asText();
        Eventually.await("the inbox row FAILED", Duration.ofSeconds(20), () -> "FAILED".equals(
                status("SELECT status::text FROM items.inbox WHERE payload->>'order_id' = ?", orderId)));

        JsonNode failed = json(admin("GET", "/admin/inbox?module=items&status=failed&limit=10", TOKEN));
        JsonNode row = failed.get("rows").get(0);
        assertEquals("FAILED", row.get("status").asText());
        assertEquals(1, row.get("retryCount").asInt());
        assertTrue(row.get("error").asText().contains("read-only for maintenance"), row.toString());
        assertTrue(json(admin("GET", "/admin/summary", TOKEN)).get("items").get("inbox").get("FAILED").asInt() >= 1);

        jdbi.useHandle(h -> h.execute("DROP TRIGGER refuse ON items.items"));
        HttpResponse<String> retried = admin("POST", "/admin/inbox/items/" + row.get("id").asLong() + "/retry", TOKEN);
        assertEquals(200, retried.statusCode(), retried.body());

        Eventually.await("the order is confirmed", Duration.ofSeconds(20), () -> api.get("/api/orders/" + orderId)
                .body().contains("\"status\":\"CONFIRMED\""));
        assertEquals(404, admin("POST", "/admin/inbox/items/" + row.get("id").asLong() + "/retry", TOKEN).statusCode(),
                "only FAILED rows can be retried");
        assertEquals(400, admin("GET", "/admin/inbox?module=nope", TOKEN).statusCode());
        assertEquals(400, admin("GET", "/admin/outbox?module=orders&status=LOST", TOKEN).statusCode());
    }

    @Test
    void bulkRetry_sendsEveryFailedRowOfAModuleRoundAgain() {
        for (int i = 0; i < 3; i++) {
            jdbi.useHandle(h -> h.execute("INSERT INTO orders.outbox (message_id, event_type, payload, routing_key, "
                    + "status, retry_count, error) VALUES (gen_random_uuid(), 'order.created', '{}', 'order.created', "
                    + "'FAILED', 3, 'broker said no')"));
        }
        JsonNode result = json(admin("POST", "/admin/outbox/orders/retry-failed", TOKEN));
        assertTrue(result.get("retried").asInt() >= 3, result.toString());
        long pendingOrSent = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM orders.outbox "
                + "WHERE error = 'broker said no' AND status <> 'FAILED'").mapTo(Long.class).one());
        assertEquals(3, pendingOrSent);
    }

    private long insertFailedOutboxRow(String schema, String eventType, String error, int retryCount) {
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO " + schema + ".outbox (message_id, event_type, "
                        + "payload, routing_key, status, retry_count, error) VALUES (gen_random_uuid(), :type, "
                        + "'{\"probe\":true}', :type, 'FAILED', :retries, :error) RETURNING id")
                .bind("type", eventType).bind("retries", retryCount).bind("error", error)
                .mapTo(Long.class).one());
    }

    private String rowStatus(String table, long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status::text FROM " + table + " WHERE id = ?")
                .bind(0, id).mapTo(String.class).one());
    }

    @Test
    void failedRows_areGroupedByTheMetricsReasons_andOneGroupIsRetried() {
        // The items outbox: no other test here gives up on its rows.
        String marker = "group-" + UUID.randomUUID();
        long nacked1 = insertFailedOutboxRow("items", "stock.reserved", "nacked by the broker " + marker, 3);
        long nacked2 = insertFailedOutboxRow("items", "stock.reserved", "  Nacked by the broker " + marker, 3);
        long rejected = insertFailedOutboxRow("items", "stock.reserved",
                "rejected by the broker: NOT_FOUND - no exchange (reply 404) " + marker, 3);

        JsonNode groups = json(admin("GET", "/admin/outbox/failures?module=items", TOKEN)).get("groups");
        Map<String, Long> rows = new HashMap<>();
        groups.forEach(group -> rows.put(group.get("reason").asText(), group.get("rows").asLong()));
        assertEquals(2L, rows.get("nacked"), groups.toString());
        assertEquals(1L, rows.get("rejected"), groups.toString());

        HttpResponse<String> retried = admin("POST", "/admin/outbox/items/retry-failed?reason=nacked", TOKEN);
        assertEquals(200, retried.statusCode(), retried.body());
        assertEquals(2, json(retried).get("retried").asInt());
        assertTrue(!"FAILED".equals(rowStatus("items.outbox", nacked1)) && !"FAILED".equals(rowStatus("items.outbox", nacked2)));
        assertEquals("FAILED", rowStatus("items.outbox", rejected), "another reason's row is left alone");
        assertEquals(1, AuditLog.linesWith("action=\"retry-failed\"", "reason=\"nacked\"", "module=\"items\"",
                "rows=\"2\"", "actor=\"admin-token@").size(), "one audit line for the group retry");

        JsonNode inboxGroups = json(admin("GET", "/admin/inbox/failures?module=orders", TOKEN));
        assertEquals("inbox", inboxGroups.get("table").asText());
        assertEquals(400, admin("GET", "/admin/outbox/failures", TOKEN).statusCode(), "module is required");
        assertEquals(400, admin("GET", "/admin/outbox/failures?module=nope", TOKEN).statusCode());
    }

    @Test
    void aFailedRow_isShownWithItsPayload_andDiscardedWithWhoAndWhy_neverDeleted() {
        long id = insertFailedOutboxRow("orders", "order.created", "rejected by the broker: gone", 1);
        JsonNode detail = json(admin("GET", "/admin/outbox/orders/" + id, TOKEN));
        assertEquals("FAILED", detail.get("status").asText());
        assertTrue(detail.get("payload").get("probe").asBoolean(), detail.toString());
        assertEquals("order.created", detail.get("routingKey").asText());
        assertEquals("orders", detail.get("exchange").asText());
        assertEquals(404, admin("GET", "/admin/outbox/orders/999999999", TOKEN).statusCode());

        assertEquals(400, admin("POST", "/admin/outbox/orders/" + id + "/discard", TOKEN, "{}").statusCode(),
                "a discard needs a reason");
        assertEquals(400, admin("POST", "/admin/outbox/orders/" + id + "/discard", TOKEN, "{\"reason\":\" \"}")
                .statusCode(), "a blank reason is none");
        assertEquals(415, admin("POST", "/admin/outbox/orders/" + id + "/discard", TOKEN).statusCode());
        HttpResponse<String> discarded = admin("POST", "/admin/outbox/orders/" + id + "/discard", TOKEN,
                "{\"reason\":\"customer refunded by hand\"}");
        assertEquals(200, discarded.statusCode(), discarded.body());

        Map<String, Object> row = jdbi.withHandle(h -> h.createQuery("SELECT status::text AS status, discarded_by, "
                + "discarded_reason, discarded_at FROM orders.outbox WHERE id = ?").bind(0, id).mapToMap().one());
        assertEquals("DISCARDED", row.get("status"));
        assertTrue(((String) row.get("discarded_by")).startsWith("admin-token@"), row.toString());
        assertEquals("customer refunded by hand", row.get("discarded_reason"));
        assertTrue(row.get("discarded_at") != null);
        JsonNode after = json(admin("GET", "/admin/outbox/orders/" + id, TOKEN));
        assertEquals("customer refunded by hand", after.get("discarded").get("reason").asText());
        assertEquals(404, admin("POST", "/admin/outbox/orders/" + id + "/discard", TOKEN, "{\"reason\":\"again\"}")
                .statusCode(), "only a FAILED row can be discarded");
        assertEquals(404, admin("POST", "/admin/outbox/orders/" + id + "/retry", TOKEN).statusCode(),
                "a discarded row is not retried");
        assertTrue(json(admin("GET", "/admin/outbox?module=orders&status=discarded", TOKEN)).get("rows").size() >= 1);
        assertEquals(1, AuditLog.linesWith("action=\"discard\"", "row_id=\"" + id + "\"", "module=\"orders\"",
                "why=\"customer refunded by hand\"", "actor=\"admin-token@").size());
    }

    @Test
    void deadLetters_areBrowsedWithoutLoss_replayedToTheirOrigin_andDiscarded() throws Exception {
        // An order whose order.created was dead-lettered (written here with no outbox row): only a replay decides it.
        var item = api.postJson("/api/items", "{\"sku\":\"DLQ-1\",\"name\":\"W\",\"price\":\"2.00\",\"stock\":5}");
        assertEquals(201, item.statusCode(), item.body());
        String orderId = "dlq-" + UUID.randomUUID();
        jdbi.useTransaction(h -> {
            h.execute("INSERT INTO orders.orders (order_id, customer_id, amount, status, created_at, updated_at) "
                    + "VALUES (?, 'dlq', 4.00, 'PENDING', now(), now())", orderId);
            h.execute("INSERT INTO orders.order_lines (order_id, line_no, sku, quantity, unit_price) "
                    + "VALUES (?, 1, 'DLQ-1', 2, 2.00)", orderId);
        });
        String messageId = UUID.randomUUID().toString();
        String poison = "poison-" + UUID.randomUUID();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(broker.amqpUri());
        try (Connection connection = factory.newConnection("admin-it"); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            Map<String, Object> headers = new HashMap<>();
            headers.put("x-kurir-dead-letter-reason", "simulated by AdminIT");
            headers.put("x-kurir-original-exchange", "orders");
            headers.put("x-kurir-original-routing-key", "order.created");
            headers.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            channel.basicPublish("kurir.dead-letter", "order.created", true, new AMQP.BasicProperties.Builder()
                    .messageId(messageId).type("order.created").appId("order-service").contentType("application/json")
                    .deliveryMode(2).timestamp(new Date()).headers(headers).build(),
                    ("{\"order_id\":\"" + orderId + "\",\"customer_id\":\"dlq\",\"amount\":\"4.00\","
                            + "\"items\":[{\"sku\":\"DLQ-1\",\"quantity\":2}]}").getBytes(StandardCharsets.UTF_8));
            // Dead-lettered by the items consumer itself: no message_id.
            channel.basicPublish("orders", "order.created", true, new AMQP.BasicProperties.Builder()
                    .type("order.created").appId("order-service").contentType("application/json").deliveryMode(2)
                    .build(), ("{\"order_id\":\"" + poison + "\",\"items\":[]}").getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(10_000);
        }
        Eventually.await("both messages are dead-lettered", Duration.ofSeconds(20),
                () -> json(admin("GET", "/admin/dead-letters", TOKEN)).get("depth").asLong() >= 2);

        JsonNode first = json(admin("GET", "/admin/dead-letters?limit=50", TOKEN));
        JsonNode second = json(admin("GET", "/admin/dead-letters?limit=50", TOKEN));
        assertEquals(first.get("depth").asLong(), second.get("depth").asLong(), "a browse takes nothing away");
        assertEquals(keys(first), keys(second), "and keeps the order");
        JsonNode valid = find(second, messageId);
        assertEquals("simulated by AdminIT", valid.get("reason").asText());
        assertEquals("orders", valid.get("originalExchange").asText());
        assertEquals("order.created", valid.get("originalRoutingKey").asText());
        assertEquals("order-service", valid.get("properties").get("app_id").asText());
        JsonNode poisoned = null;
        for (JsonNode letter : second.get("messages")) {
            if (letter.get("body").asText().contains(poison)) {
                poisoned = letter;
            }
        }
        assertTrue(poisoned != null && poisoned.get("reason").asText().contains("message_id"), second.toString());

        assertEquals(400, admin("POST", "/admin/dead-letters/" + poisoned.get("key").asText() + "/discard", TOKEN,
                "{}").statusCode(), "a discard needs a reason");
        HttpResponse<String> discarded = admin("POST", "/admin/dead-letters/" + poisoned.get("key").asText()
                + "/discard", TOKEN, "{\"reason\":\"test poison\"}");
        assertEquals(200, discarded.statusCode(), discarded.body());
        HttpResponse<String> replayed = admin("POST", "/admin/dead-letters/" + valid.get("key").asText() + "/replay",
                TOKEN);
        assertEquals(200, replayed.statusCode(), replayed.body());
        assertEquals(404, admin("POST", "/admin/dead-letters/" + valid.get("key").asText() + "/replay", TOKEN)
                .statusCode(), "a replayed message has left the queue");

        Eventually.await("the replayed order is confirmed", Duration.ofSeconds(20), () -> "CONFIRMED".equals(
                status("SELECT status::text FROM orders.orders WHERE order_id = ?", orderId)));
        assertEquals(messageId, status("SELECT message_id::text FROM items.inbox WHERE payload->>'order_id' = ?",
                orderId), "the replay kept the message id, so the inbox still deduplicates it");
        JsonNode after = json(admin("GET", "/admin/dead-letters", TOKEN));
        assertEquals(first.get("depth").asLong() - 2, after.get("depth").asLong(), after.toString());
        assertEquals(1, AuditLog.linesWith("action=\"dead-letter-replay\"", valid.get("key").asText()).size());
        assertEquals(1, AuditLog.linesWith("action=\"dead-letter-discard\"", poisoned.get("key").asText(),
                "why=\"test poison\"").size());
    }

    private static List<String> keys(JsonNode browse) {
        List<String> keys = new java.util.ArrayList<>();
        browse.get("messages").forEach(letter -> keys.add(letter.get("key").asText()));
        return keys;
    }

    private static JsonNode find(JsonNode browse, String messageId) {
        for (JsonNode letter : browse.get("messages")) {
            if (letter.has("messageId") && letter.get("messageId").asText().equals(messageId)) {
                return letter;
            }
        }
        throw new AssertionError("no dead letter " + messageId + " in " + browse);
    }
}
