package dev.kurir.application.messaging.port.out;

/**
 * The broker cannot be reached (no connection, connection lost, confirms timed out). Says nothing about any
 * message: callers must neither count it as a failed attempt nor mark anything sent.
 */
public final class BrokerUnavailableException extends Exception {
    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
