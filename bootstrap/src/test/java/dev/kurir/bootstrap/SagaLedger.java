package dev.kurir.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.bootstrap.OrderLoad.Attempt;
import dev.kurir.bootstrap.OrderLoad.Line;
import dev.kurir.bootstrap.OrderLoad.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Everything the saga left in the database once it drained, checked against what the clients were told: each request
 * made at most one order, under its idempotency key; each accepted order settled; each order crossed each hop once
 * (no fewer: lost; no more: duplicated); and the stock moved by exactly the confirmed orders. Duplicates are judged by
 * their business effect (per order, per request), never by message id, which the inbox's unique index keeps single
 * whatever the code above it does. Counts rather than stops, so that one run shows every problem at once.
 */
final class SagaLedger {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHOWN = 10;
    /**
     * What kurir's 503s say when they are sure the request wrote nothing: the database is away (README: "nothing is
     * written"), or the API was at its limit of concurrent requests.
     */
    private static final List<String> NOTHING_WRITTEN = List.of("nothing was written", "nothing was done");

    private record OrderRow(String orderId, String customerId, String status, Instant createdAt) {
    }

    private record MessageRow(String messageId, String eventType, String orderId, String status, String lockedBy,
                              int retryCount, String error, String payload) {
    }

    /** The orders module's database and the items module's: one and the same for a monolith. */
    private final Jdbi ordersDb;
    private final Jdbi itemsDb;
    private final List<String> violations = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int lost;
    private int duplicated;
    private int failedRows;
    private int writtenDespiteError;
    private int committedWithout201;
    private int confirmed;
    private int rejected;
    private int retriedRows;

    private SagaLedger(Jdbi ordersDb, Jdbi itemsDb) {
        this.ordersDb = ordersDb;
        this.itemsDb = itemsDb;
    }

    /**
     * @param initialStock      every sku the run created, with the stock it started with
     * @param injectedOrderIds  orders written by the test itself, with no outbox row of their own (their
     *                          {@code order.created} is published directly to the broker)
     * @param injectedMessageIds the message ids of those direct publications
     */
    static SagaLedger check(Jdbi jdbi, List<Attempt> attempts, Map<String, Integer> initialStock,
                            Set<String> injectedOrderIds, Set<String> injectedMessageIds) {
        return check(jdbi, jdbi, attempts, initialStock, injectedOrderIds, injectedMessageIds);
    }

    /** Checks like {@link #check(Jdbi, List, Map, Set, Set)} the two databases of split mode. */
    static SagaLedger check(Jdbi ordersDb, Jdbi itemsDb, List<Attempt> attempts, Map<String, Integer> initialStock,
                            Set<String> injectedOrderIds, Set<String> injectedMessageIds) {
        SagaLedger ledger = new SagaLedger(ordersDb, itemsDb);
        ledger.run(attempts, initialStock, injectedOrderIds, injectedMessageIds);
        return ledger;
    }

    int lost() {
        return lost;
    }

    int duplicated() {
        return duplicated;
    }

    int failedRows() {
        return failedRows;
    }

    /** Requests answered 503 "nothing was written" whose order was written all the same. */
    int writtenDespiteError() {
        return writtenDespiteError;
    }

    /**
     * Orders committed although the client got no 201 (the process died first, or a 503 that did not claim that
     * nothing was written): allowed, and settled like the others.
     */
    int committedWithout201() {
        return committedWithout201;
    }

    int confirmed() {
        return confirmed;
    }

    int rejected() {
        return rejected;
    }

