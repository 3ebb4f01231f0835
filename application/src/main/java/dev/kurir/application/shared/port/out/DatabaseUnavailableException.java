package dev.kurir.application.shared.port.out;

/**
 * The database could not be reached, gave no connection in time (a pool exhausted), or lost the connection before a
 * commit: nothing was written. Says nothing about the work itself, so callers must not count it as a failed attempt.
 */
public final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
