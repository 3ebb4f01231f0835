package dev.kurir.adapters.postgres;

import dev.kurir.application.orders.port.out.IdempotencyKeys;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Idempotency keys of placed orders, in the {@code orders} schema. */
public final class JdbiIdempotencyKeys implements IdempotencyKeys {
    private final Jdbi jdbi;

    public JdbiIdempotencyKeys(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Optional<Claim> find(String key) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT request_hash, order_id FROM orders.idempotency_keys WHERE idempotency_key = :key")
                .bind("key", key)
                .map((rs, ctx) -> new Claim(rs.getString("request_hash"), rs.getString("order_id")))
                .findOne());
    }

    @Override
    public boolean record(String key, String requestHash, String orderId) {
        return jdbi.withHandle(handle -> handle.createUpdate("""
                        INSERT INTO orders.idempotency_keys (idempotency_key, request_hash, order_id)
                        VALUES (:key, :hash, :orderId) ON CONFLICT (idempotency_key) DO NOTHING""")
                .bind("key", key)
                .bind("hash", requestHash)
                .bind("orderId", orderId)
                .execute() == 1);
    }
}
