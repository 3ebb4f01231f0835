package dev.kurir.bootstrap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * The invariants of the saga, checked on a quiet system (nothing left to do) from every row of both modules and the
 * dead-letter queue, against what the test knows it did: the stock it created and restocked, the requests it made
 * and the messages it injected.
 *
 * <ol>
 *   <li>{@code final}: every order is CONFIRMED, REJECTED or CANCELLED, and every order answered 201 exists.</li>
 *   <li>{@code stock}: for each sku, initial + restocked = stock + the lines of active reservations (RESERVED, not
 *       cancelled).</li>
 *   <li>{@code once}: at most one decision ({@code stock.*}) per order in the items outbox; an order is CONFIRMED
 *       exactly when a reservation of its lines holds stock; a CANCELLED order's cancellation reached items and
 *       holds nothing; a REJECTED order was refused; each Idempotency-Key made at most one order, the one
 *       answered.</li>
 *   <li>{@code delivered}: every message delivered (relay rows SENT, copies the test published) is PROCESSED, or
 *       FAILED with a reason, in its consumer's inbox, or in {@code kurir.dead-letter}. And {@code quiescent}:
 *       nothing is left PENDING in an outbox or inbox.</li>
 * </ol>
 */
final class SagaInvariants {
    /** One broken invariant, named as in the list above, with the rows that break it. */
    record Violation(String invariant, String detail) {
        @Override
        public String toString() {
            return invariant + ": " + detail;
        }
    }

    /**
     * What the test did.
     *
     * @param initialStock the stock each sku was created with
     * @param restocked    the quantities restocks added (answered 200)
     * @param answered     Idempotency-Key → the order id a 201 named; keys never answered 201 are absent
     * @param injected     message id → the module whose inbox must hold it ("items", "orders"), or "dead-letter"
     */
    record Expected(Map<String, Integer> initialStock, Map<String, Integer> restocked, Map<String, String> answered,
                    Map<String, String> injected) {
    }

    private final Jdbi jdbi;
    private final BrokerControl broker;

    SagaInvariants(Jdbi jdbi, BrokerControl broker) {
        this.jdbi = jdbi;
        this.broker = broker;
    }

    List<Violation> check(Expected expected) {
        List<Violation> violations = new ArrayList<>();
        quiescent(violations);
        everyOrderFinal(expected, violations);
        stockAddsUp(expected, violations);
        eachFactOnce(expected, violations);
        everyMessageAccountedFor(expected, violations);
        return violations;
    }

    private void quiescent(List<Violation> violations) {
        for (String table : List.of("orders.outbox", "items.outbox", "orders.inbox", "items.inbox")) {
            long pending = count("SELECT count(*) FROM " + table + " WHERE status = 'PENDING'");
            if (pending > 0) {
                violations.add(new Violation("quiescent", pending + " row(s) of " + table + " still PENDING"));
            }
        }
    }

    private void everyOrderFinal(Expected expected, List<Violation> violations) {
        Map<String, String> status = statuses();
        status.forEach((orderId, value) -> {
            if (!Set.of("CONFIRMED", "REJECTED", "CANCELLED").contains(value)) {
                violations.add(new Violation("final", "order " + orderId + " is " + value));
            }
        });
        expected.answered().forEach((key, orderId) -> {
            if (!status.containsKey(orderId)) {
                violations.add(new Violation("final", "order " + orderId + " answered 201 (key " + key
                        + ") does not exist"));
            }
        });
    }

    private void stockAddsUp(Expected expected, List<Violation> violations) {
        Map<String, Long> stock = pairs("SELECT sku, stock FROM items.items");
        Map<String, Long> held = pairs("""
                SELECT l.sku, sum(l.quantity) FROM items.reservation_lines l JOIN items.reservations r USING (order_id)
                WHERE r.decision = 'RESERVED' AND NOT r.cancelled GROUP BY l.sku""");
        expected.initialStock().forEach((sku, initial) -> {
            long in = initial + expected.restocked().getOrDefault(sku, 0);
            long now = stock.getOrDefault(sku, 0L);
            long reserved = held.getOrDefault(sku, 0L);
            if (in != now + reserved) {
                violations.add(new Violation("stock", sku + ": initial + restocked = " + in + " but stock " + now
                        + " + active reservations " + reserved + " = " + (now + reserved)));
            }
        });
    }

