package dev.kurir.adapters.rabbitmq;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ShutdownSignalException;
import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.port.out.BrokerUnavailableException;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import dev.kurir.application.messaging.port.out.PublishOutcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A confirm-mode channel used by one thread at a time, and the broker's answers about the batch in flight on it.
 * The listeners run on the connection's I/O thread, hence the lock.
 */
final class PublishChannel {
    /** How long a nack waits for the return that may follow it (Qpid). */
    private static final Duration RETURN_AFTER_NACK = Duration.ofMillis(200);

    private final Channel channel;
    private final Lock lock = new ReentrantLock();
    private final Condition answered = lock.newCondition();
    // All guarded by lock, reset for each batch.
    private final NavigableMap<Long, Integer> unconfirmed = new TreeMap<>();
    private Map<String, Integer> indexByMessageId = Map.of();
    private State[] states = new State[0];
    private String[] returned = new String[0];
    private ShutdownSignalException shutdown;

    private PublishChannel(Channel channel) {
        this.channel = channel;
    }

    static PublishChannel open(Connection connection) throws IOException {
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the broker has no channel left");
        }
        PublishChannel publishChannel = new PublishChannel(channel);
        channel.addShutdownListener(publishChannel::closed);
        channel.addConfirmListener((tag, multiple) -> publishChannel.settle(tag, multiple, false),
                (tag, multiple) -> publishChannel.settle(tag, multiple, true));
        channel.addReturnListener(publishChannel::returned);
        channel.confirmSelect();
        return publishChannel;
    }

    Connection connection() {
        return channel.getConnection();
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    void abort() {
        try {
            channel.abort();
        } catch (IOException | RuntimeException e) {
            // Aborting is best effort: a channel that cannot be closed is dropped with its connection.
        }
    }

    /**
     * Publishes the batch and waits for every confirm.
     *
     * @return outcomes in batch order; when the broker closed the channel for a message's fault, the messages it had
     *         not confirmed yet fail with its reason (the channel is then closed)
     * @throws BrokerUnavailableException if the connection fails or the confirms do not arrive in time
     */
    @SuppressWarnings("try") // the tracing scope only has to be open
    List<PublishOutcome> publish(List<OutboundMessage> batch, String appId, Duration confirmTimeout,
                                 MessagingTracing tracing) throws BrokerUnavailableException {
        begin(batch);
        for (int i = 0; i < batch.size(); i++) {
            OutboundMessage message = batch.get(i);
            lock.lock();
            try {
                if (shutdown != null) {
                    break;
                }
                // Read before basicPublish, which assigns it: an ack cannot arrive before we know its tag.
                unconfirmed.put(channel.getNextPublishSeqNo(), i);
            } finally {
                lock.unlock();
            }
            // The tracing agent writes the traceparent header from the current context: the row's, set here.
            try (MessagingTracing.Scope traced = tracing.publishing(message)) {
                channel.basicPublish(message.exchange(), message.routingKey(), true, properties(message, appId),
                        message.payloadJson().getBytes(UTF_8));
            } catch (AlreadyClosedException e) {
                closed(e); // the shutdown listener may not have run yet
                break;
            } catch (IOException e) {
                throw new BrokerUnavailableException("publishing failed: " + Reasons.of(e), e);
            }
        }
        return awaitConfirms(batch, confirmTimeout);
    }

    private void begin(List<OutboundMessage> batch) {
        lock.lock();
        try {
            unconfirmed.clear();
            states = new State[batch.size()];
            Arrays.fill(states, State.PENDING);
            returned = new String[batch.size()];
            indexByMessageId = new HashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                indexByMessageId.put(batch.get(i).messageId().toString(), i);
            }
        } finally {
            lock.unlock();
        }
    }

    private List<PublishOutcome> awaitConfirms(List<OutboundMessage> batch, Duration timeout)
            throws BrokerUnavailableException {
        lock.lock();
        try {
            long remaining = timeout.toNanos();
            while (!unconfirmed.isEmpty() && shutdown == null) {
                if (remaining <= 0) {
                    throw new BrokerUnavailableException("the broker did not confirm " + unconfirmed.size() + " of "
                            + batch.size() + " messages within " + timeout.toMillis() + " ms", null);
                }
                remaining = answered.awaitNanos(remaining);
            }
            // Qpid nacks an unroutable mandatory message and returns it only after the nack (RabbitMQ returns before
            // it acks): a nack waits a moment for its return, or a missing route would count as a failed attempt.
            long grace = RETURN_AFTER_NACK.toNanos();
            while (grace > 0 && shutdown == null && nackedWithoutReturn()) {
                grace = answered.awaitNanos(grace);
            }
            boolean allAnswered = Arrays.stream(states).allMatch(state -> state != State.PENDING);
            if (!allAnswered && !Reasons.isChannelFault(shutdown)) {
                throw new BrokerUnavailableException("connection to the broker lost: " + Reasons.of(shutdown),
                        shutdown);
            }
            List<PublishOutcome> outcomes = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                outcomes.add(outcome(batch.get(i), i));
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while waiting for the broker's confirms", e);
        } finally {
            lock.unlock();
        }
    }

    private boolean nackedWithoutReturn() {
        for (int i = 0; i < states.length; i++) {
            if (states[i] == State.NACKED && returned[i] == null) {
                return true;
            }
        }
        return false;
    }

    private PublishOutcome outcome(OutboundMessage message, int index) {
        // A return wins over the confirm: RabbitMQ acks a returned message, Qpid nacks it.
        if (returned[index] != null) {
            return PublishOutcome.unroutable(message, returned[index]);
        }
        return switch (states[index]) {
            case ACKED -> PublishOutcome.confirmed(message);
            case NACKED -> PublishOutcome.failed(message, "nacked by the broker");
            // Only when the broker closed the channel for a message's fault: AMQP does not say which message it
            // was, so every message it had not confirmed fails with its reason.
            case PENDING -> PublishOutcome.failed(message, "rejected by the broker: " + Reasons.of(shutdown));
        };
    }

    private void settle(long tag, boolean multiple, boolean nack) {
        lock.lock();
        try {
            Map<Long, Integer> settled = multiple ? unconfirmed.headMap(tag, true)
                    : unconfirmed.subMap(tag, true, tag, true);
            for (int index : settled.values()) {
                states[index] = nack ? State.NACKED : State.ACKED;
            }
            settled.clear();
            answered.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void returned(Return message) {
        lock.lock();
        try {
            Integer index = indexByMessageId.get(message.getProperties().getMessageId());
            if (index != null) {
                returned[index] = "unroutable: no queue bound to exchange " + message.getExchange()
                        + " with routing key " + message.getRoutingKey() + " (reply " + message.getReplyCode() + " "
                        + message.getReplyText() + ")";
                answered.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void closed(ShutdownSignalException cause) {
        lock.lock();
        try {
            if (shutdown == null) {
                shutdown = cause;
            }
            answered.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static AMQP.BasicProperties properties(OutboundMessage message, String appId) {
        return new AMQP.BasicProperties.Builder()
                .deliveryMode(2)
                .messageId(message.messageId().toString())
                .type(message.eventType())
                .appId(appId)
                .contentType("application/json")
                .contentEncoding("utf-8")
                .timestamp(new Date())
                .headers(EventHeaders.of(message, appId))
                .build();
    }

    private enum State { PENDING, ACKED, NACKED }
}
