package dev.kurir.application.orders.port.out;

/** The item catalog could not answer (e.g. the item service is down); the caller may try again later. */
public final class CatalogUnavailableException extends RuntimeException {
    public CatalogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
