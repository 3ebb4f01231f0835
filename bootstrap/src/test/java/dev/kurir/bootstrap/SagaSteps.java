package dev.kurir.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;

/**
 * The random half of the invariant test: a seeded sequence of steps against a running kurir (orders, cancels,
 * restocks, pauses past the deadline) interleaved with faults (statements that fail, sessions killed, leases
 * expired, bindings removed, publishes nacked, duplicates and copies of events, an {@code order.cancelled} that
 * overtakes its {@code order.created}). It remembers what it did, for {@link SagaInvariants}, and logs every step.
 * The sequence of steps follows from the seed; their timing against kurir's threads does not.
 */
final class SagaSteps {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int API_ATTEMPTS = 8;

    /** What a run may do, and kurir's deadline, which some steps wait out. */
    record Settings(Duration deadline, boolean faults, boolean rebindItems) {
    }

    private enum Step {
        PLACE(28), PLACE_WHILE_SESSIONS_KILLED(3), CANCEL(12), RESTOCK(5), PAUSE(10), PASS_DEADLINE(1),
        PARTITION(3), OVERTAKE(3), REPUBLISH_SAME_ID(5), COPY_NEW_ID(6), POISON(1), FAULT(10), KILL_SESSIONS(2),
        EXPIRE_LEASES(4), NACK(2);

        final int weight;

        Step(int weight) {
            this.weight = weight;
        }
    }

    private record Heal(Instant due, String what, Runnable action) {
    }

    private record OutboxRow(String messageId, String eventType, String exchange, String routingKey, String payload,
                             String target, String sender) {
    }

    private final Random random;
    private final Settings settings;
    private final HttpClientSupport api;
    private final String apiBase;
    private final Jdbi jdbi;
    private final BrokerControl broker;
    private final TestFaults faults;
    private final Instant started = Instant.now();
    private final List<Heal> heals = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final Map<String, Integer> figures = new TreeMap<>();
    private final List<String> skus = new ArrayList<>();
    private final List<String> orders = new ArrayList<>();
    private boolean itemsBound = true;
    private boolean ordersBound = true;
    private boolean refusing;

    final Map<String, Integer> initialStock = new LinkedHashMap<>();
    final Map<String, Integer> restocked = new LinkedHashMap<>();
    final Map<String, String> answered = new LinkedHashMap<>();
    final Map<String, String> injected = new LinkedHashMap<>();
    /** Steps that went wrong on the client's side (an answer no request should get). */
    final List<String> unexpected = new ArrayList<>();

    SagaSteps(long seed, Settings settings, int apiPort, Jdbi jdbi, BrokerControl broker, TestFaults faults) {
        this.random = new Random(seed);
        this.settings = settings;
        this.api = new HttpClientSupport(apiPort);
        this.apiBase = "http://127.0.0.1:" + apiPort;
        this.jdbi = jdbi;
        this.broker = broker;
        this.faults = faults;
    }

