package dev.kurir.application.messaging.handler;

import dev.kurir.application.contracts.EventType;
import dev.kurir.application.contracts.IntegrationEvent;

/** Handles one event type in a module's inbox; modules build theirs with {@link #of}. */
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

    /**
     * The major version of the event's payload this handler reads. A delivery of another version is dead-lettered
     * by the consumer, and a stored row of another version becomes FAILED: neither is guessed at.
     */
    default int version() {
        return 1;
    }

    /** The handler of {@code type}: binds each payload to its record (invalid if it does not fit), then applies it. */
    static <E extends IntegrationEvent> InboxHandler of(EventType<E> type, EventHandler<E> handler) {
        return new TypedInboxHandler<>(type, handler);
    }
}
