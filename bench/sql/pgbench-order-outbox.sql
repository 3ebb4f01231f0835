-- Limit (a): what POST /api/orders commits, reduced to its two rows: the order and its order.created outbox row,
-- in one transaction (pgbench -f; the tables come from pgbench-schema.sql).
\set customer random(1, 1000)
BEGIN;
INSERT INTO orders (order_id, customer_id, amount, status, created_at, updated_at)
VALUES (gen_random_uuid()::text, 'cust-' || :customer, 20.00, 'PENDING', now(), now());
INSERT INTO outbox (message_id, event_type, payload, exchange, routing_key)
VALUES (gen_random_uuid(), 'order.created',
        jsonb_build_object('order_id', gen_random_uuid()::text, 'customer_id', 'cust-' || :customer, 'amount', '20.00',
                           'items', jsonb_build_array(jsonb_build_object('sku', 'BENCH-001', 'quantity', 1))),
        'orders', 'order.created');
END;
