package dev.kurir.adapters.rabbitmq;

import java.io.IOException;

/**
 * A queue kurir declares already exists on the broker with other arguments, typically of the other {@link QueueType}:
 * RabbitMQ answers {@code PRECONDITION_FAILED} and keeps the queue as it is. Declaring again cannot help; the
 * configuration or the queue has to change.
 */
public final class QueueMismatchException extends IOException {
    private final String queue;

    QueueMismatchException(String queue, String brokerSays, Throwable cause) {
        super("the queue '" + queue + "' exists on the broker with other arguments (" + brokerSays + ")", cause);
        this.queue = queue;
    }

    public String queue() {
        return queue;
    }
}
