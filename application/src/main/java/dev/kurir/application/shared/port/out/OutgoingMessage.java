package dev.kurir.application.shared.port.out;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * An integration event on its way out of a module: what the relay will publish, and where.
 *
 * @param eventVersion the major version of the payload's schema, published as {@code kurir-event-version}
 * @param payload      JSON-shaped data: strings, numbers, booleans, lists and maps of those, in wire order
 */
public record OutgoingMessage(UUID messageId, String eventType, int eventVersion, String exchange, String routingKey,
                              Map<String, Object> payload) {
    public OutgoingMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(payload, "payload");
        if (eventVersion < 1) {
            throw new IllegalArgumentException("eventVersion must be at least 1, was " + eventVersion);
        }
    }
}
