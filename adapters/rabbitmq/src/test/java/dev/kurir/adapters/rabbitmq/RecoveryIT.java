package dev.kurir.adapters.rabbitmq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.port.out.BrokerUnavailableException;
import dev.kurir.application.messaging.port.out.PublishOutcome;
import dev.kurir.testing.TestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The broker drops the adapters' connections (RabbitMQ: closed by rabbitmqctl; embedded: restarted). */
class RecoveryIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private TestBroker broker;

    @BeforeEach
    void startBroker() {
        broker = TestBroker.create();
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void consumer_afterTheBrokerDroppedItsConnection_reconnectsAndConsumesAgain() throws Exception {
        FakeInbox inbox = new FakeInbox("order.created");
        try (var consumer = new RabbitInboxConsumer(RabbitConnections.factory(broker.amqpUri(), "kurir-consumer"),
                "items.order-events", inbox, 10, 2,
                RabbitTopology.of(Set.of("items"), KnownModules.ALL, QueueType.QUORUM), MessagingTracing.NONE)) {
            consumer.start();
            Await.until(WAIT, "the consumer subscribed", consumer::isConsuming);
            UUID before = publishOrderCreated();
            Await.until(WAIT, "the first message arrived", () -> inbox.recorded().containsKey(before));

            broker.dropConnections();
            Await.until(WAIT, "the consumer noticed", () -> !consumer.isConsuming());
            Await.until(WAIT, "the consumer subscribed again", consumer::isConsuming);

            UUID after = publishOrderCreated();
            Await.until(WAIT, "a message published after the reconnect arrived",
                    () -> inbox.recorded().containsKey(after));
        }
    }

    @Test
    void publisher_afterTheBrokerDroppedItsConnection_reconnectsOnTheNextCall() throws Exception {
        try (var publisher = new RabbitMessagePublisher(RabbitConnections.factory(broker.amqpUri(), "kurir-publisher"),
                "order-service", Duration.ofSeconds(5),
                RabbitTopology.of(Set.of("orders", "items"), KnownModules.ALL, QueueType.QUORUM),
                MessagingTracing.NONE)) {
            assertTrue(publisher.publish(List.of(Messages.orderCreated())).get(0).isConfirmed());

            broker.dropConnections();

            int unavailable = 0;
            List<PublishOutcome> outcomes = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (outcomes == null && System.nanoTime() < deadline) {
                try {
                    outcomes = publisher.publish(List.of(Messages.orderCreated()));
                } catch (BrokerUnavailableException e) {
                    unavailable++; // the call that finds the connection gone may fail; the next one reconnects
                    Thread.sleep(100);
                }
            }
            assertTrue(outcomes != null && outcomes.get(0).isConfirmed(), String.valueOf(outcomes));
            assertTrue(unavailable <= 1, unavailable + " calls failed before the publisher reconnected");
        }
    }

    private UUID publishOrderCreated() throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection connection = RabbitConnections.factory(broker.amqpUri(), "kurir-test").newConnection();
             Channel channel = connection.createChannel()) {
            RabbitTopology.of(Set.of("items"), KnownModules.ALL, QueueType.QUORUM).declare(connection);
            channel.confirmSelect();
            channel.basicPublish("orders", "order.created", true, new AMQP.BasicProperties.Builder()
                    .messageId(id.toString()).type("order.created").deliveryMode(2).build(), "{}".getBytes(UTF_8));
            channel.waitForConfirmsOrDie(5_000);
        }
        return id;
    }
}
