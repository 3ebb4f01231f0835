package dev.kurir.adapters.postgres;

import dev.kurir.application.orders.port.in.OrderPage;
import dev.kurir.application.orders.port.in.OrderSearch;
import dev.kurir.application.orders.port.in.OrderView;
import dev.kurir.application.orders.port.out.OrderRepository;
import dev.kurir.domain.orders.Order;
import dev.kurir.domain.orders.OrderLine;
import dev.kurir.domain.orders.OrderStatus;
import dev.kurir.domain.orders.Sku;
import dev.kurir.domain.shared.Money;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Orders and their lines in the {@code orders} schema. */
public final class JdbiOrderRepository implements OrderRepository {
    private static final String ORDER_COLUMNS =
            "seq, order_id, customer_id, status::text AS status, rejection_reason, cancellation_reason, created_at, "
                    + "updated_at";

    private final Jdbi jdbi;

    public JdbiOrderRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void insert(Order order) {
        // The order and its lines in one statement: one round trip, however many lines.
        List<OrderLine> lines = order.lines();
        jdbi.useHandle(handle -> handle.createUpdate("""
                        WITH placed AS (
                            INSERT INTO orders.orders
                                (order_id, customer_id, amount, status, rejection_reason, created_at, updated_at)
                            VALUES (:orderId, :customerId, :amount, CAST(:status AS orders.order_status),
                                    :rejectionReason, :createdAt, :updatedAt)
                            RETURNING order_id)
                        INSERT INTO orders.order_lines (order_id, line_no, sku, quantity, unit_price)
                        SELECT placed.order_id, line.line_no, line.sku, line.quantity, line.unit_price
                        FROM placed, unnest(:skus, :quantities, CAST(:unitPrices AS numeric[]))
                            WITH ORDINALITY AS line (sku, quantity, unit_price, line_no)
                        """)
                .bind("orderId", order.orderId())
                .bind("customerId", order.customerId())
                .bind("amount", order.amount().amount())
                .bind("status", order.status().name())
                .bind("rejectionReason", order.rejectionReason())
                .bind("createdAt", utc(order.createdAt()))
                .bind("updatedAt", utc(order.updatedAt()))
                .bind("skus", lines.stream().map(line -> line.sku().value()).toArray(String[]::new))
                .bind("quantities", lines.stream().map(OrderLine::quantity).toArray(Integer[]::new))
                .bind("unitPrices", lines.stream().map(line -> line.unitPrice().amount().toPlainString())
                        .toArray(String[]::new))
                .execute());
    }

