package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.adapters.http.AdminRoutes;
import dev.kurir.adapters.http.HttpServer;
import dev.kurir.application.messaging.MessageAdministration;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + kurir.managementPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClientSupport.management(kurir.managementPort()).send(request);
    }

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
    void withNoTokenConfigured_theOperatorApiIsOff() {
        try (HttpServer server = HttpServer.start("127.0.0.1", 0,
                List.of(new AdminRoutes(new MessageAdministration(), Optional.empty(), () -> true)))) {
            HttpResponse<String> response = HttpClientSupport.management(server.port()).get("/admin/summary");
            assertEquals(404, response.statusCode());
            assertTrue(response.body().contains("KURIR_ADMIN_TOKEN"), response.body());
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
}
