package dev.kurir.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kurir.adapters.postgres.ModuleSchema;
import dev.kurir.bootstrap.OrderLoad.Attempt;
import dev.kurir.bootstrap.OrderLoad.Line;
import dev.kurir.bootstrap.OrderLoad.Outcome;
import dev.kurir.testing.TestDatabase;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SagaLedger} itself, on a database written by hand as a run could have left it: it finds nothing in a clean
 * run, and finds each duplicate it exists for by its business effect (per request, per order), where the message ids
 * are all distinct and the inbox's unique index has nothing to say.
 */
class SagaLedgerIT {
    private static final String SKU = "LEDGER-1";
    private static final int STOCK = 10;
    private static final int QUANTITY = 2;
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private TestDatabase database;
    private Jdbi jdbi;

    @BeforeEach
    void migrate() {
        database = TestDatabase.create();
        for (ModuleSchema schema : KurirModules.ALL.stream().map(ModuleSchema::of).toList()) {
            Flyway.configure().dataSource(database.dataSource()).schemas(schema.schemaName()).createSchemas(true)
                    .locations(schema.migrationLocation()).failOnMissingLocations(true).load().migrate();
        }
        jdbi = Jdbi.create(database.dataSource());
        jdbi.useHandle(h -> h.execute("INSERT INTO items.items (sku, name, price, stock) VALUES (?, 'Ledger', 2.50, ?)",
                SKU, STOCK));
    }

    @AfterEach
    void drop() {
        database.close();
    }

    @Test
    void aCleanRun_hasNoViolation() {
        placedAndConfirmed("order-1", "fault-1", T0.plusMillis(5));
        key("fault-1", "order-1");

        SagaLedger ledger = check(List.of(attempt("fault-1", 1, T0, Outcome.ACCEPTED, "order-1")), Set.of());

        assertEquals(List.of(), ledger.violations());
        assertEquals(1, ledger.confirmed());
    }

    @Test
    void aRequestThatMadeTwoOrders_isADuplicate() {
        // The first attempt committed but its connection broke; the retry placed a second order (its key ignored).
        placedAndConfirmed("order-1", "fault-1", T0.plusMillis(5));
        placedAndConfirmed("order-2", "fault-1", T0.plusSeconds(1));
        key("fault-1", "order-2");

        SagaLedger ledger = check(List.of(attempt("fault-1", 1, T0, Outcome.CONNECTION_BROKEN, null),
                attempt("fault-1", 2, T0.plusSeconds(1), Outcome.ACCEPTED, "order-2")), Set.of());

        assertEquals(1, ledger.duplicated(), ledger.violations().toString());
        assertViolation(ledger, "1 request(s) made more than one order under one Idempotency-Key: "
                + "[fault-1 (2 attempt(s)): [order-1, order-2]]");
        assertViolation(ledger, "1 order(s) are not the order of their request's Idempotency-Key: "
                + "[order-1 of fault-1 (the key names order-2)]");
    }

    @Test
    void anOrderWithoutItsIdempotencyKey_isAViolation() {
        placedAndConfirmed("order-1", "fault-1", T0.plusMillis(5));

        SagaLedger ledger = check(List.of(attempt("fault-1", 1, T0, Outcome.ACCEPTED, "order-1")), Set.of());

        assertViolation(ledger, "1 order(s) are not the order of their request's Idempotency-Key: "
                + "[order-1 of fault-1 (the key names null)]");
    }

