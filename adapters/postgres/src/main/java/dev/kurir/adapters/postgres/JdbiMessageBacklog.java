package dev.kurir.adapters.postgres;

import dev.kurir.application.messaging.port.out.MessageBacklog;
import java.time.Duration;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The backlog of one module's outbox and inbox: one aggregate query per table, over the partial indexes on
 * PENDING and FAILED rows, so its cost follows the backlog and not the rows kept until retention.
 */
public final class JdbiMessageBacklog implements MessageBacklog {
    // A scrape must answer even when a table is locked or huge.
    private static final int QUERY_TIMEOUT_SECONDS = 2;

    private final Jdbi jdbi;
    private final ModuleSchema schema;

    public JdbiMessageBacklog(Jdbi jdbi, ModuleSchema schema) {
        this.jdbi = jdbi;
        this.schema = schema;
    }

    @Override
    public Snapshot read() {
        return jdbi.withHandle(handle -> new Snapshot(rows(handle, "outbox"), rows(handle, "inbox")));
    }

    private Rows rows(Handle handle, String table) {
        // The age is computed by the database, against the clock that stamped created_at.
        return handle.createQuery("""
                        SELECT pending.n AS pending, pending.oldest_age_ms, failed.n AS failed
                        FROM (SELECT count(*) AS n,
                                     COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)) * 1000, 0) AS oldest_age_ms
                              FROM <table> WHERE status = 'PENDING') AS pending,
                             (SELECT count(*) AS n FROM <table> WHERE status = 'FAILED') AS failed
                        """)
                .define("table", schema.schemaName() + "." + table)
                .setQueryTimeout(QUERY_TIMEOUT_SECONDS)
                .map((rs, ctx) -> new Rows(rs.getLong("pending"),
                        Duration.ofMillis(Math.max(0, Math.round(rs.getDouble("oldest_age_ms")))),
                        rs.getLong("failed")))
                .one();
    }
}
