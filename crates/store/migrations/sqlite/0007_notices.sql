-- In-app notices (站内通知) to a filing unit: a returned or reopened filing, a reminder to file
-- (催报). Addressed to the filer (a region or a department), read by its staff; who sent it and
-- when is kept, and when it was first read and by whom.
-- Also: filing events may record `withdraw` (撤回, the filer taking back an unreviewed submission).
-- Identical to migrations/postgres/0007_notices.sql except for identity columns and the way the
-- CHECK constraint is replaced (SQLite cannot alter one: the table is rebuilt, with the foreign
-- keys of filing_value_changes deferred to the end of the migration's transaction).

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    filer_kind TEXT NOT NULL CHECK (filer_kind IN ('region', 'department')),
    filer_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('returned', 'reopened', 'remind')),
    form_code TEXT NOT NULL REFERENCES forms (code),
    period TEXT NOT NULL,
    message TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    read_by TEXT
);
CREATE INDEX notices_by_filer ON notices (filer_code, created_at);

PRAGMA defer_foreign_keys = ON;
CREATE TABLE filing_events_before_0007 AS SELECT * FROM filing_events;
DROP TABLE filing_events;
CREATE TABLE filing_events (
    id INTEGER PRIMARY KEY,
    filing_id BIGINT NOT NULL REFERENCES filings (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('save', 'submit', 'approve', 'return', 'reopen', 'withdraw')),
    from_state TEXT,
    to_state TEXT NOT NULL,
    comment TEXT NOT NULL
);
INSERT INTO filing_events (id, filing_id, at, actor, actor_role, action, from_state, to_state, comment)
    SELECT id, filing_id, at, actor, actor_role, action, from_state, to_state, comment FROM filing_events_before_0007;
DROP TABLE filing_events_before_0007;
CREATE INDEX filing_events_by_filing ON filing_events (filing_id);
