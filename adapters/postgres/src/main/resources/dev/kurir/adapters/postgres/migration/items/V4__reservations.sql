-- What the items module decided per order: an order's stock is reserved once and released once, whatever the
-- message ids its events arrive under and in whichever order they arrive.
CREATE TYPE reservation_decision AS ENUM ('RESERVED', 'REJECTED');

CREATE TABLE reservations (
    order_id   text PRIMARY KEY,
    -- NULL while only the order's cancellation is known: a tombstone that refuses its late order.created.
    decision   reservation_decision,
    cancelled  boolean NOT NULL DEFAULT false,
    reason     text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (decision IS NOT NULL OR cancelled),
    CHECK (decision IS DISTINCT FROM 'REJECTED' OR reason IS NOT NULL)
);

-- The stock held for a RESERVED order; kept after a cancellation released it, as the record of what went back.
CREATE TABLE reservation_lines (
    order_id text NOT NULL REFERENCES reservations (order_id) ON DELETE CASCADE,
    sku      text NOT NULL REFERENCES items (sku),
    quantity integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, sku)
);

-- Orders decided before this table existed: their answers are still in the outbox (up to the retention), so an
-- order cancelled after the upgrade gives back exactly what it holds. Older orders are unknown here: cancelling
-- one leaves a tombstone and releases nothing (never more than was reserved). One pass over the outbox: the first
-- answer per order, which is the one that took effect.
CREATE TEMPORARY TABLE first_answer ON COMMIT DROP AS
SELECT DISTINCT ON (payload ->> 'order_id') payload ->> 'order_id' AS order_id, event_type, payload, created_at
FROM outbox
WHERE event_type IN ('stock.reserved', 'stock.rejected') AND payload ->> 'order_id' IS NOT NULL
ORDER BY payload ->> 'order_id', id;

INSERT INTO reservations (order_id, decision, reason, created_at, updated_at)
SELECT order_id,
       CASE event_type WHEN 'stock.reserved' THEN 'RESERVED' ELSE 'REJECTED' END::reservation_decision,
       CASE event_type WHEN 'stock.rejected' THEN coalesce(payload ->> 'reason', 'rejected') END,
       created_at, created_at
FROM first_answer;

INSERT INTO reservation_lines (order_id, sku, quantity)
SELECT a.order_id, line ->> 'sku', (line ->> 'quantity')::integer
FROM first_answer a, jsonb_array_elements(a.payload -> 'items') AS line
WHERE a.event_type = 'stock.reserved'
ON CONFLICT DO NOTHING;
