package dev.kurir.application.messaging.handler;

/** What an {@link InboxHandler} did with a message; the inbox row is PROCESSED in every case. */
public enum Handled {
    /** The message's effects were applied. */
    APPLIED,
    /**
     * The business fact it carries (this order's creation, its cancellation, its decision) had taken effect
     * already, under another message id: nothing changed.
     */
    DUPLICATE,
    /** The fact arrived after its subject had moved on (a decision for an order cancelled meanwhile): nothing changed. */
    LATE
}
