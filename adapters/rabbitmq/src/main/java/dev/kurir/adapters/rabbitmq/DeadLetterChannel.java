package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * A confirm-mode channel for putting rejected deliveries into {@value RabbitTopology#DEAD_LETTER_EXCHANGE}, one
 * message at a time: a channel's confirms and returns are not told apart by publisher, so a publish may only count
 * as stored when no other publish shared the wait. Each consumer channel has one of its own, so that consumers do
 * not wait for each other; calls from several threads are still safe, one after the other.
 */
final class DeadLetterChannel {
    private final Channel channel;
    private final Duration confirmTimeout;
    private volatile boolean returned;

    private DeadLetterChannel(Channel channel, Duration confirmTimeout) {
        this.channel = channel;
        this.confirmTimeout = confirmTimeout;
    }

    static DeadLetterChannel open(Connection connection, Duration confirmTimeout) throws IOException {
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the broker has no channel left");
        }
        DeadLetterChannel deadLetters = new DeadLetterChannel(channel, confirmTimeout);
        channel.confirmSelect();
        channel.addReturnListener(message -> deadLetters.returned = true);
        return deadLetters;
    }

    Channel channel() {
        return channel;
    }

    /**
     * Publishes the delivery's body and properties, with the reason and its origin added as headers, and returns
     * once the broker has confirmed that a queue holds it.
     *
     * @throws IOException if the broker nacked it, found no queue for it, or the channel failed
     */
    synchronized void publish(Envelope envelope, AMQP.BasicProperties properties, byte[] body, String reason)
            throws IOException, InterruptedException, TimeoutException {
        Map<String, Object> headers = properties.getHeaders() == null
                ? new HashMap<>() : new HashMap<>(properties.getHeaders());
        headers.put(RabbitInboxConsumer.DEAD_LETTER_REASON_HEADER, reason);
        headers.put(RabbitInboxConsumer.ORIGINAL_EXCHANGE_HEADER, envelope.getExchange());
        headers.put(RabbitInboxConsumer.ORIGINAL_ROUTING_KEY_HEADER, envelope.getRoutingKey());
        // Persistent whatever the original said: the original is acked once this is confirmed.
        AMQP.BasicProperties deadLetterProperties = properties.builder().headers(headers).deliveryMode(2).build();
        returned = false;
        // Returns arrive before the confirm, so the flag is settled when waitForConfirms returns.
        channel.basicPublish(RabbitTopology.DEAD_LETTER_EXCHANGE, envelope.getRoutingKey(), true,
                deadLetterProperties, body);
        if (!channel.waitForConfirms(confirmTimeout.toMillis())) {
            throw new IOException("the broker nacked the dead letter");
        }
        if (returned) {
            throw new IOException("no queue is bound to exchange " + RabbitTopology.DEAD_LETTER_EXCHANGE);
        }
    }
}
