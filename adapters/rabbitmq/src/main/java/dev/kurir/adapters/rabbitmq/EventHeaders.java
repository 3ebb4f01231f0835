package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.AMQP;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The headers that describe an event beyond the AMQP properties: its payload's major version, and the CloudEvents
 * attributes as the CloudEvents AMQP binding maps them in binary mode ({@code cloudEvents:} application properties,
 * here AMQP 0-9-1 headers; {@code datacontenttype} is the {@code content_type} property, the body is the data).
 */
public final class EventHeaders {
    /** The payload's major version: an integer from 1; a message without it is read as version 1. */
    public static final String EVENT_VERSION = "kurir-event-version";
    public static final String CE_SPECVERSION = "cloudEvents:specversion";
    public static final String CE_ID = "cloudEvents:id";
    public static final String CE_TYPE = "cloudEvents:type";
    public static final String CE_SOURCE = "cloudEvents:source";
    public static final String CE_TIME = "cloudEvents:time";

    private EventHeaders() {
    }

    /** Mutable: the tracing agent adds {@code traceparent} to it when the message is published. */
    static Map<String, Object> of(OutboundMessage message, String appId) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(EVENT_VERSION, message.eventVersion());
        headers.put(CE_SPECVERSION, "1.0");
        headers.put(CE_ID, message.messageId().toString());
        headers.put(CE_TYPE, message.eventType());
        headers.put(CE_SOURCE, appId);
        // When the event happened: the outbox row was written in the business transaction. RFC 3339, in UTC.
        headers.put(CE_TIME, message.createdAt().toString());
        return headers;
    }

    /**
     * The major version a delivery names: 1 when it names none (a sender from before versions); empty when the
     * header is there but holds no positive integer.
     */
    static Optional<Integer> version(AMQP.BasicProperties properties) {
        Object value = properties.getHeaders() == null ? null : properties.getHeaders().get(EVENT_VERSION);
        if (value == null) {
            return Optional.of(1);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long number = ((Number) value).longValue();
            return number >= 1 && number <= Integer.MAX_VALUE ? Optional.of((int) number) : Optional.empty();
        }
        String text = DeliveryCheck.header(properties, EVENT_VERSION).strip();
        return text.matches("[1-9][0-9]{0,8}") ? Optional.of(Integer.parseInt(text)) : Optional.empty();
    }
}
