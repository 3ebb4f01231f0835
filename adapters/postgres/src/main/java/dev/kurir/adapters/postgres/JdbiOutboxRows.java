package dev.kurir.adapters.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import dev.kurir.application.messaging.port.out.OutboxRows;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import java.time.OffsetDateTime;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The outbox table of one module's schema, written in the business transaction open on this thread. */
public final class JdbiOutboxRows implements OutboxRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final ModuleSchema schema;

    public JdbiOutboxRows(Jdbi jdbi, ModuleSchema schema) {
        this.jdbi = jdbi;
        this.schema = schema;
    }

    @Override
    public OutboundMessage insert(OutgoingMessage message, String traceparent, String leaseOwner) {
        String payload = toJson(message);
        return jdbi.withHandle(handle -> {
            if (!handle.isInTransaction()) {
                throw new IllegalStateException("the outbox must be written inside the business transaction");
            }
            return insert(handle, message, payload, traceparent, leaseOwner);
        });
    }

    private OutboundMessage insert(Handle handle, OutgoingMessage message, String payload, String traceparent,
                                   String leaseOwner) {
        return handle.createQuery("""
                        INSERT INTO <schema>.outbox
                            (message_id, event_type, event_version, payload, exchange, routing_key, traceparent,
                             locked_by, locked_at)
                        VALUES (:messageId, :eventType, :eventVersion, CAST(:payload AS jsonb), :exchange, :routingKey,
                                :traceparent, :leaseOwner,
                                CASE WHEN CAST(:leaseOwner AS text) IS NULL THEN NULL ELSE now() END)
                        RETURNING id, created_at
                        """)
                .define("schema", schema.schemaName())
                .bind("messageId", message.messageId())
                .bind("eventType", message.eventType())
                .bind("eventVersion", message.eventVersion())
                .bind("payload", payload)
                .bind("exchange", message.exchange())
                .bind("routingKey", message.routingKey())
                .bind("traceparent", traceparent)
                .bind("leaseOwner", leaseOwner)
                .map((rs, ctx) -> new OutboundMessage(rs.getLong("id"), message.messageId(), message.eventType(),
                        message.eventVersion(), message.exchange(), message.routingKey(), payload, 0,
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(), traceparent))
                .one();
    }

    private static String toJson(OutgoingMessage message) {
        try {
            return JSON.writeValueAsString(message.payload());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("payload of " + message.eventType() + " is not JSON-shaped", e);
        }
    }
}
