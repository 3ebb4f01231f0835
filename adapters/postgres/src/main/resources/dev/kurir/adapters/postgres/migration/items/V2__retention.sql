-- Retention deletes settled rows by age; these partial indexes keep that a range scan however large the tables.
CREATE INDEX outbox_sent_by_age ON outbox (updated_at, id) WHERE status = 'SENT';
CREATE INDEX inbox_processed_by_age ON inbox (updated_at, id) WHERE status = 'PROCESSED';
