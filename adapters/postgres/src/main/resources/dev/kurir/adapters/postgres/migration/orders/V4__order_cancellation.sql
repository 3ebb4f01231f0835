-- Orders can be cancelled, on request or by the saga deadline. (The new value is not used in this transaction:
-- PostgreSQL allows ADD VALUE inside one only then.)
ALTER TYPE order_status ADD VALUE 'CANCELLED';
ALTER TABLE orders ADD COLUMN cancellation_reason text;

-- The saga deadline looks for old PENDING orders every few seconds; settled orders pile up and must not slow it.
CREATE INDEX orders_pending_by_age ON orders (created_at) WHERE status = 'PENDING';
