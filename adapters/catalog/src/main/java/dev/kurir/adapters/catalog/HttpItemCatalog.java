package dev.kurir.adapters.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kurir.application.orders.port.out.CatalogUnavailableException;
import dev.kurir.application.orders.port.out.ItemCatalog;
import dev.kurir.domain.orders.Sku;
import dev.kurir.domain.shared.Money;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orders module's item catalog, answered by the item service: {@code POST <items>/api/items/prices} with
 * {@code {"skus":[...]}}. Asking for prices is a read, so a failed call is retried a bounded number of times; when
 * the item service still cannot answer, or answers something that is not a price list (a malformed sku or price
 * included), {@link CatalogUnavailableException} tells the caller to come back later: the item service's fault is
 * never passed on as the request's.
 */
public final class HttpItemCatalog implements ItemCatalog {
    private static final Logger log = LoggerFactory.getLogger(HttpItemCatalog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    private static final int ATTEMPTS = 3;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);

    private final URI prices;
    /** Where the item service is, for the log: without the URL's user info. */
    private final String itemService;
    private final HttpClient client;

    /** @param itemsUrl the item service's base URL, e.g. {@code http://127.0.0.1:8090} */
    public HttpItemCatalog(URI itemsUrl) {
        this.prices = itemsUrl.resolve("/api/items/prices");
        this.itemService = itemsUrl.getScheme() + "://" + itemsUrl.getHost()
                + (itemsUrl.getPort() < 0 ? "" : ":" + itemsUrl.getPort());
        this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    @Override
    public Map<Sku, Money> pricesOf(Set<Sku> skus) {
        if (skus.isEmpty()) {
            return Map.of();
        }
        HttpRequest request = request(skus);
        Duration pause = FIRST_PAUSE;
        Exception last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return parse(response.body());
                }
                last = new IOException("the item service answered " + response.statusCode());
                if (response.statusCode() < 500) {
                    break; // our request is wrong; asking again changes nothing
                }
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CatalogUnavailableException("interrupted while asking the item service for prices", e);
            }
            if (attempt < ATTEMPTS) {
                log.atDebug().addKeyValue("attempt", attempt).log("item service did not answer; asking again");
                sleep(pause);
                pause = pause.multipliedBy(3);
            }
        }
        throw new CatalogUnavailableException("the item service at " + itemService + " cannot answer ("
                + describe(last) + "); nothing was written, retry later", last);
    }

    private HttpRequest request(Set<Sku> skus) {
        ObjectNode body = JSON.createObjectNode();
        skus.forEach(sku -> body.withArray("skus").add(sku.value()));
        return HttpRequest.newBuilder(prices)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
    }

    private static Map<Sku, Money> parse(String body) throws IOException {
        JsonNode prices = JSON.readTree(body).path("prices");
        if (!prices.isObject()) {
            throw new IOException("the item service's answer has no prices object");
        }
        Map<Sku, Money> result = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = prices.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            try {
                result.put(new Sku(entry.getKey()), Money.of(entry.getValue().asText()));
            } catch (IllegalArgumentException e) {
                throw new IOException("the item service's answer holds an invalid sku or price", e);
            }
        }
        return result;
    }

    private static String describe(Exception e) {
        if (e == null) {
            return "no answer";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
