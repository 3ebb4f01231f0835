package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.kurir.application.messaging.port.out.DeadLetterQueue.DeadLetter;
import dev.kurir.application.messaging.port.out.DeadLetterQueue.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * One message taken from the dead-letter queue during a pass of {@link RabbitDeadLetterQueue}: what an operator sees
 * of it, and its replay. Where it first went comes from kurir's own headers, or for a message RabbitMQ dead-lettered
 * (a quorum queue's delivery limit) from the first {@code x-death} entry.
 */
final class DeadLetterMessage {
    private static final int KEY_BYTES = 12;

    private final Channel channel;
    private final GetResponse response;
    private final Duration confirmTimeout;
    private final RabbitDeadLetterQueue.ReturnedFlag returned;
    private final DeadLetter view;

    DeadLetterMessage(Channel channel, GetResponse response, Duration confirmTimeout,
                      RabbitDeadLetterQueue.ReturnedFlag returned) {
        this.channel = channel;
        this.response = response;
        this.confirmTimeout = confirmTimeout;
        this.returned = returned;
        this.view = describe(response);
    }

    DeadLetter view() {
        return view;
    }

    /**
     * Publishes it to its original exchange and routing key, mandatory, and waits for the confirm. Other copies
     * published on the channel before are confirmed by the same wait.
     */
    Outcome replay() throws IOException, InterruptedException, TimeoutException {
        if (view.originalExchange().isEmpty()) {
            return Outcome.NO_DESTINATION;
        }
        returned.getAndClear();
        channel.basicPublish(view.originalExchange().get(), view.originalRoutingKey().orElse(""), true,
                RabbitDeadLetterQueue.replayProperties(response.getProps()), response.getBody());
        boolean acked = channel.waitForConfirms(confirmTimeout.toMillis());
        if (returned.getAndClear()) {
            return Outcome.NOT_ROUTED;
        }
        if (!acked) {
            throw new IOException("the broker nacked the replay");
        }
        return Outcome.DONE;
    }

    private static DeadLetter describe(GetResponse response) {
        AMQP.BasicProperties props = response.getProps();
        Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
        Optional<Map<?, ?>> death = firstDeath(headers.get("x-death"));
        Optional<String> exchange = RabbitDeadLetterQueue.text(
                        headers.get(RabbitInboxConsumer.ORIGINAL_EXCHANGE_HEADER))
                .or(() -> death.flatMap(d -> RabbitDeadLetterQueue.text(d.get("exchange"))));
        Optional<String> routingKey = RabbitDeadLetterQueue.text(
                        headers.get(RabbitInboxConsumer.ORIGINAL_ROUTING_KEY_HEADER))
                .or(() -> death.flatMap(d -> d.get("routing-keys") instanceof List<?> keys && !keys.isEmpty()
                        ? RabbitDeadLetterQueue.text(keys.get(0)) : Optional.empty()));
        Optional<String> reason = RabbitDeadLetterQueue.text(headers.get(RabbitInboxConsumer.DEAD_LETTER_REASON_HEADER))
                .or(() -> death.flatMap(d -> RabbitDeadLetterQueue.text(d.get("reason"))));
        Optional<String> messageId = Optional.ofNullable(props.getMessageId());
        Map<String, String> headerText = new TreeMap<>();
        headers.forEach((name, value) -> headerText.put(name, String.valueOf(value)));
        return new DeadLetter(key(messageId.orElse(""), exchange.orElse(""), routingKey.orElse(""),
                response.getBody()), messageId, reason, exchange, routingKey,
                Optional.ofNullable(props.getTimestamp()).map(java.util.Date::toInstant), properties(props),
                headerText, RabbitDeadLetterQueue.bodyText(response.getBody()));
    }

    private static Optional<Map<?, ?>> firstDeath(Object xDeath) {
        return xDeath instanceof List<?> deaths && !deaths.isEmpty() && deaths.get(0) instanceof Map<?, ?> first
                ? Optional.of(first) : Optional.empty();
    }

    private static Map<String, String> properties(AMQP.BasicProperties props) {
        Map<String, String> set = new LinkedHashMap<>();
        put(set, "content_type", props.getContentType());
        put(set, "content_encoding", props.getContentEncoding());
        put(set, "delivery_mode", props.getDeliveryMode());
        put(set, "priority", props.getPriority());
        put(set, "correlation_id", props.getCorrelationId());
        put(set, "reply_to", props.getReplyTo());
        put(set, "expiration", props.getExpiration());
        put(set, "message_id", props.getMessageId());
        put(set, "timestamp", props.getTimestamp() == null ? null : props.getTimestamp().toInstant());
        put(set, "type", props.getType());
        put(set, "user_id", props.getUserId());
        put(set, "app_id", props.getAppId());
        return set;
    }

    private static void put(Map<String, String> set, String name, Object value) {
        if (value != null) {
            set.put(name, value.toString());
        }
    }

    /** A digest of what tells dead letters apart; the same message dead-lettered twice has one key. */
    static String key(String messageId, String exchange, String routingKey, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : List.of(messageId, exchange, routingKey)) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            digest.update(body);
            byte[] hash = digest.digest();
            return HexFormat.of().formatHex(hash, 0, KEY_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
