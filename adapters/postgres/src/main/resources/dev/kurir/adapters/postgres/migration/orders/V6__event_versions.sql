-- The major version of each message's payload schema (the kurir-event-version header). Rows written before it was
-- recorded were all version 1, hence the default; a constant default adds the column without rewriting the table.
ALTER TABLE orders.outbox ADD COLUMN event_version integer NOT NULL DEFAULT 1 CHECK (event_version >= 1);
ALTER TABLE orders.inbox ADD COLUMN event_version integer NOT NULL DEFAULT 1 CHECK (event_version >= 1);