    @Test
    void anOrderTakenInTwiceUnderAnotherMessageId_isADuplicate() {
        placedAndConfirmed("order-1", "fault-1", T0.plusMillis(5));
        key("fault-1", "order-1");
        // The same order.created re-published under a new message id, and reserved again.
        String republished = inbox("items.inbox", "order-service", "order.created", orderCreated("order-1"));
        answered("order-1");

        SagaLedger ledger = check(List.of(attempt("fault-1", 1, T0, Outcome.ACCEPTED, "order-1")), Set.of(republished));

        assertTrue(ledger.duplicated() >= 1, ledger.violations().toString());
        assertViolation(ledger, "order.created: orders.outbox -> items.inbox: 1 event(s) of an order recorded under "
                + "more than one message id: [order.created order-1 x2]");
        assertViolation(ledger, "1 order(s) got more than one stock.* answer: [order-1 x2]");
        assertViolation(ledger, "stock of " + SKU + " is " + (STOCK - 2 * QUANTITY) + "; by the confirmed orders");
        assertViolation(ledger, "stock of " + SKU + " is " + (STOCK - 2 * QUANTITY) + "; by the reservations held");
    }

    @Test
    void anOrderDecidedTwice_isADuplicate() {
        placedAndConfirmed("order-1", "fault-1", T0.plusMillis(5));
        key("fault-1", "order-1");
        answered("order-1");

        SagaLedger ledger = check(List.of(attempt("fault-1", 1, T0, Outcome.ACCEPTED, "order-1")), Set.of());

        assertViolation(ledger, "stock.*: items.outbox -> orders.inbox: 1 event(s) of an order recorded under more "
                + "than one message id: [stock.reserved order-1 x2]");
    }

    @Test
    void a503NothingWritten_whoseOrderWasWritten_isCaught() {
        placedAndConfirmed("order-1", "fault-1", T0.plusMillis(5));
        key("fault-1", "order-1");

        SagaLedger ledger = check(List.of(attempt("fault-1", 1, T0, Outcome.UNAVAILABLE, null)), Set.of());

        assertEquals(1, ledger.writtenDespiteError(), ledger.violations().toString());
    }

    @Test
    void anOrderPlacedByAnAttemptWhoseOutcomeWasUnknown_isAllowed_whateverTheRetryIsAnswered() {
        placedAndConfirmed("order-1", "fault-1", T0.plusMillis(5));
        key("fault-1", "order-1");

        SagaLedger ledger = check(List.of(attempt("fault-1", 1, T0, Outcome.OUTCOME_UNKNOWN, null),
                attempt("fault-1", 2, T0.plusSeconds(5), Outcome.UNAVAILABLE, null)), Set.of());

        assertEquals(List.of(), ledger.violations());
        assertEquals(1, ledger.committedWithout201());
    }

    @Test
    void anOrderNoRequestMade_isAViolation() {
        placedAndConfirmed("order-1", "somebody", T0.plusMillis(5));

        SagaLedger ledger = check(List.of(), Set.of());

        assertViolation(ledger, "1 order(s) no request made: [order-1 (somebody)]");
    }

    // ---- a run, written by hand

    private SagaLedger check(List<Attempt> attempts, Set<String> injectedMessageIds) {
        return SagaLedger.check(jdbi, attempts, Map.of(SKU, STOCK), Set.of(), injectedMessageIds);
    }

    private static void assertViolation(SagaLedger ledger, String start) {
        assertTrue(ledger.violations().stream().anyMatch(v -> v.startsWith(start)),
                "no violation starting \"" + start + "\" in " + ledger.violations());
    }

    private static Attempt attempt(String customerId, int attempt, Instant sentAt, Outcome outcome, String orderId) {
        String detail = switch (outcome) {
            case ACCEPTED -> "201 application/json {\"orderId\":\"" + orderId + "\"}";
            case UNAVAILABLE -> "503 application/problem+json {\"detail\":\"the database cannot be reached; "
                    + "nothing was written, retry later\"}";
            case OUTCOME_UNKNOWN -> "503 application/problem+json {\"type\":\"/problems/outcome-unknown\"}";
            case CONNECTION_REFUSED -> "ConnectException: null";
            case CONNECTION_BROKEN -> "IOException: connection reset";
            case UNEXPECTED -> "500";
        };
        return new Attempt(Integer.parseInt(customerId.replaceAll("\\D", "")), attempt, customerId, customerId,
                List.of(new Line(SKU, QUANTITY)), sentAt, sentAt.plusMillis(20), outcome, orderId, detail, 0);
    }

