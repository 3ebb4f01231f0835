package dev.kurir.application.messaging.port.out;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The queue where consumers put deliveries they could not accept, as an operator sees it: browse it without taking
 * anything out of it, send one message back where it first went, or drop one. Messages are named by a
 * {@link DeadLetter#key() key} computed from their content, since a dead letter may have no usable message id.
 */
public interface DeadLetterQueue {

    /**
     * A dead-lettered message.
     *
     * @param key                a stable name for it while it is queued: a digest of its message id, routing and body
     * @param reason             why it was dead-lettered (kurir's reason header, or RabbitMQ's {@code x-death}
     *                           reason), or empty
     * @param originalExchange   where it was first published, or empty when the message does not say
     * @param originalRoutingKey the routing key it was first published with, or empty
     * @param properties         the AMQP properties that are set (content type, app id, timestamp, ...)
     * @param headers            its headers as text, kurir's dead-letter headers included
     * @param body               the body as UTF-8 text (invalid bytes replaced)
     */
    record DeadLetter(String key, Optional<String> messageId, Optional<String> reason,
                      Optional<String> originalExchange,
                      Optional<String> originalRoutingKey, Optional<Instant> timestamp, Map<String, String> properties,
                      Map<String, String> headers, String body) {
    }

    /** The messages seen and how many were queued. */
    record Browse(long depth, List<DeadLetter> messages) {
    }

    /** What became of a replay or discard. */
    enum Outcome {
        /** Done: the message left the dead-letter queue. */
        DONE,
        /** No queued message has that key. */
        NOT_FOUND,
        /** The message names no original exchange, so it cannot be replayed; it stays queued. */
        NO_DESTINATION,
        /** The broker routed the replay to no queue (it returned it); the message stays queued. */
        NOT_ROUTED
    }

    /**
     * The oldest {@code limit} messages, leaving every message queued in its order.
     *
     * @throws BrokerUnavailableException if the broker cannot be reached or refuses
     */
    Browse browse(int limit) throws BrokerUnavailableException;

    /** How many messages are queued; empty when the broker cannot be reached. */
    OptionalLong depth();

    /**
     * Publishes the message to its original exchange with its original routing key, its properties and message id
     * kept and kurir's dead-letter headers removed, then removes it from the dead-letter queue once the broker
     * confirmed. A replayed message that no queue takes stays dead-lettered ({@link Outcome#NOT_ROUTED}).
     *
     * @throws BrokerUnavailableException if the broker cannot be reached, or nacked the replay
     */
    Outcome replay(String key) throws BrokerUnavailableException;

    /**
     * Removes the message from the dead-letter queue for good.
     *
     * @throws BrokerUnavailableException if the broker cannot be reached
     */
    Outcome discard(String key) throws BrokerUnavailableException;
}
