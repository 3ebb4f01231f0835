-- Where the time of each order went, stage by stage (median and p99, ms), for the CONFIRMED orders created since
-- :from, read from the rows' own timestamps: psql -v from='2026-11-25 20:00:00+00' -f stages.sql (kurir's schema).
-- Rows are matched across the tables by the order id in their payloads. created_at of the outbox and inbox rows is
-- the inserting transaction's start (now()); updated_at is the last change (SENT, PROCESSED).
WITH o AS (SELECT order_id, created_at, updated_at FROM orders.orders
           WHERE created_at >= CAST(:'from' AS timestamptz) AND status = 'CONFIRMED'),
     ob AS (SELECT payload->>'order_id' AS oid, created_at, updated_at FROM orders.outbox),
     ii AS (SELECT payload->>'order_id' AS oid, created_at, updated_at FROM items.inbox),
     io AS (SELECT payload->>'order_id' AS oid, created_at, updated_at FROM items.outbox),
     oi AS (SELECT payload->>'order_id' AS oid, created_at, updated_at FROM orders.inbox),
     s AS (SELECT extract(epoch FROM ob.created_at - o.created_at) * 1000 AS a_commit,
                  extract(epoch FROM ob.updated_at - ob.created_at) * 1000 AS b_orders_relay,
                  extract(epoch FROM ii.created_at - ob.updated_at) * 1000 AS c_to_items_inbox,
                  extract(epoch FROM ii.updated_at - ii.created_at) * 1000 AS d_items_inbox,
                  extract(epoch FROM io.updated_at - io.created_at) * 1000 AS e_items_relay,
                  extract(epoch FROM oi.created_at - io.updated_at) * 1000 AS f_to_orders_inbox,
                  extract(epoch FROM oi.updated_at - oi.created_at) * 1000 AS g_orders_inbox,
                  extract(epoch FROM o.updated_at - o.created_at) * 1000 AS total
           FROM o JOIN ob ON ob.oid = o.order_id JOIN ii ON ii.oid = o.order_id JOIN io ON io.oid = o.order_id
                  JOIN oi ON oi.oid = o.order_id)
SELECT 'p50' AS q, count(*) AS orders,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY a_commit)::numeric, 1) AS "place→outbox row",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY b_orders_relay)::numeric, 1) AS "orders relay (→SENT)",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY c_to_items_inbox)::numeric, 1) AS "SENT→items inbox",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d_items_inbox)::numeric, 1) AS "items inbox→PROCESSED",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY e_items_relay)::numeric, 1) AS "items relay (→SENT)",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY f_to_orders_inbox)::numeric, 1) AS "SENT→orders inbox",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY g_orders_inbox)::numeric, 1) AS "orders inbox→PROCESSED",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY total)::numeric, 1) AS "total (created→CONFIRMED)"
FROM s
UNION ALL
SELECT 'p99', count(*),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY a_commit)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY b_orders_relay)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY c_to_items_inbox)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY d_items_inbox)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY e_items_relay)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY f_to_orders_inbox)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY g_orders_inbox)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY total)::numeric, 1)
FROM s;