    /** An order and its whole saga, each hop under message ids of its own: placed, reserved, confirmed, settled. */
    private void placedAndConfirmed(String orderId, String customerId, Instant createdAt) {
        OffsetDateTime at = createdAt.atOffset(ZoneOffset.UTC);
        jdbi.useTransaction(h -> {
            h.execute("""
                    INSERT INTO orders.orders (order_id, customer_id, amount, status, created_at, updated_at)
                    VALUES (?, ?, 5.00, 'CONFIRMED', ?, ?)""", orderId, customerId, at, at);
            h.execute("INSERT INTO orders.order_lines (order_id, line_no, sku, quantity, unit_price) VALUES (?, 1, ?, ?, 2.50)",
                    orderId, SKU, QUANTITY);
        });
        String created = orderCreated(orderId);
        String messageId = outbox("orders.outbox", "order.created", created);
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO items.inbox (message_id, sender_id, event_type, payload, status, routing_key)
                VALUES (CAST(? AS uuid), 'order-service', 'order.created', CAST(? AS jsonb), 'PROCESSED', 'order.created')""",
                messageId, created));
        answered(orderId);
    }

    /** A {@code stock.reserved} for the order: the stock taken, the answer sent and taken in by orders. */
    private void answered(String orderId) {
        String reserved = "{\"order_id\":\"" + orderId + "\",\"items\":[{\"sku\":\"" + SKU + "\",\"quantity\":"
                + QUANTITY + "}]}";
        jdbi.useTransaction(h -> {
            h.execute("UPDATE items.items SET stock = stock - ? WHERE sku = ?", QUANTITY, SKU);
            // An order answered twice took its stock twice, but holds one reservation (the table keeps one per order).
            h.execute("INSERT INTO items.reservations (order_id, decision) VALUES (?, 'RESERVED') ON CONFLICT DO NOTHING",
                    orderId);
            h.execute("INSERT INTO items.reservation_lines (order_id, sku, quantity) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    orderId, SKU, QUANTITY);
        });
        String messageId = outbox("items.outbox", "stock.reserved", reserved);
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO orders.inbox (message_id, sender_id, event_type, payload, status, routing_key)
                VALUES (CAST(? AS uuid), 'item-service', 'stock.reserved', CAST(? AS jsonb), 'PROCESSED', 'stock.reserved')""",
                messageId, reserved));
    }

    private static String orderCreated(String orderId) {
        return "{\"order_id\":\"" + orderId + "\",\"customer_id\":\"c\",\"amount\":\"5.00\",\"items\":[{\"sku\":\""
                + SKU + "\",\"quantity\":" + QUANTITY + "}]}";
    }

    /** A SENT row of {@code table} (a constant of this class); returns its message id. */
    private String outbox(String table, String eventType, String payload) {
        String messageId = UUID.randomUUID().toString();
        jdbi.useHandle(h -> h.execute("INSERT INTO " + table + " (message_id, event_type, payload, status, routing_key) "
                + "VALUES (CAST(? AS uuid), ?, CAST(? AS jsonb), 'SENT', ?)", messageId, eventType, payload, eventType));
        return messageId;
    }

    /** A PROCESSED row of {@code table} (a constant of this class) under a new message id; returns that id. */
    private String inbox(String table, String sender, String eventType, String payload) {
        String messageId = UUID.randomUUID().toString();
        jdbi.useHandle(h -> h.execute("INSERT INTO " + table + " (message_id, sender_id, event_type, payload, status, "
                + "routing_key) VALUES (CAST(? AS uuid), ?, ?, CAST(? AS jsonb), 'PROCESSED', ?)", messageId, sender,
                eventType, payload, eventType));
        return messageId;
    }

    private void key(String key, String orderId) {
        jdbi.useHandle(h -> h.execute("INSERT INTO orders.idempotency_keys (idempotency_key, request_hash, order_id) "
                + "VALUES (?, 'hash', ?)", key, orderId));
    }
}
