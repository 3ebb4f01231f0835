package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
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
 * <p>On RabbitMQ the queues are of the configured {@link QueueType}. The embedded Qpid broker gets queues without
 * arguments: it refuses some ({@code x-dead-letter-exchange}, {@code x-message-ttl}) by closing the connection, and
 * has no quorum queues; its queues live in memory anyway. Invalid deliveries are dead-lettered by
 * {@link RabbitInboxConsumer}, whatever the broker.
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
    private static final int PRECONDITION_FAILED = 406;

    private final Set<String> modules;
    private final QueueType queueType;

    private RabbitTopology(Set<String> modules, QueueType queueType) {
        this.modules = modules;
        this.queueType = queueType;
    }

    /**
     * What the given modules publish to and consume from: the two exchanges, the dead-letter exchange and queue, and
     * for each module both the queue it consumes and the queue its events are routed to, with their bindings. A
     * module thus declares {@value #ITEMS_ORDER_EVENTS_QUEUE} ({@value #ORDERS_EXCHANGE}, {@code order.*}) and
     * {@value #ORDERS_ITEM_EVENTS_QUEUE} ({@value #ITEMS_EXCHANGE}, {@code stock.*}) whichever of the two it is: a
     * service started alone (split mode) must not see its first events returned as unroutable because the other
     * service has not connected yet. Every side declares a queue with the same arguments, so the declarations agree
     * as long as the services agree on the queue type.
     *
     * @param modules   a subset of {@code {"orders", "items"}}; empty declares nothing
     * @param queueType the type of the queues, on RabbitMQ; other brokers (the embedded Qpid) get their own default
     *                  queues, with no arguments
     * @throws IllegalArgumentException if a module is unknown
     */
    public static RabbitTopology of(Set<String> modules, QueueType queueType) {
        for (String module : modules) {
            if (!MODULES.contains(module)) {
                throw new IllegalArgumentException("unknown module '" + module + "'; expected one of " + MODULES);
            }
        }
        return new RabbitTopology(Set.copyOf(modules), Objects.requireNonNull(queueType, "queueType"));
    }

    /** Declares nothing: for a publisher or consumer whose exchanges and queues exist already. */
    public static RabbitTopology none() {
        return new RabbitTopology(Set.of(), QueueType.QUORUM);
    }

    /**
     * Declares it all; idempotent.
     *
     * @throws QueueMismatchException if a queue exists with other arguments (e.g. a classic queue where this
     *                                topology declares a quorum queue)
     * @throws IOException            if the broker refuses another declaration (e.g. an existing exchange of another
     *                                type) or cannot be reached
     */
    public void declare(Connection connection) throws IOException {
        Objects.requireNonNull(connection, "connection");
        if (modules.isEmpty()) {
            return;
        }
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the broker has no channel left to declare the topology on");
        }
        try (channel) {
            declare(channel, RabbitConnections.isRabbitMq(connection));
        } catch (TimeoutException e) {
            throw new IOException("closing the topology channel timed out", e);
        }
    }

    private void declare(Channel channel, boolean rabbitMq) throws IOException {
        channel.exchangeDeclare(ORDERS_EXCHANGE, BuiltinExchangeType.TOPIC, true);
        channel.exchangeDeclare(ITEMS_EXCHANGE, BuiltinExchangeType.TOPIC, true);
        channel.exchangeDeclare(DEAD_LETTER_EXCHANGE, BuiltinExchangeType.FANOUT, true);
        declareQueue(channel, DEAD_LETTER_QUEUE, queueArguments(rabbitMq, false));
        channel.queueBind(DEAD_LETTER_QUEUE, DEAD_LETTER_EXCHANGE, "");
        Set<Route> routes = new LinkedHashSet<>();
        for (String module : modules) {
            routes.addAll(ROUTES.get(module));
        }
        for (Route route : routes) {
            declareQueue(channel, route.queue(), queueArguments(rabbitMq, true));
            channel.queueBind(route.queue(), route.exchange(), route.bindingKey());
        }
    }

    /**
     * None for another broker than RabbitMQ (see the class comment), nor for a classic queue, as before quorum queues
     * were the default, so that existing classic queues still match. An inbox quorum queue dead-letters to
     * {@value #DEAD_LETTER_EXCHANGE}: RabbitMQ 4.0 to 4.2 count every return of a delivery against a quorum queue's
     * delivery limit (20 by default) and drop a message past it when the queue names no dead-letter exchange; the
     * inbox still returns a delivery whose commit's outcome is unknown, and a closed channel returns what it held.
     */
    private Map<String, Object> queueArguments(boolean rabbitMq, boolean inbox) {
        if (!rabbitMq || queueType == QueueType.CLASSIC) {
            return null;
        }
        return inbox ? Map.of("x-queue-type", "quorum", "x-dead-letter-exchange", DEAD_LETTER_EXCHANGE)
                : Map.of("x-queue-type", "quorum");
    }

    private static void declareQueue(Channel channel, String queue, Map<String, Object> arguments) throws IOException {
        try {
            channel.queueDeclare(queue, true, false, false, arguments);
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException signal
                    && signal.getReason() instanceof AMQP.Channel.Close close
                    && close.getReplyCode() == PRECONDITION_FAILED) {
                throw new QueueMismatchException(queue, close.getReplyText(), e);
            }
            throw e;
        }
    }

    /** A durable inbox queue and the binding that routes a module's events to it. */
    private record Route(String queue, String exchange, String bindingKey) {
    }
}
