package dev.kurir.application.messaging.handler;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * An inbox row being processed.
 *
 * @param eventVersion the major version of the payload's schema ({@code kurir-event-version}; 1 for rows stored
 *                     before versions were recorded)
 * @param payload      the message body as JSON-shaped data (strings, numbers, booleans, lists, maps)
 */
public record InboxMessage(long id, UUID messageId, String eventType, int eventVersion, String senderId,
                           Map<String, Object> payload, int retryCount, Instant createdAt, String traceparent) {
    public InboxMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(payload, "payload");
    }
}
