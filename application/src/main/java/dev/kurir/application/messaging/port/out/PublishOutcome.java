package dev.kurir.application.messaging.port.out;

import java.util.Objects;

/**
 * What the broker said about one published message.
 *
 * @param status  what became of the message
 * @param failure null when the broker confirmed the message; otherwise why it did not (nacked, returned as
 *                unroutable, ...), in words an operator can act on
 */
public record PublishOutcome(OutboundMessage message, Status status, String failure) {

    /** What became of a published message. */
    public enum Status {
        /** The broker took the message and routed it to at least one queue. */
        CONFIRMED,
        /** The broker refused this message (nacked it, or closed the channel for its fault): a failed attempt. */
        FAILED,
        /**
         * The broker returned the message because no queue is bound for its exchange and routing key: the topology's
         * fault, not the message's, so no attempt is counted, whatever the broker's confirm said.
         */
        UNROUTABLE
    }

    public PublishOutcome {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(status, "status");
        if ((status == Status.CONFIRMED) != (failure == null)) {
            throw new IllegalArgumentException("a failure reason is given exactly when the message was not confirmed");
        }
    }

    public static PublishOutcome confirmed(OutboundMessage message) {
        return new PublishOutcome(message, Status.CONFIRMED, null);
    }

    public static PublishOutcome failed(OutboundMessage message, String failure) {
        return new PublishOutcome(message, Status.FAILED, Objects.requireNonNull(failure, "failure"));
    }

    public static PublishOutcome unroutable(OutboundMessage message, String reason) {
        return new PublishOutcome(message, Status.UNROUTABLE, Objects.requireNonNull(reason, "reason"));
    }

    public boolean isConfirmed() {
        return status == Status.CONFIRMED;
    }
}
