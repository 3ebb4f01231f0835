package dev.kurir.bootstrap;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Messages published straight to exchange {@code orders}, as a broker redelivering or a misbehaving sender would:
 * two duplicate deliveries and two poison messages, and what must have come of each once the system drained.
 */
final class InjectedMessages {
    static final String DUPLICATE_SKU = "FAULT-DUPLICATE";
    static final int DUPLICATE_SKU_STOCK = 10;
    private static final int DUPLICATE_QUANTITY = 2;

    private final String amqpUri;
    private final String orderId;
    private final String messageId;
    private final String replayedOrderId;
    private final String replayedMessageId;
    private final List<String> poisonMarkers;

    private InjectedMessages(String amqpUri, String orderId, String messageId, String replayedOrderId,
                             String replayedMessageId, List<String> poisonMarkers) {
        this.amqpUri = amqpUri;
        this.orderId = orderId;
        this.messageId = messageId;
        this.replayedOrderId = replayedOrderId;
        this.replayedMessageId = replayedMessageId;
        this.poisonMarkers = poisonMarkers;
    }

    /**
     * Publishes, each with publisher confirms:
     * <ol>
     * <li>a fresh {@code order.created} for {@link #DUPLICATE_SKU}, twice with one message id, for an order written
     *     here directly (with no outbox row of its own, so that only these two copies exist);</li>
     * <li>the relay's own {@code order.created} of {@code replayedOrderId}, already processed, twice more;</li>
     * <li>a message without {@code message_id}, and one whose body is not JSON.</li>
     * </ol>
     */
    static InjectedMessages publish(Jdbi jdbi, String amqpUri, String replayedOrderId) throws Exception {
        String orderId = "fault-duplicate-" + UUID.randomUUID();
        jdbi.useTransaction(h -> {
            h.execute("""
                    INSERT INTO orders.orders (order_id, customer_id, amount, status, created_at, updated_at)
                    VALUES (?, 'fault-duplicate', 5.00, 'PENDING', now(), now())""", orderId);
            h.execute("""
                    INSERT INTO orders.order_lines (order_id, line_no, sku, quantity, unit_price)
                    VALUES (?, 1, ?, ?, 2.50)""", orderId, DUPLICATE_SKU, DUPLICATE_QUANTITY);
        });
        String messageId = UUID.randomUUID().toString();
        byte[] fresh = ("{\"order_id\":\"" + orderId + "\",\"customer_id\":\"fault-duplicate\",\"amount\":\"5.00\","
                + "\"items\":[{\"sku\":\"" + DUPLICATE_SKU + "\",\"quantity\":" + DUPLICATE_QUANTITY + "}]}")
                .getBytes(StandardCharsets.UTF_8);

        Map<String, Object> sent = jdbi.withHandle(h -> h.createQuery("""
                        SELECT message_id::text AS message_id, payload::text AS payload FROM orders.outbox
                        WHERE payload->>'order_id' = ?""")
                .bind(0, replayedOrderId).mapToMap().one());
        String replayedMessageId = (String) sent.get("message_id");
        byte[] replayed = ((String) sent.get("payload")).getBytes(StandardCharsets.UTF_8);

        String withoutId = "fault-poison-" + UUID.randomUUID();
        String notJson = "fault-poison-" + UUID.randomUUID();
        InjectedMessages injected = new InjectedMessages(amqpUri, orderId, messageId, replayedOrderId,
                replayedMessageId, List.of(withoutId, notJson));
        try (Connection connection = injected.connect(); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            publish(channel, orderCreated(messageId), fresh);
            publish(channel, orderCreated(messageId), fresh);
            publish(channel, orderCreated(replayedMessageId), replayed);
            publish(channel, orderCreated(replayedMessageId), replayed);
            publish(channel, new AMQP.BasicProperties.Builder().type("order.created").appId("order-service")
                            .contentType("application/json").deliveryMode(2).build(),
                    ("{\"order_id\":\"" + withoutId + "\",\"items\":[]}").getBytes(StandardCharsets.UTF_8));
            publish(channel, orderCreated(UUID.randomUUID().toString()),
                    ("not json: " + notJson).getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(10_000);
        }
        return injected;
    }

    /** The order written directly for the fresh duplicate. */
    String orderId() {
        return orderId;
    }

    /** The message id of the fresh duplicate. */
    String messageId() {
        return messageId;
    }

    int duplicates() {
        return 2;
    }

    int poisonMessages() {
        return poisonMarkers.size();
    }

    /**
     * Each duplicate took effect exactly once (one inbox row for its order, one stock answer, the stock taken once),
     * and the dead-letter queue holds exactly the poison messages, each with its reason. Takes the dead letters off
     * the queue.
     */
    List<String> check(Jdbi jdbi) throws Exception {
        List<String> problems = new ArrayList<>();
        // Counted by order, not by message id: the inbox's unique index keeps a message id single whatever happens.
        long inbox = count(jdbi, "SELECT count(*) FROM items.inbox WHERE payload->>'order_id' = ?", orderId);
        long answers = count(jdbi, "SELECT count(*) FROM items.outbox WHERE payload->>'order_id' = ?", orderId);
        long stock = count(jdbi, "SELECT stock FROM items.items WHERE sku = ?", DUPLICATE_SKU);
        String status = jdbi.withHandle(h -> h.createQuery("SELECT status::text FROM orders.orders WHERE order_id = ?")
                .bind(0, orderId).mapTo(String.class).one());
        if (inbox != 1 || answers != 1 || stock != DUPLICATE_SKU_STOCK - DUPLICATE_QUANTITY
                || !"CONFIRMED".equals(status)) {
            problems.add("the message delivered twice (" + messageId + ") left " + inbox + " inbox row(s), " + answers
                    + " stock answer(s), stock " + stock + " (expected " + (DUPLICATE_SKU_STOCK - DUPLICATE_QUANTITY)
                    + "), order " + status);
        }
        long replayedInbox = count(jdbi, "SELECT count(*) FROM items.inbox WHERE payload->>'order_id' = ?",
                replayedOrderId);
        long replayedAnswers = count(jdbi, "SELECT count(*) FROM items.outbox WHERE payload->>'order_id' = ?",
                replayedOrderId);
        if (replayedInbox != 1 || replayedAnswers != 1) {
            problems.add("the relay's message delivered twice more (" + replayedMessageId + ") left " + replayedInbox
                    + " inbox row(s) and " + replayedAnswers + " stock answer(s)");
        }
        List<String> dead = takeDeadLetters();
        for (String marker : poisonMarkers) {
            if (dead.stream().noneMatch(letter -> letter.contains(marker) && !letter.endsWith("[null]"))) {
                problems.add("poison message " + marker + " is not in kurir.dead-letter with a reason: " + dead);
            }
        }
        if (dead.size() != poisonMarkers.size()) {
            problems.add("kurir.dead-letter holds " + dead.size() + " message(s), expected only the "
                    + poisonMarkers.size() + " poison message(s): " + dead);
        }
        return problems;
    }

    /** Every message of {@code kurir.dead-letter}, as "body [reason]". */
    private List<String> takeDeadLetters() throws Exception {
        List<String> letters = new ArrayList<>();
        try (Connection connection = connect(); Channel channel = connection.createChannel()) {
            for (GetResponse letter; (letter = channel.basicGet("kurir.dead-letter", true)) != null; ) {
                Map<String, Object> headers = letter.getProps().getHeaders();
                Object reason = headers == null ? null : headers.get("x-kurir-dead-letter-reason");
                letters.add(new String(letter.getBody(), StandardCharsets.UTF_8) + " [" + reason + "]");
            }
        }
        return letters;
    }

    private static AMQP.BasicProperties orderCreated(String messageId) {
        return new AMQP.BasicProperties.Builder().messageId(messageId).type("order.created").appId("order-service")
                .contentType("application/json").deliveryMode(2).timestamp(new Date()).build();
    }

    private static void publish(Channel channel, AMQP.BasicProperties properties, byte[] body) throws Exception {
        channel.basicPublish("orders", "order.created", true, properties, body);
    }

    private Connection connect() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(amqpUri);
        return factory.newConnection("fault-injection-it");
    }

    private static long count(Jdbi jdbi, String sql, Object... arguments) {
        return jdbi.withHandle(h -> {
            var query = h.createQuery(sql);
            for (int i = 0; i < arguments.length; i++) {
                query.bind(i, arguments[i]);
            }
            return query.mapTo(Long.class).one();
        });
    }
}
