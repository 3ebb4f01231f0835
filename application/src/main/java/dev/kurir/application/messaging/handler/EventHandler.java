package dev.kurir.application.messaging.handler;

import dev.kurir.application.contracts.IntegrationEvent;

/**
 * Handles one event type of the contract, given as its record; registered with {@link InboxHandler#of}. Runs in the
 * inbox transaction, as {@link InboxHandler#handle} says.
 */
@FunctionalInterface
public interface EventHandler<E extends IntegrationEvent> {

    /**
     * @throws InvalidMessageException if the event can never be applied (e.g. an order that does not exist)
     * @throws RuntimeException        for anything that may pass; the message is retried
     */
    Handled handle(E event);
}
