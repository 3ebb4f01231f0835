-- The orders module's schema. Flyway runs this with search_path = orders.
CREATE TYPE order_status AS ENUM ('PENDING', 'CONFIRMED', 'REJECTED');

CREATE TABLE orders (
    order_id         text PRIMARY KEY,
    -- Insertion order, for stable newest-first paging (order ids are random).
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

CREATE TABLE order_lines (
    order_id   text NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
    line_no    integer NOT NULL,
    sku        text NOT NULL,
    quantity   integer NOT NULL CHECK (quantity > 0),
    unit_price numeric(14, 2) NOT NULL CHECK (unit_price >= 0),
    PRIMARY KEY (order_id, line_no)
);

-- The outbox: written in the same transaction as the business change, published by the relay.
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

-- The relay only ever looks for due PENDING rows; SENT rows pile up and must not slow that down.
CREATE INDEX outbox_pending_due ON outbox (next_attempt_at, id) WHERE status = 'PENDING';

-- The inbox: every message received, once per message_id, then processed by the inbox workers.
CREATE TYPE inbox_status AS ENUM ('PENDING', 'PROCESSED', 'FAILED');

CREATE TABLE inbox (
    id              bigserial PRIMARY KEY,
    message_id      uuid NOT NULL UNIQUE,
    sender_id       text NOT NULL,
    event_type      text NOT NULL,
    payload         jsonb NOT NULL,
    status          inbox_status NOT NULL DEFAULT 'PENDING',
    retry_count     integer NOT NULL DEFAULT 0,
    exchange        text NOT NULL DEFAULT 'items',
    routing_key     text NOT NULL,
    error           text,
    locked_at       timestamptz,
    locked_by       text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    traceparent     text,
    next_attempt_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX inbox_pending_due ON inbox (next_attempt_at, id) WHERE status = 'PENDING';