    /** Rows that needed more than one attempt: allowed, as long as none ran out of retries. */
    int retriedRows() {
        return retriedRows;
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    /** What is allowed but worth knowing: which rows needed a retry, and why; orders committed without a 201. */
    List<String> notes() {
        return List.copyOf(notes);
    }

    private void run(List<Attempt> attempts, Map<String, Integer> initialStock, Set<String> injectedOrderIds,
                     Set<String> injectedMessageIds) {
        Map<String, OrderRow> orders = index(ordersDb.withHandle(h -> h.createQuery(
                        "SELECT order_id, customer_id, status::text AS status, created_at FROM orders.orders")
                .map((rs, ctx) -> new OrderRow(rs.getString("order_id"), rs.getString("customer_id"),
                        rs.getString("status"), rs.getObject("created_at", OffsetDateTime.class).toInstant())).list()),
                OrderRow::orderId);
        Map<String, String> orderOfKey = new HashMap<>();
        ordersDb.useHandle(h -> h.createQuery("SELECT idempotency_key, order_id FROM orders.idempotency_keys")
                .map((rs, ctx) -> Map.entry(rs.getString("idempotency_key"), rs.getString("order_id")))
                .forEach(e -> orderOfKey.put(e.getKey(), e.getValue())));
        Map<String, List<Line>> lines = new HashMap<>();
        ordersDb.useHandle(h -> h.createQuery("SELECT order_id, sku, quantity FROM orders.order_lines ORDER BY order_id, line_no")
                .map((rs, ctx) -> Map.entry(rs.getString("order_id"), new Line(rs.getString("sku"), rs.getInt("quantity"))))
                .forEach(e -> lines.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue())));
        List<MessageRow> ordersOutbox = messages("orders.outbox");
        List<MessageRow> itemsInbox = messages("items.inbox");
        List<MessageRow> itemsOutbox = messages("items.outbox");
        List<MessageRow> ordersInbox = messages("orders.inbox");

        checkAnswers(attempts, orders, lines, orderOfKey, injectedOrderIds);
        checkOrdersSettled(orders);
        checkOutboxRows(orders, ordersOutbox, injectedOrderIds);
        checkHop("order.created: orders.outbox -> items.inbox", ordersOutbox, itemsInbox, injectedMessageIds);
        checkOneAnswerPerOrder(itemsInbox, itemsOutbox);
        checkHop("stock.*: items.outbox -> orders.inbox", itemsOutbox, ordersInbox, Set.of());
        checkDecisions(orders, itemsOutbox);
        checkStock(initialStock, orders, lines, itemsOutbox);
        for (var table : Map.of("orders.outbox", ordersOutbox, "items.inbox", itemsInbox, "items.outbox", itemsOutbox,
                "orders.inbox", ordersInbox).entrySet()) {
            checkSettled(table.getKey(), table.getValue());
        }
    }

    /**
     * Per request (all attempts under one idempotency key): it made at most one order, recorded under its key; every
     * 201 names that order, with the lines asked for; a 503 "nothing was written" wrote nothing. No order exists that
     * no request (and not the test itself) made.
     */
    private void checkAnswers(List<Attempt> attempts, Map<String, OrderRow> orders, Map<String, List<Line>> lines,
                              Map<String, String> orderOfKey, Set<String> injectedOrderIds) {
        Map<String, List<OrderRow>> byCustomer = orders.values().stream()
                .collect(Collectors.groupingBy(OrderRow::customerId));
        Map<String, List<Attempt>> requests = attempts.stream().sorted(Comparator.comparing(Attempt::attempt))
                .collect(Collectors.groupingBy(Attempt::customerId, LinkedHashMap::new, Collectors.toList()));
        List<String> missing = new ArrayList<>();
        List<String> madeTwice = new ArrayList<>();
        List<String> unkeyed = new ArrayList<>();
        List<String> withoutAnswer = new ArrayList<>();
        for (List<Attempt> request : requests.values()) {
            Attempt last = request.getLast();
            List<OrderRow> made = byCustomer.getOrDefault(last.customerId(), List.of());
            if (made.size() > 1) {
                duplicated += made.size() - 1;
                madeTwice.add(last.customerId() + " (" + request.size() + " attempt(s)): "
                        + made.stream().map(OrderRow::orderId).toList());
            }
            String keyed = orderOfKey.get(last.idempotencyKey());
            made.stream().filter(order -> !order.orderId().equals(keyed))
                    .forEach(order -> unkeyed.add(order.orderId() + " of " + last.customerId() + " (the key names "
                            + keyed + ")"));
            List<Attempt> accepted = request.stream().filter(a -> a.outcome() == Outcome.ACCEPTED).toList();
            for (Attempt attempt : accepted) {
                OrderRow order = orders.get(attempt.orderId());
                if (order == null) {
                    missing.add(attempt.orderId());
                    continue;
                }
                if (!order.customerId().equals(attempt.customerId())
                        || !attempt.lines().equals(lines.getOrDefault(attempt.orderId(), List.of()))) {
                    violations.add("order " + attempt.orderId() + " was stored as " + order.customerId() + " "
                            + lines.get(attempt.orderId()) + ", asked for " + attempt.customerId() + " " + attempt.lines());
                }
            }
            if (!accepted.isEmpty()) {
                OrderRow order = orders.get(accepted.getLast().orderId());
                if (order != null && "CONFIRMED".equals(order.status())) {
                    confirmed++;
                } else if (order != null && "REJECTED".equals(order.status())) {
                    rejected++;
                }
            } else if (!made.isEmpty() && writtenBy(last, made.getFirst())) {
                // The client, told to retry, would place the order a second time.
                writtenDespiteError++;
                violations.add("request " + last.customerId() + " was answered " + last.detail()
                        + " but wrote order " + made.getFirst().orderId());
            } else if (!made.isEmpty()) {
                committedWithout201++;
                withoutAnswer.add(last.customerId() + " (last answer: " + last.outcome() + " " + last.detail() + ")");
            }
        }
        if (!madeTwice.isEmpty()) {
            violations.add(madeTwice.size() + " request(s) made more than one order under one Idempotency-Key: "
                    + first(madeTwice));
        }
        if (!unkeyed.isEmpty()) {
            violations.add(unkeyed.size() + " order(s) are not the order of their request's Idempotency-Key: "
                    + first(unkeyed));
        }
        if (!withoutAnswer.isEmpty()) {
            notes.add(withoutAnswer.size() + " order(s) committed without a 201: " + first(withoutAnswer));
        }
        if (!missing.isEmpty()) {
            lost += missing.size();
            violations.add(missing.size() + " order(s) answered 201 are not in the database: " + first(missing));
        }
        List<String> unasked = orders.values().stream()
                .filter(o -> !requests.containsKey(o.customerId()) && !injectedOrderIds.contains(o.orderId()))
                .map(o -> o.orderId() + " (" + o.customerId() + ")").sorted().toList();
        if (!unasked.isEmpty()) {
            violations.add(unasked.size() + " order(s) no request made: " + first(unasked));
        }
    }

