//! The write path: every transaction that changes data goes through [`WriteTx`].
//!
//! - **SQLite** has one writer. Writes use their own pool of one connection, so they queue in
//!   the pool (fairly, in arrival order) instead of failing, and start with `BEGIN IMMEDIATE`,
//!   which takes the write lock at once: a deferred transaction that reads first and writes later
//!   can be refused with `database is locked` when another writer got in between, whatever the
//!   busy timeout. Readers have their own connections and never wait for writers (WAL).
//! - **PostgreSQL** runs writes at READ COMMITTED with explicit locks where a read decides a write
//!   (a filing is locked before its old values are read, so the audit trail stays a chain).
//!   Serialisation failures and deadlocks, which such locks can still cause between multi-row
//!   writes, are retried inside the store ([`Store::retrying`]), never passed to the client.
//! - Every commit that changes what a reader may have cached appends to the **change feed**
//!   (`change_feed`): on SQLite inside the transaction, on PostgreSQL right after the commit (a
//!   row appended inside a long transaction would become visible after rows numbered later).
//!   The committing process applies its own change at once ([`Store::on_change`]); other
//!   processes read the feed ([`crate::changes`]).

use std::collections::BTreeSet;
use std::time::Duration;

use sqlx::AnyConnection;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use crate::{now, Backend, Result, Store, StoreError};

/// What a committed write changed, for caches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// Observations; keys are `INDICATOR@YEAR` (the year of the period written).
    Data,
    /// Users or sessions; keys are usernames.
    Auth,
    /// Regions, indicators, forms, plans, targets: everything derived may change.
    Catalog,
    /// Task ledger and key projects.
    Ledger,
    /// Filings (state, values, audit); keys are `form/filer/period`.
    Filing,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Data => "data",
            ChangeKind::Auth => "auth",
            ChangeKind::Catalog => "catalog",
            ChangeKind::Ledger => "ledger",
            ChangeKind::Filing => "filing",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<ChangeKind> {
        [ChangeKind::Data, ChangeKind::Auth, ChangeKind::Catalog, ChangeKind::Ledger, ChangeKind::Filing]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One committed change: its feed number, kind and keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub kind: ChangeKind,
    pub keys: Vec<String>,
}

/// What a transaction has touched so far.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    kinds: std::collections::BTreeMap<ChangeKind, BTreeSet<String>>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }
}

