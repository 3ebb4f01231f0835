package dev.kurir.bootstrap;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.kurir.adapters.postgres.JdbiInboxStore;
import dev.kurir.adapters.postgres.JdbiUnitOfWork;
import dev.kurir.adapters.postgres.ModuleSchema;
import dev.kurir.adapters.rabbitmq.EventHeaders;
import dev.kurir.adapters.rabbitmq.RabbitConnections;
import dev.kurir.adapters.rabbitmq.RabbitInboxConsumer;
import dev.kurir.adapters.rabbitmq.QueueType;
import dev.kurir.adapters.rabbitmq.RabbitTopology;
import dev.kurir.application.items.ItemsModule;
import dev.kurir.application.messaging.InboxService;
import dev.kurir.application.messaging.MessagingListener;
import dev.kurir.application.messaging.MessagingSettings;
import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InboxHandler;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.orders.OrdersModule;
import dev.kurir.testing.TestBroker;
import dev.kurir.testing.TestDatabase;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inbox consumer on the real inbox (InboxService on JdbiInboxStore, PostgreSQL) and a real broker: what PostgreSQL
 * refuses to store is dead-lettered, and a database that cannot answer never counts as a failed attempt.
 */
class InboxConsumerIT {
    private static final ModuleSchema ITEMS = ModuleSchema.of(ItemsModule.DESCRIPTOR);
    private static final String QUEUE = ItemsModule.DESCRIPTOR.queue();
    private static final String DEAD_LETTERS = RabbitTopology.DEAD_LETTER_QUEUE;
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static TestDatabase database;
    private static TestBroker broker;
    private static Jdbi jdbi;
    private static Connection connection;
    private static Channel channel;

