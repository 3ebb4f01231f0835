package dev.kurir.bootstrap;

import static dev.kurir.bootstrap.ExportedSpan.CLIENT;
import static dev.kurir.bootstrap.ExportedSpan.CONSUMER;
import static dev.kurir.bootstrap.ExportedSpan.PRODUCER;
import static dev.kurir.bootstrap.ExportedSpan.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped jar with the OpenTelemetry agent attached, as {@code ./kurir} runs it, on a real PostgreSQL and broker:
 * one trace follows an order through both outbox hops, a slow request shows as a long span, polling makes no traces,
 * and the JSON log lines carry their fields and the trace id of the work they belong to. The spans are read from
 * kurir's own output, where the agent's {@code logging-otlp} exporter writes them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOON = Duration.ofSeconds(30);
    private static final Duration LOCK_HELD = Duration.ofMillis(1_500);
    private static final Pattern ISO_TIMESTAMP =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2})");

    private TestDatabase database;
    private TestBroker broker;
    private KurirProcess kurir;
    private HttpClientSupport api;
    private Jdbi jdbi;

    @BeforeAll
    void start() {
        database = TestDatabase.create();
        broker = TestBroker.create();
        // OTEL_SERVICE_NAME is left unset: the agent names the service after the jar.
        kurir = KurirProcess.startWithAgent(Map.ofEntries(
                Map.entry("KURIR_DB_URL", database.jdbcUrl()),
                Map.entry("KURIR_DB_USER", database.user()),
                Map.entry("KURIR_DB_PASSWORD", database.password()),
                Map.entry("KURIR_AMQP_URI", broker.amqpUri()),
                Map.entry("KURIR_ENVIRONMENT", "tracing-it"),
                Map.entry("KURIR_POLL_INTERVAL", "200ms"),
                Map.entry("KURIR_RETRY_BACKOFF", "100ms"),
                Map.entry("KURIR_MAX_RETRIES", "1"),
                // As ./kurir sets them, except that spans go to the log, for this test to read, within 100 ms.
                Map.entry("OTEL_TRACES_EXPORTER", "logging-otlp"),
                Map.entry("OTEL_BSP_SCHEDULE_DELAY", "100"),
                Map.entry("OTEL_METRICS_EXPORTER", "none"),
                Map.entry("OTEL_LOGS_EXPORTER", "none"),
                Map.entry("OTEL_JAVAAGENT_LOGGING", "application")));
        kurir.awaitReady(Duration.ofSeconds(120));
        api = new HttpClientSupport(kurir.apiPort);
        jdbi = Jdbi.create(database.dataSource());
    }

    @AfterAll
    void stop() {
        if (kurir != null) {
            kurir.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void anOrder_isOneTrace_fromTheRequest_throughBothHops_toItsConfirmation() {
        String orderId = placeOrder(createItem(10), 2);
        awaitStatus(orderId, "CONFIRMED");
        String traceId = orderPlacedLine(orderId).path("trace_id").asText();

        Supplier<List<ExportedSpan>> traced = () -> spans().stream().filter(span -> span.traceId().equals(traceId))
                .toList();
        // A span is exported when it ends, after its children: wait for the last one and for every parent.
        List<ExportedSpan> trace = await("the order's trace up to the final update", () -> Optional.of(traced.get())
                .filter(spans -> spans.stream().anyMatch(span -> span.name().equals("inbox process stock.reserved"))
                        && spans.stream().allMatch(span -> span.isRoot() || spans.stream()
                                .anyMatch(parent -> parent.spanId().equals(span.parentSpanId())))),
                () -> tree(traced.get()));

        ExportedSpan request = only(trace, "the request", span -> span.kind() == SERVER);
        assertEquals("/api/orders", request.attributes().get("http.route"));
        assertEquals(List.of(request), trace.stream().filter(ExportedSpan::isRoot).toList(), tree(trace));
        child(trace, request, "outbox wait order.created");
        ExportedSpan orderCreated = child(trace, request, "publish to orders", span -> span.kind() == PRODUCER
                && "orders".equals(span.attributes().get("messaging.destination.name")));
        ExportedSpan delivered = child(trace, orderCreated, "consume", span -> span.kind() == CONSUMER);
        ExportedSpan reserving = child(trace, delivered, "inbox process order.created");
        child(trace, reserving, "UPDATE items.items");
        child(trace, reserving, "outbox wait stock.reserved");
        ExportedSpan stockReserved = child(trace, reserving, "publish to items", span -> span.kind() == PRODUCER
                && "items".equals(span.attributes().get("messaging.destination.name")));
        ExportedSpan answered = child(trace, stockReserved, "consume", span -> span.kind() == CONSUMER);
        ExportedSpan confirming = child(trace, answered, "inbox process stock.reserved");
        child(trace, confirming, "UPDATE orders.orders");

        assertEquals(List.of("kurir"), spans().stream().map(ExportedSpan::service).distinct().toList(),
                "every span names the service");
    }

    @Test
    void aRequestWaitingForARowLock_showsAsALongServerSpan_withTheWaitInItsDatabaseSpan() throws Exception {
        String sku = createItem(10);
        CompletableFuture<HttpResponse<String>> restock;
        try (Connection holder = database.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(
                    "SELECT stock FROM items.items WHERE sku = ? FOR UPDATE")) {
                lock.setString(1, sku);
                lock.executeQuery().close();
            }
            restock = CompletableFuture.supplyAsync(
                    () -> api.postJson("/api/items/" + sku + "/restock", "{\"quantity\":5}"));
            Eventually.await("the restock waits for the row lock", SOON, () -> jdbi.withHandle(h -> h.createQuery(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                    .mapTo(Long.class).one()) > 0);
            Thread.sleep(LOCK_HELD.toMillis());
            holder.commit();
        }
        HttpResponse<String> response = restock.get(30, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), response.body());

        ExportedSpan request = await("the restock's server span", () -> spans().stream()
                .filter(span -> span.kind() == SERVER
                        && ("/api/items/" + sku + "/restock").equals(span.attributes().get("url.path")))
                .findFirst());
        assertEquals("/api/items/{sku}/restock", request.attributes().get("http.route"));
        assertTrue(request.duration().compareTo(LOCK_HELD) >= 0, "the request took " + request.duration());
        List<ExportedSpan> trace = spans().stream().filter(span -> span.traceId().equals(request.traceId())).toList();
        ExportedSpan locking = child(trace, request, "the locking SELECT",
                span -> span.kind() == CLIENT && span.name().equals("SELECT items.items"));
        assertTrue(locking.duration().compareTo(LOCK_HELD) >= 0, "the wait is in " + locking.name() + ", which took "
                + locking.duration());
    }

    @Test
    void whileIdle_theWorkersPolling_makesNoTraces() throws Exception {
        await("both consumers subscribed", () -> Optional.of(logLines().stream()
                .filter(line -> "consuming".equals(line.path("message").asText())).count()).filter(n -> n >= 2));
        Thread.sleep(500);
        long from = epochNanos();
        Thread.sleep(3_000); // 15 polls of each of the 12 workers at KURIR_POLL_INTERVAL=200ms
        Thread.sleep(1_000); // the exporter's batch delay, with room to spare
        long to = epochNanos();

        List<ExportedSpan> spans = spans();
        assertTrue(spans.stream().anyMatch(ExportedSpan::isRoot), "root spans (of start-up) are seen at all");
        assertEquals(List.of(), spans.stream().filter(span -> span.isRoot() && span.startNanos() >= from
                && span.startNanos() < to).map(ExportedSpan::name).toList(), "root spans while idle");
    }

    @Test
    void logLines_areJsonObjectsWithTheRequiredFields_andAnOrdersLines_carryItsTraceId() {
        String sku = createItem(10);
        String orderId = placeOrder(sku, 1);
        awaitStatus(orderId, "CONFIRMED");

        for (String line : kurir.output().split("\n")) {
            // The JVM's own warnings go to stderr, which the test process shares with stdout.
            if (!line.isBlank() && !line.startsWith("OpenJDK 64-Bit Server VM warning:")
                    && !line.startsWith("WARNING: ")) {
                assertTrue(json(line).isObject(), line);
            }
        }
        JsonNode placed = orderPlacedLine(orderId);
        assertRequiredFields(placed, "INFO");
        assertEquals("dev.kurir.adapters.http.OrdersRoutes", placed.path("logger").asText());
        assertEquals("cust-1", placed.path("customer_id").asText());
        assertEquals("2.50", placed.path("amount").asText());
        String traceId = placed.path("trace_id").asText();
        ExportedSpan request = await("the request's server span", () -> spans().stream()
                .filter(span -> span.kind() == SERVER && span.traceId().equals(traceId)).findFirst());
        assertEquals("/api/orders", request.attributes().get("http.route"));
        assertEquals(request.spanId(), placed.path("span_id").asText(), "logged inside the request's span");

        String messageId = jdbi.withHandle(h -> h.createQuery(
                        "SELECT message_id::text FROM orders.outbox WHERE payload->>'order_id' = :id")
                .bind("id", orderId).mapTo(String.class).one());
        JsonNode processed = awaitLine("items processed the order", line -> messageId.equals(
                line.path("message_id").asText()) && "processed order.created".equals(line.path("message").asText()));
        assertEquals(traceId, processed.path("trace_id").asText(), "inbox handling logs in the order's trace");
    }

    @Test
    void aRowRelayedLongAfterItWasWritten_startsANewTraceLinkedToItsOrigin_andItsFailureLogsAnError() {
        String origin = "4bf92f3577b34da6a3ce929d0e0e4736";
        UUID messageId = UUID.randomUUID();
        // Five minutes old, for an exchange that does not exist: refused by the broker, retried once, then FAILED.
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO orders.outbox
                            (message_id, event_type, payload, exchange, routing_key, traceparent, created_at)
                        VALUES (:id, 'order.archived', '{"order_id":"x"}', 'no-such-exchange', 'order.archived', :traceparent,
                                now() - interval '5 minutes')""")
                .bind("id", messageId)
                .bind("traceparent", "00-" + origin + "-00f067aa0ba902b7-01")
                .execute());

        JsonNode failed = awaitLine("the relay's error", line -> "ERROR".equals(line.path("level").asText())
                && messageId.toString().equals(line.path("message_id").asText()));
        assertRequiredFields(failed, "ERROR");
        assertEquals("dev.kurir.relay", failed.path("logger").asText());
        assertTrue(failed.path("message").asText().startsWith("publish failed, message is now FAILED"),
                failed.toString());

        List<ExportedSpan> relayed = await("both attempts' spans", () -> Optional.of(spans().stream()
                .filter(span -> span.name().equals("outbox publish order.archived")).toList())
                .filter(attempts -> attempts.size() == 2));
        for (ExportedSpan attempt : relayed) {
            assertTrue(attempt.isRoot(), "a new trace for each attempt");
            assertEquals(List.of(origin), attempt.linkedTraceIds(), "linked to the trace that wrote the row");
            List<ExportedSpan> trace = spans().stream().filter(span -> span.traceId().equals(attempt.traceId()))
                    .toList();
            child(trace, attempt, "publish to no-such-exchange", span -> span.kind() == PRODUCER);
        }
        assertFalse(spans().stream().anyMatch(span -> span.traceId().equals(origin)), "the old trace is left alone");
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

    private void awaitStatus(String orderId, String status) {
        Eventually.await("order " + orderId + " " + status, SOON,
                () -> api.get("/api/orders/" + orderId).body().contains("\"status\":\"" + status + "\""),
                () -> api.get("/api/orders/" + orderId).body());
    }

    private JsonNode orderPlacedLine(String orderId) {
        return awaitLine("the 'order placed' line of " + orderId, line -> orderId.equals(
                line.path("order_id").asText()) && "order placed".equals(line.path("message").asText()));
    }

    private static void assertRequiredFields(JsonNode line, String level) {
        assertTrue(ISO_TIMESTAMP.matcher(line.path("timestamp").asText()).matches(), line.toString());
        assertEquals(level, line.path("level").asText());
        for (String field : List.of("logger", "thread", "message")) {
            assertFalse(line.path(field).asText().isBlank(), field + " in " + line);
        }
        assertEquals("kurir", line.path("service").asText());
        assertEquals("tracing-it", line.path("environment").asText());
    }

    private List<JsonNode> logLines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : kurir.output().split("\n")) {
            if (line.startsWith("{")) {
                lines.add(json(line));
            }
        }
        return lines;
    }

    private List<ExportedSpan> spans() {
        return ExportedSpan.in(logLines());
    }

    private JsonNode awaitLine(String what, Predicate<JsonNode> matches) {
        return await(what, () -> logLines().stream().filter(matches).findFirst());
    }

    private <T> T await(String what, Supplier<Optional<T>> probe) {
        return await(what, probe, () -> "");
    }

    /** Polls less often than {@link Eventually}: each probe parses kurir's whole output. */
    private <T> T await(String what, Supplier<Optional<T>> probe, Supplier<String> lastSeen) {
        Instant deadline = Instant.now().plus(SOON);
        while (true) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + SOON + ": " + what + "\n" + lastSeen.get());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    private static ExportedSpan only(List<ExportedSpan> spans, String what, Predicate<ExportedSpan> matches) {
        List<ExportedSpan> found = spans.stream().filter(matches).toList();
        assertEquals(1, found.size(), "exactly one " + what + " in\n" + tree(spans));
        return found.getFirst();
    }

    private static ExportedSpan child(List<ExportedSpan> trace, ExportedSpan parent, String name) {
        return child(trace, parent, name, span -> span.name().equals(name));
    }

    private static ExportedSpan child(List<ExportedSpan> trace, ExportedSpan parent, String what,
                                      Predicate<ExportedSpan> matches) {
        return only(trace, what + " under " + parent.name(),
                span -> span.parentSpanId().equals(parent.spanId()) && matches.test(span));
    }

    /** The trace as an indented tree, for failure messages. */
    private static String tree(List<ExportedSpan> trace) {
        StringBuilder text = new StringBuilder();
        Map<String, List<ExportedSpan>> byParent =
                trace.stream().collect(Collectors.groupingBy(ExportedSpan::parentSpanId));
        trace.stream().filter(span -> trace.stream().noneMatch(other -> other.spanId().equals(span.parentSpanId())))
                .forEach(span -> appendTree(text, span, byParent, 0));
        return text.toString();
    }

    private static void appendTree(StringBuilder text, ExportedSpan span, Map<String, List<ExportedSpan>> byParent,
                                   int depth) {
        text.append("  ".repeat(depth)).append(span.name()).append(" (kind ").append(span.kind()).append(", ")
                .append(span.duration().toMillis()).append(" ms)\n");
        byParent.getOrDefault(span.spanId(), List.of()).forEach(child -> appendTree(text, child, byParent, depth + 1));
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
