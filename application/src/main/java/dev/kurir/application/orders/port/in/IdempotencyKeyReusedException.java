package dev.kurir.application.orders.port.in;

/** The {@code Idempotency-Key} was already used for a different request. */
public final class IdempotencyKeyReusedException extends RuntimeException {
    public IdempotencyKeyReusedException(String key) {
        super("Idempotency-Key " + key + " was already used for a different request");
    }
}
