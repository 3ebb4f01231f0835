package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** One connection of a consumer, from the subscription until the broker or this process ends it. */
final class ConsumerSession {
    private static final Duration DEAD_LETTER_CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final Connection connection;
    private final Channel channel;
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private volatile String consumerTag;

    private ConsumerSession(Connection connection, Channel channel) {
        this.connection = connection;
        this.channel = channel;
    }

    /** Connects, declares the topology, and subscribes to the queue. */
    static ConsumerSession open(ConnectionFactory factory, String queue, int prefetch, Set<String> declareOnConnect,
                                DeliveryHandler handler) throws IOException, TimeoutException {
        Connection connection = factory.newConnection();
        try {
            RabbitTopology.declareFor(connection, declareOnConnect);
            DeadLetterChannel deadLetters = DeadLetterChannel.open(connection, DEAD_LETTER_CONFIRM_TIMEOUT);
            Channel channel = connection.createChannel();
            if (channel == null) {
                throw new IOException("the broker has no channel left");
            }
            ConsumerSession session = new ConsumerSession(connection, channel);
            connection.addShutdownListener(cause -> session.end(why("connection", cause)));
            channel.addShutdownListener(cause -> session.end(why("consumer channel", cause)));
            // Without it, dead-lettering would fail for every invalid delivery until the connection happens to drop.
            deadLetters.channel().addShutdownListener(cause -> session.end(why("dead-letter channel", cause)));
            channel.basicQos(prefetch);
            session.consumerTag = channel.basicConsume(queue, false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                                           byte[] body) {
                    handler.handle(channel, deadLetters, envelope, properties, body);
                }

                @Override
                public void handleCancel(String tag) {
                    session.end("the broker cancelled the subscription (queue deleted?)");
                }
            });
            return session;
        } catch (IOException | RuntimeException e) {
            connection.abort();
            throw e;
        }
    }

    private static String why(String what, ShutdownSignalException cause) {
        return (cause.isHardError() ? "connection" : what) + " closed: " + Reasons.of(cause);
    }

    /** Blocks until the session ends, and says why. */
    String awaitEnd() throws InterruptedException {
        try {
            return ended.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("never completed exceptionally", e);
        }
    }

    void end(String why) {
        ended.complete(why);
    }

    /** Stops new deliveries from arriving; those already prefetched are left unacked for redelivery. */
    void cancel() {
        try {
            if (consumerTag != null && channel.isOpen()) {
                channel.basicCancel(consumerTag);
            }
        } catch (IOException | ShutdownSignalException e) {
            // The connection is going away anyway.
        }
    }

    void close(Duration timeout) {
        try {
            connection.close((int) timeout.toMillis());
        } catch (IOException | ShutdownSignalException e) {
            connection.abort();
        }
    }

    void abort() {
        connection.abort();
    }
}
