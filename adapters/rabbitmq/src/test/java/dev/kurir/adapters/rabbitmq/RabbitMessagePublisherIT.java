package dev.kurir.adapters.rabbitmq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.port.out.BrokerUnavailableException;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import dev.kurir.application.messaging.port.out.PublishOutcome;
import dev.kurir.testing.TestBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RabbitMessagePublisherIT {
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    private static TestBroker broker;
    private static Connection connection;
    private static Channel channel;
    private RabbitMessagePublisher publisher;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.create();
        connection = RabbitConnections.factory(broker.amqpUri(), "kurir-test").newConnection();
        RabbitTopology.of(Set.of("orders", "items"), KnownModules.ALL, QueueType.QUORUM).declare(connection);
        channel = connection.createChannel();
    }

    @AfterAll
    static void stopBroker() throws IOException {
        connection.close();
        broker.close();
    }

    @BeforeEach
    void createPublisher() throws IOException {
        channel.queuePurge("items.order-events");
        publisher = new RabbitMessagePublisher(RabbitConnections.factory(broker.amqpUri(), "kurir-publisher"),
                "order-service", CONFIRM_TIMEOUT);
    }

    @AfterEach
    void closePublisher() {
        publisher.close();
    }

    @Test
    void publish_batchOfThree_isConfirmedAndArrivesWithItsProperties() throws Exception {
        List<OutboundMessage> batch = List.of(Messages.orderCreated(), Messages.orderCreated(),
                Messages.orderCreated());
        Instant before = Instant.now().minusSeconds(1);

        List<PublishOutcome> outcomes = publisher.publish(batch);

        assertEquals(batch, outcomes.stream().map(PublishOutcome::message).toList());
        assertTrue(outcomes.stream().allMatch(PublishOutcome::isConfirmed), outcomes::toString);
        for (OutboundMessage sent : batch) {
            GetResponse received = channel.basicGet("items.order-events", true);
            assertNotNull(received);
            AMQP.BasicProperties properties = received.getProps();
            assertEquals(sent.messageId().toString(), properties.getMessageId());
            assertEquals("order.created", properties.getType());
            assertEquals("order-service", properties.getAppId());
            assertEquals("application/json", properties.getContentType());
            assertEquals("utf-8", properties.getContentEncoding());
            assertEquals(2, properties.getDeliveryMode());
            assertFalse(properties.getTimestamp().toInstant().isBefore(before));
            assertEquals("order.created", received.getEnvelope().getRoutingKey());
            assertEquals(sent.payloadJson(), new String(received.getBody(), UTF_8));
            Map<String, Object> headers = properties.getHeaders();
            assertEquals(1, headers.get(EventHeaders.EVENT_VERSION));
            assertEquals("1.0", String.valueOf(headers.get(EventHeaders.CE_SPECVERSION)));
            assertEquals(sent.messageId().toString(), String.valueOf(headers.get(EventHeaders.CE_ID)));
            assertEquals("order.created", String.valueOf(headers.get(EventHeaders.CE_TYPE)));
            assertEquals("order-service", String.valueOf(headers.get(EventHeaders.CE_SOURCE)));
            assertEquals(sent.createdAt(), Instant.parse(String.valueOf(headers.get(EventHeaders.CE_TIME))));
        }
    }

    @Test
    void publish_byTheOrderServiceAlone_onAFreshBroker_reachesTheItemsQueue_beforeAnyConsumerConnected()
            throws Exception {
        try (TestBroker fresh = TestBroker.create();
             var orderService = new RabbitMessagePublisher(RabbitConnections.factory(fresh.amqpUri(),
                     "kurir-publisher"), "order-service", CONFIRM_TIMEOUT,
                     RabbitTopology.of(Set.of("orders"), KnownModules.ALL, QueueType.QUORUM), MessagingTracing.NONE)) {
            OutboundMessage created = Messages.orderCreated();

            List<PublishOutcome> outcomes = orderService.publish(List.of(created));

            assertTrue(outcomes.get(0).isConfirmed(), outcomes::toString);
            try (Connection admin = RabbitConnections.factory(fresh.amqpUri(), "kurir-test").newConnection();
                 Channel freshChannel = admin.createChannel()) {
                GetResponse received = freshChannel.basicGet("items.order-events", true);
                assertNotNull(received, "order.created waits in items.order-events");
                assertEquals(created.messageId().toString(), received.getProps().getMessageId());
            }
        }
    }

    @Test
    void publish_unroutableRoutingKey_marksThatMessageUnroutable_andNoOther() throws Exception {
        List<OutboundMessage> batch = List.of(Messages.orderCreated(), Messages.message("orders", "nobody.listens"),
                Messages.orderCreated());

        List<PublishOutcome> outcomes = publisher.publish(batch);

        assertTrue(outcomes.get(0).isConfirmed(), outcomes::toString);
        assertTrue(outcomes.get(2).isConfirmed(), outcomes::toString);
        assertEquals(PublishOutcome.Status.UNROUTABLE, outcomes.get(1).status(), outcomes::toString);
        String failure = outcomes.get(1).failure();
        assertTrue(failure.startsWith("unroutable: no queue bound to exchange orders with routing key nobody.listens"
                + " (reply 312 "), failure);
        assertEquals(2, channel.queueDeclarePassive("items.order-events").getMessageCount());
    }

    @Test
    void publish_toAQueueThatRejectsPublishes_failsTheMessageTheBrokerNacked_andNoOther() throws Exception {
        // A full queue (x-max-length 0) with overflow reject-publish: the broker nacks every message routed to it.
        // On a connection of its own: the embedded Qpid broker refuses the arguments and closes the connection.
        try (Connection own = RabbitConnections.factory(broker.amqpUri(), "kurir-test").newConnection();
             Channel declaring = own.createChannel()) {
            declaring.queueDeclare("full", true, false, false,
                    Map.of("x-max-length", 0, "x-overflow", "reject-publish"));
            declaring.queueBind("full", "orders", "nothing.fits");
        } catch (IOException | ShutdownSignalException e) {
            assumeTrue(false, "the broker does not offer x-overflow=reject-publish (the embedded Qpid broker): "
                    + Reasons.of(e));
        }
        try {
            List<PublishOutcome> outcomes = publisher.publish(List.of(Messages.orderCreated(),
                    Messages.message("orders", "nothing.fits"), Messages.orderCreated()));

            assertTrue(outcomes.get(0).isConfirmed(), outcomes::toString);
            assertTrue(outcomes.get(2).isConfirmed(), outcomes::toString);
            assertEquals(PublishOutcome.Status.FAILED, outcomes.get(1).status(), outcomes::toString);
            assertEquals("nacked by the broker", outcomes.get(1).failure());
            assertTrue(publisher.publish(List.of(Messages.orderCreated())).get(0).isConfirmed(),
                    "the channel carries on after a nack");
        } finally {
            channel.queueDelete("full");
        }
    }

    @Test
    void publish_toMissingExchange_failsWithTheBrokersReason_andThePublisherCarriesOn() throws Exception {
        List<PublishOutcome> outcomes = publisher.publish(List.of(Messages.message("no-such-exchange", "x.y")));

        assertFalse(outcomes.get(0).isConfirmed());
        assertTrue(outcomes.get(0).failure().startsWith("rejected by the broker: "), outcomes.get(0).failure());
        assertTrue(outcomes.get(0).failure().contains("(reply 404)"), outcomes.get(0).failure());

        assertTrue(publisher.publish(List.of(Messages.orderCreated())).get(0).isConfirmed());
    }

    @Test
    void publish_whoseConfirmsDoNotArriveInTime_throwsBrokerUnavailable_andTheBatchGoesOutAgainOnANewConnection()
            throws Exception {
        try (StallingProxy proxy = StallingProxy.startFor(broker.amqpUri());
             var stalled = new RabbitMessagePublisher(RabbitConnections.factory(proxy.uriThrough(broker.amqpUri()),
                     "kurir-publisher"), "order-service", Duration.ofMillis(500))) {
            assertTrue(stalled.publish(List.of(Messages.orderCreated())).get(0).isConfirmed(), "connected");
            List<OutboundMessage> batch = List.of(Messages.orderCreated(), Messages.orderCreated());

            proxy.hold();
            var thrown = assertThrows(BrokerUnavailableException.class, () -> stalled.publish(batch));
            assertEquals("the broker did not confirm 2 of 2 messages within 500 ms", thrown.getMessage());
            proxy.release();

            List<PublishOutcome> again = stalled.publish(batch);
            assertTrue(again.stream().allMatch(PublishOutcome::isConfirmed), again::toString);
        }
        // Nothing could be concluded about the stalled batch, so it went twice: the inbox drops the copies.
        Await.until(Duration.ofSeconds(5), "1 + 2 + 2 messages in the queue",
                () -> messageCount("items.order-events") == 5);
    }

    @Test
    void publish_withNoBrokerListening_throwsBrokerUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (var nowhere = new RabbitMessagePublisher(
                RabbitConnections.factory("amqp://guest:secret@127.0.0.1:" + closedPort + "/", "kurir-publisher"),
                "order-service", CONFIRM_TIMEOUT)) {
            var thrown = assertThrows(BrokerUnavailableException.class,
                    () -> nowhere.publish(List.of(Messages.orderCreated())));
            assertTrue(thrown.getMessage().contains("127.0.0.1:" + closedPort), thrown.getMessage());
            assertFalse(thrown.getMessage().contains("secret"), thrown.getMessage());
        }
    }

    @Test
    void publish_afterClose_throwsBrokerUnavailable() throws Exception {
        publisher.publish(List.of(Messages.orderCreated()));
        publisher.close();

        assertThrows(BrokerUnavailableException.class, () -> publisher.publish(List.of(Messages.orderCreated())));
    }

    @Test
    void publish_fromFourThreadsAtOnce_confirmsEveryMessage() throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<PublishOutcome>>> results = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                results.add(workers.submit(() -> {
                    List<PublishOutcome> outcomes = new ArrayList<>();
                    for (int batch = 0; batch < 50; batch++) {
                        outcomes.addAll(publisher.publish(List.of(Messages.orderCreated(), Messages.orderCreated(),
                                Messages.orderCreated(), Messages.orderCreated(), Messages.orderCreated())));
                    }
                    return outcomes;
                }));
            }
            for (Future<List<PublishOutcome>> result : results) {
                List<PublishOutcome> outcomes = result.get(30, TimeUnit.SECONDS);
                assertEquals(250, outcomes.size());
                assertTrue(outcomes.stream().allMatch(PublishOutcome::isConfirmed));
            }
        } finally {
            workers.shutdownNow();
        }
        Await.until(Duration.ofSeconds(5), "the queue holds all 1000 messages",
                () -> messageCount("items.order-events") == 1000);
    }

    private static long messageCount(String queue) {
        try {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
