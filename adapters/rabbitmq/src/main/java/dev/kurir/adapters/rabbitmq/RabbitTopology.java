package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.kurir.application.module.ModuleDescriptor;
import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
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
    /** Fanout exchange where consumers put deliveries they cannot accept. */
    public static final String DEAD_LETTER_EXCHANGE = "kurir.dead-letter";
    /** The queue holding dead-lettered deliveries until an operator looks at them. */
    public static final String DEAD_LETTER_QUEUE = "kurir.dead-letter";

    private static final int PRECONDITION_FAILED = 406;

    private final Set<String> exchanges;
    private final Set<Route> routes;
    private final QueueType queueType;

    private RabbitTopology(Set<String> exchanges, Set<Route> routes, QueueType queueType) {
        this.exchanges = exchanges;
        this.routes = routes;
        this.queueType = queueType;
    }

    /**
     * What the given modules publish to and consume from: the dead-letter exchange and queue, each module's
     * exchange, the queue it consumes with its bindings (and the exchanges they bind to), and the queue of every
     * known module that consumes its events, with that queue's bindings. A module thus declares the queues its events
     * are routed to whichever module consumes them: a service started alone (split mode) must not see its first
     * events returned as unroutable because the other service has not connected yet. Every side declares a queue with
     * the same arguments, so the declarations agree as long as the services agree on the queue type.
     *
     * @param modules   the names of the modules this process runs, a subset of {@code known}; empty declares nothing
     * @param known     every module of the system, each declared once
     * @param queueType the type of the queues, on RabbitMQ; other brokers (the embedded Qpid) get their own default
     *                  queues, with no arguments
     * @throws IllegalArgumentException if a module is unknown
     */
    public static RabbitTopology of(Set<String> modules, Collection<ModuleDescriptor> known, QueueType queueType) {
        Objects.requireNonNull(queueType, "queueType");
        Map<String, ModuleDescriptor> byName = new LinkedHashMap<>();
        known.forEach(module -> byName.put(module.name(), module));
        Set<String> exchanges = new LinkedHashSet<>();
        Set<Route> routes = new LinkedHashSet<>();
        for (String name : new TreeSet<>(modules)) {
            ModuleDescriptor module = byName.get(name);
            if (module == null) {
                throw new IllegalArgumentException("unknown module '" + name + "'; expected one of " + byName.keySet());
            }
            exchanges.add(module.exchange());
            routes.addAll(routesTo(module));
            for (ModuleDescriptor consumer : known) {
                routesTo(consumer).stream().filter(route -> route.exchange().equals(module.exchange()))
                        .forEach(routes::add);
            }
        }
        routes.forEach(route -> exchanges.add(route.exchange()));
        return new RabbitTopology(exchanges, routes, queueType);
    }

    /** Declares nothing: for a publisher or consumer whose exchanges and queues exist already. */
    public static RabbitTopology none() {
        return new RabbitTopology(Set.of(), Set.of(), QueueType.QUORUM);
    }

    private static List<Route> routesTo(ModuleDescriptor module) {
        return module.consumes().stream()
                .map(subscription -> new Route(module.queue(), subscription.exchange(), subscription.bindingKey()))
                .toList();
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
        if (exchanges.isEmpty()) {
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
        for (String exchange : exchanges) {
            channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
        }
        channel.exchangeDeclare(DEAD_LETTER_EXCHANGE, BuiltinExchangeType.FANOUT, true);
        declareQueue(channel, DEAD_LETTER_QUEUE, queueArguments(rabbitMq, false));
        channel.queueBind(DEAD_LETTER_QUEUE, DEAD_LETTER_EXCHANGE, "");
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
