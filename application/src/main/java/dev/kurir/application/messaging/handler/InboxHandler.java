package dev.kurir.application.messaging.handler;

/** Handles one event type in a module's inbox. */
@FunctionalInterface
public interface InboxHandler {

    /**
     * Applies the message's effects. Runs inside the transaction that marks the inbox row PROCESSED: write through
     * the module's repositories and outbox and everything commits together, or nothing does.
     *
     * @return whether the effects were applied, or the fact was a duplicate or late and changed nothing
     *
     * @throws InvalidMessageException if the message can never be handled; the row becomes FAILED at once
     * @throws RuntimeException        for anything that may pass (e.g. the database); the row is retried
     */
    Handled handle(InboxMessage message);
}
