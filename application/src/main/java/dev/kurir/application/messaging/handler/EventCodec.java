package dev.kurir.application.messaging.handler;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.kurir.application.contracts.EventType;
import dev.kurir.application.contracts.IntegrationEvent;
import dev.kurir.application.shared.port.out.OutgoingMessage;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The one wire form of the contract records: snake_case fields, decimals as strings. Reading is tolerant of fields it
 * does not know (a newer minor form of the same version) and strict about the ones it does: a missing field, a
 * wrong type or a value the record refuses makes the message invalid, with the field named.
 */
public final class EventCodec {
    private static final ObjectMapper JSON = mapper();
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() { };

    private EventCodec() {
    }

    private static ObjectMapper mapper() {
        JsonMapper mapper = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                .build();
        mapper.configOverride(BigDecimal.class).setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING));
        // The schemas say integer and string: a reader that quietly turned "2" into 2 would hide a broken sender.
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        for (CoercionInputShape scalar : new CoercionInputShape[] {
                CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(scalar, CoercionAction.Fail);
        }
        return mapper;
    }

    /** The message for the outbox: a new message id, the type's name as event type and routing key. */
    public static <E extends IntegrationEvent> OutgoingMessage outgoing(EventType<E> type, E event, String exchange) {
        return new OutgoingMessage(UUID.randomUUID(), type.name(), type.version(), exchange, type.name(),
                encode(event));
    }

    /** The event as JSON-shaped data (strings, numbers, lists, maps), fields in the record's order. */
    public static Map<String, Object> encode(IntegrationEvent event) {
        return JSON.convertValue(event, OBJECT);
    }

    /**
     * Binds a payload to its record.
     *
     * @throws InvalidMessageException naming the event and the field, if the payload does not fit the record
     */
    public static <E extends IntegrationEvent> E decode(EventType<E> type, Map<String, Object> payload) {
        try {
            return JSON.convertValue(payload, type.payload());
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException("invalid " + type + " payload: " + reason(e));
        }
    }

    private static String reason(IllegalArgumentException e) {
        if (e.getCause() instanceof ValueInstantiationException refused && refused.getCause() != null) {
            return refused.getCause().getMessage(); // the record's own check, which names the field
        }
        if (e.getCause() instanceof JsonMappingException mapping) {
            String path = mapping.getPath().stream()
                    .map(step -> step.getFieldName() != null ? "." + step.getFieldName() : "[" + step.getIndex() + "]")
                    .collect(Collectors.joining()).replaceFirst("^\\.", "");
            String message = mapping.getOriginalMessage().lines().findFirst().orElse("");
            if (message.startsWith("Missing creator property")) {
                return path + " is missing";
            }
            // Jackson's hints at its own settings ("(but might if coercion ... was enabled)") mean nothing to a sender.
            return (path.isEmpty() ? "" : path + ": ") + message.replaceFirst(" \\(but might if .*$", "");
        }
        return e.getMessage();
    }
}
