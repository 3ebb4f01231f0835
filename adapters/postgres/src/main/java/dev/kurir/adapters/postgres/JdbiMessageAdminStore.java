package dev.kurir.adapters.postgres;

import dev.kurir.application.messaging.port.out.MessageAdminStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;

/** An operator's access to one outbox or inbox table. */
public final class JdbiMessageAdminStore implements MessageAdminStore {
    private static final String ROW_COLUMNS = """
            id, message_id, event_type, status::text AS status, retry_count, error, locked_by, created_at, updated_at,
            next_attempt_at""";
    // Streaming FAILED rows for grouping: fetched in pages, so a large backlog is never held at once.
    private static final int FETCH_SIZE = 500;

    private final Jdbi jdbi;
    private final String table;
    private final boolean inbox;

    private JdbiMessageAdminStore(Jdbi jdbi, String table, boolean inbox) {
        this.jdbi = jdbi;
        this.table = table;
        this.inbox = inbox;
    }

    public static JdbiMessageAdminStore outbox(Jdbi jdbi, ModuleSchema schema) {
        return new JdbiMessageAdminStore(jdbi, schema.schemaName() + ".outbox", false);
    }

    public static JdbiMessageAdminStore inbox(Jdbi jdbi, ModuleSchema schema) {
        return new JdbiMessageAdminStore(jdbi, schema.schemaName() + ".inbox", true);
    }

    @Override
    public List<Row> list(Optional<String> status, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + ROW_COLUMNS + " FROM <table>"
                        + " WHERE CAST(:status AS text) IS NULL OR status::text = :status"
                        + " ORDER BY id DESC LIMIT :limit")
                .define("table", table)
                .bind("status", status.orElse(null))
                .bind("limit", limit)
                .map((rs, ctx) -> row(rs))
                .list());
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getLong("id"), rs.getObject("message_id", UUID.class),
                rs.getString("event_type"), rs.getString("status"), rs.getInt("retry_count"),
                rs.getString("error"), rs.getString("locked_by"), instant(rs, "created_at"),
                instant(rs, "updated_at"), instant(rs, "next_attempt_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    @Override
    public Optional<RowDetail> find(long id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + ROW_COLUMNS + ", payload::text AS payload, "
                        + "exchange, routing_key, traceparent, discarded_by, discarded_at, discarded_reason, "
                        + (inbox ? "sender_id" : "NULL AS sender_id") + " FROM <table> WHERE id = :id")
                .define("table", table)
                .bind("id", id)
                .map((rs, ctx) -> new RowDetail(row(rs), rs.getString("payload"), rs.getString("exchange"),
                        rs.getString("routing_key"), Optional.ofNullable(rs.getString("sender_id")),
                        Optional.ofNullable(rs.getString("traceparent")),
                        discard(rs)))
                .findOne());
    }

    private static Optional<Discard> discard(ResultSet rs) throws SQLException {
        String by = rs.getString("discarded_by");
        return by == null ? Optional.empty()
                : Optional.of(new Discard(by, instant(rs, "discarded_at"), rs.getString("discarded_reason")));
    }

    @Override
    public void forEachFailed(Consumer<Failure> action) {
        // A cursor needs a transaction in PostgreSQL's driver; without one the fetch size is ignored.
        jdbi.useTransaction(handle -> handle.createQuery(
                        "SELECT id, error, retry_count FROM <table> WHERE status = 'FAILED' ORDER BY id")
                .define("table", table)
                .setFetchSize(FETCH_SIZE)
                .map((rs, ctx) -> new Failure(rs.getLong("id"), rs.getString("error"), rs.getInt("retry_count")))
                .forEach(action));
    }

    @Override
    public int retry(List<Long> ids) {
        return jdbi.withHandle(handle -> handle.createUpdate(RETRY + " AND id = ANY(:ids)")
                .define("table", table)
                .bind("ids", ids.toArray(Long[]::new))
                .execute());
    }

    @Override
    public boolean discard(long id, String by, String reason) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        UPDATE <table>
                        SET status = 'DISCARDED', discarded_by = :by, discarded_reason = :reason, discarded_at = now(),
                            locked_by = NULL, locked_at = NULL, updated_at = now()
                        WHERE id = :id AND status = 'FAILED'""")
                .define("table", table)
                .bind("id", id)
                .bind("by", by)
                .bind("reason", reason)
                .execute() == 1);
    }

    @Override
    public Optional<Instant> oldestPendingCreatedAt() {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT min(created_at) AS oldest FROM <table> WHERE status = 'PENDING'")
                .define("table", table)
                .map((rs, ctx) -> Optional.ofNullable(instant(rs, "oldest")))
                .one());
    }

    @Override
    public Map<String, Long> countByStatus() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbi.useHandle(handle -> handle.createQuery(
                        "SELECT status::text AS status, count(*) AS n FROM <table> GROUP BY status ORDER BY status")
                .define("table", table)
                .map((rs, ctx) -> Map.entry(rs.getString("status"), rs.getLong("n")))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
        return counts;
    }

    @Override
    public boolean retry(long id) {
        return jdbi.withHandle(handle -> handle.createUpdate(RETRY + " AND id = :id")
                .define("table", table)
                .bind("id", id)
                .execute() == 1);
    }

    @Override
    public int retryAllFailed() {
        return jdbi.withHandle(handle -> handle.createUpdate(RETRY).define("table", table).execute());
    }

    /** Back to PENDING and due now; the last error stays until the next attempt overwrites it. */
    private static final String RETRY = """
            UPDATE <table>
            SET status = 'PENDING', retry_count = 0, next_attempt_at = now(), locked_by = NULL, locked_at = NULL,
                updated_at = now()
            WHERE status = 'FAILED'""";
}
