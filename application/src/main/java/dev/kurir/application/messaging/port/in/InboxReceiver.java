package dev.kurir.application.messaging.port.in;

/**
 * The door of a module's inbox, used by the broker consumer: a delivery is recorded once per message id and
 * acknowledged to the broker only after that is committed.
 */
public interface InboxReceiver {

    /** Whether this module has a handler for the event type; deliveries of other types are dead-lettered. */
    boolean handles(String eventType);

    /**
     * Whether this module reads that major version ({@code kurir-event-version}) of a type it handles; a delivery of
     * another version is dead-lettered with the reason, never guessed at.
     */
    boolean reads(String eventType, int eventVersion);

    /** The reason a message of a major version the module does not read is refused, by the consumer or the inbox. */
    static String unsupportedVersion(String eventType, int eventVersion) {
        return "unsupported version " + eventVersion + " of " + eventType;
    }

    /**
     * Records the delivery in the inbox, applied (PROCESSED) or stored for a retry (PENDING, FAILED), committed when
     * this returns.
     *
     * @return false when a message with the same id was recorded before (a duplicate, ignored)
     * @throws UnstorableDeliveryException if the inbox refuses the delivery itself (its data): it never will take it,
     *                                     so the delivery must be dead-lettered with the exception's message as the
     *                                     reason, then acknowledged
     * @throws RuntimeException            if the inbox cannot be written (e.g. the database is down); the delivery
     *                                     must then be returned to the broker, not acknowledged
     */
    boolean receive(IncomingDelivery delivery);
}
