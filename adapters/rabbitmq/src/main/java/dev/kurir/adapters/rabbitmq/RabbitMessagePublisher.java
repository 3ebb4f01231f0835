package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.port.out.BrokerUnavailableException;
import dev.kurir.application.messaging.port.out.MessagePublisher;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import dev.kurir.application.messaging.port.out.PublishOutcome;
import java.io.IOException;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outbox messages over one shared connection, opened on first use and reopened on the first call after
 * it failed. Each call takes a confirm-mode channel no other thread is using (channels are not thread-safe) from a
 * pool, so relay workers publish in parallel; a channel goes back to the pool only if it is still open.
 */
public final class RabbitMessagePublisher implements MessagePublisher, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RabbitMessagePublisher.class);
    private static final int CLOSE_TIMEOUT_MILLIS = 5_000;

    private final ConnectionFactory factory;
    private final String appId;
    private final Duration confirmTimeout;
    private final RabbitTopology topology;
    private final MessagingTracing tracing;
    private final Deque<PublishChannel> idleChannels = new ConcurrentLinkedDeque<>();
    private final Object connectionLock = new Object();
    private Connection connection; // guarded by connectionLock
    private boolean closed; // guarded by connectionLock
    private volatile String blockedReason;

    /** A publisher that declares no topology: the exchanges must exist. */
    public RabbitMessagePublisher(ConnectionFactory factory, String appId, Duration confirmTimeout) {
        this(factory, appId, confirmTimeout, RabbitTopology.none(), MessagingTracing.NONE);
    }

    /**
     * @param factory          from {@link RabbitConnections#factory}; automatic recovery must be off, since this class
     *                         reconnects by itself
     * @param appId            the sending service, sent as {@code app_id}: {@code order-service}, {@code item-service}
     *                         or {@code kurir}
     * @param confirmTimeout   how long a call waits for the broker's confirms before giving up on the connection
     * @param topology         what it declares on every (re)connect
     * @param tracing          makes each row's stored trace context current while it is published
     * @throws IllegalArgumentException if the factory recovers automatically, or an argument is blank or not positive
     */
    public RabbitMessagePublisher(ConnectionFactory factory, String appId, Duration confirmTimeout,
                                  RabbitTopology topology, MessagingTracing tracing) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.appId = Objects.requireNonNull(appId, "appId");
        this.confirmTimeout = Objects.requireNonNull(confirmTimeout, "confirmTimeout");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        if (factory.isAutomaticRecoveryEnabled()) {
            throw new IllegalArgumentException("the factory must not recover automatically: the publisher reconnects "
                    + "by itself (use RabbitConnections.factory)");
        }
        if (appId.isBlank()) {
            throw new IllegalArgumentException("appId must not be blank");
        }
        if (confirmTimeout.isNegative() || confirmTimeout.isZero()) {
            throw new IllegalArgumentException("confirmTimeout must be positive: " + confirmTimeout);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A message the broker returned ({@code basic.return}: no queue bound for its routing key) is unroutable, even
     * when the broker acked (RabbitMQ) or nacked (Qpid) it. A nack without a return is a failure. When the broker closes the
     * channel for a message's fault (e.g. 404, the exchange does not exist), every message of the batch it had not
     * confirmed fails with that reason, since AMQP does not say which message it was.
     *
     * @throws BrokerUnavailableException also when this publisher is closed
     */
    @Override
    public List<PublishOutcome> publish(List<OutboundMessage> batch) throws BrokerUnavailableException {
        if (batch.isEmpty()) {
            return List.of();
        }
        PublishChannel channel = borrowChannel();
        boolean reusable = false;
        try {
            List<PublishOutcome> outcomes = channel.publish(batch, appId, confirmTimeout, tracing);
            reusable = channel.isOpen();
            return outcomes;
        } catch (BrokerUnavailableException e) {
            dropConnection(channel.connection(), e.getMessage());
            throw e;
        } finally {
            if (reusable) {
                idleChannels.push(channel);
            } else {
                channel.abort();
            }
        }
    }

    /** Closes the connection; calls in flight and later calls fail with {@link BrokerUnavailableException}. */
    @Override
    public void close() {
        Connection open;
        synchronized (connectionLock) {
            closed = true;
            open = connection;
            connection = null;
        }
        idleChannels.clear();
        if (open != null) {
            try {
                open.close(CLOSE_TIMEOUT_MILLIS);
            } catch (IOException | ShutdownSignalException e) {
                log.atDebug().addKeyValue("reason", Reasons.of(e)).log("broker connection did not close cleanly");
            }
        }
    }

    private PublishChannel borrowChannel() throws BrokerUnavailableException {
        for (PublishChannel idle; (idle = idleChannels.poll()) != null; ) {
            if (idle.isOpen()) {
                return idle;
            }
            idle.abort();
        }
        Connection current = connection();
        try {
            return PublishChannel.open(current);
        } catch (IOException | ShutdownSignalException e) {
            dropConnection(current, Reasons.of(e));
            throw new BrokerUnavailableException("cannot open a channel to the broker: " + Reasons.of(e), e);
        }
    }

    private Connection connection() throws BrokerUnavailableException {
        synchronized (connectionLock) {
            if (closed) {
                throw new BrokerUnavailableException("the publisher is closed", null);
            }
            if (connection != null && connection.isOpen()) {
                String blocked = blockedReason;
                if (blocked != null) {
                    // Publishing now would stall in a socket write until the broker's alarm clears.
                    throw new BrokerUnavailableException("the broker is blocking publishers: " + blocked, null);
                }
                return connection;
            }
            connection = connect();
            return connection;
        }
    }

    private Connection connect() throws BrokerUnavailableException {
        String broker = RabbitConnections.describe(factory);
        Connection fresh;
        try {
            fresh = factory.newConnection();
        } catch (IOException | TimeoutException e) {
            throw new BrokerUnavailableException("cannot connect to the broker at " + broker + ": " + Reasons.of(e), e);
        }
        try {
            topology.declare(fresh);
        } catch (IOException | ShutdownSignalException e) {
            fresh.abort();
            throw new BrokerUnavailableException("cannot declare the topology on " + broker + ": " + Reasons.of(e), e);
        }
        blockedReason = null;
        fresh.addBlockedListener(reason -> {
            blockedReason = reason;
            log.atWarn().addKeyValue("reason", reason).log("the broker is blocking publishers");
        }, () -> {
            blockedReason = null;
            log.atInfo().log("the broker accepts publishers again");
        });
        fresh.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                log.atWarn().addKeyValue("reason", Reasons.of(cause)).log("publisher connection to the broker lost");
            }
        });
        log.atInfo().addKeyValue("broker", broker).addKeyValue("app_id", appId).log("publisher connected");
        return fresh;
    }

    private void dropConnection(Connection broken, String reason) {
        synchronized (connectionLock) {
            if (connection != broken) {
                return; // another thread already replaced it
            }
            connection = null;
        }
        log.atWarn().addKeyValue("reason", reason).log("dropping the publisher connection; the next call reconnects");
        broken.abort(CLOSE_TIMEOUT_MILLIS);
    }
}
