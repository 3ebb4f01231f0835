package dev.kurir.bootstrap;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a test does to the broker behind kurir's back: publishes copies of events, removes and restores the
 * bindings between the modules, makes the broker nack publishes, reads the dead-letter queue.
 */
final class BrokerControl implements AutoCloseable {
    static final String ITEMS_QUEUE = "items.order-events";
    static final String ORDERS_QUEUE = "orders.item-events";
    static final String DEAD_LETTER_QUEUE = "kurir.dead-letter";
    private static final String REFUSING_QUEUE = "kurir-test.refuse-all";

    private final Connection connection;
    private final boolean rabbitMq;

    /** @param rabbitMq whether the broker is RabbitMQ, whose queue arguments {@link #refusePublishes} needs */
    BrokerControl(String amqpUri, boolean rabbitMq) {
        this.rabbitMq = rabbitMq;
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(amqpUri);
            this.connection = factory.newConnection("kurir-invariant-test");
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to the test broker: " + e.getMessage(), e);
        }
    }

    boolean canRefusePublishes() {
        return rabbitMq;
    }

    /**
     * Publishes a message persistently with publisher confirms, as kurir's relay does; returns whether a queue took
     * it (confirmed and not returned).
     */
    boolean publish(String exchange, String routingKey, UUID messageId, String eventType, String appId, byte[] body) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(messageId.toString())
                .type(eventType).appId(appId).contentType("application/json").deliveryMode(2).build();
        AtomicBoolean returned = new AtomicBoolean();
        return onChannel(channel -> {
            channel.addReturnListener(message -> returned.set(true));
            channel.confirmSelect();
            channel.basicPublish(exchange, routingKey, true, properties, body);
            // Returns arrive before the confirm.
            return channel.waitForConfirms(10_000) && !returned.get();
        });
    }

    /** Removes the binding that carries {@code order.*} events to the items module's queue. */
    void unbindItems() {
        act(channel -> channel.queueUnbind(ITEMS_QUEUE, "orders", "order.*"));
    }

    void bindItems() {
        act(channel -> channel.queueBind(ITEMS_QUEUE, "orders", "order.*"));
    }

    /** Removes the binding that carries {@code stock.*} events to the orders module's queue. */
    void unbindOrders() {
        act(channel -> channel.queueUnbind(ORDERS_QUEUE, "items", "stock.*"));
    }

    void bindOrders() {
        act(channel -> channel.queueBind(ORDERS_QUEUE, "items", "stock.*"));
    }

    /**
     * Makes the broker nack every publish of {@code exchange} with {@code routingKey}: a queue of the test's, bound
     * beside the module's queue, that refuses everything ({@code x-max-length 0, x-overflow reject-publish}).
     * RabbitMQ nacks a message that any of its queues refused, although the module's queue took it.
     */
    void refusePublishes(String exchange, String routingKey) {
        act(channel -> {
            channel.queueDeclare(REFUSING_QUEUE, false, false, false,
                    Map.of("x-max-length", 0, "x-overflow", "reject-publish"));
            channel.queueBind(REFUSING_QUEUE, exchange, routingKey);
        });
    }

    /** Takes the refusing queue of {@link #refusePublishes} away. */
    void acceptPublishes() {
        act(channel -> channel.queueDelete(REFUSING_QUEUE));
    }

    /** The message ids in the dead-letter queue, read without taking them (they go back when the channel closes). */
    Set<String> deadLetteredMessageIds() {
        return onChannel(channel -> {
            Set<String> ids = new HashSet<>();
            GetResponse response;
            while ((response = channel.basicGet(DEAD_LETTER_QUEUE, false)) != null) {
                ids.add(String.valueOf(response.getProps().getMessageId()));
            }
            return ids;
        });
    }

    /** Messages ready in {@code queue} (not those delivered and not yet acked). */
    long ready(String queue) {
        return onChannel(channel -> (long) channel.queueDeclarePassive(queue).getMessageCount());
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            // the vhost is deleted next; nothing to keep
        }
    }

    private interface ChannelWork<T> {
        T run(Channel channel) throws Exception;
    }

    private interface ChannelAction {
        void run(Channel channel) throws Exception;
    }

    private void act(ChannelAction action) {
        onChannel(channel -> {
            action.run(channel);
            return null;
        });
    }

    private <T> T onChannel(ChannelWork<T> work) {
        try (Channel channel = connection.createChannel()) {
            return work.run(channel);
        } catch (Exception e) {
            throw new IllegalStateException("broker: " + e.getMessage(), e);
        }
    }
}
