package dev.kurir.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.bootstrap.OrderLoad.Attempt;
import dev.kurir.bootstrap.OrderLoad.Line;
import dev.kurir.bootstrap.OrderLoad.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * Everything the saga left in the database once it drained, checked against what the clients were told: each
 * accepted order settled, each message crossed each hop once (no fewer: lost; no more: duplicated), and the stock
 * moved by exactly the confirmed orders. Counts rather than stops, so that one run shows every problem at once.
 */
final class SagaLedger {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHOWN = 10;
    /** What kurir's 503 says when it is sure the request wrote nothing (README: "nothing is written"). */
    private static final String NOTHING_WRITTEN = "nothing was written";

    private record OrderRow(String orderId, String customerId, String status) {
    }

    private record MessageRow(String messageId, String eventType, String orderId, String status, String lockedBy,
                              int retryCount, String error, String payload) {
    }

    private final Jdbi jdbi;
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

    private SagaLedger(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * @param initialStock      every sku the run created, with the stock it started with
     * @param injectedOrderIds  orders written by the test itself, with no outbox row of their own (their
     *                          {@code order.created} is published directly to the broker)
     * @param injectedMessageIds the message ids of those direct publications
     */
    static SagaLedger check(Jdbi jdbi, List<Attempt> attempts, Map<String, Integer> initialStock,
                            Set<String> injectedOrderIds, Set<String> injectedMessageIds) {
        SagaLedger ledger = new SagaLedger(jdbi);
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

    /** What is allowed but worth knowing: which rows needed a retry, and why. */
    List<String> notes() {
        return List.copyOf(notes);
    }

    private void run(List<Attempt> attempts, Map<String, Integer> initialStock, Set<String> injectedOrderIds,
                     Set<String> injectedMessageIds) {
        Map<String, OrderRow> orders = index(jdbi.withHandle(h -> h.createQuery(
                        "SELECT order_id, customer_id, status::text AS status FROM orders.orders")
                .map((rs, ctx) -> new OrderRow(rs.getString("order_id"), rs.getString("customer_id"),
                        rs.getString("status"))).list()), OrderRow::orderId);
        Map<String, List<Line>> lines = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT order_id, sku, quantity FROM orders.order_lines ORDER BY order_id, line_no")
                .map((rs, ctx) -> Map.entry(rs.getString("order_id"), new Line(rs.getString("sku"), rs.getInt("quantity"))))
                .forEach(e -> lines.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue())));
        List<MessageRow> ordersOutbox = messages("orders.outbox");
        List<MessageRow> itemsInbox = messages("items.inbox");
        List<MessageRow> itemsOutbox = messages("items.outbox");
        List<MessageRow> ordersInbox = messages("orders.inbox");

        checkAnswers(attempts, orders, lines);
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

    /** Every 201 names an order that exists with the lines asked for; a 503 wrote nothing. */
    private void checkAnswers(List<Attempt> attempts, Map<String, OrderRow> orders, Map<String, List<Line>> lines) {
        Map<String, OrderRow> byCustomer = index(orders.values(), OrderRow::customerId);
        List<String> missing = new ArrayList<>();
        for (Attempt attempt : attempts) {
            OrderRow row = byCustomer.get(attempt.customerId());
            if (attempt.outcome() == Outcome.ACCEPTED) {
                OrderRow accepted = orders.get(attempt.orderId());
                if (accepted == null) {
                    missing.add(attempt.orderId());
                    continue;
                }
                if (!accepted.customerId().equals(attempt.customerId())
                        || !attempt.lines().equals(lines.getOrDefault(attempt.orderId(), List.of()))) {
                    violations.add("order " + attempt.orderId() + " was stored as " + accepted.customerId() + " "
                            + lines.get(attempt.orderId()) + ", asked for " + attempt.customerId() + " " + attempt.lines());
                }
                if ("CONFIRMED".equals(accepted.status())) {
                    confirmed++;
                } else if ("REJECTED".equals(accepted.status())) {
                    rejected++;
                }
            } else if (row != null && attempt.outcome() == Outcome.UNAVAILABLE
                    && attempt.detail().contains(NOTHING_WRITTEN)) {
                // The client, told to retry, would place the order a second time.
                writtenDespiteError++;
                violations.add("request " + attempt.customerId() + " was answered " + attempt.detail()
                        + " but wrote order " + row.orderId());
            } else if (row != null) {
                committedWithout201++;
            }
        }
        if (!missing.isEmpty()) {
            lost += missing.size();
            violations.add(missing.size() + " order(s) answered 201 are not in the database: " + first(missing));
        }
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
        Map<String, Long> rowsPerOrder = outbox.stream().collect(Collectors.groupingBy(MessageRow::orderId,
                Collectors.counting()));
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

    /** Every message sent on a hop arrived exactly once (the inbox's unique index), and nothing else arrived. */
    private void checkHop(String hop, List<MessageRow> sent, List<MessageRow> received, Set<String> injected) {
        Map<String, Long> copies = received.stream().collect(Collectors.groupingBy(MessageRow::messageId,
                Collectors.counting()));
        List<String> notArrived = sent.stream().map(MessageRow::messageId).filter(id -> !copies.containsKey(id)).toList();
        List<String> twice = copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        Set<String> sentIds = sent.stream().map(MessageRow::messageId).collect(Collectors.toSet());
        List<String> unexplained = copies.keySet().stream()
                .filter(id -> !sentIds.contains(id) && !injected.contains(id)).toList();
        if (!notArrived.isEmpty()) {
            lost += notArrived.size();
            violations.add(hop + ": " + notArrived.size() + " message(s) never recorded: " + first(notArrived));
        }
        if (!twice.isEmpty()) {
            duplicated += twice.size();
            violations.add(hop + ": " + twice.size() + " message id(s) recorded twice: " + first(twice));
        }
        if (!unexplained.isEmpty()) {
            violations.add(hop + ": " + unexplained.size() + " recorded message(s) nobody sent: " + first(unexplained));
        }
        for (String id : injected) {
            if (copies.getOrDefault(id, 0L) != 1) {
                violations.add(hop + ": the message published directly, " + id + ", was recorded "
                        + copies.getOrDefault(id, 0L) + " time(s), not once");
            }
        }
    }

    /** Each {@code order.created} processed answered once: one {@code stock.*} row per order, no more, no fewer. */
    private void checkOneAnswerPerOrder(List<MessageRow> itemsInbox, List<MessageRow> itemsOutbox) {
        Map<String, Long> answers = itemsOutbox.stream().collect(Collectors.groupingBy(MessageRow::orderId,
                Collectors.counting()));
        Set<String> unanswered = new TreeSet<>();
        Set<String> answeredTwice = new TreeSet<>();
        Set<String> askedTwice = new TreeSet<>();
        Set<String> asked = new HashSet<>();
        for (MessageRow created : itemsInbox) {
            if (!asked.add(created.orderId())) {
                askedTwice.add(created.orderId());
            }
            long count = answers.getOrDefault(created.orderId(), 0L);
            if (count == 0) {
                unanswered.add(created.orderId());
            } else if (count > 1) {
                answeredTwice.add(created.orderId());
            }
        }
        if (!askedTwice.isEmpty()) {
            duplicated += askedTwice.size();
            violations.add(askedTwice.size() + " order(s) arrived in items.inbox under more than one message id: "
                    + first(List.copyOf(askedTwice)));
        }
        if (!unanswered.isEmpty()) {
            lost += unanswered.size();
            violations.add(unanswered.size() + " order.created message(s) processed without a stock.* answer: "
                    + first(List.copyOf(unanswered)));
        }
        if (!answeredTwice.isEmpty()) {
            duplicated += answeredTwice.size();
            violations.add(answeredTwice.size() + " order(s) got more than one stock.* answer (reserved twice?): "
                    + first(List.copyOf(answeredTwice)));
        }
        if (itemsOutbox.size() != itemsInbox.size()) {
            violations.add("stock.* events: " + itemsOutbox.size() + ", order.created inbox rows: " + itemsInbox.size());
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
     * reservations the items module announced: a reservation applied twice shows as too little stock (duplicated),
     * one rolled back but announced as too much (lost).
     */
    private void checkStock(Map<String, Integer> initialStock, Map<String, OrderRow> orders,
                            Map<String, List<Line>> lines, List<MessageRow> itemsOutbox) {
        Map<String, Integer> current = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT sku, stock FROM items.items")
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
        for (var sku : initialStock.entrySet()) {
            int now = current.getOrDefault(sku.getKey(), Integer.MIN_VALUE);
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
