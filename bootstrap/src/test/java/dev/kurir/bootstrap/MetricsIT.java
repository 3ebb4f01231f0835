package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code GET /metrics} on the management port of a running kurir: formats, families, and counters that move. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final Duration SOON = Duration.ofSeconds(20);
    private static final Pattern ORDER_ID = Pattern.compile("\"orderId\":\"([^\"]+)\"");

    private RunningKurir running;
    private HttpClientSupport api;
    private Jdbi jdbi;

    @BeforeAll
    void start() {
        running = RunningKurir.start(Map.of("KURIR_POLL_INTERVAL", "200ms"));
        api = running.api();
        jdbi = running.jdbi();
    }

    @AfterAll
    void stop() {
        running.close();
    }

    private HttpResponse<String> scrape(String accept) {
        return HttpClientSupport.management(running.managementPort()).send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + running.managementPort() + "/metrics"))
                .header("Accept", accept).GET());
    }

    private Exposition metrics() {
        HttpResponse<String> response = scrape(OPENMETRICS);
        assertEquals(200, response.statusCode(), response.body());
        return Exposition.parse(response.body());
    }

    private String createItem() {
        String sku = "ITEM-" + UUID.randomUUID().toString().substring(0, 8);
        var response = api.postJson("/api/items",
                "{\"sku\":\"" + sku + "\",\"name\":\"Widget\",\"price\":\"2.50\",\"stock\":100}");
        assertEquals(201, response.statusCode(), response.body());
        return sku;
    }

    private String placeOrder(String sku) {
        var response = api.postJson("/api/orders",
                "{\"customerId\":\"cust-1\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":1}]}");
        assertEquals(201, response.statusCode(), response.body());
        Matcher id = ORDER_ID.matcher(response.body());
        assertTrue(id.find(), response.body());
        return id.group(1);
    }

    @Test
    void bothFormats_areServed_withTheirContentType() {
        HttpResponse<String> openMetrics = scrape(OPENMETRICS);
        assertEquals(OPENMETRICS, openMetrics.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(openMetrics.body().endsWith("# EOF\n"));

        HttpResponse<String> text = scrape("text/plain");
        assertEquals(TEXT, text.headers().firstValue("Content-Type").orElseThrow());
        assertFalse(text.body().contains("# EOF"));
    }

    @Test
    void everyFamily_isExposed_andTheCountersOfTheSagaMove() {
        String sku = createItem();
        List<String> orderIds = List.of(placeOrder(sku), placeOrder(sku), placeOrder(sku));
        api.get("/api/orders/" + orderIds.get(0));
        api.get("/no/such/route/" + UUID.randomUUID());

        Eventually.await("the saga's counters moved", SOON, () -> {
            Exposition metrics = metrics();
            return metrics.value("kurir_inbox_processed_total", "module", "orders", "event_type", "stock.reserved") >= 3;
        });

        Exposition metrics = metrics();
        assertTrue(metrics.value("kurir_outbox_published_total", "module", "orders", "event_type", "order.created") >= 3);
        assertTrue(metrics.value("kurir_outbox_published_total", "module", "items", "event_type", "stock.reserved") >= 3);
        assertTrue(metrics.value("kurir_inbox_received_total", "module", "items", "event_type", "order.created") >= 3);
        assertTrue(metrics.value("kurir_inbox_processed_total", "module", "items", "event_type", "order.created") >= 3);
        assertTrue(metrics.value("kurir_outbox_delivery_lag_seconds_count", "module", "orders",
                "event_type", "order.created") >= 3);
        assertTrue(metrics.value("kurir_inbox_processing_duration_seconds_count", "module", "items",
                "event_type", "order.created") >= 3);
        assertTrue(metrics.value("kurir_relay_last_success_timestamp_seconds", "module", "orders") > 0);
        // Present from the start, so that rate() sees the first one.
        assertEquals(0, metrics.value("kurir_outbox_failed_total", "module", "items", "event_type", "stock.rejected"));
        assertEquals(0, metrics.value("kurir_outbox_broker_unavailable_total", "module", "orders"));
        assertEquals(0, metrics.value("kurir_retention_failures_total", "module", "items"));
        assertEquals(0, metrics.value("kurir_inbox_duplicates_total", "module", "orders", "event_type", "stock.rejected"));

        // HTTP by route template, never by raw path.
        assertTrue(metrics.value("kurir_http_server_request_duration_seconds_count",
                "method", "POST", "route", "/api/orders", "status", "201") >= 3);
        assertEquals(1, metrics.value("kurir_http_server_request_duration_seconds_count",
                "method", "GET", "route", "/api/orders/{orderId}", "status", "200"));
        assertEquals(1, metrics.value("kurir_http_server_request_duration_seconds_count",
                "method", "GET", "route", "unmatched", "status", "404"));
        assertTrue(metrics.samples("kurir_http_server_request_duration_seconds_count").stream()
                .noneMatch(s -> s.labels().get("route").contains(orderIds.get(0))));

        assertEquals(10, metrics.value("kurir_db_pool_max_connections", "pool", "kurir"), "KURIR_DB_POOL_SIZE");
        assertTrue(metrics.value("kurir_db_pool_acquire_seconds_count", "pool", "kurir") > 0);
        for (String name : List.of("kurir_db_pool_active_connections", "kurir_db_pool_idle_connections",
                "kurir_db_pool_pending_threads", "kurir_db_pool_timeouts_total", "jvm_memory_used_bytes",
                "jvm_threads_current", "jvm_gc_collection_seconds_count", "process_cpu_seconds_total",
                "process_start_time_seconds")) {
            assertFalse(metrics.samples(name).isEmpty(), name);
        }
    }

    @Test
    void problemAnswers_areCountedWithTheirStatus() {
        api.post("/api/orders", "text/plain", HttpRequest.BodyPublishers.ofString("x"));
        api.postJson("/api/orders", "{\"customerId\":\"c\",\"items\":[{\"sku\":\"NOPE-" + UUID.randomUUID()
                + "\",\"quantity\":1}]}");

        Exposition metrics = metrics();
        assertEquals(1, metrics.value("kurir_http_server_request_duration_seconds_count",
                "method", "POST", "route", "/api/orders", "status", "415"));
        assertEquals(1, metrics.value("kurir_http_server_request_duration_seconds_count",
                "method", "POST", "route", "/api/orders", "status", "422"));
    }

    @Test
    void backlogGauges_readTheTablesAtScrapeTime() {
        // Not due for an hour: no worker takes it meanwhile.
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO items.inbox (message_id, sender_id, event_type, payload, routing_key, created_at,
                                         next_attempt_at)
                VALUES (gen_random_uuid(), 'order-service', 'order.created', '{}', 'order.created',
                        now() - interval '5 minutes', now() + interval '1 hour')"""));
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO orders.outbox (message_id, event_type, payload, routing_key, status)
                VALUES (gen_random_uuid(), 'order.created', '{}', 'order.created', 'FAILED')"""));

        Exposition metrics = metrics();
        assertTrue(metrics.value("kurir_inbox_pending_rows", "module", "items") >= 1);
        assertTrue(metrics.value("kurir_inbox_oldest_pending_age_seconds", "module", "items") >= 300);
        assertTrue(metrics.value("kurir_outbox_failed_rows", "module", "orders") >= 1);
        for (String name : List.of("kurir_outbox_pending_rows", "kurir_outbox_oldest_pending_age_seconds",
                "kurir_inbox_failed_rows")) {
            assertEquals(2, metrics.samples(name).size(), name + " for orders and items");
        }
    }

    @Test
    void theDeliveryLag_carriesTheTraceStoredInTheRow_asAnExemplar_inOpenMetricsOnly() {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        String sku = createItem();
        // Created an hour ago: its lag lands in a bucket of its own, whatever else the relay publishes meanwhile.
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO orders.outbox (message_id, event_type, payload, exchange, routing_key, traceparent,
                                                   created_at)
                        VALUES (gen_random_uuid(), 'order.created', CAST(:payload AS jsonb), 'orders', 'order.created',
                                :traceparent, now() - interval '1 hour')""")
                .bind("payload", "{\"order_id\":\"traced-" + UUID.randomUUID() + "\",\"customer_id\":\"c\","
                        + "\"amount\":\"2.50\",\"items\":[{\"sku\":\"" + sku + "\",\"quantity\":1}]}")
                .bind("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
                .execute());

        Eventually.await("the lag observation with its exemplar", SOON, () -> metrics()
                .samples("kurir_outbox_delivery_lag_seconds_bucket", "module", "orders", "event_type", "order.created")
                .stream().anyMatch(s -> traceId.equals(s.exemplarLabels().get("trace_id"))));
        Exposition.Sample bucket = metrics()
                .samples("kurir_outbox_delivery_lag_seconds_bucket", "module", "orders", "event_type", "order.created")
                .stream().filter(s -> traceId.equals(s.exemplarLabels().get("trace_id"))).findFirst().orElseThrow();
        assertEquals("b7ad6b7169203331", bucket.exemplarLabels().get("span_id"));
        assertTrue(List.of("3600.0", "+Inf").contains(bucket.labels().get("le")), bucket.toString());

        assertFalse(scrape("text/plain").body().contains(traceId), "the text format carries no exemplars");

        // The answer names an order the orders module never placed: a message that can never apply.
        Eventually.await("the answer failed as an invalid message", SOON, () -> !metrics().samples(
                "kurir_inbox_failed_total", "module", "orders", "event_type", "stock.reserved",
                "reason", "invalid_message").isEmpty());
    }
}
