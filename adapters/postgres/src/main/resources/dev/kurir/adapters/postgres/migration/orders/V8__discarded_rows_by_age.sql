-- Retention deletes DISCARDED rows as it deletes settled ones, by age since the discard: a range scan, as for SENT.
CREATE INDEX outbox_discarded_by_age ON outbox (updated_at, id) WHERE status = 'DISCARDED';
CREATE INDEX inbox_discarded_by_age ON inbox (updated_at, id) WHERE status = 'DISCARDED';
