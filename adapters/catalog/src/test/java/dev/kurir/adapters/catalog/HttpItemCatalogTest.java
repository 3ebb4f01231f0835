package dev.kurir.adapters.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kurir.application.orders.port.out.CatalogUnavailableException;
import dev.kurir.domain.orders.Sku;
import dev.kurir.domain.shared.Money;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The price call against a real HTTP server standing in for the item service, answering as each test needs. */
class HttpItemCatalogTest {
    private static final Sku SKU = new Sku("CATALOG-1");
    private static final String PRICES = "{\"prices\":{\"CATALOG-1\":\"2.50\"}}";

    private HttpServer itemService;
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (itemService != null) {
            itemService.stop(0);
        }
    }

    @Test
    void outlastsAnItemServiceThatCannotAnswerForASecondAndAHalf() throws IOException {
        // One item service of two going away behind a balancer: for a while, the calls that reach it fail.
        long unavailableUntil = System.nanoTime() + Duration.ofMillis(1_500).toNanos();
        URI url = serve(attempt -> System.nanoTime() < unavailableUntil ? 503 : 200);

        Map<Sku, Money> prices = new HttpItemCatalog(url).pricesOf(Set.of(SKU));

        assertEquals(Map.of(SKU, Money.of("2.50")), prices);
        assertTrue(requests.get() > 3, "asked " + requests.get() + " times");
    }

    @Test
    void givesUpWithinItsPatience_whenTheItemServiceNeverAnswers() throws IOException {
        URI url = serve(attempt -> 503);
        long began = System.nanoTime();

        CatalogUnavailableException e = assertThrows(CatalogUnavailableException.class,
                () -> new HttpItemCatalog(url, Duration.ofMillis(800)).pricesOf(Set.of(SKU)));

        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "gave up after " + took);
        assertTrue(e.getMessage().contains(requests.get() + " attempt(s)"), e.getMessage());
        assertTrue(e.getMessage().contains("answered 503"), e.getMessage());
    }

    @Test
    void afterACallThatGaveUp_theNextAskOnce_untilOneGetsAnAnswer() throws IOException {
        AtomicInteger status = new AtomicInteger(503);
        URI url = serve(attempt -> status.get());
        HttpItemCatalog catalog = new HttpItemCatalog(url, Duration.ofMillis(500));
        assertThrows(CatalogUnavailableException.class, () -> catalog.pricesOf(Set.of(SKU)));
        assertTrue(requests.get() > 1, "the first call asked again: " + requests.get());

        int before = requests.get();
        assertThrows(CatalogUnavailableException.class, () -> catalog.pricesOf(Set.of(SKU)));
        assertEquals(before + 1, requests.get(), "the item service looks down: asked once");

        status.set(200);
        assertEquals(Map.of(SKU, Money.of("2.50")), catalog.pricesOf(Set.of(SKU)));
        status.set(503);
        before = requests.get();
        assertThrows(CatalogUnavailableException.class, () -> catalog.pricesOf(Set.of(SKU)));
        assertTrue(requests.get() > before + 1, "patient again after an answer: " + (requests.get() - before));
    }

    @Test
    void doesNotAskAgain_whenTheItemServiceRejectsTheRequest() throws IOException {
        URI url = serve(attempt -> 400);

        assertThrows(CatalogUnavailableException.class, () -> new HttpItemCatalog(url).pricesOf(Set.of(SKU)));

        assertEquals(1, requests.get());
    }

    /** Starts the stand-in; {@code status} gives each request's status from its number (1, 2, ...). */
    private URI serve(IntUnaryOperator status) throws IOException {
        itemService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        itemService.createContext("/api/items/prices", exchange -> answer(exchange,
                status.applyAsInt(requests.incrementAndGet())));
        itemService.start();
        return URI.create("http://127.0.0.1:" + itemService.getAddress().getPort());
    }

    private static void answer(HttpExchange exchange, int status) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] body = (status == 200 ? PRICES : "{}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
