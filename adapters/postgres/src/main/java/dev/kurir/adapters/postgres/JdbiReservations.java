package dev.kurir.adapters.postgres;

import dev.kurir.application.items.port.out.Reservations;
import dev.kurir.domain.items.Reservation;
import dev.kurir.domain.items.Sku;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** The items module's reservations per order, in {@code items.reservations} and {@code items.reservation_lines}. */
public final class JdbiReservations implements Reservations {
    private final Jdbi jdbi;

    public JdbiReservations(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Optional<Reservation> lock(String orderId) {
        return jdbi.withHandle(handle -> {
            // A lock on the order id rather than on its row: it holds before the first event of the order has
            // written one. Its own statement: the read below must see what the lock's previous holder committed.
            handle.createQuery("SELECT 1 FROM pg_advisory_xact_lock(hashtext('items.reservations'), hashtext(:orderId))")
                    .bind("orderId", orderId)
                    .mapTo(Integer.class)
                    .one();
            List<Row> rows = handle.createQuery("""
                            SELECT r.decision::text AS decision, r.cancelled, r.reason, l.sku, l.quantity
                            FROM items.reservations r LEFT JOIN items.reservation_lines l USING (order_id)
                            WHERE r.order_id = :orderId
                            """)
                    .bind("orderId", orderId)
                    .map((rs, ctx) -> new Row(rs.getString("decision"), rs.getBoolean("cancelled"),
                            rs.getString("reason"), rs.getString("sku"), rs.getInt("quantity")))
                    .list();
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            Map<Sku, Integer> lines = new LinkedHashMap<>();
            rows.stream().filter(row -> row.sku() != null).forEach(row -> lines.put(new Sku(row.sku()), row.quantity()));
            Row first = rows.getFirst();
            return Optional.of(new Reservation(orderId,
                    first.decision() == null ? null : Reservation.Decision.valueOf(first.decision()),
                    first.cancelled(), lines, first.reason()));
        });
    }

    @Override
    public void save(Reservation reservation) {
        jdbi.useHandle(handle -> {
            handle.createUpdate("""
                            INSERT INTO items.reservations (order_id, decision, cancelled, reason)
                            VALUES (:orderId, CAST(:decision AS items.reservation_decision), :cancelled, :reason)
                            ON CONFLICT (order_id) DO UPDATE
                            SET decision = EXCLUDED.decision, cancelled = EXCLUDED.cancelled, reason = EXCLUDED.reason,
                                updated_at = now()
                            """)
                    .bind("orderId", reservation.orderId())
                    .bind("decision", reservation.decision() == null ? null : reservation.decision().name())
                    .bind("cancelled", reservation.cancelled())
                    .bind("reason", reservation.reason())
                    .execute();
            if (!reservation.lines().isEmpty()) {
                // Lines are written once, when the stock is reserved, and never change.
                handle.createUpdate("""
                                INSERT INTO items.reservation_lines (order_id, sku, quantity)
                                SELECT :orderId, line.sku, line.quantity FROM unnest(:skus, :quantities) AS line (sku, quantity)
                                ON CONFLICT DO NOTHING
                                """)
                        .bind("orderId", reservation.orderId())
                        .bind("skus", reservation.lines().keySet().stream().map(Sku::value).toArray(String[]::new))
                        .bind("quantities", reservation.lines().values().toArray(Integer[]::new))
                        .execute();
            }
        });
    }

    private record Row(String decision, boolean cancelled, String reason, String sku, int quantity) {
    }
}
