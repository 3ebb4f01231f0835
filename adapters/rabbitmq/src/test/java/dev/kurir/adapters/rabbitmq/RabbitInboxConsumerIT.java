package dev.kurir.adapters.rabbitmq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.testing.TestBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RabbitInboxConsumerIT {
    private static final String QUEUE = "items.order-events";
    private static final String DEAD_LETTERS = "kurir.dead-letter";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static TestBroker broker;
    private static Connection connection;
    private static Channel channel;
    private final FakeInbox inbox = new FakeInbox("order.created");
    private RabbitInboxConsumer consumer;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.create();
        connection = RabbitConnections.factory(broker.amqpUri(), "kurir-test").newConnection();
        RabbitTopology.of(Set.of("orders", "items"), KnownModules.ALL, QueueType.QUORUM).declare(connection);
        channel = connection.createChannel();
        channel.confirmSelect();
    }

    @AfterAll
    static void stopBroker() throws IOException {
        connection.close();
        broker.close();
    }

    @BeforeEach
    void startConsumer() throws IOException {
        channel.queuePurge(QUEUE);
        channel.queuePurge(DEAD_LETTERS);
        consumer = new RabbitInboxConsumer(RabbitConnections.factory(broker.amqpUri(), "kurir-consumer"), QUEUE,
                inbox, 10);
        consumer.start();
    }

    @AfterEach
    void closeConsumer() {
        consumer.close();
    }

    @Test
    void validDelivery_isRecordedAndAcked() throws Exception {
        UUID id = UUID.randomUUID();
        publish(properties(id.toString(), "order.created").appId("order-service")
                .headers(Map.of("traceparent", TRACEPARENT)).build(), "{\"order_id\":\"o-1\"}");

        Await.until(WAIT, "the inbox recorded it", () -> inbox.recorded().containsKey(id));
        IncomingDelivery delivery = inbox.recorded().get(id);
        assertEquals(new IncomingDelivery(id, "order.created", 1, "order-service", "orders", "order.created",
                "{\"order_id\":\"o-1\"}", TRACEPARENT), delivery);
        consumer.close();
        assertEquals(0, messageCount(QUEUE), "acked, so not requeued when the consumer disconnects");
        assertEquals(0, messageCount(DEAD_LETTERS));
    }

    @Test
    void deliveryWithoutTypeOrAppId_takesTheRoutingKeyAndAnUnknownSender() throws Exception {
        UUID id = UUID.randomUUID();
        publish(new AMQP.BasicProperties.Builder().messageId(id.toString()).build(), "{}");

        Await.until(WAIT, "the inbox recorded it", () -> inbox.recorded().containsKey(id));
        assertEquals("order.created", inbox.recorded().get(id).eventType());
        assertEquals("unknown", inbox.recorded().get(id).senderId());
        assertNull(inbox.recorded().get(id).traceparent());
    }

    @Test
    void deliveryWithoutMessageId_isDeadLettered() throws Exception {
        publish(properties(null, "order.created").build(), "{}");

        assertDeadLettered("missing message_id");
    }

    @Test
    void deliveryWithMalformedMessageId_isDeadLettered() throws Exception {
        publish(properties("order-42", "order.created").build(), "{}");

        assertDeadLettered("message_id is not a UUID: 'order-42'");
    }

    @Test
    void deliveryWhoseBodyIsNotJson_isDeadLettered() throws Exception {
        publish(properties(UUID.randomUUID().toString(), "order.created").build(), "order #1");

        assertDeadLettered("body is not JSON: ");
    }

    @Test
    void deliveryWhoseBodyIsAJsonArray_isDeadLettered() throws Exception {
        publish(properties(UUID.randomUUID().toString(), "order.created").build(), "[1, 2]");

        assertDeadLettered("body is JSON but not an object: array");
    }

    @Test
    void deliveryOfAnUnhandledEventType_isDeadLettered() throws Exception {
        publish(properties(UUID.randomUUID().toString(), "order.cancelled").build(), "{}");

        assertDeadLettered("no handler for event type 'order.cancelled'");
    }

    @Test
    void deliveryOfAMajorVersionTheModuleDoesNotRead_isDeadLettered_withTheReason() throws Exception {
        publish(properties(UUID.randomUUID().toString(), "order.created")
                .headers(Map.of(EventHeaders.EVENT_VERSION, 2)).build(), "{\"order_id\":\"o-1\"}");

        assertDeadLettered("unsupported version 2 of order.created");
    }

    @Test
    void deliveryWhoseVersionHeaderIsNoPositiveInteger_isDeadLettered() throws Exception {
        publish(properties(UUID.randomUUID().toString(), "order.created")
                .headers(Map.of(EventHeaders.EVENT_VERSION, "one")).build(), "{}");

        assertDeadLettered("kurir-event-version is not a positive integer: 'one'");
    }

    @Test
    void deliveryNamingItsVersion_asANumberOrAsText_isRecordedWithIt() throws Exception {
        UUID number = UUID.randomUUID();
        UUID text = UUID.randomUUID();
        publish(properties(number.toString(), "order.created").headers(Map.of(EventHeaders.EVENT_VERSION, 1)).build(),
                "{}");
        publish(properties(text.toString(), "order.created").headers(Map.of(EventHeaders.EVENT_VERSION, "1")).build(),
                "{}");

        Await.until(WAIT, "the inbox recorded both", () -> inbox.recorded().keySet().containsAll(Set.of(number, text)));
        assertEquals(1, inbox.recorded().get(number).eventVersion());
        assertEquals(1, inbox.recorded().get(text).eventVersion());
        assertEquals(0, messageCount(DEAD_LETTERS));
    }

    @Test
    void deliveryTheInboxFailsToRecord_isRedeliveredAndThenRecorded() throws Exception {
        inbox.failNext(1);
        UUID id = UUID.randomUUID();
        publish(properties(id.toString(), "order.created").build(), "{}");

        Await.until(WAIT, "the inbox recorded it", () -> inbox.recorded().containsKey(id));
        assertEquals(2, inbox.attempts().size());
        consumer.close();
        assertEquals(0, messageCount(QUEUE));
        assertEquals(0, messageCount(DEAD_LETTERS));
    }

    @Test
    void whileTheDatabaseIsAway_theDeliveryIsHeld_notReturnedToTheQueue() throws Exception {
        inbox.unavailableFor(3); // pauses of 0.5, 1 and 2 s
        UUID id = UUID.randomUUID();
        publish(properties(id.toString(), "order.created").build(), "{}");

        Await.until(WAIT, "the inbox recorded it", () -> inbox.recorded().containsKey(id));
        List<IncomingDelivery> attempts = inbox.attempts();
        assertEquals(4, attempts.size());
        // One delivery tried four times; a return to the queue would have brought a new one (which a quorum queue
        // counts against its delivery limit).
        attempts.forEach(attempt -> assertSame(attempts.getFirst(), attempt));
        consumer.close();
        assertEquals(0, messageCount(QUEUE));
    }

    @Test
    void deliveryTheInboxRefusesToStore_isDeadLetteredWithTheInboxsReason() throws Exception {
        inbox.refuseAll("the inbox cannot store it: invalid byte sequence (SQLSTATE 22021)");
        publish(properties(UUID.randomUUID().toString(), "order.created").build(), "{}");

        Await.until(WAIT, "a dead letter arrives", () -> messageCount(DEAD_LETTERS) == 1);
        GetResponse deadLetter = channel.basicGet(DEAD_LETTERS, true);
        assertEquals("the inbox cannot store it: invalid byte sequence (SQLSTATE 22021)",
                String.valueOf(deadLetter.getProps().getHeaders().get(RabbitInboxConsumer.DEAD_LETTER_REASON_HEADER)));
        consumer.close();
        assertEquals(0, messageCount(QUEUE), "the original was acked");
        assertEquals(1, inbox.attempts().size(), "tried once, not returned to the queue");
    }

    @Test
    void duplicateDelivery_isAckedWithoutBeingRecordedTwice() throws Exception {
        UUID id = UUID.randomUUID();
        publish(properties(id.toString(), "order.created").build(), "{\"n\":1}");
        publish(properties(id.toString(), "order.created").build(), "{\"n\":1}");

        Await.until(WAIT, "both copies reached the inbox", () -> inbox.attempts().size() == 2);
        assertEquals(1, inbox.recorded().size());
        consumer.close();
        assertEquals(0, messageCount(QUEUE), "the duplicate was acked too");
    }

    @Test
    void close_whileADeliveryIsBeingRecorded_waitsForItAndAcksIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        inbox.blockUntil(release);
        UUID id = UUID.randomUUID();
        publish(properties(id.toString(), "order.created").build(), "{}");
        Await.until(WAIT, "the inbox is recording it", () -> inbox.attempts().size() == 1);

        Thread closer = new Thread(consumer::close);
        closer.start();
        closer.join(300);
        assertTrue(closer.isAlive(), "close waits for the delivery in flight");
        release.countDown();
        closer.join(10_000);

        assertFalse(closer.isAlive());
        assertTrue(inbox.recorded().containsKey(id));
        assertEquals(0, messageCount(QUEUE), "acked before the connection closed");
    }

    @Test
    void severalConsumers_handleDeliveriesAtOnce_andCloseWaitsForEveryOne() throws Exception {
        consumer.close();
        consumer = new RabbitInboxConsumer(RabbitConnections.factory(broker.amqpUri(), "kurir-consumer"), QUEUE,
                // prefetch 1: a channel busy with one delivery gets no other
                inbox, 1, 3, RabbitTopology.none(), MessagingTracing.NONE);
        CountDownLatch release = new CountDownLatch(1);
        inbox.blockUntil(release);
        consumer.start();
        Await.until(WAIT, "subscribed", consumer::isConsuming);
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        for (UUID id : ids) {
            publish(properties(id.toString(), "order.created").build(), "{}");
        }
        Await.until(WAIT, "three deliveries in flight at once", () -> inbox.attempts().size() == 3);

        Thread closer = new Thread(consumer::close);
        closer.start();
        closer.join(300);
        assertTrue(closer.isAlive(), "close waits for the deliveries in flight");
        release.countDown();
        closer.join(10_000);

        assertFalse(closer.isAlive());
        assertEquals(Set.copyOf(ids), inbox.recorded().keySet());
        assertEquals(0, messageCount(QUEUE), "all acked before the connection closed");
    }

    @Test
    void severalConsumers_whileTheDeadLetterQueueIsUnbound_ackNoPoisonMessage_andDeadLetterEachOnceItIsBound()
            throws Exception {
        consumer.close();
        int poison = 40;
        channel.queueUnbind(DEAD_LETTERS, RabbitTopology.DEAD_LETTER_EXCHANGE, "");
        try {
            consumer = new RabbitInboxConsumer(RabbitConnections.factory(broker.amqpUri(), "kurir-consumer"), QUEUE,
                    inbox, 5, 4, RabbitTopology.none(), MessagingTracing.NONE);
            consumer.start();
            Await.until(WAIT, "subscribed", consumer::isConsuming);
            for (int i = 0; i < poison; i++) {
                publish(properties(null, "order.created").build(), "{}");
            }
            Thread.sleep(3_000); // the consumers try to dead-letter them meanwhile, several at once
            consumer.close();

            // A closed channel's unacked deliveries go back to a quorum queue asynchronously: wait for them. An acked
            // one would never come back, so the count would stay short and the wait fail.
            Await.until(WAIT, "none acked while it could not be dead-lettered", () -> messageCount(QUEUE) == poison);
            assertEquals(0, messageCount(DEAD_LETTERS));
        } finally {
            channel.queueBind(DEAD_LETTERS, RabbitTopology.DEAD_LETTER_EXCHANGE, "");
        }

        consumer = new RabbitInboxConsumer(RabbitConnections.factory(broker.amqpUri(), "kurir-consumer"), QUEUE,
                inbox, 5, 4, RabbitTopology.none(), MessagingTracing.NONE);
        consumer.start();
        Await.until(Duration.ofSeconds(30), "all dead-lettered", () -> messageCount(DEAD_LETTERS) == poison);
        consumer.close();
        assertEquals(0, messageCount(QUEUE));
        assertEquals(poison, messageCount(DEAD_LETTERS), "each once");
    }

    private void assertDeadLettered(String reason) throws IOException {
        Await.until(WAIT, "a dead letter arrives", () -> messageCount(DEAD_LETTERS) == 1);
        GetResponse deadLetter = channel.basicGet(DEAD_LETTERS, true);
        assertNotNull(deadLetter);
        Map<String, Object> headers = deadLetter.getProps().getHeaders();
        String actualReason = String.valueOf(headers.get(RabbitInboxConsumer.DEAD_LETTER_REASON_HEADER));
        assertTrue(actualReason.startsWith(reason), actualReason);
        assertEquals("orders", String.valueOf(headers.get(RabbitInboxConsumer.ORIGINAL_EXCHANGE_HEADER)));
        assertEquals("order.created", String.valueOf(headers.get(RabbitInboxConsumer.ORIGINAL_ROUTING_KEY_HEADER)));
        assertEquals("order.created", deadLetter.getEnvelope().getRoutingKey());
        consumer.close();
        assertEquals(0, messageCount(QUEUE), "the original was acked");
        assertTrue(inbox.attempts().isEmpty());
    }

    private static AMQP.BasicProperties.Builder properties(String messageId, String type) {
        return new AMQP.BasicProperties.Builder().messageId(messageId).type(type).deliveryMode(2)
                .contentType("application/json");
    }

    private static void publish(AMQP.BasicProperties properties, String body) throws Exception {
        channel.basicPublish("orders", "order.created", true, properties, body.getBytes(UTF_8));
        channel.waitForConfirmsOrDie(5_000);
    }

    private static long messageCount(String queue) {
        try {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
