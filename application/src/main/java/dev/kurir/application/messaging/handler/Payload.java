package dev.kurir.application.messaging.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads fields of a message body, turning every missing or mistyped field into an
 * {@link InvalidMessageException} that names it.
 */
public final class Payload {
    private final Map<String, Object> fields;
    private final String path;

    Payload(Map<String, Object> fields, String path) {
        this.fields = fields;
        this.path = path;
    }

    public String text(String field) {
        if (fields.get(field) instanceof String value && !value.isBlank()) {
            return value;
        }
        throw invalid(field, "a non-empty string");
    }

    public int integer(String field) {
        Object value = fields.get(field);
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            long number = ((Number) value).longValue();
            if (number >= Integer.MIN_VALUE && number <= Integer.MAX_VALUE) {
                return (int) number;
            }
        }
        throw invalid(field, "an integer");
    }

    /** The objects of an array field, each readable as a payload of its own. */
    public List<Payload> objects(String field) {
        if (!(fields.get(field) instanceof List<?> list)) {
            throw invalid(field, "an array");
        }
        List<Payload> objects = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> map)) {
                throw invalid(field + "[" + i + "]", "an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) map;
            objects.add(new Payload(object, path + field + "[" + i + "]."));
        }
        return objects;
    }

    private InvalidMessageException invalid(String field, String expected) {
        return new InvalidMessageException("payload field " + path + field + " must be " + expected);
    }
}
