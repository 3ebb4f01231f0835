-- Limit (a): the orders table and the outbox exactly as kurir's migration V1 creates them (columns, types, indexes),
-- in the public schema of a scratch database.
CREATE TYPE order_status AS ENUM ('PENDING', 'CONFIRMED', 'REJECTED');
CREATE TABLE orders (
    order_id         text PRIMARY KEY,
    seq              bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    customer_id      text NOT NULL,
    amount           numeric(14, 2) NOT NULL CHECK (amount >= 0),
    status           order_status NOT NULL,
    rejection_reason text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX orders_by_customer ON orders (customer_id, seq DESC);
CREATE INDEX orders_by_status ON orders (status, seq DESC);
CREATE TYPE outbox_status AS ENUM ('PENDING', 'SENT', 'FAILED');
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    message_id      uuid NOT NULL UNIQUE,
    event_type      text NOT NULL,
    payload         jsonb NOT NULL,
    status          outbox_status NOT NULL DEFAULT 'PENDING',
    retry_count     integer NOT NULL DEFAULT 0,
    exchange        text NOT NULL DEFAULT 'orders',
    routing_key     text NOT NULL,
    error           text,
    locked_at       timestamptz,
    locked_by       text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    traceparent     text,
    next_attempt_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending_due ON outbox (next_attempt_at, id) WHERE status = 'PENDING';
CREATE INDEX outbox_sent_by_age ON outbox (updated_at, id) WHERE status = 'SENT';
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'FAILED';
