package dev.kurir.application.messaging.port.out;

import java.util.List;

/** Publishes outbox messages to the broker. Safe to call from several relay workers at once. */
public interface MessagePublisher {

    /**
     * Publishes each message persistently and {@code mandatory} to its exchange and routing key, with AMQP
     * properties {@code message_id}, {@code type} (the event type), {@code app_id} (the sending service),
     * {@code content_type} {@code application/json} and {@code timestamp}, then waits for the broker's confirms.
     *
     * @return one outcome per message, in the same order: confirmed; unroutable with the reason when the broker
     *         returned it for want of a queue bound to its routing key (whatever the confirm said); or failed with
     *         the reason (nacked, or refused for the message's fault)
     * @throws BrokerUnavailableException if the broker cannot be reached or does not confirm in time; nothing can
     *                                    be concluded about any message of the batch
     */
    List<PublishOutcome> publish(List<OutboundMessage> batch) throws BrokerUnavailableException;
}
