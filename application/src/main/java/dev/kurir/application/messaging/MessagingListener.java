package dev.kurir.application.messaging;

import dev.kurir.application.messaging.handler.Handled;
import dev.kurir.application.messaging.handler.InboxMessage;
import dev.kurir.application.messaging.port.in.IncomingDelivery;
import dev.kurir.application.messaging.port.out.OutboundMessage;
import java.time.Duration;
import java.util.List;

/**
 * Told what the relay and the inbox do, so that logs and metrics are kept outside the business code.
 * Every method has an empty default; implementations must be quick and must not throw.
 *
 * @see dev.kurir.application.messaging
 */
public interface MessagingListener {

    /** One listener that tells each of {@code listeners}, in order. */
    static MessagingListener all(List<MessagingListener> listeners) {
        return new CompositeMessagingListener(listeners);
    }

    /** A relay or inbox worker started. */
    default void workerStarted(String module, String workerId, String role, int batchSize, int maxRetries,
                               Duration interval) {
    }

    /** The broker confirmed a message; {@code lag} is the time from the row's creation to the confirm. */
    default void published(String module, String workerId, OutboundMessage message, Duration lag) {
    }

    /** A publish attempt failed; {@code willRetry} is false when the row became FAILED. */
    default void publishFailed(String module, String workerId, OutboundMessage message, String reason,
                               boolean willRetry) {
    }

    /**
     * The broker returned a message: no queue is bound to its exchange with its routing key. Its row was postponed
     * without counting an attempt, as in a broker outage, since the message itself is not at fault.
     */
    default void publishUnroutable(String module, String workerId, OutboundMessage message, String reason) {
    }

    /** The broker could not be reached; the claimed rows were released untouched. */
    default void brokerUnavailable(String module, String workerId, String reason) {
    }

    /**
     * The inbox could not reach the database (or had no connection in time) while applying a message: no attempt was
     * counted; a worker handed its rows back, the consumer returned the delivery to the broker.
     */
    default void databaseUnavailable(String module, String workerId, String reason) {
    }

    /** A worker's round failed unexpectedly (e.g. the database is away); the worker carries on after a pause. */
    default void workerFailed(String module, String workerId, RuntimeException error) {
    }

    /** A delivery was recorded in the inbox, or ignored as a duplicate. */
    default void received(String module, IncomingDelivery delivery, boolean duplicate) {
    }

    /** An inbox message was handled and marked PROCESSED; {@code took} is the handling time. */
    default void processed(String module, String workerId, InboxMessage message, Duration took) {
    }

    /**
     * An inbox message was PROCESSED without changing anything: its business fact was a {@link Handled#DUPLICATE}
     * (seen before under another message id) or {@link Handled#LATE}.
     */
    default void unchanged(String module, InboxMessage message, Handled outcome) {
    }

    /** Handling an inbox message failed; {@code willRetry} is false when the row became FAILED. */
    default void processingFailed(String module, String workerId, InboxMessage message, String reason,
                                  boolean willRetry) {
    }

    /** A retention run deleted {@code rows} settled rows (only told when it deleted any). */
    default void retentionPurged(String module, int rows) {
    }

    /** A retention run failed (e.g. the database is away, a table is locked); the next run tries again. */
    default void retentionFailed(String module, RuntimeException error) {
    }
}
