package dev.kurir.adapters.postgres;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The lease protocol shared by the outbox and the inbox tables: claim due PENDING rows with
 * {@code FOR UPDATE SKIP LOCKED}, hold them by {@code locked_by}/{@code locked_at} (not by a row lock, so no
 * lock is held while the broker or a handler works), and settle them only while the lease is still ours.
 */
final class LeasedRows {
    interface RowMapper<T> {
        T map(ResultSet rs, StatementContext ctx) throws SQLException;
    }

    private static final int MAX_ERROR_LENGTH = 2000;

    private final Jdbi jdbi;
    private final String table;

    /** @param table a schema-qualified table from {@link ModuleSchema}, never user input */
    LeasedRows(Jdbi jdbi, String table) {
        this.jdbi = jdbi;
        this.table = table;
    }

    /**
     * Leases up to {@code limit} due rows, the earliest due first. The order is that of the partial index
     * {@code <table>_pending_due (next_attempt_at, id) WHERE status = 'PENDING'}, so the scan reads only PENDING rows
     * and stops after {@code limit} of them. ({@code ORDER BY id} let the planner walk the primary key past every SENT
     * or PROCESSED row still kept: a backlog of 100,000 rows then drained in quadratic time.)
     */
    <T> List<T> claim(String workerId, int limit, Duration lease, String columns, RowMapper<T> mapper,
                      Function<T, Long> idOf) {
        List<T> rows = jdbi.inTransaction(handle -> handle.createQuery("""
                        WITH due AS (
                            SELECT id FROM <table>
                            WHERE status = 'PENDING' AND next_attempt_at <= now()
                              AND (locked_at IS NULL OR locked_at < now() - :leaseMillis * interval '1 millisecond')
                            ORDER BY next_attempt_at, id
                            LIMIT :limit
                            FOR UPDATE SKIP LOCKED)
                        UPDATE <table> AS t SET locked_by = :workerId, locked_at = now(), updated_at = now()
                        FROM due WHERE t.id = due.id
                        RETURNING <columns>
                        """)
                .define("table", table)
                .define("columns", columns)
                .bind("workerId", workerId)
                .bind("limit", limit)
                .bind("leaseMillis", lease.toMillis())
                .map(mapper::map)
                .list());
        return rows.stream().sorted(Comparator.comparing(idOf)).toList();
    }

    /** Sets the final status of rows still leased to {@code workerId}; returns how many it set. */
    int settle(String workerId, List<Long> ids, String status) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        UPDATE <table>
                        SET status = CAST(:status AS <statusType>), locked_by = NULL, locked_at = NULL,
                            updated_at = now()
                        WHERE id = ANY(:ids) AND locked_by = :workerId AND status = 'PENDING'
                        """)
                .define("table", table)
                .define("statusType", statusType())
                .bind("status", status)
                .bind("ids", ids.toArray(Long[]::new))
                .bind("workerId", workerId)
                .execute());
    }

    void scheduleRetry(String workerId, long id, String error, Instant nextAttemptAt) {
        reschedule(workerId, id, error, nextAttemptAt, 1);
    }

    /** As {@link #scheduleRetry}, but no attempt is counted: {@code retry_count} stays as it is. */
    void postpone(String workerId, long id, String error, Instant nextAttemptAt) {
        reschedule(workerId, id, error, nextAttemptAt, 0);
    }

    private void reschedule(String workerId, long id, String error, Instant nextAttemptAt, int attempts) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE <table>
                        SET retry_count = retry_count + :attempts, error = :error, next_attempt_at = :nextAttemptAt,
                            locked_by = NULL, locked_at = NULL, updated_at = now()
                        WHERE id = :id AND locked_by = :workerId AND status = 'PENDING'
                        """)
                .define("table", table)
                .bind("attempts", attempts)
                .bind("error", errorText(error))
                .bind("nextAttemptAt", nextAttemptAt.atOffset(ZoneOffset.UTC))
                .bind("id", id)
                .bind("workerId", workerId)
                .execute());
    }

    void markFailed(String workerId, long id, String error) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE <table>
                        SET status = 'FAILED', error = :error, locked_by = NULL, locked_at = NULL, updated_at = now()
                        WHERE id = :id AND locked_by = :workerId AND status = 'PENDING'
                        """)
                .define("table", table)
                .bind("error", errorText(error))
                .bind("id", id)
                .bind("workerId", workerId)
                .execute());
    }

    void release(String workerId, List<Long> ids) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE <table> SET locked_by = NULL, locked_at = NULL, updated_at = now()
                        WHERE id = ANY(:ids) AND locked_by = :workerId AND status = 'PENDING'
                        """)
                .define("table", table)
                .bind("ids", ids.toArray(Long[]::new))
                .bind("workerId", workerId)
                .execute());
    }

    /**
     * An error as a text column takes it: it is for operators, so a runaway stack of causes must not bloat the row,
     * and a NUL character quoted from a message (PostgreSQL refuses it in text) must not keep the row from being
     * written.
     */
    static String errorText(String error) {
        if (error == null) {
            return null;
        }
        String storable = error.replace("\0", "\\0");
        return storable.length() <= MAX_ERROR_LENGTH ? storable : storable.substring(0, MAX_ERROR_LENGTH) + "…";
    }

    private String statusType() {
        // outbox -> outbox_status, inbox -> inbox_status, in the same schema.
        return table + "_status";
    }
}
