package dev.kurir.bootstrap;

import dev.kurir.adapters.http.ConcurrencyLimit;
import dev.kurir.adapters.http.HttpServer;
import dev.kurir.adapters.http.RouteGroup;
import dev.kurir.application.contracts.OrderCreated;
import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.handler.InboxHandler;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.shared.port.out.UnitOfWork;
import dev.kurir.observability.metrics.HttpServerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the hot path before kurir reports ready. A JVM just started runs its first thousands of requests interpreted
 * or half compiled: at 100 orders/s a cold kurir's saga fell seconds behind for its first ~20 s, on every deploy,
 * restart and added replica (docs/performance.md). For up to {@code KURIR_WARMUP}, work that changes nothing:
 * <ul>
 * <li>requests to a copy of the API on a loopback port of its own: reads of items and orders, price lists, and
 *     orders that are refused because one of their skus exists nowhere (priced first, as every order is; nothing
 *     written). An order service priced by a remote item service reads only: its orders would load the item service,
 *     whose metrics would count them. The copy counts its requests in a registry of its own;</li>
 * <li>with the items module, its {@code order.created} handler (the saga's busiest step) on orders of skus that exist
 *     nowhere, each in a transaction that is rolled back: it locks no item and leaves no row.</li>
 * </ul>
 * All of it runs as background work ({@link MessagingTracing#background()}), so it shows in no trace: the agent's
 * spans of it are not sampled, and the requests carry that on. That compiles what real orders run too: Jetty,
 * Javalin, Jackson, Jdbi, the JDBC driver, the pool, the logging, the agent. The warm-up stops early at an answer that says something is wrong (5xx), or a failed request or
 * transaction: kurir then starts as warm as it got.
 */
final class WarmUp {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    private static final int MAX_REQUESTS = 20_000;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MAX_WAIT_FOR_A_TURN = Duration.ofSeconds(3);
    private static final Pattern SKU = Pattern.compile("\"sku\":\"([^\"]+)\"");

    private final URI api;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final MessagingTracing tracing;
    private final List<String> skus;
    private final Set<String> modules;
    private final Optional<Runnable> rolledBackWork;
    private final AtomicInteger turns = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicReference<String> stoppedBy = new AtomicReference<>();

    private WarmUp(URI api, Set<String> modules, Optional<Runnable> rolledBackWork, MessagingTracing tracing) {
        this.api = api;
        this.modules = modules;
        this.rolledBackWork = rolledBackWork;
        this.tracing = tracing;
        try (MessagingTracing.Scope background = tracing.background()) {
            this.skus = modules.contains("items") ? knownSkus() : List.of();
        }
    }

    /** How many requests the warm-up made, and what stopped it early, if anything did. */
    record Result(int requests, Optional<String> stoppedBy) {
    }

    /**
     * Runs the warm-up for at most {@code budget} with {@code concurrency} clients, against a copy of {@code routes}
     * that stops before this returns; one client also runs {@code rolledBackWork} before each of its requests. A
     * warm-up that cannot even begin is logged and skipped: kurir starts cold rather than not at all.
     */
    static Result run(Duration budget, List<RouteGroup> routes, int concurrency, Set<String> modules,
                      Optional<Runnable> rolledBackWork, MessagingTracing tracing) {
        if (budget.isZero()) {
            return new Result(0, Optional.empty());
        }
        long began = System.nanoTime();
        long deadline = began + budget.toNanos();
        Result result;
        try (HttpServer copy = HttpServer.start("127.0.0.1", 0, routes, new HttpServerMetrics(new PrometheusRegistry()),
                new ConcurrencyLimit(concurrency, MAX_WAIT_FOR_A_TURN))) {
            WarmUp warmUp = new WarmUp(URI.create("http://127.0.0.1:" + copy.port()), modules, rolledBackWork, tracing);
            try (HttpClient closedAfter = warmUp.client) {
                List<Thread> clients = new ArrayList<>();
                for (int i = 0; i < concurrency; i++) {
                    boolean first = i == 0;
                    clients.add(Thread.ofPlatform().name("kurir-warm-up-" + i)
                            .start(() -> warmUp.ask(deadline, first)));
                }
                for (Thread client : clients) {
                    client.join();
                }
            }
            result = new Result(warmUp.answered.get(), Optional.ofNullable(warmUp.stoppedBy.get()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new Result(0, Optional.of("interrupted"));
        } catch (RuntimeException e) {
            result = new Result(0, Optional.of("it could not begin: " + e));
        }
        long millis = Duration.ofNanos(System.nanoTime() - began).toMillis();
        if (result.stoppedBy().isEmpty()) {
            log.atInfo().addKeyValue("requests", result.requests()).addKeyValue("duration_ms", millis)
                    .log("API warmed up");
        } else {
            log.atWarn().addKeyValue("requests", result.requests()).addKeyValue("duration_ms", millis)
                    .log("API warm-up stopped early: {}", result.stoppedBy().get());
        }
        return result;
    }

    private void ask(long deadline, boolean alsoRolledBackWork) {
        try (MessagingTracing.Scope background = tracing.background()) {
            askUntil(deadline, alsoRolledBackWork);
        }
    }

    private void askUntil(long deadline, boolean alsoRolledBackWork) {
        while (System.nanoTime() < deadline && stoppedBy.get() == null && turns.incrementAndGet() <= MAX_REQUESTS) {
            if (alsoRolledBackWork && rolledBackWork.isPresent()) {
                try {
                    rolledBackWork.get().run();
                } catch (RuntimeException e) {
                    stoppedBy.compareAndSet(null, "a rolled-back transaction failed: " + e);
                    return;
                }
            }
            HttpRequest request = next();
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                answered.incrementAndGet();
                if (status >= 500) {
                    stoppedBy.compareAndSet(null, request.method() + " " + request.uri().getPath() + " answered "
                            + status);
                }
            } catch (IOException e) {
                stoppedBy.compareAndSet(null, request.method() + " " + request.uri().getPath() + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One of the requests this process's modules serve, none of which changes anything. */
    private HttpRequest next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean orders = modules.contains("orders");
        boolean items = modules.contains("items");
        int kind = random.nextInt(4);
        if (orders && !items) {
            return get("/api/orders/" + UUID.randomUUID()); // reads only: an order would load the item service
        }
        if (orders && kind < 2) {
            return kind == 0 ? post("/api/orders", refusedOrder(random)) : get("/api/orders/" + UUID.randomUUID());
        }
        return kind == 2
                ? post("/api/items/prices", "{\"skus\":[\"" + knownSku(random) + "\",\"" + unknownSku() + "\"]}")
                : get("/api/items/" + knownSku(random));
    }

    /** Priced like any order, then refused: one of its skus exists nowhere (a random one of 45 characters). */
    private String refusedOrder(ThreadLocalRandom random) {
        return "{\"customerId\":\"kurir-warm-up\",\"items\":[{\"sku\":\"" + knownSku(random)
                + "\",\"quantity\":1},{\"sku\":\"" + unknownSku() + "\",\"quantity\":2}]}";
    }

    private String knownSku(ThreadLocalRandom random) {
        return skus.isEmpty() ? unknownSku() : skus.get(random.nextInt(skus.size()));
    }

    static String unknownSku() {
        return "KURIR-WARMUP-" + UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * The items module's {@code order.created} handler on an order of a sku that exists nowhere, in a transaction
     * that is rolled back: it reads, refuses and writes the refusal (reservation, outbox row) as a real order's
     * refusal does, and none of it stays; the outbox hands rows on only after a commit.
     */
    static Runnable rolledBackReservations(InboxHandler orderCreated, UnitOfWork unitOfWork) {
        return () -> {
            InboxMessage message = new InboxMessage(0, UUID.randomUUID(), OrderCreated.TYPE.name(),
                    OrderCreated.TYPE.version(), "kurir-warm-up", Map.of("order_id", UUID.randomUUID().toString(),
                    "customer_id", "kurir-warm-up", "amount", "1.00",
                    "items", List.of(Map.of("sku", unknownSku(), "quantity", 1))), 0, Instant.now(), null);
            try {
                unitOfWork.inTransaction(() -> {
                    orderCreated.handle(message);
                    throw new RolledBack();
                });
            } catch (RolledBack expected) {
                // the transaction was rolled back, as it always is
            }
        };
    }

    /** Thrown out of the warm-up's transactions, which the unit of work then rolls back. */
    private static final class RolledBack extends RuntimeException {
        RolledBack() {
            super(null, null, false, false);
        }
    }

    /** A page of the items that exist, so that reads and prices also take their found path. */
    private List<String> knownSkus() {
        List<String> found = new ArrayList<>();
        try {
            HttpResponse<String> page = client.send(get("/api/items?limit=50"), HttpResponse.BodyHandlers.ofString());
            Matcher matcher = SKU.matcher(page.body());
            while (matcher.find()) {
                found.add(matcher.group(1));
            }
        } catch (IOException e) {
            stoppedBy.compareAndSet(null, "GET /api/items failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(found);
    }

    private HttpRequest get(String path) {
        return builder(path).GET().build();
    }

    private HttpRequest post(String path, String json) {
        return builder(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private HttpRequest.Builder builder(String path) {
        return HttpRequest.newBuilder(api.resolve(path)).timeout(REQUEST_TIMEOUT);
    }
}
