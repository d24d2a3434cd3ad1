-- A ledger report's version, incremented by every write to it or to a co-operating unit's part
-- of it: its ETag is "version" (optimistic concurrency, as for filings).
ALTER TABLE ledger_reports ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
