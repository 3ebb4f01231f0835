package dev.kurir.application.contracts;

import java.util.List;
import java.util.Objects;

/** Checks of the records' compact constructors; messages name the wire field, as a reader of the message sees it. */
final class Fields {
    private Fields() {
    }

    static String text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string");
        }
        return value;
    }

    static <T> List<T> nonEmpty(List<T> values, String field) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException(field + " must be a non-empty array");
        }
        // Not contains(null): immutable lists throw on that question.
        if (values.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException(field + " must not hold null");
        }
        return List.copyOf(values);
    }
}
