package dev.kurir.adapters.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import dev.kurir.application.shared.port.out.Outbox;
import dev.kurir.observability.tracing.TraceContexts;
import org.jdbi.v3.core.Jdbi;

/** The outbox table of one module's schema. Each row keeps the trace context it was written in. */
public final class JdbiOutbox implements Outbox {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final ModuleSchema schema;
    private final Runnable afterCommit;

    /** @param afterCommit runs once the appending transaction has committed: it wakes the relay at once */
    public JdbiOutbox(Jdbi jdbi, ModuleSchema schema, Runnable afterCommit) {
        this.jdbi = jdbi;
        this.schema = schema;
        this.afterCommit = afterCommit;
    }

    @Override
    public void append(OutgoingMessage message) {
        String payload = toJson(message);
        jdbi.useHandle(handle -> {
            if (!handle.isInTransaction()) {
                throw new IllegalStateException("the outbox must be written inside the business transaction");
            }
            handle.createUpdate("""
                            INSERT INTO <schema>.outbox
                                (message_id, event_type, payload, exchange, routing_key, traceparent)
                            VALUES (:messageId, :eventType, CAST(:payload AS jsonb), :exchange, :routingKey,
                                    :traceparent)
                            """)
                    .define("schema", schema.schemaName())
                    .bind("messageId", message.messageId())
                    .bind("eventType", message.eventType())
                    .bind("payload", payload)
                    .bind("exchange", message.exchange())
                    .bind("routingKey", message.routingKey())
                    .bind("traceparent", TraceContexts.current())
                    .execute();
            handle.afterCommit(afterCommit);
        });
    }

    private static String toJson(OutgoingMessage message) {
        try {
            return JSON.writeValueAsString(message.payload());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload of " + message.eventType() + " is not JSON-shaped", e);
        }
    }
}
