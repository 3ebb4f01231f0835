-- Retention deletes settled rows by age; these partial indexes keep that a range scan however large the tables.
CREATE INDEX outbox_sent_by_age ON outbox (updated_at, id) WHERE status = 'SENT';
CREATE INDEX inbox_processed_by_age ON inbox (updated_at, id) WHERE status = 'PROCESSED';

-- Idempotency-Key of POST /api/orders: the first request with a key decides the answer for every retry of it.
CREATE TABLE idempotency_keys (
    idempotency_key text PRIMARY KEY,
    -- What the first request asked for; the same key with another request is refused.
    request_hash    text NOT NULL,
    order_id        text NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
