package dev.kurir.application.module;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a business module is to the rest of the system, declared once: from it bootstrap derives the module's
 * schema and migrations, its exchange, queue and bindings, the label values of its metrics, the names
 * {@code KURIR_MODULES} accepts and the service name of a process that runs it alone.
 *
 * @param name        the module's name in {@code KURIR_MODULES}, metric labels and logs, e.g. {@code orders}
 * @param schema      the PostgreSQL schema it owns (a lower-case SQL identifier: it is written into SQL)
 * @param exchange    the topic exchange its events are published to
 * @param serviceName the service name of a process that runs this module alone, e.g. {@code order-service}; also
 *                    the {@code app_id} of the messages it publishes
 * @param publishes   the events it publishes to {@code exchange}, with their routing keys
 * @param queue       the durable queue its inbox consumes
 * @param consumes    what is routed to {@code queue}: from which exchange, with which binding key, which events
 */
public record ModuleDescriptor(String name, String schema, String exchange, String serviceName,
                               List<Publication> publishes, String queue, List<Subscription> consumes) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern SQL_IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    public ModuleDescriptor {
        requireMatch("name", name, NAME);
        requireMatch("schema", schema, SQL_IDENTIFIER);
        requireNonBlank("exchange", exchange);
        requireNonBlank("serviceName", serviceName);
        requireNonBlank("queue", queue);
        publishes = List.copyOf(publishes);
        consumes = List.copyOf(consumes);
    }

    /** The event types it publishes, in declaration order. */
    public Set<String> publishedEventTypes() {
        Set<String> types = new LinkedHashSet<>();
        publishes.forEach(publication -> types.add(publication.eventType()));
        return types;
    }

    /** The event types its inbox handles, in declaration order: one handler each. */
    public Set<String> consumedEventTypes() {
        Set<String> types = new LinkedHashSet<>();
        consumes.forEach(subscription -> types.addAll(subscription.eventTypes()));
        return types;
    }

    /**
     * An event the module publishes.
     *
     * @param eventType  the wire {@code event_type}, e.g. {@code order.created}
     * @param routingKey the routing key it is published with on the module's exchange
     */
    public record Publication(String eventType, String routingKey) {
        public Publication {
            requireNonBlank("eventType", eventType);
            requireNonBlank("routingKey", routingKey);
        }
    }

    /**
     * Events routed to the module's queue: its queue is bound to {@code exchange} with {@code bindingKey}.
     *
     * @param bindingKey an AMQP topic binding key, e.g. {@code order.*}
     * @param eventTypes the events arriving this way that the module handles
     */
    public record Subscription(String exchange, String bindingKey, List<String> eventTypes) {
        public Subscription {
            requireNonBlank("exchange", exchange);
            requireNonBlank("bindingKey", bindingKey);
            eventTypes = List.copyOf(eventTypes);
            if (eventTypes.isEmpty()) {
                throw new IllegalArgumentException("a subscription to " + exchange + " names no event type");
            }
        }
    }

    private static void requireMatch(String field, String value, Pattern pattern) {
        Objects.requireNonNull(value, field);
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must match " + pattern + ", was '" + value + "'");
        }
    }

    private static void requireNonBlank(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
