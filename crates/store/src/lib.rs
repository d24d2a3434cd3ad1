//! Storage for digecon: an embedded SQLite file by default, PostgreSQL for multi-user deployments.
//!
//! One set of queries serves both through sqlx's `Any` driver: placeholders are `$1…`, booleans
//! are 0/1 integers, timestamps RFC 3339 text. Each backend has its own versioned migrations
//! (`migrations/sqlite`, `migrations/postgres`), identical except for identity columns.
//! Every write that touches more than one row runs in one transaction: it lands whole or not at all.
//! Writes go through [`write::WriteTx`] (one writer at a time on SQLite, retried conflicts on
//! PostgreSQL, the change feed for caches); see `write.rs` and `changes.rs`.

pub mod backup;
pub mod changes;
pub mod collect;
pub mod generated;
pub mod ledger;
pub mod notices;
mod load;
mod observations;
mod platform;
mod reference;
#[cfg(feature = "testing")]
pub mod testing;
pub mod throttle;
pub mod write;

use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, AssertSqlSafe, ConnectOptions, Connection, Row};

pub use observations::{ImportSummary, ObservationFilter, Revision};
pub use changes::{ChangeEvent, Listener};
pub use platform::{LoginRecord, OperationRecord, User};
pub use write::{Change, ChangeKind, Transient, WriteTx};

/// Which database is behind the pool; a few statements differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库文件不存在 / database file `{0}` does not exist (create it with `digecon init --db {0}`)")]
    NoSuchFile(String),
    #[error("不支持的数据库地址 / unsupported database URL `{0}`: expected `sqlite:FILE` or `postgres://…`")]
    UnsupportedUrl(String),
    #[error("数据库非空 / the database already holds data ({0}); use --force to replace it")]
    NotEmpty(String),
    #[error("数据库尚未初始化 / the database has no dataset yet; run `digecon init` first")]
    NotInitialised,
    #[error("数据库中的值无效 / invalid value stored in the database: {0}")]
    Corrupt(String),
    #[error("拒绝写入，未写入任何数据 / refused, nothing was written: {0}")]
    Refused(String),
    /// The record changed since the writer read it (its `If-Match` no longer holds).
    #[error("已被他人修改：{changed_by} 于 {changed_at}，未写入任何数据 / changed by {changed_by} at {changed_at} since you read it; nothing was written, reload it")]
    Stale { etag: String, changed_by: String, changed_at: String },
    #[error("数据库错误 / database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("数据库迁移失败 / migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Connection pools plus the backend they talk to. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct Store {
    /// Reads.
    pool: AnyPool,
    /// Writes: one connection on SQLite (writers queue here), a separate pool on PostgreSQL so
    /// a crowd of writers never starves readers of connections.
    writer: AnyPool,
    /// The change feed's reads: connections of their own, so a server checking freshness never
    /// queues behind heavy reads.
    feed: AnyPool,
    backend: Backend,
    tracker: changes::SharedTracker,
    /// The collection catalogue with the catalogue epoch it was read at.
    reference: std::sync::Arc<std::sync::Mutex<Option<(u64, std::sync::Arc<collect::Reference>)>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

