package dev.kurir.application.messaging.port.in;

/**
 * The inbox refused the delivery itself (e.g. a character or a value its columns cannot hold): storing it again
 * would fail again, so it must not be returned to the queue. The message says why, for the dead letter.
 */
public final class UnstorableDeliveryException extends RuntimeException {
    public UnstorableDeliveryException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
