package dev.kurir.adapters.rabbitmq;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.LongString;
import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.port.in.InboxReceiver;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** Decides whether a delivery may enter the inbox, and says why not when it may not. */
final class DeliveryCheck {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_QUOTED = 80;

    private DeliveryCheck() {
    }

    /** Either a delivery for the inbox or the reason it is dead-lettered. */
    record Verdict(IncomingDelivery delivery, String rejection) {
        static Verdict accept(IncomingDelivery delivery) {
            return new Verdict(delivery, null);
        }

        static Verdict reject(String rejection) {
            return new Verdict(null, rejection);
        }
    }

    static Verdict check(Envelope envelope, AMQP.BasicProperties properties, byte[] body, InboxReceiver receiver,
                         MessagingTracing tracing) {
        String id = properties.getMessageId();
        if (id == null || id.isBlank()) {
            return Verdict.reject("missing message_id");
        }
        UUID messageId = uuid(id);
        if (messageId == null) {
            return Verdict.reject("message_id is not a UUID: '" + quote(id) + "'");
        }
        String payload;
        try {
            payload = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            return Verdict.reject("body is not UTF-8 text");
        }
        String notObject = notAJsonObject(payload);
        if (notObject != null) {
            return Verdict.reject(notObject);
        }
        // Our publisher always sets the type; the routing key names the event too, for senders that do not.
        String type = properties.getType() == null || properties.getType().isBlank()
                ? envelope.getRoutingKey() : properties.getType();
        if (!receiver.handles(type)) {
            return Verdict.reject("no handler for event type '" + quote(type) + "'");
        }
        Optional<Integer> version = EventHeaders.version(properties);
        if (version.isEmpty()) {
            return Verdict.reject(EventHeaders.EVENT_VERSION + " is not a positive integer: '"
                    + quote(header(properties, EventHeaders.EVENT_VERSION)) + "'");
        }
        if (!receiver.reads(type, version.get())) {
            return Verdict.reject(InboxReceiver.unsupportedVersion(type, version.get()));
        }
        String sender = properties.getAppId() == null || properties.getAppId().isBlank()
                ? "unknown" : properties.getAppId();
        // The tracing agent's consumer span, when one is current, is the delivery's own context: the inbox keeps it.
        String current = tracing.currentTraceparent();
        return Verdict.accept(new IncomingDelivery(messageId, type, version.get(), sender, envelope.getExchange(),
                envelope.getRoutingKey(), payload, current != null ? current : header(properties, "traceparent")));
    }

    private static UUID uuid(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            // fromString also accepts forms like "1-2-3-4-5"; only the canonical one names a message.
            return uuid.toString().equals(id.toLowerCase(Locale.ROOT)) ? uuid : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String notAJsonObject(String payload) {
        JsonNode node;
        try {
            node = JSON.readTree(payload);
        } catch (JacksonException e) {
            return "body is not JSON: " + quote(String.valueOf(e.getOriginalMessage()));
        }
        if (node == null || node.isMissingNode()) {
            return "body is empty";
        }
        return node.isObject() ? null : "body is JSON but not an object: " + node.getNodeType().name().toLowerCase(
                Locale.ROOT);
    }

    static String header(AMQP.BasicProperties properties, String name) {
        Object value = properties.getHeaders() == null ? null : properties.getHeaders().get(name);
        return switch (value) {
            case null -> null;
            case LongString text -> text.toString();
            case byte[] bytes -> new String(bytes, StandardCharsets.UTF_8);
            default -> value.toString();
        };
    }

    private static String quote(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_QUOTED ? oneLine : oneLine.substring(0, MAX_QUOTED) + "...";
    }
}
