-- In-app notices (站内通知) to a filing unit: a returned or reopened filing, a reminder to file
-- (催报). Addressed to the filer (a region or a department), read by its staff; who sent it and
-- when is kept, and when it was first read and by whom.
-- Also: filing events may record `withdraw` (撤回, the filer taking back an unreviewed submission).
-- Identical to migrations/sqlite/0007_notices.sql except for identity columns and the way the
-- CHECK constraint is replaced.

CREATE TABLE notices (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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

ALTER TABLE filing_events DROP CONSTRAINT filing_events_action_check;
ALTER TABLE filing_events ADD CONSTRAINT filing_events_action_check
    CHECK (action IN ('save', 'submit', 'approve', 'return', 'reopen', 'withdraw'));
