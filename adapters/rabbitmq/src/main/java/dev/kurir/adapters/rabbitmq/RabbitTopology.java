package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The exchanges, queues and bindings kurir relies on, all durable. Declaring is idempotent, so every process
 * declares what it needs each time it connects.
 *
 * <p>No queue carries {@code x-dead-letter-exchange} or {@code x-message-ttl} arguments: the embedded Qpid broker
 * refuses them and closes the connection. Invalid deliveries are dead-lettered by {@link RabbitInboxConsumer}.
 */
public final class RabbitTopology {
    /** The module that publishes {@code order.*} events and consumes {@code stock.*} events. */
    public static final String ORDERS = "orders";
    /** The module that publishes {@code stock.*} events and consumes {@code order.*} events. */
    public static final String ITEMS = "items";
    /** Topic exchange of the orders module's events. */
    public static final String ORDERS_EXCHANGE = "orders";
    /** Topic exchange of the items module's events. */
    public static final String ITEMS_EXCHANGE = "items";
    /** The items module's inbox queue, bound to {@value #ORDERS_EXCHANGE} with {@code order.*}. */
    public static final String ITEMS_ORDER_EVENTS_QUEUE = "items.order-events";
    /** The orders module's inbox queue, bound to {@value #ITEMS_EXCHANGE} with {@code stock.*}. */
    public static final String ORDERS_ITEM_EVENTS_QUEUE = "orders.item-events";
    /** Fanout exchange where consumers put deliveries they cannot accept. */
    public static final String DEAD_LETTER_EXCHANGE = "kurir.dead-letter";
    /** The queue holding dead-lettered deliveries until an operator looks at them. */
    public static final String DEAD_LETTER_QUEUE = "kurir.dead-letter";

    private static final Set<String> MODULES = Set.of(ORDERS, ITEMS);
    private static final Route TO_ITEMS = new Route(ITEMS_ORDER_EVENTS_QUEUE, ORDERS_EXCHANGE, "order.*");
    private static final Route TO_ORDERS = new Route(ORDERS_ITEM_EVENTS_QUEUE, ITEMS_EXCHANGE, "stock.*");
    /** Per module: the queue it consumes, then the queue its own events go to. */
    private static final Map<String, List<Route>> ROUTES = Map.of(ORDERS, List.of(TO_ORDERS, TO_ITEMS),
            ITEMS, List.of(TO_ITEMS, TO_ORDERS));

    private RabbitTopology() {
    }

    /**
     * Declares what the given modules publish to and consume from: the two exchanges, the dead-letter exchange and
     * queue, and for each module both the queue it consumes and the queue its events are routed to, with their
     * bindings. A module thus declares {@value #ITEMS_ORDER_EVENTS_QUEUE} ({@value #ORDERS_EXCHANGE}, {@code order.*})
     * and {@value #ORDERS_ITEM_EVENTS_QUEUE} ({@value #ITEMS_EXCHANGE}, {@code stock.*}) whichever of the two it is:
     * a service started alone (split mode) must not see its first events returned as unroutable because the other
     * service has not connected yet. Every side declares a queue with the same arguments, so the declarations agree.
     *
     * @param modules a subset of {@code {"orders", "items"}}; empty declares nothing
     * @throws IllegalArgumentException if a module is unknown
     * @throws IOException              if the broker refuses a declaration (e.g. an existing exchange of another
     *                                  type, or a queue declared with other arguments) or cannot be reached
     */
    public static void declareFor(Connection connection, Set<String> modules) throws IOException {
        Objects.requireNonNull(connection, "connection");
        for (String module : modules) {
            if (!MODULES.contains(module)) {
                throw new IllegalArgumentException("unknown module '" + module + "'; expected one of " + MODULES);
            }
        }
        if (modules.isEmpty()) {
            return;
        }
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the broker has no channel left to declare the topology on");
        }
        try (channel) {
            declare(channel, modules);
        } catch (TimeoutException e) {
            throw new IOException("closing the topology channel timed out", e);
        }
    }

    private static void declare(Channel channel, Set<String> modules) throws IOException {
        channel.exchangeDeclare(ORDERS_EXCHANGE, BuiltinExchangeType.TOPIC, true);
        channel.exchangeDeclare(ITEMS_EXCHANGE, BuiltinExchangeType.TOPIC, true);
        channel.exchangeDeclare(DEAD_LETTER_EXCHANGE, BuiltinExchangeType.FANOUT, true);
        channel.queueDeclare(DEAD_LETTER_QUEUE, true, false, false, null);
        channel.queueBind(DEAD_LETTER_QUEUE, DEAD_LETTER_EXCHANGE, "");
        Set<Route> routes = new LinkedHashSet<>();
        for (String module : modules) {
            routes.addAll(ROUTES.get(module));
        }
        for (Route route : routes) {
            channel.queueDeclare(route.queue(), true, false, false, null);
            channel.queueBind(route.queue(), route.exchange(), route.bindingKey());
        }
    }

    /** A durable inbox queue and the binding that routes a module's events to it. */
    private record Route(String queue, String exchange, String bindingKey) {
    }
}