/// A write transaction. Dereferences to the connection, so `&mut *tx` runs statements in it.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    store: Store,
    pending: Pending,
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl WriteTx {
    pub(crate) fn backend(&self) -> Backend {
        self.store.backend
    }

    /// Records that this transaction changed `key` of `kind` (an indicator's observations, a
    /// user's sessions, …); caches learn of it when the transaction commits.
    pub(crate) fn touch(&mut self, kind: ChangeKind, key: &str) {
        self.pending.kinds.entry(kind).or_default().insert(key.to_string());
    }

    /// Serialises writers that decide on what they read, on PostgreSQL: a transaction-scoped
    /// advisory lock on `key`, which also covers rows that do not exist yet (two first saves of
    /// one filing). On SQLite `BEGIN IMMEDIATE` already serialises every writer.
    pub(crate) async fn lock(&mut self, key: &str) -> Result<()> {
        if self.backend() == Backend::Postgres {
            // In FROM, so the statement returns a row of a type the `Any` driver knows (not `void`).
            sqlx::query("SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS l")
                .bind(key)
                .fetch_one(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Commits, then tells caches what changed.
    pub async fn commit(mut self) -> Result<()> {
        let changes = std::mem::take(&mut self.pending);
        let at = now();
        match self.store.backend {
            Backend::Sqlite => {
                // Inside the transaction: writers are serialised, so feed numbers follow commits.
                let recorded = append_feed(&mut self.tx, &changes, &at).await?;
                self.tx.commit().await?;
                self.store.applied_locally(recorded);
            }
            Backend::Postgres => {
                self.tx.commit().await?;
                if !changes.is_empty() {
                    // The data is committed: a feed row that cannot be appended must not turn the
                    // write into an error. This process drops all it keeps; other servers pick the
                    // change up when their kept answers age out (`cache::MAX_AGE`).
                    let appended = async {
                        let mut conn = self.store.writer.acquire().await?;
                        append_feed(&mut conn, &changes, &at).await
                    }
                    .await;
                    match appended {
                        Ok(recorded) => self.store.applied_locally(recorded),
                        Err(e) => {
                            tracing::error!(error = %e, "appending to the change feed failed after a commit");
                            self.store.tracker.reset_locally();
                        }
                    }
                }
            }
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

async fn append_feed(conn: &mut AnyConnection, changes: &Pending, at: &str) -> Result<Vec<Change>> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    // One statement for every kind touched; numbers come back in insertion order.
    let rows: Vec<(ChangeKind, Vec<String>)> = changes.kinds.iter().map(|(k, keys)| (*k, keys.iter().cloned().collect())).collect();
    let values = (0..rows.len()).map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect::<Vec<_>>().join(", ");
    let mut q = sqlx::query(AssertSqlSafe(format!("INSERT INTO change_feed (at, kind, keys) VALUES {values} RETURNING seq")));
    for (kind, keys) in &rows {
        q = q.bind(at.to_string()).bind(kind.as_str()).bind(keys.join("\n"));
    }
    let mut seqs: Vec<i64> = q.fetch_all(&mut *conn).await?.iter().map(|r| r.try_get(0)).collect::<std::result::Result<_, _>>()?;
    seqs.sort_unstable();
    Ok(rows.into_iter().zip(seqs).map(|((kind, keys), seq)| Change { seq, kind, keys }).collect())
}

/// Whether an error is a passing conflict between concurrent writers, worth retrying.
pub(crate) fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => match db.code().as_deref() {
            // PostgreSQL: serialization_failure, deadlock_detected, lock_not_available,
            // unique_violation (two first inserts of one natural key).
            Some("40001" | "40P01" | "55P03" | "23505") => true,
            // SQLite: SQLITE_BUSY and its extended codes (another process held the lock for
            // longer than the busy timeout), SQLITE_LOCKED.
            Some("5" | "6" | "261" | "517" | "773") => true,
            _ => false,
        },
        _ => false,
    }
}

/// An error type whose transient database failures [`Store::retrying`] retries.
pub trait Transient {
    fn is_transient(&self) -> bool;
}

impl Transient for StoreError {
    fn is_transient(&self) -> bool {
        matches!(self, StoreError::Sql(e) if is_transient(e))
    }
}

/// Attempts before a transient failure is given up (about 6 s of waiting in all).
const ATTEMPTS: u32 = 12;

impl Store {
    /// Begins a write transaction (see the module documentation).
    pub async fn begin_write(&self) -> Result<WriteTx> {
        let tx = match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.writer.begin().await?,
        };
        Ok(WriteTx { tx, store: self.clone(), pending: Pending::default() })
    }

    /// Runs `op` — which must do its whole work in one transaction — again when it fails for
    /// a transient conflict with another writer, with a growing, jittered pause.
    ///
    /// `op` is a closure returning a future (not an async closure: the futures of those cannot
    /// yet be shown to be `Send`, which the server needs).
    pub async fn retrying<T, E, F, Fut>(&self, what: &str, mut op: F) -> std::result::Result<T, E>
    where
        E: Transient + std::fmt::Display,
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, E>>,
    {
        let mut attempt = 0;
        loop {
            match op().await {
                Err(e) if e.is_transient() && attempt + 1 < ATTEMPTS => {
                    attempt += 1;
                    let base = 2u64.pow(attempt.min(9)); // 2 ms … 512 ms
                    let jitter = u64::from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)) % base.max(1);
                    tracing::debug!(%what, attempt, error = %e, "transient write conflict, retrying");
                    tokio::time::sleep(Duration::from_millis(base / 2 + jitter)).await;
                }
                other => return other,
            }
        }
    }
}