    /**
     * Whether {@code order} was written by an attempt answered 503 "nothing was written": placed after that attempt
     * was sent. (An order placed before it was placed by an earlier attempt whose outcome was unknown.)
     */
    private static boolean writtenBy(Attempt attempt, OrderRow order) {
        return attempt.outcome() == Outcome.UNAVAILABLE && NOTHING_WRITTEN.stream().anyMatch(attempt.detail()::contains)
                && !order.createdAt().isBefore(attempt.sentAt());
    }

    private void checkOrdersSettled(Map<String, OrderRow> orders) {
        List<String> pending = orders.values().stream().filter(o -> "PENDING".equals(o.status()))
                .map(OrderRow::orderId).sorted().toList();
        if (!pending.isEmpty()) {
            lost += pending.size();
            violations.add(pending.size() + " order(s) still PENDING after the drain: " + first(pending));
        }
    }

    /** Each order placed through the API wrote exactly one {@code order.created} row, in its transaction. */
    private void checkOutboxRows(Map<String, OrderRow> orders, List<MessageRow> outbox, Set<String> injectedOrderIds) {
        Map<String, Long> rowsPerOrder = outbox.stream().filter(m -> "order.created".equals(m.eventType()))
                .collect(Collectors.groupingBy(MessageRow::orderId, Collectors.counting()));
        List<String> without = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        for (String orderId : orders.keySet()) {
            long rows = rowsPerOrder.getOrDefault(orderId, 0L);
            if (injectedOrderIds.contains(orderId)) {
                continue;
            }
            if (rows == 0) {
                without.add(orderId);
            } else if (rows > 1) {
                twice.add(orderId);
            }
        }
        List<String> orphans = rowsPerOrder.keySet().stream().filter(id -> !orders.containsKey(id)).toList();
        if (!without.isEmpty()) {
            lost += without.size();
            violations.add(without.size() + " order(s) without an order.created outbox row: " + first(without));
        }
        if (!twice.isEmpty()) {
            duplicated += twice.size();
            violations.add(twice.size() + " order(s) with more than one order.created outbox row: " + first(twice));
        }
        if (!orphans.isEmpty()) {
            violations.add(orphans.size() + " order.created row(s) for orders that do not exist: " + first(orphans));
        }
    }

