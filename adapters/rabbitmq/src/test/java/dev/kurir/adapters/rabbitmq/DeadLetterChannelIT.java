package dev.kurir.adapters.rabbitmq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Envelope;
import dev.kurir.testing.TestBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A dead letter counts as stored only when the broker put it in a queue, whatever other threads publish. */
class DeadLetterChannelIT {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 40;

    private static TestBroker broker;
    private static Connection connection;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.create();
        connection = RabbitConnections.factory(broker.amqpUri(), "kurir-test").newConnection();
        RabbitTopology.of(Set.of("orders", "items"), KnownModules.ALL, QueueType.QUORUM).declare(connection);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        connection.close();
        broker.close();
    }

    @Test
    void publish_fromManyThreadsAtOnce_whileNoQueueIsBound_neverReportsSuccess() throws Exception {
        DeadLetterChannel deadLetters = DeadLetterChannel.open(connection, Duration.ofSeconds(2));
        try (Channel admin = connection.createChannel()) {
            admin.queueUnbind(RabbitTopology.DEAD_LETTER_QUEUE, RabbitTopology.DEAD_LETTER_EXCHANGE, "");
            try {
                int reportedStored = publishConcurrently(deadLetters);

                assertEquals(0, reportedStored, "dead letters reported stored although no queue could take them");
                assertEquals(0, admin.queueDeclarePassive(RabbitTopology.DEAD_LETTER_QUEUE).getMessageCount());
            } finally {
                admin.queueBind(RabbitTopology.DEAD_LETTER_QUEUE, RabbitTopology.DEAD_LETTER_EXCHANGE, "");
            }
            admin.queuePurge(RabbitTopology.DEAD_LETTER_QUEUE);

            assertEquals(THREADS * PER_THREAD, publishConcurrently(deadLetters), "with the route back, all are stored");
            assertEquals(THREADS * PER_THREAD,
                    admin.queueDeclarePassive(RabbitTopology.DEAD_LETTER_QUEUE).getMessageCount());
            admin.queuePurge(RabbitTopology.DEAD_LETTER_QUEUE);
        } finally {
            deadLetters.channel().close();
        }
    }

    /** Publishes from {@link #THREADS} threads at once; returns how many publishes reported success. */
    private static int publishConcurrently(DeadLetterChannel deadLetters) throws Exception {
        AtomicInteger stored = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < PER_THREAD; i++) {
                        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                                .messageId(UUID.randomUUID().toString()).build();
                        try {
                            deadLetters.publish(new Envelope(i, false, "orders", "order.created"), properties,
                                    "{}".getBytes(UTF_8), "test");
                            stored.incrementAndGet();
                        } catch (IOException | TimeoutException e) {
                            // not stored: the consumer returns the delivery to its queue
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get();
            }
            return stored.get();
        } finally {
            threads.shutdownNow();
        }
    }
}
