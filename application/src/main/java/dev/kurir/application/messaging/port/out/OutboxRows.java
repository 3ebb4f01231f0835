package dev.kurir.application.messaging.port.out;

import dev.kurir.application.shared.port.out.OutgoingMessage;

/** A module's outbox table, as the writer sees it: rows are only inserted, in the business transaction. */
public interface OutboxRows {

    /**
     * Inserts the message as a PENDING row in the transaction open on this thread.
     *
     * @param traceparent the W3C trace context the row was written in, or null when none is current
     * @param leaseOwner  the relay worker the row is leased to from the start (it will be handed over after the
     *                    commit), or null for a row that any relay claims from the table
     * @return the row as the relay publishes it
     * @throws IllegalStateException if no transaction is open on this thread
     */
    OutboundMessage insert(OutgoingMessage message, String traceparent, String leaseOwner);
}
