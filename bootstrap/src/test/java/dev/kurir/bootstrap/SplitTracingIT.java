package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Seed table 3.4, a chained request across two services: with the agent attached to order-service and item-service,
 * one order's spans in both processes share one trace id, each with its own service name — the HTTP pricing call
 * (client span in order-service, server span in item-service) and both message hops.
 */
class SplitTracingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOON = Duration.ofSeconds(60);

    @Test
    void oneOrder_isOneTrace_acrossOrderServiceAndItemService() throws Exception {
        try (TestDatabase ordersDb = TestDatabase.create();
             TestDatabase itemsDb = TestDatabase.create();
             TestBroker broker = TestBroker.create()) {
            int itemsPort = freePort();
            Map<String, String> itemsEnv = env(itemsDb, broker, "items", "item-service");
            itemsEnv.put("KURIR_HTTP_PORT", Integer.toString(itemsPort));
            Map<String, String> ordersEnv = env(ordersDb, broker, "orders", "order-service");
            ordersEnv.put("KURIR_ITEMS_URL", "http://127.0.0.1:" + itemsPort);
            try (KurirProcess items = KurirProcess.startWithAgent(itemsEnv).awaitReady(SOON);
                 KurirProcess orders = KurirProcess.startWithAgent(ordersEnv).awaitReady(SOON)) {
                assertEquals(201, new HttpClientSupport(items.apiPort).postJson("/api/items",
                        "{\"sku\":\"TRACE-1\",\"name\":\"Widget\",\"price\":\"1.00\",\"stock\":5}").statusCode());
                HttpClientSupport api = new HttpClientSupport(orders.apiPort);
                var placed = api.postJson("/api/orders",
                        "{\"customerId\":\"c-trace\",\"items\":[{\"sku\":\"TRACE-1\",\"quantity\":1}]}");
                assertEquals(201, placed.statusCode(), placed.body());
                String orderId = JSON.readTree(placed.body()).get("orderId").asText();
                Eventually.await("order confirmed", SOON,
                        () -> api.get("/api/orders/" + orderId).body().contains("\"status\":\"CONFIRMED\""));

                String traceId = logLines(orders).stream()
                        .filter(line -> "order placed".equals(line.path("message").asText())
                                && orderId.equals(line.path("order_id").asText()))
                        .findFirst().orElseThrow().path("trace_id").asText();
                List<ExportedSpan> trace = new ArrayList<>();
                Eventually.await("both services' spans of the order, up to the confirmation", SOON, () -> {
                    trace.clear();
                    trace.addAll(spansOf(traceId, orders, items));
                    return trace.stream().anyMatch(span -> span.name().equals("inbox process stock.reserved"))
                            && trace.stream().anyMatch(span -> span.name().equals("inbox process order.created"))
                            && trace.stream().anyMatch(span -> span.kind() == ExportedSpan.SERVER
                                    && span.service().equals("item-service"));
                }, () -> trace.toString());

                assertEquals(Set.of("order-service", "item-service"),
                        trace.stream().map(ExportedSpan::service).collect(Collectors.toSet()));
                ExportedSpan pricingServed = trace.stream().filter(span -> span.kind() == ExportedSpan.SERVER
                        && span.service().equals("item-service")).findFirst().orElseThrow();
                assertEquals("/api/items/prices", pricingServed.attributes().get("http.route"));
                assertTrue(trace.stream().anyMatch(span -> span.kind() == ExportedSpan.CLIENT
                        && span.service().equals("order-service") && span.spanId().equals(pricingServed.parentSpanId())),
                        "the item service's server span is the child of an HTTP client span in order-service: " + trace);
                assertTrue(trace.stream().anyMatch(span -> span.name().equals("inbox process order.created")
                        && span.service().equals("item-service")));
                assertTrue(trace.stream().anyMatch(span -> span.name().equals("inbox process stock.reserved")
                        && span.service().equals("order-service")));
            }
        }
    }

    private static Map<String, String> env(TestDatabase database, TestBroker broker, String modules, String service) {
        Map<String, String> env = new HashMap<>();
        env.put("KURIR_MODULES", modules);
        env.put("KURIR_DB_URL", database.jdbcUrl());
        env.put("KURIR_DB_USER", database.user());
        env.put("KURIR_DB_PASSWORD", database.password());
        env.put("KURIR_AMQP_URI", broker.amqpUri());
        // As ./kurir sets them for split services, except that spans go to the log for this test to read.
        env.put("OTEL_SERVICE_NAME", service);
        env.put("OTEL_TRACES_EXPORTER", "logging-otlp");
        env.put("OTEL_BSP_SCHEDULE_DELAY", "100");
        env.put("OTEL_METRICS_EXPORTER", "none");
        env.put("OTEL_LOGS_EXPORTER", "none");
        env.put("OTEL_JAVAAGENT_LOGGING", "application");
        return env;
    }

    private static List<ExportedSpan> spansOf(String traceId, KurirProcess... processes) {
        List<ExportedSpan> spans = new ArrayList<>();
        for (KurirProcess process : processes) {
            ExportedSpan.in(logLines(process)).stream().filter(span -> span.traceId().equals(traceId)).forEach(spans::add);
        }
        return spans;
    }

    private static List<JsonNode> logLines(KurirProcess process) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : process.output().split("\n")) {
            if (line.startsWith("{")) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return lines;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