    /**
     * Every message sent on a hop arrived, nothing else arrived, and no event of an order arrived twice: the inbox keeps
     * a message id single, not the same event published again under another message id (on the second hop, an order
     * decided twice).
     */
    private void checkHop(String hop, List<MessageRow> sent, List<MessageRow> received, Set<String> injected) {
        Set<String> arrived = received.stream().map(MessageRow::messageId).collect(Collectors.toSet());
        List<String> notArrived = sent.stream().map(MessageRow::messageId).filter(id -> !arrived.contains(id)).toList();
        Set<String> sentIds = sent.stream().map(MessageRow::messageId).collect(Collectors.toSet());
        List<String> unexplained = arrived.stream().filter(id -> !sentIds.contains(id) && !injected.contains(id))
                .sorted().toList();
        List<String> orderTwice = received.stream().collect(Collectors.groupingBy(m -> m.eventType() + " " + m.orderId(),
                        TreeMap::new, Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey() + " x" + e.getValue()).toList();
        if (!notArrived.isEmpty()) {
            lost += notArrived.size();
            violations.add(hop + ": " + notArrived.size() + " message(s) never recorded: " + first(notArrived));
        }
        if (!orderTwice.isEmpty()) {
            duplicated += orderTwice.size();
            violations.add(hop + ": " + orderTwice.size() + " event(s) of an order recorded under more than one message "
                    + "id: " + first(orderTwice));
        }
        if (!unexplained.isEmpty()) {
            violations.add(hop + ": " + unexplained.size() + " recorded message(s) nobody sent: " + first(unexplained));
        }
        for (String id : injected) {
            if (!arrived.contains(id)) {
                violations.add(hop + ": the message published directly, " + id + ", was never recorded");
            }
        }
    }

    /**
     * Each {@code order.created} processed was answered, and no order got more than one {@code stock.*} answer (that
     * is stock reserved twice, or reserved and refused), whatever the inbox holds.
     */
    private void checkOneAnswerPerOrder(List<MessageRow> itemsInbox, List<MessageRow> itemsOutbox) {
        Map<String, Long> answers = itemsOutbox.stream().filter(m -> m.eventType().startsWith("stock."))
                .collect(Collectors.groupingBy(MessageRow::orderId, TreeMap::new, Collectors.counting()));
        Set<String> asked = itemsInbox.stream().filter(m -> "order.created".equals(m.eventType()))
                .map(MessageRow::orderId).collect(Collectors.toCollection(TreeSet::new));
        List<String> unanswered = asked.stream().filter(id -> !answers.containsKey(id)).toList();
        List<String> unasked = answers.keySet().stream().filter(id -> !asked.contains(id)).toList();
        List<String> answeredTwice = answers.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " x" + e.getValue()).toList();
        if (!unanswered.isEmpty()) {
            lost += unanswered.size();
            violations.add(unanswered.size() + " order.created message(s) processed without a stock.* answer: "
                    + first(unanswered));
        }
        if (!answeredTwice.isEmpty()) {
            duplicated += answeredTwice.size();
            violations.add(answeredTwice.size() + " order(s) got more than one stock.* answer: " + first(answeredTwice));
        }
        if (!unasked.isEmpty()) {
            violations.add(unasked.size() + " stock.* answer(s) for orders the items module never took in: "
                    + first(unasked));
        }
    }

    /** CONFIRMED exactly when the items module reserved, REJECTED exactly when it refused. */
    private void checkDecisions(Map<String, OrderRow> orders, List<MessageRow> itemsOutbox) {
        List<String> inconsistent = new ArrayList<>();
        for (MessageRow answer : itemsOutbox) {
            OrderRow order = orders.get(answer.orderId());
            String expected = "stock.reserved".equals(answer.eventType()) ? "CONFIRMED" : "REJECTED";
            if (order != null && !expected.equals(order.status())) {
                inconsistent.add(order.orderId() + " is " + order.status() + " after " + answer.eventType());
            }
        }
        if (!inconsistent.isEmpty()) {
            violations.add(inconsistent.size() + " order(s) disagree with the items module's answer: "
                    + first(inconsistent));
        }
    }

