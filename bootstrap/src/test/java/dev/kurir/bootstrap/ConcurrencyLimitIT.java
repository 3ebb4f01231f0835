package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** KURIR_API_CONCURRENCY: requests beyond the limit wait for a turn, then get 503 overloaded; nothing else stops. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrencyLimitIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOON = Duration.ofSeconds(10);

    private RunningKurir kurir;
    private HttpClientSupport api;
    private Jdbi jdbi;

    @BeforeAll
    void start() {
        kurir = RunningKurir.start(Map.of("KURIR_API_CONCURRENCY", "1"));
        api = kurir.api();
        jdbi = kurir.jdbi();
    }

    @AfterAll
    void stop() {
        kurir.close();
    }

    @Test
    void aRequestBeyondTheLimit_waitsForATurn_thenGets503Overloaded_whileHealthAndTheSagaCarryOn() throws Exception {
        String busySku = createItem(10);
        String otherSku = createItem(10);
        CompletableFuture<HttpResponse<String>> restock;
        try (Handle holder = jdbi.open()) {
            holder.begin();
            holder.createQuery("SELECT stock FROM items.items WHERE sku = :sku FOR UPDATE").bind("sku", busySku)
                    .mapTo(Integer.class).one();
            // The only turn: a restock waiting for the row lock held here.
            restock = CompletableFuture.supplyAsync(
                    () -> api.postJson("/api/items/" + busySku + "/restock", "{\"quantity\":5}"));
            Eventually.await("the restock waits for the row lock", SOON, () -> jdbi.withHandle(h -> h.createQuery(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                    .mapTo(Long.class).one()) > 0);

            long started = System.nanoTime();
            HttpResponse<String> refused = api.get("/api/items/" + otherSku);
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
            JsonNode problem = JSON.readTree(refused.body());
            assertEquals("/problems/overloaded", problem.path("type").asText());
            assertEquals(503, problem.path("status").asInt());
            assertTrue(waited.compareTo(Duration.ofMillis(2900)) >= 0, "waited for a turn first: " + waited);

            HttpResponse<String> ready = HttpClientSupport.management(kurir.managementPort()).get("/health/ready");
            assertEquals(200, ready.statusCode(), "the management port has no limit: " + ready.body());
            // The saga is not the API's: a message applied meanwhile by the consumer, as if from another service.
            jdbi.useHandle(h -> h.execute("""
                    INSERT INTO orders.outbox (message_id, event_type, payload, exchange, routing_key)
                    VALUES (?, 'order.created', CAST(? AS jsonb), 'orders', 'order.created')""", UUID.randomUUID(),
                    "{\"order_id\":\"limit-it\",\"customer_id\":\"c-1\",\"amount\":\"7.50\",\"items\":[{\"sku\":\""
                    + otherSku + "\",\"quantity\":3}]}"));
            Eventually.await("the consumer reserved stock while the API was full", SOON, () -> jdbi.withHandle(h -> h
                    .createQuery("SELECT stock FROM items.items WHERE sku = :sku").bind("sku", otherSku)
                    .mapTo(Integer.class).one()) == 7);
            holder.commit();
        }
        HttpResponse<String> restocked = restock.get(30, TimeUnit.SECONDS);
        assertEquals(200, restocked.statusCode(), restocked.body());
        assertEquals(200, api.get("/api/items/" + otherSku).statusCode(), "the turn is free again");
    }

    private String createItem(int stock) {
        String sku = "ITEM-" + UUID.randomUUID().toString().substring(0, 8);
        var response = api.postJson("/api/items",
                "{\"sku\":\"" + sku + "\",\"name\":\"Widget\",\"price\":\"2.50\",\"stock\":" + stock + "}");
        assertEquals(201, response.statusCode(), response.body());
        return sku;
    }
}
