package dev.kurir.adapters.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.in.UnstorableDeliveryException;
import dev.kurir.application.messaging.port.out.InboxStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** One module's inbox table: deliveries recorded once per message id, then leased to inbox workers. */
public final class JdbiInboxStore implements InboxStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };
    private static final String COLUMNS =
            "t.id, t.message_id, t.event_type, t.event_version, t.sender_id, t.payload::text AS payload,"
                    + " t.retry_count, t.created_at, t.traceparent";

    private final Jdbi jdbi;
    private final ModuleSchema schema;
    private final LeasedRows rows;

    public JdbiInboxStore(Jdbi jdbi, ModuleSchema schema) {
        this.jdbi = jdbi;
        this.schema = schema;
        this.rows = new LeasedRows(jdbi, schema.schemaName() + ".inbox");
    }

    @Override
    public boolean record(IncomingDelivery delivery) {
        return insert(delivery, "PENDING", 0, null, null).isPresent();
    }

    @Override
    public Optional<InboxMessage> insertProcessed(IncomingDelivery delivery) {
        return insert(delivery, "PROCESSED", 0, null, null).map(row -> new InboxMessage(row.id(), delivery.messageId(),
                delivery.eventType(), delivery.eventVersion(), delivery.senderId(), parse(delivery.payloadJson()), 0,
                row.createdAt(), delivery.traceparent()));
    }

    @Override
    public boolean recordFailedAttempt(IncomingDelivery delivery, String error, Optional<Instant> nextAttemptAt) {
        // As the workers count attempts: a retry scheduled counts one, giving up does not.
        return nextAttemptAt.isPresent()
                ? insert(delivery, "PENDING", 1, error, nextAttemptAt.get().atOffset(ZoneOffset.UTC)).isPresent()
                : insert(delivery, "FAILED", 0, error, null).isPresent();
    }

    /** The row's id and creation time. */
    private record Inserted(long id, Instant createdAt) {
    }

    /**
     * Inserts the delivery unless its message id is already there (then empty); {@code nextAttemptAt} null means
     * due now. Commits on its own, or with the caller's transaction when one is open on this thread.
     */
    private Optional<Inserted> insert(IncomingDelivery delivery, String status, int retryCount, String error,
                                      OffsetDateTime nextAttemptAt) {
        try {
            return tryInsert(delivery, status, retryCount, error, nextAttemptAt);
        } catch (RuntimeException e) {
            // E.g. an escaped NUL character in the payload (jsonb refuses it), or a NUL byte in app_id or a header
            // (text refuses it): the same insert would fail on every redelivery.
            Optional<SQLException> refused = SqlFailures.refusedData(e);
            if (refused.isPresent()) {
                throw new UnstorableDeliveryException(
                        "the inbox cannot store it: " + SqlFailures.describe(refused.get()), e);
            }
            throw SqlFailures.unavailableOr(e);
        }
    }

    private Optional<Inserted> tryInsert(IncomingDelivery delivery, String status, int retryCount, String error,
                                         OffsetDateTime nextAttemptAt) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        INSERT INTO <schema>.inbox AS t
                            (message_id, sender_id, event_type, event_version, payload, exchange, routing_key,
                             traceparent, status, retry_count, error, next_attempt_at)
                        VALUES (:messageId, :senderId, :eventType, :eventVersion, CAST(:payload AS jsonb), :exchange,
                                :routingKey, :traceparent, CAST(:status AS <schema>.inbox_status), :retryCount, :error,
                                COALESCE(:nextAttemptAt, now()))
                        ON CONFLICT (message_id) DO NOTHING
                        RETURNING t.id, t.created_at
                        """)
                .define("schema", schema.schemaName())
                .bind("messageId", delivery.messageId())
                .bind("senderId", delivery.senderId())
                .bind("eventType", delivery.eventType())
                .bind("eventVersion", delivery.eventVersion())
                .bind("payload", delivery.payloadJson())
                .bind("exchange", delivery.exchange())
                .bind("routingKey", delivery.routingKey())
                .bind("traceparent", delivery.traceparent())
                .bind("status", status)
                .bind("retryCount", retryCount)
                .bind("error", LeasedRows.errorText(error))
                .bind("nextAttemptAt", nextAttemptAt)
                .map((rs, ctx) -> new Inserted(rs.getLong("id"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .findOne());
    }

    @Override
    public List<InboxMessage> claim(String workerId, int limit, Duration lease) {
        return rows.claim(workerId, limit, lease, COLUMNS, (rs, ctx) -> new InboxMessage(
                rs.getLong("id"), rs.getObject("message_id", UUID.class), rs.getString("event_type"),
                rs.getInt("event_version"), rs.getString("sender_id"), parse(rs.getString("payload")),
                rs.getInt("retry_count"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getString("traceparent")),
                InboxMessage::id);
    }

    @Override
    public boolean markProcessed(String workerId, long id) {
        return rows.settle(workerId, List.of(id), "PROCESSED") == 1;
    }

    @Override
    public void scheduleRetry(String workerId, long id, String error, Instant nextAttemptAt) {
        rows.scheduleRetry(workerId, id, error, nextAttemptAt);
    }

    @Override
    public void markFailed(String workerId, long id, String error) {
        rows.markFailed(workerId, id, error);
    }

    @Override
    public void release(String workerId, List<Long> ids) {
        rows.release(workerId, ids);
    }

    private static Map<String, Object> parse(String payload) {
        try {
            return JSON.readValue(payload, OBJECT);
        } catch (JsonProcessingException e) {
            // jsonb only ever holds valid JSON, and the consumer records JSON objects only.
            throw new IllegalStateException("inbox payload is not a JSON object", e);
        }
    }
}
