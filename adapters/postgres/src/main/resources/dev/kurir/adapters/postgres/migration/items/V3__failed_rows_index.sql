-- Metrics count FAILED rows at every scrape; settled rows pile up until retention and must not be scanned for that.
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'FAILED';
CREATE INDEX inbox_failed ON inbox (id) WHERE status = 'FAILED';
