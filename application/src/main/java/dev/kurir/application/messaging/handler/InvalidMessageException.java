package dev.kurir.application.messaging.handler;

/**
 * The message can never be handled as it is (a field missing, an order that does not exist): retrying would
 * change nothing, so the inbox marks it FAILED at once with this reason.
 */
public final class InvalidMessageException extends RuntimeException {
    public InvalidMessageException(String message) {
        super(message);
    }
}
