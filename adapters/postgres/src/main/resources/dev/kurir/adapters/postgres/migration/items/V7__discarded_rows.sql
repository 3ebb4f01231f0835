-- An operator may discard a FAILED outbox or inbox row instead of retrying it: the row is kept, marked with who
-- discarded it, when and why, and leaves the FAILED count. (The new values are not used in this transaction:
-- PostgreSQL allows ADD VALUE inside one only then; V8 indexes them.)
ALTER TYPE outbox_status ADD VALUE 'DISCARDED';
ALTER TYPE inbox_status ADD VALUE 'DISCARDED';
ALTER TABLE outbox ADD COLUMN discarded_by text, ADD COLUMN discarded_reason text, ADD COLUMN discarded_at timestamptz;
ALTER TABLE inbox ADD COLUMN discarded_by text, ADD COLUMN discarded_reason text, ADD COLUMN discarded_at timestamptz;
