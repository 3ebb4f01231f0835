package dev.kurir.adapters.postgres;

import dev.kurir.application.items.ItemsModule;
import dev.kurir.application.orders.OrdersModule;
import dev.kurir.application.console.port.out.SagaRecords;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The console's reads, over the schemas of the modules this process runs. Finding an order's messages looks into
 * their payloads ({@code payload->>'order_id'}): a scan of the outbox and inbox, which retention keeps bounded; fine
 * for one operator's search, not for a hot path.
 */
public final class JdbiSagaRecords implements SagaRecords {
    private final Jdbi jdbi;
    // The saga spans both modules; the console reads whichever of their schemas this process has.
    private static final ModuleSchema ORDERS = ModuleSchema.of(OrdersModule.DESCRIPTOR);
    private static final ModuleSchema ITEMS = ModuleSchema.of(ItemsModule.DESCRIPTOR);

    private final Set<ModuleSchema> schemas;

    public JdbiSagaRecords(Jdbi jdbi, Set<ModuleSchema> schemas) {
        this.jdbi = jdbi;
        this.schemas = Set.copyOf(schemas);
    }

    @Override
    public Map<String, Long> ordersByStatus() {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (schemas.contains(ORDERS)) {
            jdbi.useHandle(handle -> handle.createQuery(
                            "SELECT status::text AS status, count(*) AS n FROM orders.orders GROUP BY status")
                    .map((rs, ctx) -> Map.entry(rs.getString("status"), rs.getLong("n")))
                    .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
        }
        return counts;
    }

    @Override
    public long cancelledSince(String reason, Instant since) {
        if (!schemas.contains(ORDERS)) {
            return 0;
        }
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT count(*) FROM orders.orders
                        WHERE status = 'CANCELLED' AND cancellation_reason = :reason AND updated_at >= :since""")
                .bind("reason", reason)
                .bind("since", since.atOffset(ZoneOffset.UTC))
                .mapTo(Long.class)
                .one());
    }

    @Override
    public Saga saga(String orderId) {
        return jdbi.withHandle(handle -> {
            Optional<OrderFacts> order = schemas.contains(ORDERS) ? order(handle, orderId)
                    : Optional.empty();
            List<MessageFacts> messages = new ArrayList<>();
            for (ModuleSchema schema : List.of(ORDERS, ITEMS)) {
                if (schemas.contains(schema)) {
                    messages.addAll(messages(handle, schema, "outbox", orderId));
                    messages.addAll(messages(handle, schema, "inbox", orderId));
                }
            }
            messages.sort(Comparator.comparing(MessageFacts::createdAt).thenComparing(MessageFacts::id));
            Optional<ReservationFacts> reservation = schemas.contains(ITEMS)
                    ? reservation(handle, orderId) : Optional.empty();
            return new Saga(orderId, order, messages, reservation);
        });
    }

    @Override
    public List<String> ordersOfCustomer(String customerId, int limit) {
        if (!schemas.contains(ORDERS)) {
            return List.of();
        }
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT order_id FROM orders.orders WHERE customer_id = :customer"
                                + " ORDER BY seq DESC LIMIT :limit")
                .bind("customer", customerId)
                .bind("limit", limit)
                .mapTo(String.class)
                .list());
    }

    private static Optional<OrderFacts> order(Handle handle, String orderId) {
        return handle.createQuery("""
                        SELECT order_id, customer_id, status::text AS status, amount, rejection_reason,
                               cancellation_reason, created_at, updated_at
                        FROM orders.orders WHERE order_id = :id""")
                .bind("id", orderId)
                .map((rs, ctx) -> new OrderFacts(rs.getString("order_id"), rs.getString("customer_id"),
                        rs.getString("status"), rs.getBigDecimal("amount"),
                        Optional.ofNullable(rs.getString("rejection_reason")),
                        Optional.ofNullable(rs.getString("cancellation_reason")), instant(rs, "created_at"),
                        instant(rs, "updated_at")))
                .findOne();
    }

    private static List<MessageFacts> messages(Handle handle, ModuleSchema schema, String table, String orderId) {
        String module = schema.schemaName();
        return handle.createQuery("""
                        SELECT id, message_id::text AS message_id, event_type, status::text AS status, retry_count,
                               error, created_at, updated_at, traceparent
                        FROM <table> WHERE payload ->> 'order_id' = :id ORDER BY id""")
                .define("table", module + "." + table)
                .bind("id", orderId)
                .map((rs, ctx) -> new MessageFacts(module, table, rs.getLong("id"), rs.getString("message_id"),
                        rs.getString("event_type"), rs.getString("status"), rs.getInt("retry_count"),
                        Optional.ofNullable(rs.getString("error")), instant(rs, "created_at"),
                        instant(rs, "updated_at"), Optional.ofNullable(rs.getString("traceparent"))))
                .list();
    }

    private static Optional<ReservationFacts> reservation(Handle handle, String orderId) {
        return handle.createQuery("""
                        SELECT decision::text AS decision, cancelled, reason, created_at, updated_at
                        FROM items.reservations WHERE order_id = :id""")
                .bind("id", orderId)
                .map((rs, ctx) -> new ReservationFacts(Optional.ofNullable(rs.getString("decision")),
                        rs.getBoolean("cancelled"), Optional.ofNullable(rs.getString("reason")),
                        instant(rs, "created_at"), instant(rs, "updated_at")))
                .findOne();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
