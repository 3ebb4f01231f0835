package dev.kurir.adapters.postgres;

import dev.kurir.application.messaging.port.out.RetentionStore;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Jdbi;

/**
 * Deletes a module's settled (and discarded) outbox and inbox rows (and, for orders, its idempotency keys) past the
 * retention.
 */
public final class JdbiRetentionStore implements RetentionStore {
    /** The schema that also keeps the idempotency keys of placed orders (JdbiIdempotencyKeys). */
    private static final String IDEMPOTENCY_KEYS_SCHEMA = "orders";

    private final Jdbi jdbi;
    private final ModuleSchema schema;

    public JdbiRetentionStore(Jdbi jdbi, ModuleSchema schema) {
        this.jdbi = jdbi;
        this.schema = schema;
    }

    @Override
    public int purgeSettledBefore(Instant cutoff, int limit) {
        // A DISCARDED row is settled by an operator: kept as long as a settled row, counted from the discard.
        int deleted = purge("outbox", "SENT", cutoff, limit) + purge("inbox", "PROCESSED", cutoff, limit)
                + purge("outbox", "DISCARDED", cutoff, limit) + purge("inbox", "DISCARDED", cutoff, limit);
        if (IDEMPOTENCY_KEYS_SCHEMA.equals(schema.schemaName())) {
            deleted += jdbi.withHandle(handle -> handle.createUpdate("""
                            DELETE FROM orders.idempotency_keys WHERE idempotency_key IN (
                                SELECT idempotency_key FROM orders.idempotency_keys WHERE created_at < :cutoff
                                ORDER BY created_at LIMIT :limit FOR UPDATE SKIP LOCKED)""")
                    .bind("cutoff", cutoff.atOffset(ZoneOffset.UTC))
                    .bind("limit", limit)
                    .execute());
        }
        return deleted;
    }

    private int purge(String table, String settledStatus, Instant cutoff, int limit) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        DELETE FROM <schema>.<table> WHERE id IN (
                            SELECT id FROM <schema>.<table>
                            WHERE status = CAST(:status AS <schema>.<table>_status) AND updated_at < :cutoff
                            ORDER BY updated_at, id LIMIT :limit FOR UPDATE SKIP LOCKED)""")
                .define("schema", schema.schemaName())
                .define("table", table)
                .bind("status", settledStatus)
                .bind("cutoff", cutoff.atOffset(ZoneOffset.UTC))
                .bind("limit", limit)
                .execute());
    }
}