    /** Creates 3-5 items with random stock. */
    void createItems() {
        int count = 3 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            String sku = "INV-" + i + "-" + Long.toHexString(random.nextLong() & 0xffffffL);
            int stock = 5 + random.nextInt(26);
            String body = "{\"sku\":\"" + sku + "\",\"name\":\"Invariant\",\"price\":\"1.00\",\"stock\":" + stock + "}";
            var response = api.postJson("/api/items", body);
            // A busy machine can time out the pool: "nothing was written", so the same request again (and a 409 then
            // says an earlier one got through after all, with the same stock).
            int attempt = 1;
            for (; attempt < API_ATTEMPTS && response.statusCode() == 503
                    && !response.body().contains("/problems/outcome-unknown"); attempt++) {
                pause(Duration.ofMillis(300L * attempt));
                response = api.postJson("/api/items", body);
            }
            if (response.statusCode() != 201 && !(response.statusCode() == 409 && attempt > 1)) {
                throw new IllegalStateException("could not create item " + sku + ": " + response.body());
            }
            skus.add(sku);
            initialStock.put(sku, stock);
            note("item " + sku + " stock " + stock);
        }
    }

    /** Runs {@code steps} random steps, then undoes whatever is still broken (faults, bindings, policies). */
    void run(int steps) {
        if (!settings.rebindItems()) {
            neverReachItems();
        }
        int total = Arrays.stream(Step.values()).mapToInt(step -> step.weight).sum();
        for (int i = 0; i < steps; i++) {
            healDue(false);
            int pick = random.nextInt(total);
            Step step = null;
            for (Step candidate : Step.values()) {
                pick -= candidate.weight;
                if (pick < 0) {
                    step = candidate;
                    break;
                }
            }
            perform(step);
        }
        healDue(true);
        faults.clear();
    }

    /**
     * Removes the binding to the items queue for good. The relays declare the topology when they connect, at their
     * first publish: an order that went through first makes sure they have.
     */
    private void neverReachItems() {
        String orderId = place(false);
        Instant end = Instant.now().plus(Duration.ofSeconds(30));
        while (orderId != null && Instant.now().isBefore(end) && jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT count(*) FROM orders.orders WHERE order_id = :id AND status <> 'PENDING'")
                .bind("id", orderId).mapTo(Long.class).one()) == 0) {
            pause(Duration.ofMillis(50));
        }
        broker.unbindItems();
        itemsBound = false;
        note("unbind items.order-events for the rest of the run");
    }

    List<String> log() {
        return log;
    }

    Map<String, Integer> figures() {
        return figures;
    }

    private void perform(Step step) {
        switch (step) {
            case PLACE -> place(false);
            case PLACE_WHILE_SESSIONS_KILLED -> place(true);
            case CANCEL -> cancelSome();
            case RESTOCK -> restock();
            case PAUSE -> pause(Duration.ofMillis(50 + random.nextInt(1450)));
            case PASS_DEADLINE -> {
                count("deadline_passed");
                pause(settings.deadline().plusMillis(500));
            }
            case PARTITION -> partition();
            case OVERTAKE -> overtake();
            case REPUBLISH_SAME_ID -> republish(false);
            case COPY_NEW_ID -> republish(true);
            case POISON -> poison();
            case FAULT -> fault();
            case KILL_SESSIONS -> killSessions();
            case EXPIRE_LEASES -> expireLeases();
            case NACK -> nack();
        }
    }

    // ---- orders, cancels, restocks

    /** Places an order with an Idempotency-Key and retries with the same key until it is answered 201. */
    private String place(boolean killSessionsMeanwhile) {
        String key = UUID.randomUUID().toString();
        String body = orderBody(key);
        HttpResponse<String> response;
        if (killSessionsMeanwhile) {
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> placeOnce(key, body));
            pause(Duration.ofMillis(random.nextInt(30)));
            int killed = killKurirSessions();
            response = first.join();
            count("kill_sessions_while_placing");
            note("sessions killed while placing (" + killed + ")");
        } else {
            response = placeOnce(key, body);
        }
        for (int attempt = 1; attempt < API_ATTEMPTS && (response == null || response.statusCode() >= 500); attempt++) {
            if (response != null && response.body().contains("/problems/outcome-unknown")) {
                count("outcome_unknown");
            }
            count("place_retries");
            pause(Duration.ofMillis(150L * attempt));
            response = placeOnce(key, body);
        }
        if (response == null || response.statusCode() != 201) {
            String answer = response == null ? "no answer" : response.statusCode() + " " + response.body();
            if (response != null && response.statusCode() < 500) {
                unexpected.add("place " + key + " answered " + answer);
            }
            count("place_given_up");
            note("place " + key + " " + body + " given up: " + answer);
            return null;
        }
        String orderId = json(response.body()).get("orderId").asText();
        answered.put(key, orderId);
        orders.add(orderId);
        count("orders");
        note("place " + key + " " + body + " -> " + orderId);
        return orderId;
    }

    private String orderBody(String customerId) {
        List<String> pool = new ArrayList<>(skus);
        Collections.shuffle(pool, random);
        int lines = 1 + random.nextInt(Math.min(3, pool.size()));
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            items.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(pool.get(i)).append("\",\"quantity\":")
                    .append(1 + random.nextInt(4)).append('}');
        }
        return "{\"customerId\":\"" + customerId + "\",\"items\":[" + items + "]}";
    }

    private HttpResponse<String> placeOnce(String key, String body) {
        try {
            return api.send(HttpRequest.newBuilder(URI.create(apiBase + "/api/orders"))
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        } catch (RuntimeException e) {
            return null; // no answer: the outcome is unknown, as after a 503 outcome-unknown
        }
    }

    private void cancelSome() {
        if (orders.isEmpty()) {
            return;
        }
        String orderId = orders.get(random.nextInt(orders.size()));
        int status = cancel(orderId);
        if (random.nextInt(10) < 3) {
            int again = cancel(orderId);
            count("cancel_twice");
            note("cancel " + orderId + " -> " + status + ", again -> " + again);
        } else {
            note("cancel " + orderId + " -> " + status);
        }
    }

    /** Cancels, retrying while the answer is a 5xx; returns the last status (0 for no answer). */
    private int cancel(String orderId) {
        boolean withReason = random.nextBoolean();
        int status = 0;
        for (int attempt = 0; attempt < API_ATTEMPTS; attempt++) {
            try {
                var response = withReason
                        ? api.postJson("/api/orders/" + orderId + "/cancel", "{\"reason\":\"invariant test\"}")
                        : api.post("/api/orders/" + orderId + "/cancel", null, HttpRequest.BodyPublishers.noBody());
                status = response.statusCode();
            } catch (RuntimeException e) {
                status = 0;
            }
            if (status == 200 || status == 409) {
                count("cancels");
                return status;
            }
            if (status != 0 && status < 500) {
                unexpected.add("cancel " + orderId + " answered " + status);
                return status;
            }
            pause(Duration.ofMillis(150L * (attempt + 1)));
        }
        return status;
    }

    private void restock() {
        String sku = skus.get(random.nextInt(skus.size()));
        int quantity = 1 + random.nextInt(10);
        for (int attempt = 0; attempt < API_ATTEMPTS; attempt++) {
            var response = api.postJson("/api/items/" + sku + "/restock", "{\"quantity\":" + quantity + "}");
            if (response.statusCode() == 200) {
                restocked.merge(sku, quantity, Integer::sum);
                count("restocks");
                note("restock " + sku + " +" + quantity);
                return;
            }
            if (response.statusCode() < 500 || response.body().contains("/problems/outcome-unknown")) {
                // A restock is not idempotent: whether it took effect cannot be told, so the arithmetic cannot be.
                unexpected.add("restock " + sku + " answered " + response.statusCode() + " " + response.body());
                return;
            }
            pause(Duration.ofMillis(150L * (attempt + 1))); // a statement made to fail: rolled back, try again
        }
        unexpected.add("restock " + sku + " never answered 200");
    }

    // ---- the broker

    /** Removes a binding between the modules for a while (its publishes come back unroutable). */
    private void partition() {
        boolean items = random.nextBoolean();
        if (items ? !itemsBound : !ordersBound) {
            return;
        }
        Duration length = Duration.ofMillis(500 + random.nextInt(4500));
        if (items) {
            broker.unbindItems();
            itemsBound = false;
            if (settings.rebindItems()) {
                heal(length, "bind items.order-events", () -> {
                    broker.bindItems();
                    itemsBound = true;
                });
            }
        } else {
            broker.unbindOrders();
            ordersBound = false;
            heal(length, "bind orders.item-events", () -> {
                broker.bindOrders();
                ordersBound = true;
            });
        }
        count(items ? "partition_items" : "partition_orders");
        note("unbind " + (items ? "items.order-events" : "orders.item-events") + " for " + length.toMillis() + " ms");
    }

    /**
     * An order cancelled before items saw it created: with the binding removed, its {@code order.cancelled} is put
     * straight into the items queue, and its {@code order.created} follows only once the binding is back.
     */
    private void overtake() {
        if (!settings.rebindItems()) {
            return;
        }
        boolean wasBound = itemsBound;
        broker.unbindItems();
        itemsBound = false;
        try {
            String orderId = place(false);
            if (orderId == null || cancel(orderId) != 200) {
                return;
            }
            String payload = jdbi.withHandle(handle -> handle.createQuery("""
                            SELECT payload::text FROM orders.outbox
                            WHERE payload->>'order_id' = :orderId AND event_type = 'order.cancelled'""")
                    .bind("orderId", orderId).mapTo(String.class).findOne().orElse(null));
            if (payload == null) {
                return;
            }
            UUID messageId = UUID.randomUUID();
            if (broker.publish("", BrokerControl.ITEMS_QUEUE, messageId, "order.cancelled", "order-service",
                    payload.getBytes(StandardCharsets.UTF_8))) {
                injected.put(messageId.toString(), "items");
            }
            boolean seen = awaitInbox("items.inbox", messageId.toString(), Duration.ofSeconds(5));
            count("overtake");
            note("overtake " + orderId + ": order.cancelled " + messageId + " into the queue first"
                    + (seen ? "" : " (not yet processed)"));
        } finally {
            if (wasBound) {
                broker.bindItems();
                itemsBound = true;
            }
        }
    }

    /** A copy of an outbox row: under its own message id (a redelivery) or a new one (a second publisher). */
    private void republish(boolean newId) {
        List<OutboxRow> rows = jdbi.withHandle(handle -> {
            List<OutboxRow> all = new ArrayList<>();
            for (String module : List.of("orders", "items")) {
                handle.createQuery("SELECT message_id::text, event_type, exchange, routing_key, payload::text FROM "
                                + module + ".outbox" + (newId ? "" : " WHERE status = 'SENT'") + " ORDER BY id")
                        .map((rs, ctx) -> new OutboxRow(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), "orders".equals(module) ? "items" : "orders",
                                "orders".equals(module) ? "order-service" : "item-service"))
                        .forEach(all::add);
            }
            return all;
        });
        if (rows.isEmpty()) {
            return;
        }
        OutboxRow row = rows.get(random.nextInt(rows.size()));
        UUID messageId = newId ? UUID.randomUUID() : UUID.fromString(row.messageId());
        boolean routed = broker.publish(row.exchange(), row.routingKey(), messageId, row.eventType(), row.sender(),
                row.payload().getBytes(StandardCharsets.UTF_8));
        if (routed) {
            injected.put(messageId.toString(), row.target());
        }
        count(newId ? "copy_new_id" : "republish_same_id");
        note((newId ? "copy of " : "republish ") + row.eventType() + " " + row.messageId()
                + (newId ? " as " + messageId : "") + (routed ? "" : " (unroutable)"));
    }

    /** A message no inbox can take: it must end in the dead-letter queue. */
    private void poison() {
        UUID messageId = UUID.randomUUID();
        boolean routed = broker.publish("orders", "order.created", messageId, "order.created", "order-service",
                "{not json".getBytes(StandardCharsets.UTF_8));
        if (routed) {
            injected.put(messageId.toString(), "dead-letter");
        }
        count("poison");
        note("poison " + messageId + (routed ? "" : " (unroutable)"));
    }

    /** The broker nacks a module's publishes for a while, although it delivers them. */
    private void nack() {
        if (refusing || !broker.canRefusePublishes()) {
            return;
        }
        boolean orders = random.nextBoolean();
        String exchange = orders ? "orders" : "items";
        Duration length = Duration.ofMillis(300 + random.nextInt(2200));
        broker.refusePublishes(exchange, orders ? "order.*" : "stock.*");
        refusing = true;
        heal(length, "the broker accepts publishes again", () -> {
            broker.acceptPublishes();
            refusing = false;
        });
        count("nack_" + exchange);
        note("the broker nacks publishes to " + exchange + " for " + length.toMillis() + " ms");
    }

    // ---- the database

    private void fault() {
        if (!settings.faults()) {
            return;
        }
        List<TestFaults.Point> points = TestFaults.points();
        TestFaults.Point point = points.get(random.nextInt(points.size()));
        Duration window = Duration.ofMillis(100 + random.nextInt(1400));
        faults.failFor(point, window);
        count("fault_" + point.name().toLowerCase(Locale.ROOT));
        note("fault " + point + " for " + window.toMillis() + " ms");
    }

    private void killSessions() {
        if (!settings.faults()) {
            return;
        }
        int killed = killKurirSessions();
        count("kill_sessions");
        note("killed " + killed + " kurir database session(s)");
    }

    private int killKurirSessions() {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                        WHERE datname = current_database() AND application_name = 'kurir'""")
                .mapTo(Integer.class).one());
    }

    /** Leases run out under the workers that hold them: another may claim the rows while they still work. */
    private void expireLeases() {
        int expired = 0;
        for (String table : List.of("orders.outbox", "items.outbox", "orders.inbox", "items.inbox")) {
            expired += jdbi.withHandle(handle -> handle.createUpdate("UPDATE " + table
                    + " SET locked_at = now() - interval '1 hour' WHERE status = 'PENDING' AND locked_by IS NOT NULL")
                    .execute());
        }
        count("lease_expiry");
        note("expired " + expired + " lease(s)");
    }

    // ---- helpers

    private void heal(Duration after, String what, Runnable action) {
        heals.add(new Heal(Instant.now().plus(after), what, action));
    }

    private void healDue(boolean all) {
        for (Iterator<Heal> it = heals.iterator(); it.hasNext(); ) {
            Heal heal = it.next();
            if (all || Instant.now().isAfter(heal.due())) {
                heal.action().run();
                note(heal.what());
                it.remove();
            }
        }
    }

    private boolean awaitInbox(String inbox, String messageId, Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            boolean done = jdbi.withHandle(handle -> handle.createQuery("SELECT count(*) FROM " + inbox
                            + " WHERE message_id = CAST(:id AS uuid) AND status <> 'PENDING'")
                    .bind("id", messageId).mapTo(Long.class).one()) > 0;
            if (done) {
                return true;
            }
            pause(Duration.ofMillis(50));
        }
        return false;
    }

    private void count(String figure) {
        figures.merge(figure, 1, Integer::sum);
    }

    void note(String step) {
        log.add(String.format(Locale.ROOT, "%7.2fs %s",
                Duration.between(started, Instant.now()).toMillis() / 1000.0, step));
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(body, e);
        }
    }
}
