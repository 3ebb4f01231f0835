package dev.kurir.application.contracts;

import java.util.Objects;

/**
 * An event as it is named on the wire: the AMQP {@code type} and routing key ({@code order.created}), the major
 * version of its payload schema (the {@code kurir-event-version} header) and the record it binds to. Adding an
 * optional field keeps the version (readers ignore what they do not know); removing, renaming or retyping a field
 * makes a new major version, which readers of the old one refuse.
 */
public record EventType<E extends IntegrationEvent>(String name, int version, Class<E> payload) {
    public EventType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payload, "payload");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, was " + version);
        }
    }

    /** E.g. {@code order.created v1}, as reasons and logs name it. */
    @Override
    public String toString() {
        return name + " v" + version;
    }
}
