package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The warm-up before kurir reports ready ({@link WarmUp}), in the shipped jar: it does work, changes nothing, shows
 * in no metric of the real API, and an order service's warm-up leaves its item service alone.
 */
class WarmUpIT {
    private static final Pattern WARMED = Pattern.compile("API warmed up.*\"requests\":(\\d+)");
    private static final List<String> TABLES = List.of("orders.orders", "orders.order_lines", "orders.outbox",
            "orders.inbox", "orders.idempotency_keys", "items.outbox", "items.inbox", "items.reservations",
            "items.reservation_lines");

    @Test
    void warmUp_asksTheApiAndTheReservationHandler_andLeavesNoRowNoStockChangeAndNoMetric() throws Exception {
        try (TestDatabase database = TestDatabase.create(); TestBroker broker = TestBroker.create()) {
            Map<String, String> env = KurirProcess.externalParts(database, broker);
            try (KurirProcess first = KurirProcess.start(env)) {
                first.awaitReady(Duration.ofSeconds(60));
                assertEquals(201, new HttpClientSupport(first.apiPort).postJson("/api/items",
                        "{\"sku\":\"WARM-1\",\"name\":\"Warm\",\"price\":\"2.00\",\"stock\":5}").statusCode());
                assertEquals(143, first.terminate(Duration.ofSeconds(30)));
            }
            Jdbi jdbi = Jdbi.create(database.dataSource());
            Map<String, Long> before = counts(jdbi);

            Map<String, String> warming = new HashMap<>(env);
            warming.put("KURIR_WARMUP", "2s");
            try (KurirProcess kurir = KurirProcess.start(warming)) {
                kurir.awaitReady(Duration.ofSeconds(60));
                assertWarmedUp(kurir);

                assertEquals(before, counts(jdbi), "no row written or left");
                int stock = jdbi.withHandle(h -> h.createQuery("SELECT stock FROM items.items WHERE sku = 'WARM-1'")
                        .mapTo(Integer.class).one());
                assertEquals(5, stock, "no stock taken");
                String metrics = HttpClientSupport.management(kurir.managementPort).get("/metrics").body();
                assertFalse(metrics.contains("route=\"/api/"), "the real API has served nothing yet:\n" + metrics);
                assertEquals(143, kurir.terminate(Duration.ofSeconds(30)));
            }
        }
    }

    @Test
    void anOrderServicePricedByARemoteItemService_warmsWithReadsOnly_andAsksTheItemServiceNothing() throws Exception {
        HttpServer itemService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger asked = new AtomicInteger();
        itemService.createContext("/", exchange -> {
            asked.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        itemService.start();
        try (TestDatabase database = TestDatabase.create(); TestBroker broker = TestBroker.create()) {
            Map<String, String> env = new HashMap<>(KurirProcess.externalParts(database, broker));
            env.put("KURIR_MODULES", "orders");
            env.put("KURIR_ITEMS_URL", "http://127.0.0.1:" + itemService.getAddress().getPort());
            env.put("KURIR_WARMUP", "2s");
            try (KurirProcess kurir = KurirProcess.start(env)) {
                kurir.awaitReady(Duration.ofSeconds(60));
                assertWarmedUp(kurir);
                assertEquals(0, asked.get(), "the item service was asked");
                assertEquals(143, kurir.terminate(Duration.ofSeconds(30)));
            }
        } finally {
            itemService.stop(0);
        }
    }

    /** The process logged a warm-up that made more than a handful of requests. */
    private static void assertWarmedUp(KurirProcess kurir) {
        Matcher warmed = WARMED.matcher(kurir.output());
        assertTrue(warmed.find(), kurir.output());
        assertTrue(Integer.parseInt(warmed.group(1)) > 10, "requests: " + warmed.group(1));
    }

    private static Map<String, Long> counts(Jdbi jdbi) {
        Map<String, Long> counts = new HashMap<>();
        // The table names are the constants above, not input.
        TABLES.forEach(table -> counts.put(table, jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM " + table)
                .mapTo(Long.class).one())));
        return counts;
    }
}