    private final AtomicInteger handled = new AtomicInteger();
    private volatile InboxHandler behaviour = message -> Handled.APPLIED;
    private InboxService inbox;
    private RabbitInboxConsumer consumer;

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabase.create();
        Flyway.configure().dataSource(database.dataSource()).schemas(ITEMS.schemaName())
                .createSchemas(true).locations(ITEMS.migrationLocation()).load().migrate();
        jdbi = Jdbi.create(database.dataSource());
        broker = TestBroker.create();
        connection = RabbitConnections.factory(broker.amqpUri(), "kurir-test").newConnection();
        RabbitTopology.of(Set.of("orders", "items"), KurirModules.ALL, QueueType.QUORUM).declare(connection);
        channel = connection.createChannel();
        channel.confirmSelect();
    }

    @AfterAll
    static void stop() throws IOException {
        connection.close();
        broker.close();
        database.close();
    }

    @BeforeEach
    void startInbox() throws IOException {
        channel.queuePurge(QUEUE);
        channel.queuePurge(DEAD_LETTERS);
        jdbi.useHandle(h -> h.execute("TRUNCATE items.inbox"));
        InboxHandler handler = message -> {
            handled.incrementAndGet();
            return behaviour.handle(message);
        };
        inbox = new InboxService("items", new JdbiInboxStore(jdbi, ITEMS),
                Map.of("order.created", handler), new JdbiUnitOfWork(jdbi),
                new MessagingSettings(1, 1, 100, 100, Duration.ofMillis(100), 3, Duration.ofMillis(100),
                        Duration.ofSeconds(30)),
                new MessagingListener() { }, MessagingTracing.NONE, Clock.systemUTC());
        consumer = new RabbitInboxConsumer(RabbitConnections.factory(broker.amqpUri(), "kurir-consumer"), QUEUE,
                inbox, 10, 2, RabbitTopology.none(), MessagingTracing.NONE);
        consumer.start();
    }

    @AfterEach
    void stopInbox() {
        consumer.close();
        inbox.close();
    }

    @Test
    void aNulEscapeInThePayload_isDeadLetteredWithTheReason_andTheNextDeliveryIsProcessed() throws Exception {
        UUID poison = UUID.randomUUID();
        publish(properties(poison).build(), "{\"order_id\":\"o-1\",\"customer_id\":\"a\\u0000b\"}");
        UUID next = UUID.randomUUID();
        publish(properties(next).build(), "{\"order_id\":\"o-2\"}");

        Eventually.await("the next delivery processed", WAIT, () -> "PROCESSED".equals(status(next)));
        assertDeadLettered(poison, "SQLSTATE 22P05");
    }

    @Test
    void aNulByteInAppId_isDeadLetteredWithTheReason() throws Exception {
        UUID poison = UUID.randomUUID();
        publish(properties(poison).appId("order\u0000service").build(), "{\"order_id\":\"o-1\"}");

        assertDeadLettered(poison, "SQLSTATE 22021");
    }

    @Test
    void aNulByteInTheTraceparentHeader_isDeadLetteredWithTheReason() throws Exception {
        UUID poison = UUID.randomUUID();
        publish(properties(poison).headers(Map.of("traceparent", "00-\u0000")).build(), "{\"order_id\":\"o-1\"}");

        assertDeadLettered(poison, "SQLSTATE 22021");
    }

    @Test
    void aHandlerFailureWhoseTextHoldsANulByte_isStoredForARetry() throws Exception {
        behaviour = message -> {
            throw new IllegalStateException("stock service said \u0000");
        };
        UUID id = UUID.randomUUID();
        publish(properties(id).build(), "{\"order_id\":\"o-1\"}");

        Eventually.await("the failed attempt stored", WAIT, () -> "PENDING".equals(status(id)));
        Map<String, Object> row = row(id);
        assertEquals(1, row.get("retry_count"));
        assertFalse(String.valueOf(row.get("error")).contains("\u0000"), String.valueOf(row.get("error")));
        assertEquals(0, messageCount(DEAD_LETTERS));
    }

    @Test
    void aConnectionLostWhileHandlingOnArrival_countsNoAttempt_andTheRedeliveryIsProcessed() throws Exception {
        behaviour = message -> {
            if (handled.get() == 1) {
                killOwnConnection(); // as a PostgreSQL restart does to every session
            }
            return Handled.APPLIED;
        };
        UUID id = UUID.randomUUID();
        publish(properties(id).build(), "{\"order_id\":\"o-1\"}");

        Eventually.await("processed once the broker redelivered it", WAIT, () -> "PROCESSED".equals(status(id)),
                () -> row(id).toString());
        assertEquals(0, row(id).get("retry_count"), "no attempt counted");
        assertEquals(2, handled.get());
    }

    @Test
    void aConnectionLostWhileAWorkerHandles_countsNoAttempt_andTheRowIsProcessedLater() {
        UUID id = UUID.randomUUID();
        assertTrue(new JdbiInboxStore(jdbi, ITEMS).record(new IncomingDelivery(id, "order.created", 1,
                "order-service", "orders", "order.created", "{\"order_id\":\"o-1\"}", null)));
        behaviour = message -> {
            if (handled.get() == 1) {
                killOwnConnection();
            }
            return Handled.APPLIED;
        };
        inbox.start();

        Eventually.await("processed by a later round", WAIT, () -> "PROCESSED".equals(status(id)),
                () -> row(id).toString());
        assertEquals(0, row(id).get("retry_count"), "no attempt counted");
        assertEquals(2, handled.get());
    }

    @Test
    void aMajorVersionTheModuleDoesNotRead_isDeadLetteredWithTheReason_andNeverHandled() throws Exception {
        UUID newer = UUID.randomUUID();
        publish(properties(newer).headers(Map.of(EventHeaders.EVENT_VERSION, 2)).build(), "{\"order_id\":\"o-1\"}");

        assertDeadLettered(newer, "unsupported version 2 of order.created");
        assertEquals(0, handled.get());
    }

    @Test
    void aStoredRowOfAVersionTheHandlerDoesNotRead_isFailedWithTheReason_andNeverHandled() {
        // E.g. stored by a newer release before a rollback: the workers must not guess at it.
        UUID newer = UUID.randomUUID();
        assertTrue(new JdbiInboxStore(jdbi, ITEMS).record(new IncomingDelivery(newer, "order.created", 2,
                "order-service", "orders", "order.created", "{\"order_id\":\"o-1\"}", null)));
        inbox.start();

        Eventually.await("the row given up", WAIT, () -> "FAILED".equals(status(newer)), () -> row(newer).toString());
        assertEquals("unsupported version 2 of order.created", row(newer).get("error"));
        assertEquals(0, handled.get());
    }

    @Test
    void aRowWrittenBeforeVersionsWereStored_isVersion1_andProcessed() {
        UUID older = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO items.inbox (message_id, sender_id, event_type, payload, exchange, routing_key)
                        VALUES (:id, 'order-service', 'order.created', '{"order_id":"o-1"}', 'orders', 'order.created')
                        """).bind("id", older).execute());
        inbox.start();

        Eventually.await("processed", WAIT, () -> "PROCESSED".equals(status(older)), () -> row(older).toString());
        assertEquals(1, handled.get());
    }

    private static void killOwnConnection() {
        // Joins the handler's transaction, whose session the server then terminates (SQLSTATE 57P01).
        jdbi.useHandle(h -> h.createQuery("SELECT pg_terminate_backend(pg_backend_pid())").mapTo(Boolean.class).one());
    }

    private void assertDeadLettered(UUID messageId, String reasonPart) throws Exception {
        Eventually.await("a dead letter", WAIT, () -> messageCount(DEAD_LETTERS) == 1);
        GetResponse deadLetter = channel.basicGet(DEAD_LETTERS, true);
        assertNotNull(deadLetter);
        assertEquals(messageId.toString(), deadLetter.getProps().getMessageId());
        String reason = String.valueOf(deadLetter.getProps().getHeaders()
                .get(RabbitInboxConsumer.DEAD_LETTER_REASON_HEADER));
        assertTrue(reason.contains(reasonPart), reason);
        consumer.close(); // waits for the delivery in hand; any unacked one would go back to the queue
        assertEquals(0, messageCount(QUEUE), "the original was acked");
        assertEquals(Map.of(), row(messageId), "the inbox holds nothing for it");
    }

    private static String status(UUID messageId) {
        return (String) row(messageId).get("status");
    }

    private static Map<String, Object> row(UUID messageId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT status::text AS status, retry_count, error FROM items.inbox WHERE message_id = :id""")
                .bind("id", messageId).mapToMap().findOne().orElse(Map.of()));
    }

    private static AMQP.BasicProperties.Builder properties(UUID messageId) {
        return new AMQP.BasicProperties.Builder().messageId(messageId.toString()).type("order.created")
                .appId("order-service").deliveryMode(2).contentType("application/json");
    }

    private static void publish(AMQP.BasicProperties properties, String body) throws Exception {
        channel.basicPublish(OrdersModule.DESCRIPTOR.exchange(), "order.created", true, properties,
                body.getBytes(UTF_8));
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
