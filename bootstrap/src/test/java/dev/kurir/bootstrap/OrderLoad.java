package dev.kurir.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of {@code POST /api/orders} at a fixed rate, whatever happens to the service: each request is sent
 * on time (never queued behind a slow one) and its answer recorded with when it was asked and answered. Each order
 * has a customer id of its own ({@code fault-<n>}), so the database tells which request wrote which order.
 */
final class OrderLoad implements AutoCloseable {
    /** An answer later than this is a hang, whatever it says. */
    static final Duration HANG = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    record Line(String sku, int quantity) {
    }

    enum Outcome {
        /** 201 with an order id. */
        ACCEPTED,
        /** 503 problem+json with Retry-After: the database is away. */
        UNAVAILABLE,
        /** No HTTP answer: refused, reset or closed (the process is down). */
        CONNECTION_FAILED,
        /** Anything else: another status, a malformed answer, or no answer within {@link #HANG}. */
        UNEXPECTED
    }

    record Attempt(int sequence, String customerId, List<Line> lines, Instant sentAt, Instant answeredAt,
                   Outcome outcome, String orderId, String detail) {

        boolean overlaps(Instant from, Instant to) {
            return !sentAt.isAfter(to) && !answeredAt.isBefore(from);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().name("order-load").daemon().unstarted(runnable));
    private final URI orders;
    private final List<String> skus;
    private final Random random; // used by the timer thread only
    private final AtomicInteger sequence = new AtomicInteger();
    private final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

    private OrderLoad(int apiPort, List<String> skus, long seed) {
        this.orders = URI.create("http://127.0.0.1:" + apiPort + "/api/orders");
        this.skus = List.copyOf(skus);
        this.random = new Random(seed);
    }

    /** Starts posting {@code perSecond} orders a second, each for one sku (one in five for two) of {@code skus}. */
    static OrderLoad start(int apiPort, List<String> skus, double perSecond, long seed) {
        OrderLoad load = new OrderLoad(apiPort, skus, seed);
        long periodMicros = Math.round(1_000_000 / perSecond);
        load.timer.scheduleAtFixedRate(load::sendOne, 0, periodMicros, TimeUnit.MICROSECONDS);
        return load;
    }

    private void sendOne() {
        int n = sequence.incrementAndGet();
        String customerId = "fault-" + n;
        List<Line> lines = randomLines();
        StringBuilder body = new StringBuilder("{\"customerId\":\"").append(customerId).append("\",\"items\":[");
        for (int i = 0; i < lines.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(lines.get(i).sku())
                    .append("\",\"quantity\":").append(lines.get(i).quantity()).append('}');
        }
        body.append("]}");
        HttpRequest request = HttpRequest.newBuilder(orders).timeout(HANG).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        Instant sentAt = Instant.now();
        CompletableFuture<Void> answered = client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    attempts.add(classify(n, customerId, lines, sentAt, response, failure));
                    return null;
                });
        inFlight.add(answered);
        answered.whenComplete((ignored, failure) -> inFlight.remove(answered));
    }

    private List<Line> randomLines() {
        List<String> shuffled = new ArrayList<>(skus);
        Collections.shuffle(shuffled, random);
        int count = skus.size() > 1 && random.nextInt(5) == 0 ? 2 : 1;
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(new Line(shuffled.get(i), 1 + random.nextInt(3)));
        }
        return List.copyOf(lines);
    }

    private static Attempt classify(int n, String customerId, List<Line> lines, Instant sentAt,
                                    HttpResponse<String> response, Throwable failure) {
        Instant answeredAt = Instant.now();
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            String detail = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            if (cause instanceof HttpTimeoutException) {
                return new Attempt(n, customerId, lines, sentAt, answeredAt, Outcome.UNEXPECTED, null,
                        "no answer within " + HANG.toSeconds() + " s (" + detail + ")");
            }
            Outcome outcome = cause instanceof IOException ? Outcome.CONNECTION_FAILED : Outcome.UNEXPECTED;
            return new Attempt(n, customerId, lines, sentAt, answeredAt, outcome, null, detail);
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String detail = response.statusCode() + " " + contentType + " " + abbreviate(response.body());
        if (response.statusCode() == 201) {
            String orderId = orderId(response.body());
            return new Attempt(n, customerId, lines, sentAt, answeredAt,
                    orderId == null ? Outcome.UNEXPECTED : Outcome.ACCEPTED, orderId, detail);
        }
        if (response.statusCode() == 503 && contentType.startsWith("application/problem+json")
                && response.headers().firstValue("Retry-After").isPresent()) {
            return new Attempt(n, customerId, lines, sentAt, answeredAt, Outcome.UNAVAILABLE, null, detail);
        }
        return new Attempt(n, customerId, lines, sentAt, answeredAt, Outcome.UNEXPECTED, null, detail);
    }

    private static String orderId(String body) {
        try {
            JsonNode order = JSON.readTree(body);
            return order.hasNonNull("orderId") && "PENDING".equals(order.path("status").asText())
                    ? order.get("orderId").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    /** Stops sending and waits for the answers still outstanding (each takes at most {@link #HANG}). */
    List<Attempt> stop() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                    .get(HANG.toSeconds() + 10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException | ExecutionException e) {
            throw new AssertionError("requests still unanswered " + (HANG.toSeconds() + 10) + " s after the load "
                    + "stopped, although each has a " + HANG.toSeconds() + " s time-out: " + inFlight.size(), e);
        }
        return attempts();
    }

    /** What was answered so far, in the order the answers came. */
    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        client.shutdownNow();
    }
}
