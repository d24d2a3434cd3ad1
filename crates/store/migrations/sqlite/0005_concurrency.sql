-- Concurrency and scale-out: a change feed for caches, filing versions for optimistic
-- concurrency (ETag / If-Match), sign-in throttling shared by every server process.
-- Identical to migrations/postgres/0005_concurrency.sql except for identity columns.

-- One row per committed write that changes what a reader may have cached: `kind` data (keys =
-- indicator codes), auth (usernames), catalog, ledger, filing. Servers read it to invalidate
-- their caches, including for writes made by another process (a second server, the CLI).
-- AUTOINCREMENT: a sequence number is never reused, even after old rows are pruned.
CREATE TABLE change_feed (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('data', 'auth', 'catalog', 'ledger', 'filing')),
    keys TEXT NOT NULL
);

-- Incremented by every write to a filing: its ETag is "id-version".
ALTER TABLE filings ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- Failed sign-ins per key (`acct:USER|ADDRESS`, `addr:ADDRESS`): the count in the current
-- window and until when further attempts are refused without being checked.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_start TEXT NOT NULL,
    blocked_until TEXT NOT NULL
);

CREATE INDEX sessions_by_username ON sessions (username);
CREATE INDEX observations_by_updated ON observations (updated_at);
