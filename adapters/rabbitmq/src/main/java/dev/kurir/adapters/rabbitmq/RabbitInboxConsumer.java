package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.port.in.InboxReceiver;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one queue into a module's inbox, with manual acks: a delivery is acked only after the inbox committed it,
 * or after the dead-letter exchange confirmed it when it is invalid (no UUID {@code message_id}, a body that is not
 * a JSON object, an event type the module does not handle, or data the inbox refuses to store). A delivery the inbox
 * could not record (e.g. the database is down) is returned to the queue after a pause that grows while failures
 * continue.
 *
 * <p>It keeps its own connection and, when that is lost, reconnects with a growing pause and consumes again; see
 * {@link RabbitConnections} for why this is not the client's automatic recovery.
 */
public final class RabbitInboxConsumer implements AutoCloseable {
    /** Header added to a dead-lettered delivery: why it was rejected. */
    public static final String DEAD_LETTER_REASON_HEADER = "x-kurir-dead-letter-reason";
    /** Header added to a dead-lettered delivery: the exchange it was first published to. */
    public static final String ORIGINAL_EXCHANGE_HEADER = "x-kurir-original-exchange";
    /** Header added to a dead-lettered delivery: the routing key it was first published with. */
    public static final String ORIGINAL_ROUTING_KEY_HEADER = "x-kurir-original-routing-key";

    private static final Logger log = LoggerFactory.getLogger(RabbitInboxConsumer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    // Room for a connect attempt in progress, the delivery in flight and the connection's close.
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(40);

    private final ConnectionFactory factory;
    private final String queue;
    private final int prefetch;
    private final int consumers;
    private final RabbitTopology topology;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final DeliveryHandler handler;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ConsumerSession session;
    private volatile boolean consuming;
    private volatile Thread supervisor;

    /** A consumer that declares no topology; the queue must exist. */
    public RabbitInboxConsumer(ConnectionFactory factory, String queue, InboxReceiver receiver, int prefetch) {
        this(factory, queue, receiver, prefetch, 1, RabbitTopology.none(), MessagingTracing.NONE);
    }

    /**
     * @param factory          from {@link RabbitConnections#factory}; automatic recovery must be off
     * @param queue            the queue to consume, e.g. {@code items.order-events}
     * @param prefetch         how many unacked deliveries the broker may push to each subscription (1..65535)
     * @param consumers        how many subscriptions on the connection, i.e. deliveries handled at once (1..64)
     * @param topology         what it declares on every (re)connect, so that the queue exists even on a broker that lost it
     * @param tracing          where the trace context of a delivery comes from, to be stored with its inbox row
     * @throws IllegalArgumentException if the factory recovers automatically, or {@code prefetch} or
     *                                  {@code consumers} is out of range
     */
    public RabbitInboxConsumer(ConnectionFactory factory, String queue, InboxReceiver receiver, int prefetch,
                               int consumers, RabbitTopology topology, MessagingTracing tracing) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.prefetch = prefetch;
        this.consumers = consumers;
        this.topology = Objects.requireNonNull(topology, "topology");
        this.handler = new DeliveryHandler(queue, Objects.requireNonNull(receiver, "receiver"), stopped,
                Objects.requireNonNull(tracing, "tracing"));
        if (factory.isAutomaticRecoveryEnabled()) {
            throw new IllegalArgumentException("the factory must not recover automatically: the consumer reconnects "
                    + "by itself (use RabbitConnections.factory)");
        }
        if (prefetch < 1 || prefetch > 65_535) {
            throw new IllegalArgumentException("prefetch must be in 1..65535: " + prefetch);
        }
        if (consumers < 1 || consumers > 64) {
            throw new IllegalArgumentException("consumers must be in 1..64: " + consumers);
        }
    }

    /**
     * Starts consuming in the background and returns at once; if the broker cannot be reached, the consumer keeps
     * trying.
     *
     * @throws IllegalStateException if called twice, or after {@link #close()}
     */
    public void start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("the consumer of " + queue + " was already started or closed");
        }
        Thread thread = new Thread(this::superviseSessions, "kurir-consumer-" + queue);
        thread.setDaemon(true);
        supervisor = thread;
        thread.start();
    }

    /** Whether the consumer is subscribed to its queue right now (false while it reconnects). */
    public boolean isConsuming() {
        return consuming;
    }

    /**
     * Stops consuming: cancels the subscription, waits up to 10 s for the delivery being handled, and closes the
     * connection. Deliveries prefetched but not handled are redelivered by the broker. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopped.countDown();
        ConsumerSession current = session;
        if (current != null) {
            current.end("closing");
        }
        if (supervisor != null) {
            try {
                // The supervisor takes its session down itself, so that it never races with this thread.
                supervisor.join(SHUTDOWN_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (supervisor.isAlive()) {
                log.atWarn().addKeyValue("queue", queue).log("consumer did not stop in time");
            }
        }
        log.atInfo().addKeyValue("queue", queue).log("consumer closed");
    }

    private void superviseSessions() {
        Backoff reconnects = new Backoff();
        String broker = RabbitConnections.describe(factory);
        while (stopped.getCount() > 0) {
            try {
                ConsumerSession opened = ConsumerSession.open(factory, queue, prefetch, consumers, topology,
                        handler);
                session = opened;
                if (stopped.getCount() == 0) {
                    takeDown(opened); // close() ran while we connected
                    return;
                }
                consuming = true;
                reconnects.reset();
                log.atInfo().addKeyValue("queue", queue).addKeyValue("broker", broker).addKeyValue("prefetch", prefetch)
                        .addKeyValue("consumers", consumers)
                        .log("consuming");
                String why = opened.awaitEnd();
                consuming = false;
                if (stopped.getCount() == 0) {
                    takeDown(opened);
                    return;
                }
                opened.abort();
                log.atWarn().addKeyValue("queue", queue).addKeyValue("reason", why)
                        .log("consumer lost its connection; reconnecting");
            } catch (IOException | TimeoutException | ShutdownSignalException e) {
                log.atWarn().addKeyValue("queue", queue).addKeyValue("broker", broker)
                        .addKeyValue("reason", Reasons.of(e)).log("cannot consume; retrying");
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (stopped.await(reconnects.next().toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void takeDown(ConsumerSession closing) {
        closing.cancel();
        try {
            if (!handler.awaitIdle(CLOSE_TIMEOUT)) {
                log.atWarn().addKeyValue("queue", queue).log("a delivery was still being handled at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closing.close(CLOSE_TIMEOUT);
    }
}
