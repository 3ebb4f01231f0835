package dev.kurir.application.messaging.port.in;

import java.util.Objects;
import java.util.UUID;

/**
 * A message delivered by the broker that passed the adapter's checks: it has a message id, a JSON object body
 * and an event type this module handles.
 *
 * @param eventVersion the major version of the payload's schema: the {@code kurir-event-version} header, 1 when the
 *                     sender did not say
 * @param senderId    the sending service ({@code app_id}), or {@code "unknown"} when the sender did not say
 * @param payloadJson the body: a JSON object
 * @param traceparent the W3C trace context the message carried, or null
 */
public record IncomingDelivery(UUID messageId, String eventType, int eventVersion, String senderId, String exchange,
                               String routingKey, String payloadJson, String traceparent) {
    public IncomingDelivery {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(senderId, "senderId");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(payloadJson, "payloadJson");
    }
}
