package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.adapters.http.ConsoleRoutes;
import dev.kurir.adapters.http.HttpServer;
import dev.kurir.adapters.postgres.JdbiSagaRecords;
import dev.kurir.application.messaging.MessageAdministration;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The operator console over HTTP: sign-in, the cookie, CSRF, the pages, and that actions are audited. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "console-admin-token-" + UUID.randomUUID();
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private TestDatabase database;
    private TestBroker broker;
    private Kurir kurir;
    private HttpClientSupport api;
    private Jdbi jdbi;
    private String origin;

    @BeforeAll
    void start() {
        AuditLog.beginRun();
        database = TestDatabase.create();
        broker = TestBroker.create();
        Map<String, String> env = RunningKurir.environment(database, broker);
        env.put("KURIR_ADMIN_TOKEN", TOKEN);
        env.put("KURIR_TRACE_URL", "http://jaeger.example/trace/{traceId}");
        kurir = Kurir.start(KurirConfig.from(env));
        api = new HttpClientSupport(kurir.apiPort());
        jdbi = Jdbi.create(database.dataSource());
        origin = "http://127.0.0.1:" + kurir.managementPort();
    }

    @AfterAll
    void stop() {
        kurir.close();
        broker.close();
        database.close();
    }

    private HttpResponse<String> get(String path, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path)).GET();
        if (cookie != null) {
            request.header("Cookie", ConsoleRoutesCookie.NAME + "=" + cookie);
        }
        return HttpClientSupport.management(kurir.managementPort()).send(request);
    }

    private HttpResponse<String> post(String path, String cookie, String requestOrigin, Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) {
            request.header("Cookie", ConsoleRoutesCookie.NAME + "=" + cookie);
        }
        if (requestOrigin != null) {
            request.header("Origin", requestOrigin);
        }
        return HttpClientSupport.management(kurir.managementPort()).send(request);
    }

    /** Signs in; returns the session cookie's value. */
    private String signIn() {
        HttpResponse<String> response = post("/console/sign-in", null, origin, Map.of("token", TOKEN));
        assertEquals(303, response.statusCode(), response.body());
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    private static String csrf(HttpResponse<String> page) {
        Matcher matcher = CSRF.matcher(page.body());
        assertTrue(matcher.find(), page.body());
        return matcher.group(1);
    }

    @Test
    void withNoTokenConfigured_theConsoleIsOff() {
        try (HttpServer server = HttpServer.start("127.0.0.1", 0, List.of(new ConsoleRoutes(new MessageAdministration(),
                new JdbiSagaRecords(jdbi, Set.of()), Optional.empty(), () -> true, "here", Optional.empty(),
                Clock.systemUTC())))) {
            HttpClientSupport client = HttpClientSupport.management(server.port());
            for (String path : List.of("/console", "/console/sign-in", "/console/overview", "/console/assets/console.js")) {
                assertEquals(404, client.get(path).statusCode(), path);
            }
            assertEquals(404, client.post("/console/sign-in", "application/x-www-form-urlencoded",
                    HttpRequest.BodyPublishers.ofString("token=x")).statusCode());
        }
    }

    @Test
    void signIn_setsAStrictHttpOnlyCookie_andAWrongTokenIsRefusedSlowlyAndLoggedWithoutIt() {
        HttpResponse<String> form = get("/console/sign-in", null);
        assertEquals(200, form.statusCode());
        assertTrue(form.body().contains("<label for=\"token\">"), form.body());
        assertEquals(303, get("/console/overview", null).statusCode(), "not signed in: sent to the form");

        String wrong = "wrong-" + UUID.randomUUID();
        long startedAt = System.nanoTime();
        HttpResponse<String> refused = post("/console/sign-in", null, origin, Map.of("token", wrong));
        assertEquals(401, refused.statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - startedAt).toMillis() >= 250, "a failed sign-in is slowed");
        assertTrue(refused.headers().firstValue("Set-Cookie").isEmpty());
        assertFalse(AuditLog.linesWith("console sign-in with a wrong token refused").isEmpty());
        assertTrue(AuditLog.linesWith(wrong).isEmpty(), "the offered token is never logged");
        assertEquals(403, post("/console/sign-in", null, "http://evil.example", Map.of("token", TOKEN)).statusCode(),
                "a sign-in posted from another origin is refused");

        HttpResponse<String> signedIn = post("/console/sign-in", null, origin, Map.of("token", TOKEN));
        String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
        assertTrue(setCookie.contains("Max-Age=28800"), setCookie);
        assertTrue(setCookie.contains("Path=/console"), setCookie);
        assertFalse(setCookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back");
        assertEquals("/console/overview", signedIn.headers().firstValue("Location").orElse(""));
        assertTrue(signedIn.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
    }

    @Test
    void everyChange_needsTheSessionsCsrfToken_andItsOwnOrigin_andIsAudited() {
        String cookie = signIn();
        String csrf = csrf(get("/console/overview", cookie));
        Map<String, String> retryAll = Map.of("module", "orders", "table", "outbox");
        assertEquals(403, post("/console/failures/retry-all", cookie, origin, retryAll).statusCode(), "no CSRF token");
        assertEquals(403, post("/console/failures/retry-all", cookie, origin,
                Map.of("module", "orders", "table", "outbox", "csrf", "not-" + csrf)).statusCode(), "a wrong one");
        Map<String, String> withToken = Map.of("module", "orders", "table", "outbox", "csrf", csrf);
        assertEquals(403, post("/console/failures/retry-all", cookie, "http://evil.example", withToken).statusCode(),
                "another origin");
        assertEquals(403, post("/console/failures/retry-all", cookie, null, withToken).statusCode(),
                "neither Origin nor Referer");
        assertEquals(401, post("/console/failures/retry-all", null, origin, withToken).statusCode(), "no session");

        long id = jdbi.withHandle(h -> h.createQuery("INSERT INTO orders.outbox (message_id, event_type, payload, "
                + "routing_key, status, retry_count, error) VALUES (gen_random_uuid(), 'order.created', "
                + "'{\"console\":true}', 'order.created', 'FAILED', 3, 'nacked by the broker') RETURNING id")
                .mapTo(Long.class).one());
        HttpResponse<String> failures = get("/console/failures", cookie);
        assertTrue(failures.body().contains("Discard row " + id), failures.body());
        HttpResponse<String> discarded = post("/console/failures/discard", cookie, origin,
                Map.of("module", "orders", "table", "outbox", "id", Long.toString(id), "why", "duplicate <b>",
                        "csrf", csrf));
        assertEquals(303, discarded.statusCode(), discarded.body());
        HttpResponse<String> after = get("/console/failures", cookie);
        assertTrue(after.body().contains("Row " + id + " is DISCARDED."), after.body());
        Map<String, Object> row = jdbi.withHandle(h -> h.createQuery(
                "SELECT status::text AS status, discarded_by, discarded_reason FROM orders.outbox WHERE id = ?")
                .bind(0, id).mapToMap().one());
        assertEquals("DISCARDED", row.get("status"));
        assertTrue(((String) row.get("discarded_by")).startsWith("console@"), row.toString());
        assertEquals(1, AuditLog.linesWith("action=\"discard\"", "row_id=\"" + id + "\"", "actor=\"console@").size());
    }

    @Test
    void anOrdersSaga_isShownFromItsRows_withATraceLink_andTextIsEscaped() throws Exception {
        String cookie = signIn();
        assertEquals(201, api.postJson("/api/items", "{\"sku\":\"CONSOLE-1\",\"name\":\"W\",\"price\":\"1.50\",\"stock\":9}")
                .statusCode());
        String customer = "console-customer-" + UUID.randomUUID();
        String orderId = JSON.readTree(api.postJson("/api/orders", "{\"customerId\":\"" + customer
                + "\",\"items\":[{\"sku\":\"CONSOLE-1\",\"quantity\":2}]}").body()).get("orderId").asText();
        Eventually.await("the order is confirmed", Duration.ofSeconds(20), () -> api.get("/api/orders/" + orderId)
                .body().contains("\"status\":\"CONFIRMED\""));
        Eventually.await("the answer is processed", Duration.ofSeconds(20), () -> jdbi.withHandle(h -> h.createQuery(
                "SELECT count(*) FROM orders.inbox WHERE payload->>'order_id' = ? AND status = 'PROCESSED'")
                .bind(0, orderId).mapTo(Long.class).one()) == 1);
        jdbi.useHandle(h -> h.execute("UPDATE orders.outbox SET traceparent = "
                + "'00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' WHERE payload->>'order_id' = ?", orderId));

        String saga = get("/console/orders?q=" + orderId, cookie).body();
        assertTrue(saga.contains("id=\"order-status\">CONFIRMED<"), saga);
        for (String step : List.of("Order placed", "orders outbox: order.created published",
                "items inbox: order.created processed", "Stock RESERVED", "items outbox: stock.reserved published",
                "orders inbox: stock.reserved processed", "Order CONFIRMED")) {
            assertTrue(saga.contains(step), step + " in " + saga);
        }
        assertTrue(saga.contains("href=\"http://jaeger.example/trace/0af7651916cd43dd8448eb211c80319c\""), saga);
        String byCustomer = get("/console/orders?q=" + customer, cookie).body();
        assertTrue(byCustomer.contains("/console/orders?q=" + orderId), byCustomer);

        String hostile = get("/console/orders?q=" + URLEncoder.encode("<script>alert(1)</script>",
                StandardCharsets.UTF_8), cookie).body();
        assertFalse(hostile.contains("<script>alert(1)"), hostile);
        assertTrue(hostile.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), hostile);
    }

    @Test
    void aCancelledOrdersSaga_endsWithItsReason_andTheReleasedReservation() throws Exception {
        String cookie = signIn();
        assertEquals(201, api.postJson("/api/items", "{\"sku\":\"CONSOLE-CANCEL\",\"name\":\"W\",\"price\":\"1.00\","
                + "\"stock\":9}").statusCode());
        String orderId = JSON.readTree(api.postJson("/api/orders", "{\"customerId\":\"cancel\",\"items\":"
                + "[{\"sku\":\"CONSOLE-CANCEL\",\"quantity\":1}]}").body()).get("orderId").asText();
        Eventually.await("the order is confirmed", Duration.ofSeconds(20), () -> api.get("/api/orders/" + orderId)
                .body().contains("\"status\":\"CONFIRMED\""));
        assertEquals(200, api.postJson("/api/orders/" + orderId + "/cancel", "{\"reason\":\"customer changed mind\"}")
                .statusCode());
        Eventually.await("the cancel is published and the reservation released", Duration.ofSeconds(20),
                () -> jdbi.withHandle(h -> h.createQuery("SELECT COALESCE((SELECT cancelled FROM items.reservations"
                        + " WHERE order_id = :id), false) AND EXISTS (SELECT 1 FROM orders.outbox"
                        + " WHERE payload->>'order_id' = :id AND event_type = 'order.cancelled' AND status = 'SENT')")
                        .bind("id", orderId)
                        .mapTo(Boolean.class).one()));

        String saga = get("/console/orders?q=" + orderId, cookie).body();
        assertTrue(saga.contains("id=\"order-status\">CANCELLED<"), saga);
        assertTrue(saga.contains("Order CANCELLED"), saga);
        assertTrue(saga.contains("customer changed mind"), saga);
        assertTrue(saga.contains("orders outbox: order.cancelled published"), saga);
        assertTrue(saga.contains("Reservation released"), saga);
    }

    @Test
    void theOverviewCountsRows_andSigningOutEndsTheSession() {
        jdbi.useHandle(h -> {
            for (String ago : List.of("1 minute", "2 hours")) {
                h.execute("INSERT INTO orders.orders (order_id, customer_id, amount, status, cancellation_reason, "
                        + "created_at, updated_at) VALUES (?, 'deadline', 1.00, 'CANCELLED', 'deadline exceeded', "
                        + "now() - CAST(? AS interval), now() - CAST(? AS interval))", "deadline-" + UUID.randomUUID(),
                        ago, ago);
            }
        });
        String cookie = signIn();
        HttpResponse<String> overview = get("/console/overview", cookie);
        assertEquals(200, overview.statusCode());
        for (String id : List.of("orders-outbox-pending", "items-inbox-failed", "dead-letter-depth", "orders-confirmed",
                "deadline-expiries")) {
            assertTrue(overview.body().contains("id=\"" + id + "\""), id);
        }
        assertTrue(overview.body().contains("data-refresh-seconds=\"10\""), "the overview refreshes itself");
        assertTrue(overview.body().contains("id=\"deadline-expiries\">1<"), "only the expiry of the last hour");
        String csrf = csrf(overview);
        HttpResponse<String> out = post("/console/sign-out", cookie, origin, Map.of("csrf", csrf));
        assertEquals(303, out.statusCode());
        String cleared = out.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(cleared.startsWith("kurir_console=;") && (cleared.contains("Max-Age=0") || cleared.contains("1970")),
                "the cookie is cleared: " + cleared);
        assertEquals(303, get("/console/overview", cookie).statusCode(), "the old cookie opens nothing");
        assertEquals(401, post("/console/failures/retry-all", cookie, origin,
                Map.of("module", "orders", "table", "outbox", "csrf", csrf)).statusCode());
    }

    @Test
    void inSplitMode_theItemServicesConsoleShowsItsOwnModule_andSaysWhereTheOrdersAre() throws Exception {
        assertEquals(201, api.postJson("/api/items", "{\"sku\":\"CONSOLE-SPLIT\",\"name\":\"W\",\"price\":\"1.00\","
                + "\"stock\":9}").statusCode());
        String orderId = JSON.readTree(api.postJson("/api/orders", "{\"customerId\":\"split\",\"items\":"
                + "[{\"sku\":\"CONSOLE-SPLIT\",\"quantity\":1}]}").body()).get("orderId").asText();
        Eventually.await("the order is confirmed", Duration.ofSeconds(20), () -> api.get("/api/orders/" + orderId)
                .body().contains("\"status\":\"CONFIRMED\""));
        // A second process on the same database running items alone, as the item service would.
        Map<String, String> env = RunningKurir.environment(database, broker);
        env.put("KURIR_ADMIN_TOKEN", TOKEN);
        env.put("KURIR_MODULES", "items");
        env.put("OTEL_SERVICE_NAME", "item-service");
        try (Kurir items = Kurir.start(KurirConfig.from(env))) {
            String itemsOrigin = "http://127.0.0.1:" + items.managementPort();
            HttpClientSupport client = HttpClientSupport.management(items.managementPort());
            HttpResponse<String> signedIn = client.send(HttpRequest.newBuilder(URI.create(itemsOrigin + "/console/sign-in"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", itemsOrigin)
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8))));
            String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));

            String overview = client.send(HttpRequest.newBuilder(URI.create(itemsOrigin + "/console/overview"))
                    .header("Cookie", cookie).GET()).body();
            assertTrue(overview.contains("item-service runs the items module"), overview);
            assertTrue(overview.contains("id=\"items-inbox-pending\""), overview);
            assertFalse(overview.contains("id=\"orders-outbox-pending\""), "the orders tables are not this service's");
            assertFalse(overview.contains("id=\"orders-confirmed\""), overview);

            String saga = client.send(HttpRequest.newBuilder(URI.create(itemsOrigin + "/console/orders?q=" + orderId))
                    .header("Cookie", cookie).GET()).body();
            assertTrue(saga.contains("The order itself lives in the order service"), saga);
            assertTrue(saga.contains("items inbox: order.created processed"), saga);
            assertTrue(saga.contains("Stock RESERVED"), saga);
            assertFalse(saga.contains("orders outbox:"), "only this service's rows");
        }
    }

    /** The cookie's name, as the console sets it. */
    private static final class ConsoleRoutesCookie {
        static final String NAME = "kurir_console";
    }
}