/// How long a write waits for another process's write lock on SQLite before it is retried.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Turns a file path into a `sqlite://` URL (percent-encoding what a URL cannot hold).
pub fn sqlite_url(path: &Path, create: bool) -> String {
    let mut s = String::from("sqlite://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/._-~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.push_str(if create { "?mode=rwc" } else { "?mode=rw" });
    s
}

impl Store {
    /// Opens a SQLite file. With `create`, a missing file is created; without, it is an error
    /// (so a typo in `--db` does not silently produce an empty database).
    pub async fn open_sqlite(path: &Path, create: bool) -> Result<Store> {
        if !create && !path.exists() {
            return Err(StoreError::NoSuchFile(path.display().to_string()));
        }
        Store::connect(&sqlite_url(path, create)).await
    }

    /// Opens `sqlite:…` or `postgres://…`, creating a missing PostgreSQL database when `create`,
    /// and applies pending migrations.
    pub async fn open_url(url: &str, create: bool) -> Result<Store> {
        if url.starts_with("sqlite:") {
            let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or(path);
            return Store::open_sqlite(Path::new(path), create).await;
        }
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        }
        if create {
            create_postgres_database_if_missing(url).await?;
        }
        Store::connect(url).await
    }

    async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
        let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
        let (pool, writer, feed) = match backend {
            Backend::Sqlite => {
                // WAL is a property of the file: set it once, before the pools open.
                let mut first = sqlx::AnyConnection::connect_with(&options).await?;
                sqlx::query("PRAGMA journal_mode = WAL").execute(&mut first).await?;
                first.close().await?;
                let writer = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(std::time::Duration::from_secs(600))
                    .after_connect(sqlite_pragmas)
                    .connect_with(options.clone())
                    .await?;
                let pool = AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(std::time::Duration::from_secs(60))
                    .after_connect(sqlite_pragmas)
                    .connect_with(options.clone())
                    .await?;
                let feed = AnyPoolOptions::new()
                    .max_connections(changes::FEED_READERS as u32)
                    .after_connect(sqlite_pragmas)
                    .connect_lazy_with(options);
                (pool, writer, feed)
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(std::time::Duration::from_secs(60))
                    .connect_with(options.clone())
                    .await?;
                let writer = AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(std::time::Duration::from_secs(600))
                    .connect_with(options.clone())
                    .await?;
                let feed = AnyPoolOptions::new().max_connections(changes::FEED_READERS as u32).connect_lazy_with(options);
                (pool, writer, feed)
            }
        };
        let store = Store { pool, writer, feed, backend, tracker: Default::default(), reference: Default::default() };
        store.migrate().await?;
        Ok(store)
    }

    /// Changes whenever a catalogue change (a dataset load) or a feed reset was applied.
    pub(crate) fn catalog_epoch(&self) -> u64 {
        self.tracker.catalog_epoch.load(std::sync::atomic::Ordering::SeqCst)
    }

    async fn migrate(&self) -> Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.writer).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Checkpoints (SQLite) and closes the pools. Clones share the pools: they are closed too.
    pub async fn close(&self) {
        if !self.writer.is_closed() {
            if let Err(e) = self.checkpoint().await {
                tracing::warn!(error = %e, "checkpoint before closing failed");
            }
        }
        self.pool.close().await;
        self.writer.close().await;
        self.feed.close().await;
    }

    pub fn is_closed(&self) -> bool {
        self.writer.is_closed()
    }

    /// Copies the SQLite write-ahead log into the database file and empties it, so the `.db`
    /// file alone holds every committed change (a CLI command does this before it exits).
    /// Nothing to do on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").fetch_all(&self.writer).await?;
        }
        Ok(())
    }

    /// What the database holds, for "refuse to overwrite" and status output.
    pub async fn counts(&self) -> Result<Counts> {
        let mut c = Counts::default();
        for (table, slot) in [
            ("regions", &mut c.regions),
            ("departments", &mut c.departments),
            ("indicators", &mut c.indicators),
            ("observations", &mut c.observations),
            ("plans", &mut c.plans),
            ("targets", &mut c.targets),
            ("constraints", &mut c.constraints),
            ("tasks", &mut c.tasks),
            ("projects", &mut c.projects),
        ] {
            let row = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"))).fetch_one(&self.pool).await?;
            *slot = row.try_get::<i64, _>(0)? as u64;
        }
        Ok(c)
    }

    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = $1").bind(key).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.get(0)))
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    pub regions: u64,
    pub departments: u64,
    pub indicators: u64,
    pub observations: u64,
    pub plans: u64,
    pub targets: u64,
    pub constraints: u64,
    pub tasks: u64,
    pub projects: u64,
}

impl Counts {
    pub fn is_empty(&self) -> bool {
        *self == Counts::default()
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} regions, {} departments, {} indicators, {} observations, {} plans, {} targets, {} constraints, {} tasks, {} projects",
            self.regions, self.departments, self.indicators, self.observations, self.plans, self.targets,
            self.constraints, self.tasks, self.projects
        )
    }
}

async fn create_postgres_database_if_missing(url: &str) -> Result<()> {
    use sqlx::postgres::PgConnectOptions;
    let options = PgConnectOptions::from_str(url)?;
    let Some(name) = options.get_database().map(str::to_string) else { return Ok(()) };
    let admin = options.database("postgres");
    let mut conn = sqlx::PgConnection::connect_with(&admin).await?;
    let exists = sqlx::query("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&mut conn)
        .await?
        .is_some();
    if !exists {
        // Identifiers cannot be bound as parameters; quote it instead.
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\"")))).execute(&mut conn).await?;
        tracing::info!(database = %name, "created PostgreSQL database");
    }
    Ok(())
}

type ConnectFuture<'c> = std::pin::Pin<Box<dyn std::future::Future<Output = std::result::Result<(), sqlx::Error>> + Send + 'c>>;

/// Settings of every SQLite connection.
fn sqlite_pragmas(conn: &mut sqlx::AnyConnection, _meta: sqlx::pool::PoolConnectionMetadata) -> ConnectFuture<'_> {
    Box::pin(async move {
        // A write that finds another process's write lock waits this long (then is retried).
        sqlx::query(AssertSqlSafe(format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"))).execute(&mut *conn).await?;
        // NORMAL is durable in WAL mode except against power loss of the last commits; a
        // checkpoint at the end of every CLI write (`Store::checkpoint`) keeps the .db file whole.
        sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
        sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
        // Pages from memory, not a read() per page: a larger page cache and the file mapped.
        sqlx::query("PRAGMA cache_size = -32768").execute(&mut *conn).await?;
        sqlx::query("PRAGMA mmap_size = 268435456").execute(&mut *conn).await?;
        Ok(())
    })
}

/// Drops database `name` on the PostgreSQL server at `server` (`postgres://user@host:port`),
/// closing its connections: for scratch databases of tests and benchmarks.
pub async fn drop_postgres_database(server: &str, name: &str) -> Result<()> {
    let mut c = sqlx::PgConnection::connect(&format!("{server}/postgres")).await?;
    sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", name.replace('"', "\"\"")))).execute(&mut c).await?;
    Ok(())
}

/// Sets a `meta` value inside a write transaction.
pub(crate) async fn set_meta_in(tx: &mut WriteTx, key: &str, value: &str) -> Result<()> {
    sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn parse_stored<T: FromStr>(what: &str, s: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}