    /**
     * Initial stock minus the confirmed orders' quantities is the stock now, and so is initial stock minus the
     * reservations the items module announced, and initial stock minus the reservations it holds: a reservation
     * applied twice shows as too little stock (duplicated), one rolled back but announced as too much (lost).
     */
    private void checkStock(Map<String, Integer> initialStock, Map<String, OrderRow> orders,
                            Map<String, List<Line>> lines, List<MessageRow> itemsOutbox) {
        Map<String, Integer> current = new TreeMap<>();
        itemsDb.useHandle(h -> h.createQuery("SELECT sku, stock FROM items.items")
                .map((rs, ctx) -> Map.entry(rs.getString("sku"), rs.getInt("stock")))
                .forEach(e -> current.put(e.getKey(), e.getValue())));
        Map<String, Integer> confirmedQuantity = new HashMap<>();
        orders.values().stream().filter(o -> "CONFIRMED".equals(o.status()))
                .flatMap(o -> lines.getOrDefault(o.orderId(), List.of()).stream())
                .forEach(line -> confirmedQuantity.merge(line.sku(), line.quantity(), Integer::sum));
        Map<String, Integer> reservedQuantity = new HashMap<>();
        itemsOutbox.stream().filter(m -> "stock.reserved".equals(m.eventType()))
                .flatMap(m -> json(m.payload()).path("items").valueStream())
                .forEach(line -> reservedQuantity.merge(line.path("sku").asText(), line.path("quantity").asInt(),
                        Integer::sum));
        Map<String, Integer> heldQuantity = new HashMap<>();
        itemsDb.useHandle(h -> h.createQuery("""
                        SELECT l.sku, l.quantity FROM items.reservation_lines l JOIN items.reservations r USING (order_id)
                        WHERE r.decision = 'RESERVED' AND NOT r.cancelled""")
                .map((rs, ctx) -> Map.entry(rs.getString("sku"), rs.getInt("quantity")))
                .forEach(e -> heldQuantity.merge(e.getKey(), e.getValue(), Integer::sum)));
        for (var sku : initialStock.entrySet()) {
            int now = current.getOrDefault(sku.getKey(), Integer.MIN_VALUE);
            compareStock(sku.getKey(), "reservations held", sku.getValue() - heldQuantity.getOrDefault(sku.getKey(), 0),
                    now);
            compareStock(sku.getKey(), "confirmed orders", sku.getValue() - confirmedQuantity.getOrDefault(sku.getKey(), 0), now);
            compareStock(sku.getKey(), "stock.reserved events", sku.getValue()
                    - reservedQuantity.getOrDefault(sku.getKey(), 0), now);
        }
    }

    private void compareStock(String sku, String by, int expected, int now) {
        if (expected == now) {
            return;
        }
        if (now < expected) {
            duplicated++;
        } else {
            lost++;
        }
        violations.add("stock of " + sku + " is " + now + "; by the " + by + " it should be " + expected);
    }

    private void checkSettled(String table, List<MessageRow> rows) {
        String done = table.endsWith("outbox") ? "SENT" : "PROCESSED";
        List<String> pending = rows.stream().filter(r -> "PENDING".equals(r.status())).map(MessageRow::messageId).toList();
        List<String> failed = rows.stream().filter(r -> "FAILED".equals(r.status())).map(MessageRow::messageId).toList();
        List<String> leased = rows.stream().filter(r -> r.lockedBy() != null)
                .map(r -> r.messageId() + " (" + r.status() + ", " + r.lockedBy() + ")").toList();
        List<MessageRow> retried = rows.stream().filter(r -> r.retryCount() > 0).toList();
        retriedRows += retried.size();
        retried.stream().collect(Collectors.groupingBy(r -> r.retryCount() + " retry(ies), last error: "
                        + (r.error() == null ? "none" : r.error().lines().findFirst().orElse("")), TreeMap::new,
                        Collectors.counting()))
                .forEach((why, count) -> notes.add(table + ": " + count + " row(s) with " + why));
        if (!pending.isEmpty()) {
            lost += pending.size();
            violations.add(table + ": " + pending.size() + " row(s) still PENDING, not " + done + ": " + first(pending));
        }
        if (!failed.isEmpty()) {
            failedRows += failed.size();
            violations.add(table + ": " + failed.size() + " row(s) FAILED: " + first(failed));
        }
        if (!leased.isEmpty()) {
            violations.add(table + ": " + leased.size() + " lease(s) left behind: " + first(leased));
        }
    }

    private List<MessageRow> messages(String table) {
        // The table is one of four constants above, never input.
        Jdbi jdbi = table.startsWith("orders.") ? ordersDb : itemsDb;
        return jdbi.withHandle(h -> h.createQuery("SELECT message_id::text AS message_id, event_type, "
                        + "payload->>'order_id' AS order_id, status::text AS status, locked_by, retry_count, error, "
                        + "payload::text AS payload FROM " + table + " ORDER BY id")
                .map((rs, ctx) -> new MessageRow(rs.getString("message_id"), rs.getString("event_type"),
                        rs.getString("order_id"), rs.getString("status"), rs.getString("locked_by"),
                        rs.getInt("retry_count"), rs.getString("error"), rs.getString("payload")))
                .list());
    }

    private static <T> Map<String, T> index(Iterable<T> rows, Function<T, String> key) {
        Map<String, T> index = new LinkedHashMap<>();
        rows.forEach(row -> index.put(key.apply(row), row));
        return index;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String first(List<String> ids) {
        return ids.size() <= SHOWN ? ids.toString() : ids.subList(0, SHOWN) + " and " + (ids.size() - SHOWN) + " more";
    }
}
