package dev.kurir.application.messaging.port.out;

import java.util.Objects;

/**
 * What the broker said about one published message.
 *
 * @param failure null when the broker confirmed the message; otherwise why it did not (nacked, returned as
 *                unroutable, ...), in words an operator can act on
 */
public record PublishOutcome(OutboundMessage message, String failure) {

    public PublishOutcome {
        Objects.requireNonNull(message, "message");
    }

    public static PublishOutcome confirmed(OutboundMessage message) {
        return new PublishOutcome(message, null);
    }

    public static PublishOutcome failed(OutboundMessage message, String failure) {
        return new PublishOutcome(message, Objects.requireNonNull(failure, "failure"));
    }

    public boolean isConfirmed() {
        return failure == null;
    }
}
