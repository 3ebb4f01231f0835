package dev.kurir.application.orders.port.out;

import java.util.Optional;

/**
 * The {@code Idempotency-Key}s of placed orders: the first request with a key decides the answer to every retry of
 * it. Calls join the current {@code UnitOfWork} transaction.
 */
public interface IdempotencyKeys {

    /** A key already used: what the request asked for, and the order it placed. */
    record Claim(String requestHash, String orderId) {
    }

    Optional<Claim> find(String key);

    /**
     * Records that {@code key} placed {@code orderId}. If a concurrent transaction recorded the same key, this waits
     * for it to end, as the key's unique index makes it.
     *
     * @return false if the key was recorded by another transaction meanwhile; the caller must roll back
     */
    boolean record(String key, String requestHash, String orderId);
}
