package dev.kurir.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of {@code POST /api/orders} at a fixed rate, whatever happens to the service: each request is sent
 * on time (never queued behind a slow one) and its answer recorded with when it was asked and answered. Each request
 * has a customer id of its own ({@code fault-<n>}), so the database tells which request wrote which order, and the
 * same string as its {@code Idempotency-Key}. Once an answer leaves the outcome unknown (a connection that broke
 * after the request went out, or 503 {@code /problems/outcome-unknown}), the request is retried with the same key and
 * body, as README tells a client to, until an answer settles it (a 201, or anything unexpected) or {@link #RETRY_FOR}
 * has passed; each retry is an attempt of its own, sent after a growing, jittered pause. A first attempt refused (the
 * process is down: nothing was sent) or answered 503 "nothing was written" is not retried: retrying every request
 * while the process restarts would meet it with a burst.
 *
 * <p>Given several replicas, it spreads the requests over them round-robin, as a load balancer would, and a refused
 * connection (nothing was sent), or a 503 {@code /problems/stopping} (a replica in its graceful stop refused the
 * request before doing anything), goes on to the next replica within the same attempt; only when every replica
 * refuses is the attempt answered with the last refusal. A retry goes to the next replica after the last one.
 */
final class OrderLoad implements AutoCloseable {
    /** An answer later than this is a hang, whatever it says. */
    static final Duration HANG = Duration.ofSeconds(10);
    /** How long after its first attempt a request whose outcome is unknown is still retried. */
    static final Duration RETRY_FOR = Duration.ofSeconds(60);
    /** The first pause before a retry, doubled for each further one up to {@link #LONGEST_PAUSE}. */
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(8);
    private static final String OUTCOME_UNKNOWN_TYPE = "/problems/outcome-unknown";
    /** A replica that is stopping refuses a request before doing anything with it. */
    private static final String STOPPING_TYPE = "/problems/stopping";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Line(String sku, int quantity) {
    }

    enum Outcome {
        /** 201 with an order id: a new order, or (header {@code Idempotent-Replayed}) the key's earlier one. */
        ACCEPTED,
        /** 503 problem+json with Retry-After: the database is away. */
        UNAVAILABLE,
        /** 503 problem+json {@code /problems/outcome-unknown}: the commit may or may not have happened. */
        OUTCOME_UNKNOWN,
        /** No connection (the process is down): the request was never sent, so nothing was written. */
        CONNECTION_REFUSED,
        /** The connection broke after the request went out (reset, closed): the order may or may not exist. */
        CONNECTION_BROKEN,
        /** Anything else: another status, a malformed answer, or no answer within {@link #HANG}. */
        UNEXPECTED
    }

    /** One logical request: what it asks for, under one key for all its attempts. */
    private record Request(int sequence, String customerId, List<Line> lines, Instant firstSentAt) {

        String idempotencyKey() {
            return customerId;
        }
    }

    /** @param attempt 1 for the first time the request was sent, 2 for its first retry, and so on */
    /** @param port the replica that answered (or, when all refused, the last one tried) */
    record Attempt(int sequence, int attempt, String customerId, String idempotencyKey, List<Line> lines,
                   Instant sentAt, Instant answeredAt, Outcome outcome, String orderId, String detail, int port) {

        boolean overlaps(Instant from, Instant to) {
            return !sentAt.isAfter(to) && !answeredAt.isBefore(from);
        }

        /** Whether this attempt may or may not have placed the order. */
        boolean outcomeUnknown() {
            return outcome == Outcome.CONNECTION_BROKEN || outcome == Outcome.OUTCOME_UNKNOWN;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().name("order-load").daemon().unstarted(runnable));
    /** The replicas' {@code /api/orders}, in the order the requests go round them. */
    private final List<URI> orders;
    private final List<String> skus;
    private final Random random; // used by the timer thread only
    private final AtomicInteger sequence = new AtomicInteger();
    private final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    /** Requests not answered for good yet: in flight, or waiting for a retry. */
    private final Set<Integer> open = ConcurrentHashMap.newKeySet();
    /** Connections refused by one replica and sent on to the next: what a load balancer hides from its clients. */
    private final AtomicInteger failovers = new AtomicInteger();
    private final Duration ramp;
    private final Instant started = Instant.now();
    private ScheduledFuture<?> stream;

    private OrderLoad(List<Integer> apiPorts, List<String> skus, long seed, Duration ramp) {
        this.orders = apiPorts.stream().map(port -> URI.create("http://127.0.0.1:" + port + "/api/orders")).toList();
        this.skus = List.copyOf(skus);
        this.random = new Random(seed);
        this.ramp = ramp;
    }

    /** Starts posting {@code perSecond} orders a second, each for one sku (one in five for two) of {@code skus}. */
    static OrderLoad start(int apiPort, List<String> skus, double perSecond, long seed) {
        return start(List.of(apiPort), skus, perSecond, seed);
    }

    /** Starts posting like {@link #start(int, List, double, long)}, spread over the replicas at {@code apiPorts}. */
    static OrderLoad start(List<Integer> apiPorts, List<String> skus, double perSecond, long seed) {
        return start(apiPorts, skus, perSecond, seed, Duration.ZERO);
    }

    /**
     * Starts posting like {@link #start(List, List, double, long)}, the rate growing from nothing to
     * {@code perSecond} over {@code ramp}, as a load balancer's slow start brings traffic to instances just started.
     */
    static OrderLoad start(List<Integer> apiPorts, List<String> skus, double perSecond, long seed, Duration ramp) {
        OrderLoad load = new OrderLoad(apiPorts, skus, seed, ramp);
        long periodMicros = Math.round(1_000_000 / perSecond);
        load.stream = load.timer.scheduleAtFixedRate(load::sendOne, 0, periodMicros, TimeUnit.MICROSECONDS);
        return load;
    }

    private void sendOne() {
        Duration since = Duration.between(started, Instant.now());
        if (since.compareTo(ramp) < 0 && random.nextDouble() * ramp.toMillis() >= since.toMillis()) {
            return; // ramping up: this tick's request is left out
        }
        int n = sequence.incrementAndGet();
        Request request = new Request(n, "fault-" + n, randomLines(), Instant.now());
        open.add(n);
        send(request, 1, false);
    }

    /** @param unknownBefore whether an earlier attempt may have placed the order */
    private void send(Request request, int attempt, boolean unknownBefore) {
        // Round-robin over the replicas, the retries of a request included.
        int first = Math.floorMod(request.sequence() + attempt - 1, orders.size());
        send(request, attempt, unknownBefore, first, 1);
    }

    /** @param refusedSoFar how many replicas were tried for this attempt, the one at {@code replica} included */
    private void send(Request request, int attempt, boolean unknownBefore, int replica, int refusedSoFar) {
        URI target = orders.get(replica);
        StringBuilder body = new StringBuilder("{\"customerId\":\"").append(request.customerId())
                .append("\",\"items\":[");
        for (int i = 0; i < request.lines().size(); i++) {
            Line line = request.lines().get(i);
            body.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(line.sku())
                    .append("\",\"quantity\":").append(line.quantity()).append('}');
        }
        body.append("]}");
        HttpRequest http = HttpRequest.newBuilder(target).timeout(HANG).header("Content-Type", "application/json")
                .header("Idempotency-Key", request.idempotencyKey())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        Instant sentAt = Instant.now();
        client.sendAsync(http, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            Attempt answer = classify(request, attempt, sentAt, response, failure, target.getPort());
            boolean refused = answer.outcome() == Outcome.CONNECTION_REFUSED || (answer.outcome() == Outcome.UNAVAILABLE
                    && STOPPING_TYPE.equals(problemType(response.body())));
            if (refused && refusedSoFar < orders.size()) {
                failovers.incrementAndGet();
                send(request, attempt, unknownBefore, (replica + 1) % orders.size(), refusedSoFar + 1);
                return null;
            }
            attempts.add(answer);
            boolean unknown = unknownBefore || answer.outcomeUnknown();
            boolean settled = answer.outcome() == Outcome.ACCEPTED || answer.outcome() == Outcome.UNEXPECTED;
            if (unknown && !settled && Instant.now().isBefore(request.firstSentAt().plus(RETRY_FOR))) {
                retryLater(request, attempt + 1, pause(attempt, response));
            } else {
                open.remove(request.sequence());
            }
            return null;
        });
    }

    private void retryLater(Request request, int attempt, Duration delay) {
        try {
            timer.schedule(() -> send(request, attempt, true), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            open.remove(request.sequence());
        }
    }

    /**
     * The pause after attempt {@code attempt}: what a 503 asks for in Retry-After, else one that doubles with each
     * attempt; between half and one and a half of it, so that the requests waiting out a restart do not all come back
     * at once.
     */
    private static Duration pause(int attempt, HttpResponse<String> response) {
        Duration doubling = FIRST_PAUSE.multipliedBy(1L << Math.min(attempt - 1, 10));
        Duration pause = response == null ? doubling : response.headers().firstValue("Retry-After")
                .map(seconds -> Duration.ofSeconds(Math.clamp(Long.parseLong(seconds), 1, 10))).orElse(doubling);
        pause = pause.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause;
        return Duration.ofMillis(Math.round(pause.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble())));
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

    private static Attempt classify(Request request, int attempt, Instant sentAt, HttpResponse<String> response,
                                    Throwable failure, int port) {
        Instant answeredAt = Instant.now();
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            String detail = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            if (cause instanceof HttpTimeoutException) {
                return attempt(request, attempt, port, sentAt, answeredAt, Outcome.UNEXPECTED, null,
                        "no answer within " + HANG.toSeconds() + " s (" + detail + ")");
            }
            Outcome outcome = cause instanceof ConnectException ? Outcome.CONNECTION_REFUSED
                    : cause instanceof IOException ? Outcome.CONNECTION_BROKEN : Outcome.UNEXPECTED;
            return attempt(request, attempt, port, sentAt, answeredAt, outcome, null, detail);
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String detail = response.statusCode() + " " + contentType + " " + abbreviate(response.body());
        if (response.statusCode() == 201) {
            boolean replayed = response.headers().firstValue("Idempotent-Replayed").isPresent();
            String orderId = orderId(response.body(), replayed);
            return attempt(request, attempt, port, sentAt, answeredAt,
                    orderId == null ? Outcome.UNEXPECTED : Outcome.ACCEPTED, orderId, detail);
        }
        if (response.statusCode() == 503 && contentType.startsWith("application/problem+json")
                && response.headers().firstValue("Retry-After").isPresent()) {
            Outcome outcome = OUTCOME_UNKNOWN_TYPE.equals(problemType(response.body()))
                    ? Outcome.OUTCOME_UNKNOWN : Outcome.UNAVAILABLE;
            return attempt(request, attempt, port, sentAt, answeredAt, outcome, null, detail);
        }
        return attempt(request, attempt, port, sentAt, answeredAt, Outcome.UNEXPECTED, null, detail);
    }

    private static Attempt attempt(Request request, int attempt, int port, Instant sentAt, Instant answeredAt,
                                   Outcome outcome, String orderId, String detail) {
        return new Attempt(request.sequence(), attempt, request.customerId(), request.idempotencyKey(),
                request.lines(), sentAt, answeredAt, outcome, orderId, detail, port);
    }

    /** The order id of a 201; a new order is PENDING, a replayed one may have been decided since. */
    private static String orderId(String body, boolean replayed) {
        try {
            JsonNode order = JSON.readTree(body);
            return order.hasNonNull("orderId") && (replayed || "PENDING".equals(order.path("status").asText()))
                    ? order.get("orderId").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String problemType(String body) {
        try {
            return JSON.readTree(body).path("type").asText();
        } catch (IOException e) {
            return "";
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    /**
     * Stops sending new requests and waits for the outstanding ones to be answered for good: each attempt takes at
     * most {@link #HANG}, and a request is retried for at most {@link #RETRY_FOR}.
     */
    List<Attempt> stop() {
        Duration patience = RETRY_FOR.plus(HANG).plusSeconds(10);
        try {
            stream.cancel(false);
            // The timer runs one task at a time: once this one ran, no request is half-started.
            timer.submit(() -> { }).get(5, TimeUnit.SECONDS);
            Instant deadline = Instant.now().plus(patience);
            while (!open.isEmpty()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("requests still unanswered " + patience.toSeconds() + " s after the "
                            + "load stopped, although each attempt has a " + HANG.toSeconds() + " s time-out: "
                            + open.size());
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException("the load's timer did not stop", e);
        }
        return attempts();
    }

    /** How many refusals (a refused connection, a stopping replica's 503) went on to the next replica. */
    int failovers() {
        return failovers.get();
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
