package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import dev.kurir.application.messaging.port.out.BrokerUnavailableException;
import dev.kurir.application.messaging.port.out.DeadLetterQueue;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;

/**
 * {@value RabbitTopology#DEAD_LETTER_QUEUE} for an operator. AMQP has no "peek", so every call makes one pass over
 * the whole queue: each message is taken ({@code basic.get}), a copy is published back to the queue, and the
 * original is acked only once the broker confirmed the copy. After the pass the queue holds the same messages in the
 * same order (the one replayed or discarded aside).
 *
 * <p>Why not {@code basic.get} and then a nack with requeue, as RabbitMQ's own UI does: a quorum queue counts each
 * return against its delivery limit (20 by default from RabbitMQ 4.0) and drops a message past it, and this queue
 * dead-letters nowhere, so browsing could lose dead letters. A copy has no such count. What the pass can do instead
 * is duplicate: should the connection fail between a confirmed copy and the ack of its original, the original is
 * returned too. A message dead-lettered during a pass lands among the copies, slightly out of order.
 *
 * <p>Calls are serialised in this process; two processes browsing at once each see part of the queue.
 */
public final class RabbitDeadLetterQueue implements DeadLetterQueue, AutoCloseable {
    private static final int CONFIRM_BATCH = 100;
    private static final int MAX_BODY_CHARS = 64 * 1024;

    private final ConnectionFactory factory;
    private final Duration confirmTimeout;
    private Connection connection; // opened on first use, reopened after a failure; guarded by this

    public RabbitDeadLetterQueue(ConnectionFactory factory, Duration confirmTimeout) {
        this.factory = factory;
        this.confirmTimeout = confirmTimeout;
    }

    @Override
    public synchronized Browse browse(int limit) throws BrokerUnavailableException {
        List<DeadLetter> seen = new ArrayList<>();
        long depth = pass(letter -> {
            if (seen.size() < limit) {
                seen.add(letter.view());
            }
            return Step.KEEP;
        });
        return new Browse(depth, seen);
    }

    @Override
    public synchronized OptionalLong depth() {
        try (Channel channel = channel()) {
            return OptionalLong.of(channel.messageCount(RabbitTopology.DEAD_LETTER_QUEUE));
        } catch (IOException | TimeoutException | ShutdownSignalException | BrokerUnavailableException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public synchronized Outcome replay(String key) throws BrokerUnavailableException {
        Outcome[] outcome = {Outcome.NOT_FOUND};
        pass(letter -> {
            if (outcome[0] != Outcome.NOT_FOUND || !letter.view().key().equals(key)) {
                return Step.KEEP;
            }
            outcome[0] = letter.replay();
            return outcome[0] == Outcome.DONE ? Step.REMOVE : Step.KEEP;
        });
        return outcome[0];
    }

    @Override
    public synchronized Outcome discard(String key) throws BrokerUnavailableException {
        boolean[] found = {false};
        pass(letter -> {
            if (found[0] || !letter.view().key().equals(key)) {
                return Step.KEEP;
            }
            found[0] = true;
            return Step.REMOVE;
        });
        return found[0] ? Outcome.DONE : Outcome.NOT_FOUND;
    }

    /** What the pass does with a message: copy it back, or leave it out. */
    private enum Step { KEEP, REMOVE }

    @FunctionalInterface
    private interface Visitor {
        Step visit(DeadLetterMessage letter) throws IOException, InterruptedException, TimeoutException;
    }

    /** One pass over the queue's messages as it stood at the start; returns how many there were. */
    private long pass(Visitor visitor) throws BrokerUnavailableException {
        try (Channel channel = channel()) {
            channel.confirmSelect();
            ReturnedFlag returned = new ReturnedFlag();
            channel.addReturnListener(message -> returned.set());
            long depth = channel.messageCount(RabbitTopology.DEAD_LETTER_QUEUE);
            long unacked = -1;
            int unconfirmed = 0;
            for (long i = 0; i < depth; i++) {
                GetResponse response = channel.basicGet(RabbitTopology.DEAD_LETTER_QUEUE, false);
                if (response == null) {
                    break;
                }
                DeadLetterMessage letter = new DeadLetterMessage(channel, response, confirmTimeout, returned);
                if (visitor.visit(letter) == Step.KEEP) {
                    // Straight to the queue, not through the fanout exchange: another queue bound to it (an
                    // archive) must not get a second copy.
                    channel.basicPublish("", RabbitTopology.DEAD_LETTER_QUEUE, false, response.getProps(),
                            response.getBody());
                    unconfirmed++;
                }
                unacked = response.getEnvelope().getDeliveryTag();
                if (unconfirmed >= CONFIRM_BATCH) {
                    confirmThenAck(channel, unacked);
                    unconfirmed = 0;
                    unacked = -1;
                }
            }
            if (unacked >= 0) {
                confirmThenAck(channel, unacked);
            }
            return depth;
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            throw new BrokerUnavailableException("the dead-letter queue could not be read: " + Reasons.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while reading the dead-letter queue", e);
        }
    }

    private void confirmThenAck(Channel channel, long deliveryTag)
            throws IOException, InterruptedException, TimeoutException {
        channel.waitForConfirmsOrDie(confirmTimeout.toMillis());
        channel.basicAck(deliveryTag, true);
    }

    private Channel channel() throws BrokerUnavailableException {
        try {
            if (connection == null || !connection.isOpen()) {
                connection = factory.newConnection();
            }
            Channel channel = connection.createChannel();
            if (channel == null) {
                throw new IOException("the broker has no channel left");
            }
            return channel;
        } catch (IOException | TimeoutException e) {
            throw new BrokerUnavailableException("the broker cannot be reached: " + Reasons.of(e), e);
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null && connection.isOpen()) {
            try {
                connection.close();
            } catch (IOException | ShutdownSignalException e) {
                // Closing anyway: nothing is held on it between calls.
            }
        }
    }

    /** Set when the broker returns a mandatory publish; read after the confirm, which the return precedes. */
    static final class ReturnedFlag {
        private volatile boolean returned;

        void set() {
            returned = true;
        }

        boolean getAndClear() {
            boolean was = returned;
            returned = false;
            return was;
        }
    }

    /** The headers kurir adds when it dead-letters a delivery; a replay takes them off again. */
    static Map<String, Object> withoutDeadLetterHeaders(Map<String, Object> headers) {
        Map<String, Object> kept = headers == null ? new HashMap<>() : new HashMap<>(headers);
        kept.remove(RabbitInboxConsumer.DEAD_LETTER_REASON_HEADER);
        kept.remove(RabbitInboxConsumer.ORIGINAL_EXCHANGE_HEADER);
        kept.remove(RabbitInboxConsumer.ORIGINAL_ROUTING_KEY_HEADER);
        return kept;
    }

    static String bodyText(byte[] body) {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return text.length() > MAX_BODY_CHARS ? text.substring(0, MAX_BODY_CHARS) + "…" : text;
    }

    static Optional<String> text(Object value) {
        return Optional.ofNullable(value).map(Object::toString).filter(s -> !s.isEmpty());
    }

    static AMQP.BasicProperties replayProperties(AMQP.BasicProperties properties) {
        return properties.builder().headers(withoutDeadLetterHeaders(properties.getHeaders())).build();
    }
}
