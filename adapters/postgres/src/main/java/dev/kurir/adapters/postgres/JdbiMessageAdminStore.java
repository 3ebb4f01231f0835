package dev.kurir.adapters.postgres;

import dev.kurir.application.messaging.port.out.MessageAdminStore;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** An operator's access to one outbox or inbox table. */
public final class JdbiMessageAdminStore implements MessageAdminStore {
    private final Jdbi jdbi;
    private final String table;

    private JdbiMessageAdminStore(Jdbi jdbi, String table) {
        this.jdbi = jdbi;
        this.table = table;
    }

    public static JdbiMessageAdminStore outbox(Jdbi jdbi, ModuleSchema schema) {
        return new JdbiMessageAdminStore(jdbi, schema.schemaName() + ".outbox");
    }

    public static JdbiMessageAdminStore inbox(Jdbi jdbi, ModuleSchema schema) {
        return new JdbiMessageAdminStore(jdbi, schema.schemaName() + ".inbox");
    }

    @Override
    public List<Row> list(Optional<String> status, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT id, message_id, event_type, status::text AS status, retry_count, error, locked_by,
                               created_at, updated_at, next_attempt_at
                        FROM <table>
                        WHERE CAST(:status AS text) IS NULL OR status::text = :status
                        ORDER BY id DESC LIMIT :limit""")
                .define("table", table)
                .bind("status", status.orElse(null))
                .bind("limit", limit)
                .map((rs, ctx) -> new Row(rs.getLong("id"), rs.getObject("message_id", UUID.class),
                        rs.getString("event_type"), rs.getString("status"), rs.getInt("retry_count"),
                        rs.getString("error"), rs.getString("locked_by"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("next_attempt_at", OffsetDateTime.class).toInstant()))
                .list());
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
