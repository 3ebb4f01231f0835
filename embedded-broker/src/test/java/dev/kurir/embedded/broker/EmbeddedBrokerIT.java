package dev.kurir.embedded.broker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Return;

class EmbeddedBrokerIT {

    private static final String EXCHANGE = "kurir.events";
    private static final String QUEUE = "kurir.orders.inbox";

    @Test
    void persistentMessage_isConfirmedAndConsumed_thenCloseRefusesConnections(@TempDir Path dir) throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.start(dir, 0);
        try (Connection connection = connect(broker.amqpUri()); Channel channel = connection.createChannel()) {
            declareTopology(channel);

            channel.confirmSelect();
            var props = new AMQP.BasicProperties.Builder()
                    .deliveryMode(2)
                    .messageId("msg-1")
                    .headers(Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
                    .build();
            channel.basicPublish(EXCHANGE, "order.created", true, props, "{\"orderId\":1}".getBytes(UTF_8));
            channel.waitForConfirmsOrDie(5_000);

            var received = new CompletableFuture<Delivery>();
            channel.basicConsume(QUEUE, false, (tag, delivery) -> received.complete(delivery), tag -> { });
            Delivery delivery = received.get(5, TimeUnit.SECONDS);
            channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);

            assertEquals("{\"orderId\":1}", new String(delivery.getBody(), UTF_8));
            assertEquals("msg-1", delivery.getProperties().getMessageId());
            assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                    String.valueOf(delivery.getProperties().getHeaders().get("traceparent")));
        } finally {
            broker.close();
        }
        broker.close();

        assertThrows(IOException.class, () -> connect(broker.amqpUri()).close());
    }

    @Test
    void mandatoryPublish_toUnroutableKey_isReturnedAndNacked(@TempDir Path dir) throws Exception {
        try (var broker = EmbeddedBroker.start(dir, 0);
             Connection connection = connect(broker.amqpUri());
             Channel channel = connection.createChannel()) {
            declareTopology(channel);
            var returned = new CompletableFuture<Return>();
            channel.addReturnListener(returned::complete);
            channel.confirmSelect();

            channel.basicPublish(EXCHANGE, "nobody.listens", true, new AMQP.BasicProperties(), new byte[0]);

            assertEquals("nobody.listens", returned.get(5, TimeUnit.SECONDS).getRoutingKey());
            // RabbitMQ would ack here; the class Javadoc warns about Qpid's nack.
            assertFalse(channel.waitForConfirms(5_000));
        }
    }

    @Test
    void twoBrokers_runSideBySide_withSeparateState(@TempDir Path dirA, @TempDir Path dirB) throws Exception {
        try (var a = EmbeddedBroker.start(dirA.resolve("a"), 0);
             var b = EmbeddedBroker.start(dirB.resolve("b"), 0);
             Connection toA = connect(a.amqpUri());
             Connection toB = connect(b.amqpUri())) {
            assertNotEquals(a.port(), b.port());

            toA.createChannel().queueDeclare(QUEUE, true, false, false, null);

            Channel onB = toB.createChannel();
            assertThrows(IOException.class, () -> onB.queueDeclarePassive(QUEUE));
            assertTrue(toA.isOpen() && toB.isOpen());
        }
    }

    @Test
    void start_onTakenPort_fails(@TempDir Path dir) throws Exception {
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var e = assertThrows(IllegalStateException.class, () -> EmbeddedBroker.start(dir, taken.getLocalPort()));
            assertTrue(e.getMessage().contains(":" + taken.getLocalPort()), e.getMessage());
        }
    }

    private static Connection connect(String uri) throws Exception {
        var factory = new ConnectionFactory();
        factory.setUri(uri);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(5_000);
        return factory.newConnection();
    }

    private static void declareTopology(Channel channel) throws IOException {
        channel.exchangeDeclare(EXCHANGE, "topic", true);
        channel.queueDeclare(QUEUE, true, false, false, null);
        channel.queueBind(QUEUE, EXCHANGE, "order.*");
    }
}