    @Override
    public Optional<Order> findById(String orderId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT " + ORDER_COLUMNS + " FROM orders.orders WHERE order_id = :orderId")
                .bind("orderId", orderId)
                .map((rs, ctx) -> OrderRow.of(rs))
                .findOne()
                .map(row -> row.toOrder(linesOf(handle, List.of(orderId)).getOrDefault(orderId, List.of()))));
    }

    @Override
    public Optional<Order> lockById(String orderId) {
        // The order row locked and its lines read in one round trip.
        return jdbi.withHandle(handle -> {
            List<Map.Entry<OrderRow, Optional<OrderLine>>> rows = handle.createQuery("""
                            SELECT o.seq, o.order_id, o.customer_id, o.status::text AS status, o.rejection_reason,
                                   o.cancellation_reason, o.created_at, o.updated_at, l.sku, l.quantity, l.unit_price
                            FROM orders.orders o LEFT JOIN orders.order_lines l ON l.order_id = o.order_id
                            WHERE o.order_id = :orderId
                            ORDER BY l.line_no
                            FOR UPDATE OF o
                            """)
                    .bind("orderId", orderId)
                    .map((rs, ctx) -> Map.entry(OrderRow.of(rs), rs.getString("sku") == null ? Optional.<OrderLine>empty()
                            : Optional.of(new OrderLine(new Sku(rs.getString("sku")), rs.getInt("quantity"),
                                    new Money(rs.getBigDecimal("unit_price"))))))
                    .list();
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst().getKey().toOrder(
                    rows.stream().flatMap(row -> row.getValue().stream()).toList()));
        });
    }

    @Override
    public List<Order> lockPendingPlacedBefore(Instant placedBefore, int limit) {
        return jdbi.withHandle(handle -> {
            List<OrderRow> rows = handle.createQuery("""
                            SELECT %s FROM orders.orders
                            WHERE status = 'PENDING' AND created_at < :placedBefore
                            ORDER BY created_at
                            LIMIT :limit
                            FOR UPDATE SKIP LOCKED
                            """.formatted(ORDER_COLUMNS))
                    .bind("placedBefore", utc(placedBefore))
                    .bind("limit", limit)
                    .map((rs, ctx) -> OrderRow.of(rs))
                    .list();
            Map<String, List<OrderLine>> lines = linesOf(handle, rows.stream().map(OrderRow::orderId).toList());
            return rows.stream().map(row -> row.toOrder(lines.getOrDefault(row.orderId(), List.of()))).toList();
        });
    }

    @Override
    public void updateStatus(Order order) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE orders.orders
                        SET status = CAST(:status AS orders.order_status), rejection_reason = :reason,
                            cancellation_reason = :cancellationReason, updated_at = :updatedAt
                        WHERE order_id = :orderId
                        """)
                .bind("orderId", order.orderId())
                .bind("status", order.status().name())
                .bind("reason", order.rejectionReason())
                .bind("cancellationReason", order.cancellationReason())
                .bind("updatedAt", utc(order.updatedAt()))
                .execute());
    }

    @Override
    public OrderPage search(OrderSearch search) {
        return jdbi.withHandle(handle -> {
            // One extra row tells whether another page exists without a count query.
            List<OrderRow> rows = handle.createQuery("""
                            SELECT %s FROM orders.orders
                            WHERE (CAST(:status AS text) IS NULL OR status = CAST(:status AS orders.order_status))
                              AND (CAST(:customerId AS text) IS NULL OR customer_id = :customerId)
                              AND (CAST(:after AS bigint) IS NULL OR seq < :after)
                            ORDER BY seq DESC
                            LIMIT :limit
                            """.formatted(ORDER_COLUMNS))
                    .bind("status", search.status().map(Enum::name).orElse(null))
                    .bind("customerId", search.customerId().orElse(null))
                    .bind("after", search.after().orElse(null))
                    .bind("limit", search.limit() + 1)
                    .map((rs, ctx) -> OrderRow.of(rs))
                    .list();
            List<OrderRow> page = rows.subList(0, Math.min(rows.size(), search.limit()));
            Map<String, List<OrderLine>> lines = linesOf(handle, page.stream().map(OrderRow::orderId).toList());
            List<OrderView> views = page.stream()
                    .map(row -> OrderView.of(row.toOrder(lines.getOrDefault(row.orderId(), List.of()))))
                    .toList();
            Optional<Long> next = rows.size() > search.limit() ? Optional.of(page.getLast().seq()) : Optional.empty();
            return new OrderPage(views, next);
        });
    }

    private static Map<String, List<OrderLine>> linesOf(Handle handle, List<String> orderIds) {
        Map<String, List<OrderLine>> byOrder = new HashMap<>();
        if (orderIds.isEmpty()) {
            return byOrder;
        }
        handle.createQuery("""
                        SELECT order_id, sku, quantity, unit_price FROM orders.order_lines
                        WHERE order_id = ANY(:orderIds) ORDER BY order_id, line_no
                        """)
                .bind("orderIds", orderIds.toArray(String[]::new))
                .map((rs, ctx) -> Map.entry(rs.getString("order_id"), new OrderLine(new Sku(rs.getString("sku")),
                        rs.getInt("quantity"), new Money(rs.getBigDecimal("unit_price")))))
                .forEach(entry -> byOrder.computeIfAbsent(entry.getKey(), id -> new ArrayList<>()).add(entry.getValue()));
        return byOrder;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private record OrderRow(long seq, String orderId, String customerId, OrderStatus status, String rejectionReason,
                            String cancellationReason, Instant createdAt, Instant updatedAt) {

        static OrderRow of(ResultSet rs) throws SQLException {
            return new OrderRow(rs.getLong("seq"), rs.getString("order_id"), rs.getString("customer_id"),
                    OrderStatus.valueOf(rs.getString("status")), rs.getString("rejection_reason"),
                    rs.getString("cancellation_reason"),
                    rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                    rs.getObject("updated_at", OffsetDateTime.class).toInstant());
        }

        Order toOrder(List<OrderLine> lines) {
            return Order.restore(orderId, customerId, lines, status, rejectionReason, cancellationReason, createdAt,
                    updatedAt);
        }
    }
}
