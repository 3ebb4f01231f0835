package dev.kurir.adapters.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.kurir.application.messaging.MessagingTracing;
import dev.kurir.application.messaging.port.in.InboxReceiver;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.in.UnstorableDeliveryException;
import dev.kurir.application.shared.port.out.DatabaseUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the consumer does with each delivery: into the inbox, or into the dead-letter queue, and only then acked;
 * held while the database is away; returned to the queue when neither could be committed for another reason. Shared
 * by the consumer's successive connections and called by several threads at once, one per subscribed channel.
 */
final class DeliveryHandler {
    private static final Logger log = LoggerFactory.getLogger(RabbitInboxConsumer.class);

    private final String queue;
    private final InboxReceiver receiver;
    private final CountDownLatch stopped;
    private final MessagingTracing tracing;
    private final Backoff failures = new Backoff();
    // Each delivery being handled holds the read lock; waiting for idle takes the write lock.
    private final ReentrantReadWriteLock inFlight = new ReentrantReadWriteLock();

    DeliveryHandler(String queue, InboxReceiver receiver, CountDownLatch stopped, MessagingTracing tracing) {
        this.queue = queue;
        this.receiver = receiver;
        this.stopped = stopped;
        this.tracing = tracing;
    }

    /** Handles one delivery; never throws, since the client closes the channel of a consumer that does. */
    void handle(Channel channel, DeadLetterChannel deadLetters, Envelope envelope, AMQP.BasicProperties properties,
                byte[] body) {
        inFlight.readLock().lock();
        try {
            if (stopped.getCount() == 0) {
                return; // not acked: the broker redelivers it once the connection is closed
            }
            DeliveryCheck.Verdict verdict = DeliveryCheck.check(envelope, properties, body, receiver, tracing);
            if (verdict.rejection() != null) {
                deadLetter(channel, deadLetters, envelope, properties, body, verdict.rejection());
            } else {
                receive(channel, deadLetters, envelope, properties, body, verdict.delivery());
            }
        } catch (IOException | ShutdownSignalException e) {
            log.atWarn().addKeyValue("queue", queue).addKeyValue("message_id", properties.getMessageId())
                    .addKeyValue("reason", Reasons.of(e))
                    .log("could not settle a delivery; the broker will redeliver it");
        } catch (RuntimeException e) {
            log.atError().addKeyValue("queue", queue).addKeyValue("message_id", properties.getMessageId())
                    .setCause(e).log("unexpected failure handling a delivery; returning it to the queue");
            returnToQueue(channel, envelope);
        } finally {
            inFlight.readLock().unlock();
        }
    }

    /** Waits until no delivery is being handled; later ones are left alone once {@code stopped} is counted down. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        if (!inFlight.writeLock().tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        inFlight.writeLock().unlock();
        return true;
    }

    private void receive(Channel channel, DeadLetterChannel deadLetters, Envelope envelope,
                         AMQP.BasicProperties properties, byte[] body, IncomingDelivery delivery) throws IOException {
        try {
            while (!recordOrWaitForTheDatabase(delivery)) {
                if (stopped.getCount() == 0) {
                    return; // not acked: the broker redelivers it once the connection is closed
                }
            }
        } catch (UnstorableDeliveryException e) {
            // Returned to the queue it would come back forever, and hold this consumer in its pause each time.
            deadLetter(channel, deadLetters, envelope, properties, body, e.getMessage());
            return;
        } catch (RuntimeException e) {
            Duration pause = failures.next();
            log.atWarn().addKeyValue("queue", queue).addKeyValue("message_id", delivery.messageId())
                    .addKeyValue("event_type", delivery.eventType()).addKeyValue("reason", Reasons.of(e))
                    .addKeyValue("retry_in_ms", pause.toMillis())
                    .log("the inbox could not record a delivery; returning it to the queue");
            pause(pause);
            channel.basicNack(envelope.getDeliveryTag(), false, true);
            return;
        }
        failures.reset();
        channel.basicAck(envelope.getDeliveryTag(), false);
    }

    /**
     * Records the delivery, or, while the database is away, waits a growing pause and says so: the delivery is held
     * rather than returned to the queue. A quorum queue counts a return against its delivery limit (RabbitMQ 4.0 to
     * 4.2, 20 by default) and dead-letters the message past it, so returning it every few seconds would take a saga
     * event out of the saga during a database outage of a minute or two. (A delivery held longer than the broker's
     * consumer timeout, 30 minutes by default, costs the channel: the broker closes it and redelivers.)
     *
     * @return whether the delivery was recorded; false after a pause, to try again
     */
    private boolean recordOrWaitForTheDatabase(IncomingDelivery delivery) {
        try {
            receiver.receive(delivery); // a duplicate is the receiver's to report: it knows the module
            return true;
        } catch (DatabaseUnavailableException e) {
            Duration pause = failures.next();
            log.atWarn().addKeyValue("queue", queue).addKeyValue("message_id", delivery.messageId())
                    .addKeyValue("event_type", delivery.eventType()).addKeyValue("reason", Reasons.of(e))
                    .addKeyValue("retry_in_ms", pause.toMillis())
                    .log("the database is away; holding the delivery until it is back");
            pause(pause);
            return false;
        }
    }

    private void deadLetter(Channel channel, DeadLetterChannel deadLetters, Envelope envelope,
                            AMQP.BasicProperties properties, byte[] body, String reason) throws IOException {
        try {
            deadLetters.publish(envelope, properties, body, reason);
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            Duration pause = failures.next();
            log.atError().addKeyValue("queue", queue).addKeyValue("message_id", properties.getMessageId())
                    .addKeyValue("reason", reason).addKeyValue("dead_letter_failure", Reasons.of(e))
                    .addKeyValue("retry_in_ms", pause.toMillis())
                    .log("could not dead-letter a delivery; returning it to the queue");
            pause(pause);
            channel.basicNack(envelope.getDeliveryTag(), false, true);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.basicNack(envelope.getDeliveryTag(), false, true);
            return;
        }
        log.atWarn().addKeyValue("queue", queue).addKeyValue("message_id", properties.getMessageId())
                .addKeyValue("event_type", properties.getType()).addKeyValue("routing_key", envelope.getRoutingKey())
                .addKeyValue("reason", reason).log("delivery dead-lettered");
        failures.reset();
        channel.basicAck(envelope.getDeliveryTag(), false);
    }

    private void returnToQueue(Channel channel, Envelope envelope) {
        pause(failures.next());
        try {
            channel.basicNack(envelope.getDeliveryTag(), false, true);
        } catch (IOException | ShutdownSignalException e) {
            log.atDebug().addKeyValue("reason", Reasons.of(e)).log("nack failed; the broker will redeliver anyway");
        }
    }

    /** Sleeps, but wakes at once when the consumer is closed. */
    private void pause(Duration pause) {
        try {
            stopped.await(pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
