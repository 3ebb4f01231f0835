package dev.kurir.application.messaging.port.out;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An outbox row claimed by a relay worker, ready to publish.
 *
 * @param id          the row's id in its outbox table
 * @param eventVersion the major version of the payload's schema, 1 for rows written before versions were stored
 * @param payloadJson the JSON body, exactly as stored
 * @param traceparent the W3C trace context stored with the row, or null
 */
public record OutboundMessage(long id, UUID messageId, String eventType, int eventVersion, String exchange,
                              String routingKey, String payloadJson, int retryCount, Instant createdAt,
                              String traceparent) {
    public OutboundMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(payloadJson, "payloadJson");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
