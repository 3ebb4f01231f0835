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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection of a consumer, from the subscription until the broker or this process ends it. It subscribes
 * {@code consumers} channels to the queue: the client hands each channel's deliveries to one thread at a time, so
 * that is how many deliveries are applied at once.
 */
final class ConsumerSession {
    private static final Duration DEAD_LETTER_CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final Connection connection;
    private final ExecutorService dispatch;
    private final Map<Channel, String> consumerTags = new ConcurrentHashMap<>();
    private final CompletableFuture<String> ended = new CompletableFuture<>();

    private ConsumerSession(Connection connection, ExecutorService dispatch) {
        this.connection = connection;
        this.dispatch = dispatch;
    }

    /** Connects, declares the topology, and subscribes {@code consumers} channels to the queue. */
    static ConsumerSession open(ConnectionFactory factory, String queue, int prefetch, int consumers,
                                RabbitTopology topology, DeliveryHandler handler)
            throws IOException, TimeoutException {
        // A thread per subscription, named for the queue: the "thread" field of the handlers' log lines says which.
        AtomicInteger threads = new AtomicInteger();
        ExecutorService dispatch = Executors.newFixedThreadPool(consumers, work -> {
            Thread thread = new Thread(work, "kurir-consume-" + queue + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Connection connection;
        try {
            connection = factory.newConnection(dispatch);
        } catch (IOException | TimeoutException | RuntimeException e) {
            dispatch.shutdownNow();
            throw e;
        }
        try {
            topology.declare(connection);
            ConsumerSession session = new ConsumerSession(connection, dispatch);
            connection.addShutdownListener(cause -> session.end(why("connection", cause)));
            for (int i = 0; i < consumers; i++) {
                session.subscribe(queue, prefetch, handler);
            }
            return session;
        } catch (IOException | RuntimeException e) {
            connection.abort();
            dispatch.shutdownNow();
            throw e;
        }
    }

    /** Subscribes a channel, with a dead-letter channel of its own: its deliveries are handled one at a time. */
    private void subscribe(String queue, int prefetch, DeliveryHandler handler) throws IOException {
        DeadLetterChannel deadLetters = DeadLetterChannel.open(connection, DEAD_LETTER_CONFIRM_TIMEOUT);
        // Without it, dead-lettering would fail for every invalid delivery until the connection happens to drop.
        deadLetters.channel().addShutdownListener(cause -> end(why("dead-letter channel", cause)));
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the broker has no channel left");
        }
        channel.addShutdownListener(cause -> end(why("consumer channel", cause)));
        channel.basicQos(prefetch);
        consumerTags.put(channel, channel.basicConsume(queue, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                handler.handle(channel, deadLetters, envelope, properties, body);
            }

            @Override
            public void handleCancel(String tag) {
                end("the broker cancelled the subscription (queue deleted?)");
            }
        }));
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
        consumerTags.forEach((channel, tag) -> {
            try {
                if (channel.isOpen()) {
                    channel.basicCancel(tag);
                }
            } catch (IOException | ShutdownSignalException e) {
                // The connection is going away anyway.
            }
        });
    }

    void close(Duration timeout) {
        try {
            connection.close((int) timeout.toMillis());
        } catch (IOException | ShutdownSignalException e) {
            connection.abort();
        } finally {
            dispatch.shutdown();
        }
    }

    void abort() {
        connection.abort();
        dispatch.shutdown();
    }
}
