package dev.kurir.application.shared.port.out;

/** A module's outbox table: messages appended here are published by the relay after the transaction commits. */
public interface Outbox {

    /**
     * Appends a message as PENDING. Must be called inside {@link UnitOfWork#inTransaction}, so that the message
     * commits or rolls back together with the business change that produced it.
     *
     * @throws IllegalStateException if called outside a transaction
     */
    void append(OutgoingMessage message);
}
