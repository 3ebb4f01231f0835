package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kurir.adapters.http.HealthRoutes;
import dev.kurir.observability.health.HealthCheck;
import dev.kurir.observability.health.Readiness;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What kurir answers when a request or a dependency is at fault: 400 only for the request's own faults, a 503 for a
 * dependency's, and never an internal URL, a dependency's answer or an exception's text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorAnswersIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunningKurir monolith;
    private HttpServer itemService;
    private final AtomicReference<Answer> itemServiceAnswer = new AtomicReference<>();
    private RunningKurir orderService;

    private record Answer(int status, String body) {
    }

    @BeforeAll
    void start() throws IOException {
        monolith = RunningKurir.start(Map.of());
        // A stand-in item service that answers whatever the test sets.
        itemService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        itemService.createContext("/api/items/prices", exchange -> {
            Answer answer = itemServiceAnswer.get();
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        itemService.start();
        orderService = RunningKurir.start(Map.of("KURIR_MODULES", "orders",
                "KURIR_ITEMS_URL", "http://127.0.0.1:" + itemService.getAddress().getPort()));
    }

    @AfterAll
    void stop() {
        if (orderService != null) {
            orderService.close();
        }
        if (itemService != null) {
            itemService.stop(0);
        }
        if (monolith != null) {
            monolith.close();
        }
    }

    // ---- the request's own faults: 400, nothing written

    @Test
    void nulInAnItemsName_is400_andNothingIsWritten() {
        long before = items();
        HttpResponse<String> response = monolith.api().postJson("/api/items",
                "{\"sku\":\"NUL-1\",\"name\":\"Wid\\u0000get\",\"price\":\"1.00\",\"stock\":1}");
        assertProblem(400, response);
        assertTrue(response.body().contains("name"), "names the field: " + response.body());
        assertEquals(before, items());
    }

    @Test
    void nulInOtherRequestText_is400() {
        assertProblem(400, monolith.api().postJson("/api/items",
                "{\"sku\":\"NUL\\u0000\",\"name\":\"Widget\",\"price\":\"1.00\",\"stock\":1}"));
        assertProblem(400, monolith.api().postJson("/api/orders",
                "{\"customerId\":\"c\\u0000\",\"items\":[{\"sku\":\"A-1\",\"quantity\":1}]}"));
        assertProblem(400, monolith.api().get("/api/orders?customerId=c%00"));
        // Jetty refuses it before any route; ProblemErrorHandler answers problem+json there too (Jetty's is HTML).
        assertProblem(400, monolith.api().get("/api/orders/x%00"));
    }

    // ---- a dependency's faults: 503, without internals

    @Test
    void itemServiceFailing_is503_withoutItsUrl() {
        itemServiceAnswer.set(new Answer(500, "{\"error\":\"internal-detail-of-the-item-service\"}"));
        HttpResponse<String> response = placeOrder();
        assertProblem(503, response);
        assertTrue(response.body().contains("nothing was written"), response.body());
        assertFalse(response.body().contains("127.0.0.1"), response.body());
        assertFalse(response.body().contains(Integer.toString(itemService.getAddress().getPort())), response.body());
        assertFalse(response.body().contains("internal-detail"), response.body());
    }

    @Test
    void itemServiceAnsweringNonsense_isNotTheRequestsFault() {
        for (String nonsense : List.of("{\"prices\":{\"not a sku!\":\"1.00\"}}", "{\"prices\":{\"A-1\":\"-1\"}}",
                "{\"prices\":{\"A-1\":\"one euro\"}}", "{\"prices\":[]}", "not json")) {
            itemServiceAnswer.set(new Answer(200, nonsense));
            HttpResponse<String> response = placeOrder();
            assertProblem(503, response);
            assertFalse(response.body().contains("sku must be") || response.body().contains("amount")
                    || response.body().contains("decimal") || response.body().contains("127.0.0.1"),
                    nonsense + " -> " + response.body());
        }
        assertEquals(0L, (long) orderService.jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM orders.orders").mapTo(Long.class).one()), "nothing written");
    }

    @Test
    void readiness_withTheDatabaseRefusingTheUser_saysDown_withoutTheDatabasesWords() {
        Readiness readiness = new Readiness(List.of(new HealthCheck("postgresql", () -> {
            try (Connection ignored = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres",
                    "no_such_user_7f3a", "wrong")) {
                // connecting is the check
            }
        })));
        try (dev.kurir.adapters.http.HttpServer management = dev.kurir.adapters.http.HttpServer.start("127.0.0.1", 0,
                List.of(new HealthRoutes(readiness)))) {
            HttpResponse<String> ready = HttpClientSupport.management(management.port()).get("/health/ready");
            assertEquals(503, ready.statusCode(), ready.body());
            JsonNode check = json(ready).get("checks").get(0);
            assertEquals("postgresql", check.get("name").asText());
            assertEquals("DOWN", check.get("status").asText());
            assertFalse(ready.body().contains("no_such_user_7f3a"), ready.body());
            assertFalse(ready.body().contains("FATAL") || ready.body().contains("authentication")
                    || ready.body().contains("does not exist"), ready.body());
        }
    }

    private HttpResponse<String> placeOrder() {
        return orderService.api().postJson("/api/orders",
                "{\"customerId\":\"c-1\",\"items\":[{\"sku\":\"A-1\",\"quantity\":1}]}");
    }

    private long items() {
        return monolith.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM items.items")
                .mapTo(Long.class).one());
    }

    private static void assertProblem(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals(status, json(response).get("status").asInt());
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
