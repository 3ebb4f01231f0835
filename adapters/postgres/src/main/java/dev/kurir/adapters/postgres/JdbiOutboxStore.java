package dev.kurir.adapters.postgres;

import dev.kurir.application.messaging.port.out.OutboundMessage;
import dev.kurir.application.messaging.port.out.OutboxStore;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** One module's outbox table, as the relay uses it. */
public final class JdbiOutboxStore implements OutboxStore {
    private static final String COLUMNS =
            "t.id, t.message_id, t.event_type, t.event_version, t.exchange, t.routing_key, t.payload::text AS payload,"
                    + " t.retry_count, t.created_at, t.traceparent";

    private final LeasedRows rows;

    public JdbiOutboxStore(Jdbi jdbi, ModuleSchema schema) {
        this.rows = new LeasedRows(jdbi, schema.schemaName() + ".outbox");
    }

    @Override
    public List<OutboundMessage> claim(String workerId, int limit, Duration lease) {
        return rows.claim(workerId, limit, lease, COLUMNS, (rs, ctx) -> new OutboundMessage(
                rs.getLong("id"), rs.getObject("message_id", UUID.class), rs.getString("event_type"),
                rs.getInt("event_version"), rs.getString("exchange"), rs.getString("routing_key"),
                rs.getString("payload"), rs.getInt("retry_count"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getString("traceparent")), OutboundMessage::id);
    }

    @Override
    public void markSent(String workerId, List<Long> ids) {
        rows.settle(workerId, ids, "SENT");
    }

    @Override
    public void scheduleRetry(String workerId, long id, String error, Instant nextAttemptAt) {
        rows.scheduleRetry(workerId, id, error, nextAttemptAt);
    }

    @Override
    public void postpone(String workerId, long id, String error, Instant nextAttemptAt) {
        rows.postpone(workerId, id, error, nextAttemptAt);
    }

    @Override
    public void markFailed(String workerId, long id, String error) {
        rows.markFailed(workerId, id, error);
    }

    @Override
    public void release(String workerId, List<Long> ids) {
        rows.release(workerId, ids);
    }
}
