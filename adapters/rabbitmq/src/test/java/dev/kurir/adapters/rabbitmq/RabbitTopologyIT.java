package dev.kurir.adapters.rabbitmq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.kurir.application.items.ItemsModule;
import dev.kurir.application.module.ModuleDescriptor;
import dev.kurir.application.module.ModuleDescriptor.Publication;
import dev.kurir.application.module.ModuleDescriptor.Subscription;
import dev.kurir.embedded.broker.EmbeddedBroker;
import dev.kurir.testing.Prerequisite;
import dev.kurir.testing.TestBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RabbitTopologyIT {
    private static TestBroker broker;
    private static Connection connection;

    @BeforeAll
    static void connect() throws Exception {
        broker = TestBroker.create();
        connection = RabbitConnections.factory(broker.amqpUri(), "kurir-test").newConnection();
    }

    @AfterAll
    static void disconnect() throws IOException {
        connection.close();
        broker.close();
    }

    @Test
    void declareFor_bothModulesTwice_declaresQueuesThatReceiveTheirEvents() throws Exception {
        RabbitTopology.of(Set.of("orders", "items"), KnownModules.ALL, QueueType.QUORUM).declare(connection);
        assertDoesNotThrow(() -> RabbitTopology.of(Set.of("orders", "items"), KnownModules.ALL, QueueType.QUORUM)
                .declare(connection));

        try (Channel channel = connection.createChannel()) {
            for (String queue : Set.of("items.order-events", "orders.item-events", "kurir.dead-letter")) {
                assertEquals(0, channel.queueDeclarePassive(queue).getMessageCount(), queue);
            }
            channel.confirmSelect();
            publish(channel, "orders", "order.created");
            publish(channel, "items", "stock.reserved");
            publish(channel, "kurir.dead-letter", "anything");
            channel.waitForConfirmsOrDie(5_000);

            assertEquals("order.created", routingKeyIn(channel, "items.order-events"));
            assertEquals("stock.reserved", routingKeyIn(channel, "orders.item-events"));
            assertEquals("anything", routingKeyIn(channel, "kurir.dead-letter"));
        }
    }

    @ParameterizedTest(name = "{0} alone")
    @ValueSource(strings = {"orders", "items"})
    void declareFor_oneModuleAlone_declaresTheQueueItConsumes_andTheQueueItsEventsGoTo(String module)
            throws Exception {
        try (TestBroker fresh = TestBroker.create();
             Connection other = RabbitConnections.factory(fresh.amqpUri(), "kurir-test").newConnection()) {
            RabbitTopology.of(Set.of(module), KnownModules.ALL, QueueType.QUORUM).declare(other);

            try (Channel channel = other.createChannel()) {
                channel.confirmSelect();
                publish(channel, "orders", "order.created");
                publish(channel, "items", "stock.reserved");
                channel.waitForConfirmsOrDie(5_000);

                assertEquals("order.created", routingKeyIn(channel, "items.order-events"));
                assertEquals("stock.reserved", routingKeyIn(channel, "orders.item-events"));
                channel.queueDeclarePassive("kurir.dead-letter");
            }
        }
    }

    @ParameterizedTest(name = "{0} where {1} queues exist")
    @CsvSource({"CLASSIC,QUORUM", "QUORUM,CLASSIC"})
    void aQueueOfTheOtherType_isAMismatchNamingTheQueue(QueueType wanted, QueueType existing) throws Exception {
        try (TestBroker fresh = TestBroker.create();
             Connection other = RabbitConnections.factory(fresh.amqpUri(), "kurir-test").newConnection()) {
            Prerequisite.require(RabbitConnections.isRabbitMq(other), "RabbitTopologyIT's queue types",
                    "RabbitMQ (the embedded broker ignores queue types)");
            RabbitTopology.of(Set.of("items"), KnownModules.ALL, existing).declare(other);

            QueueMismatchException mismatch = assertThrows(QueueMismatchException.class,
                    () -> RabbitTopology.of(Set.of("items"), KnownModules.ALL, wanted).declare(other));

            assertEquals("kurir.dead-letter", mismatch.queue(), "the first queue declared");
            assertTrue(mismatch.getMessage().contains("x-queue-type"), mismatch.getMessage());
            // The connection stays usable: only the declaring channel was closed.
            assertDoesNotThrow(() -> RabbitTopology.of(Set.of("items"), KnownModules.ALL, existing).declare(other));
        }
    }

    @Test
    void theInboxQuorumQueues_deadLetterToKurirsDeadLetterExchange() throws Exception {
        try (TestBroker fresh = TestBroker.create();
             Connection other = RabbitConnections.factory(fresh.amqpUri(), "kurir-test").newConnection()) {
            Prerequisite.require(RabbitConnections.isRabbitMq(other), "RabbitTopologyIT's queue arguments", "RabbitMQ");
            RabbitTopology.of(Set.of("items"), KnownModules.ALL, QueueType.QUORUM).declare(other);

            // RabbitMQ refuses a declaration whose arguments differ from the queue's: these are the queue's.
            try (Channel channel = other.createChannel()) {
                assertDoesNotThrow(() -> channel.queueDeclare(ItemsModule.DESCRIPTOR.queue(), true, false,
                        false, Map.of("x-queue-type", "quorum",
                                "x-dead-letter-exchange", RabbitTopology.DEAD_LETTER_EXCHANGE)));
            }
            Channel withoutDeadLetters = other.createChannel();
            IOException refused = assertThrows(IOException.class, () -> withoutDeadLetters.queueDeclare(
                    ItemsModule.DESCRIPTOR.queue(), true, false, false, Map.of("x-queue-type", "quorum")));
            String why = String.valueOf(refused.getCause());
            assertTrue(why.contains("x-dead-letter-exchange"), why);
        }
    }

    @Test
    void onTheEmbeddedBroker_aQuorumTopology_declaresItsOwnQueues(@TempDir Path workDir) throws Exception {
        try (EmbeddedBroker qpid = EmbeddedBroker.start(workDir, 0);
             Connection other = RabbitConnections.factory(qpid.amqpUri(), "kurir-test").newConnection()) {
            RabbitTopology.of(Set.of("orders", "items"), KnownModules.ALL, QueueType.QUORUM).declare(other);

            try (Channel channel = other.createChannel()) {
                channel.confirmSelect();
                publish(channel, "orders", "order.created");
                channel.waitForConfirmsOrDie(5_000);
                assertEquals("order.created", routingKeyIn(channel, "items.order-events"));
            }
        }
    }

    @Test
    void declareFor_unknownModule_isRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> RabbitTopology.of(Set.of("billing"), KnownModules.ALL, QueueType.QUORUM).declare(connection));
    }

    /** A third module, declared only by its descriptor: it consumes order.created and publishes shipment.*. */
    private static final ModuleDescriptor SHIPPING = new ModuleDescriptor("shipping", "shipping", "shipping",
            "shipping-service", List.of(new Publication("shipment.sent", "shipment.sent")), "shipping.order-events",
            List.of(new Subscription("orders", "order.created", List.of("order.created"))));

    @ParameterizedTest(name = "{0} alone")
    @ValueSource(strings = {"orders", "shipping"})
    void aThirdModule_getsItsExchangeQueueAndBindings_fromItsDescriptorAlone(String module) throws Exception {
        List<ModuleDescriptor> known = List.of(KnownModules.ALL.get(0), KnownModules.ALL.get(1), SHIPPING);
        try (TestBroker fresh = TestBroker.create();
             Connection other = RabbitConnections.factory(fresh.amqpUri(), "kurir-test").newConnection()) {
            RabbitTopology.of(Set.of(module), known, QueueType.QUORUM).declare(other);

            try (Channel channel = other.createChannel()) {
                channel.confirmSelect();
                publish(channel, "orders", "order.created");
                // Not mandatory: with shipping alone no queue takes order.cancelled (Qpid would nack its return).
                channel.basicPublish("orders", "order.cancelled", false, new AMQP.BasicProperties(),
                        "{}".getBytes(UTF_8));
                channel.waitForConfirmsOrDie(5_000);

                assertEquals("order.created", routingKeyIn(channel, "shipping.order-events"));
                assertNull(channel.basicGet("shipping.order-events", true), "bound to order.created only");
                if (module.equals("shipping")) {
                    assertDoesNotThrow(() -> channel.exchangeDeclarePassive("shipping"));
                }
            }
        }
    }

    private static void publish(Channel channel, String exchange, String routingKey) throws IOException {
        channel.basicPublish(exchange, routingKey, true, new AMQP.BasicProperties(), "{}".getBytes(UTF_8));
    }

    private static String routingKeyIn(Channel channel, String queue) throws IOException {
        GetResponse response = null;
        for (int i = 0; i < 100 && response == null; i++) {
            response = channel.basicGet(queue, true);
        }
        assertNotNull(response, "a message in " + queue);
        return response.getEnvelope().getRoutingKey();
    }
}