    private void eachFactOnce(Expected expected, List<Violation> violations) {
        jdbi.useHandle(handle -> handle.createQuery("""
                        SELECT payload->>'order_id' AS order_id, count(*) AS decisions,
                               count(*) FILTER (WHERE event_type = 'stock.reserved') AS reserved
                        FROM items.outbox WHERE event_type IN ('stock.reserved', 'stock.rejected')
                        GROUP BY 1 HAVING count(*) > 1""")
                .map((rs, ctx) -> new Violation("once", "order " + rs.getString("order_id") + " has "
                        + rs.getLong("decisions") + " stock decisions in items.outbox, " + rs.getLong("reserved")
                        + " of them stock.reserved"))
                .forEach(violations::add));

        Map<String, String> status = statuses();
        Map<String, Reservation> reservations = reservations();
        Map<String, Map<String, Long>> orderLines = lines("SELECT order_id, sku, quantity FROM orders.order_lines");
        Map<String, Map<String, Long>> heldLines = lines(
                "SELECT order_id, sku, quantity FROM items.reservation_lines");
        Set<String> orderIds = new HashSet<>(status.keySet());
        orderIds.addAll(reservations.keySet());
        for (String orderId : orderIds) {
            String orderStatus = status.get(orderId);
            Reservation reservation = reservations.get(orderId);
            boolean holds = reservation != null && reservation.holdsStock();
            String seen = "order " + orderId + " " + orderStatus + ", reservation " + reservation;
            if (orderStatus == null) {
                violations.add(new Violation("once", "a reservation for an order that does not exist: " + seen));
                continue;
            }
            switch (orderStatus) {
                case "CONFIRMED" -> {
                    if (!holds) {
                        violations.add(new Violation("once", "CONFIRMED without stock held: " + seen));
                    } else if (!orderLines.getOrDefault(orderId, Map.of()).equals(heldLines.get(orderId))) {
                        violations.add(new Violation("once", seen + " holds " + heldLines.get(orderId)
                                + " but the order has " + orderLines.get(orderId)));
                    }
                }
                case "CANCELLED" -> {
                    if (reservation == null || !reservation.cancelled()) {
                        violations.add(new Violation("once", "CANCELLED but items never applied the cancellation: "
                                + seen));
                    }
                }
                case "REJECTED" -> {
                    if (reservation == null || !"REJECTED".equals(reservation.decision())) {
                        violations.add(new Violation("once", "REJECTED but items did not refuse it: " + seen));
                    }
                }
                default -> {
                    if (holds) {
                        violations.add(new Violation("once", "stock held for an order not confirmed: " + seen));
                    }
                }
            }
        }

        jdbi.useHandle(handle -> handle.createQuery(
                        "SELECT customer_id, count(*) AS n FROM orders.orders GROUP BY customer_id HAVING count(*) > 1")
                .map((rs, ctx) -> new Violation("once", "Idempotency-Key " + rs.getString("customer_id") + " made "
                        + rs.getLong("n") + " orders"))
                .forEach(violations::add));
        Map<String, String> keys = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("SELECT idempotency_key, order_id FROM orders.idempotency_keys")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(entry -> keys.put(entry.getKey(), entry.getValue())));
        expected.answered().forEach((key, orderId) -> {
            if (!orderId.equals(keys.get(key))) {
                violations.add(new Violation("once", "Idempotency-Key " + key + " was answered with order " + orderId
                        + " but names " + keys.get(key)));
            }
        });
    }

    private void everyMessageAccountedFor(Expected expected, List<Violation> violations) {
        Map<String, String> delivered = new TreeMap<>();
        jdbi.useHandle(handle -> {
            handle.createQuery("SELECT message_id::text FROM orders.outbox WHERE status = 'SENT'").mapTo(String.class)
                    .forEach(id -> delivered.put(id, "items"));
            handle.createQuery("SELECT message_id::text FROM items.outbox WHERE status = 'SENT'").mapTo(String.class)
                    .forEach(id -> delivered.put(id, "orders"));
        });
        delivered.putAll(expected.injected());
        Set<String> settledInItems = settled("items.inbox");
        Set<String> settledInOrders = settled("orders.inbox");
        Set<String> deadLettered = broker.deadLetteredMessageIds();
        delivered.forEach((messageId, module) -> {
            boolean accounted = deadLettered.contains(messageId)
                    || ("items".equals(module) && settledInItems.contains(messageId))
                    || ("orders".equals(module) && settledInOrders.contains(messageId));
            if (!accounted) {
                violations.add(new Violation("delivered", "message " + messageId + " for " + module
                        + " is neither settled in its inbox nor in kurir.dead-letter" + describe(messageId)));
            }
        });
    }

    /** What the outboxes and inboxes say about a message, for the report. */
    private String describe(String messageId) {
        List<String> seen = new ArrayList<>();
        for (String table : List.of("orders.outbox", "items.outbox", "orders.inbox", "items.inbox")) {
            jdbi.useHandle(handle -> handle.createQuery("SELECT event_type, status::text, payload->>'order_id', error "
                            + "FROM " + table + " WHERE message_id = CAST(:id AS uuid)")
                    .bind("id", messageId)
                    .map((rs, ctx) -> table + " " + rs.getString(1) + " " + rs.getString(2) + " order "
                            + rs.getString(3) + (rs.getString(4) == null ? "" : " error " + rs.getString(4)))
                    .forEach(seen::add));
        }
        return seen.isEmpty() ? " (no row anywhere)" : " " + seen;
    }

    private Set<String> settled(String inbox) {
        return jdbi.withHandle(handle -> new HashSet<>(handle.createQuery("SELECT message_id::text FROM " + inbox
                        + " WHERE status = 'PROCESSED' OR (status = 'FAILED' AND coalesce(error, '') <> '')")
                .mapTo(String.class).list()));
    }

    private record Reservation(String decision, boolean cancelled) {
        boolean holdsStock() {
            return "RESERVED".equals(decision) && !cancelled;
        }
    }

    private Map<String, Reservation> reservations() {
        Map<String, Reservation> reservations = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery(
                        "SELECT order_id, decision::text, cancelled FROM items.reservations")
                .map((rs, ctx) -> Map.entry(rs.getString(1), new Reservation(rs.getString(2), rs.getBoolean(3))))
                .forEach(entry -> reservations.put(entry.getKey(), entry.getValue())));
        return reservations;
    }

    private Map<String, String> statuses() {
        Map<String, String> status = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("SELECT order_id, status::text FROM orders.orders")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(entry -> status.put(entry.getKey(), entry.getValue())));
        return status;
    }

    private Map<String, Map<String, Long>> lines(String sql) {
        Map<String, Map<String, Long>> lines = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery(sql)
                .map((rs, ctx) -> List.of(rs.getString(1), rs.getString(2), String.valueOf(rs.getLong(3))))
                .forEach(row -> lines.computeIfAbsent(row.get(0), id -> new TreeMap<>())
                        .merge(row.get(1), Long.parseLong(row.get(2)), Long::sum)));
        return lines;
    }

    private Map<String, Long> pairs(String sql) {
        Map<String, Long> pairs = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery(sql)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(entry -> pairs.put(entry.getKey(), entry.getValue())));
        return pairs;
    }

    private long count(String sql) {
        return jdbi.withHandle(handle -> handle.createQuery(sql).mapTo(Long.class).one());
    }
}
