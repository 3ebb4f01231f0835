-- The items module's schema. Flyway runs this with search_path = items.
CREATE TABLE items (
    sku        text PRIMARY KEY,
    name       text NOT NULL,
    price      numeric(14, 2) NOT NULL CHECK (price >= 0),
    stock      integer NOT NULL CHECK (stock >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
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

CREATE INDEX inbox_pending_due ON inbox (next_attempt_at, id) WHERE status = 'PENDING';
