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
 * {@code {"skus":[...]}}. Asking for prices is a read, so a failed call is asked again, with growing pauses, for up
 * to {@link #PATIENCE}: long enough to outlast one item service of several going away behind a load balancer (its
 * kept-alive connections broken, a survivor slow while it takes the whole load), short enough that a client waiting on
 * the order still gets an answer. When the item service still cannot answer, or answers something that is not a price
 * list (a malformed sku or price included), {@link CatalogUnavailableException} tells the caller to come back later:
 * the item service's fault is never passed on as the request's. Once a call has given up, the calls after it ask once
 * and do not wait, until one gets an answer: while the item service is down, order requests fail fast instead of
 * each holding one of the API's turns for the whole patience, which would starve the order service's other requests.
 */
public final class HttpItemCatalog implements ItemCatalog {
    private static final Logger log = LoggerFactory.getLogger(HttpItemCatalog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    /** How long one price call may take, all attempts together; below a client's usual 10 s time-out. */
    static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(1);

    private final URI prices;
    /** Where the item service is, for the log: without the URL's user info. */
    private final String itemService;
    private final HttpClient client;
    private final Duration patience;
    /** Whether the last call that ended gave up (the item service looked down); cleared by any answer. */
    private volatile boolean givenUp;

    /** @param itemsUrl the item service's base URL, e.g. {@code http://127.0.0.1:8090} */
    public HttpItemCatalog(URI itemsUrl) {
        this(itemsUrl, PATIENCE);
    }

    HttpItemCatalog(URI itemsUrl, Duration patience) {
        this.patience = patience;
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
        boolean patient = !givenUp;
        long deadline = System.nanoTime() + patience.toNanos();
        Duration pause = FIRST_PAUSE;
        Exception last = null;
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                HttpResponse<String> response = client.send(request(skus,
                        patient ? timeoutWithin(deadline) : REQUEST_TIMEOUT), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    Map<Sku, Money> prices = parse(response.body());
                    givenUp = false;
                    return prices;
                }
                last = new IOException("the item service answered " + response.statusCode());
                if (response.statusCode() < 500) {
                    givenUp = false;
                    break; // our request is wrong; asking again changes nothing
                }
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CatalogUnavailableException("interrupted while asking the item service for prices", e);
            }
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (!patient || left.compareTo(pause) <= 0) {
                givenUp = true;
                break;
            }
            log.atDebug().addKeyValue("attempt", attempts).log("item service did not answer; asking again");
            sleep(pause);
            pause = min(pause.multipliedBy(2), LONGEST_PAUSE);
        }
        throw new CatalogUnavailableException("the item service at " + itemService + " cannot answer (" + attempts
                + " attempt(s), the last: " + describe(last) + "); nothing was written, retry later", last);
    }

    /** An attempt's time-out: its own, or what is left of the call's patience if that is less (at least 100 ms). */
    private static Duration timeoutWithin(long deadline) {
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        return min(REQUEST_TIMEOUT, left.compareTo(FIRST_PAUSE) < 0 ? FIRST_PAUSE : left);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private HttpRequest request(Set<Sku> skus, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        skus.forEach(sku -> body.withArray("skus").add(sku.value()));
        return HttpRequest.newBuilder(prices)
                .timeout(timeout)
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
