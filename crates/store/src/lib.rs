//! Storage for digecon: an embedded SQLite file by default, PostgreSQL for multi-user deployments.
//!
//! One set of queries serves both through sqlx's `Any` driver: placeholders are `$1…`, booleans
//! are 0/1 integers, timestamps RFC 3339 text. Each backend has its own versioned migrations
//! (`migrations/sqlite`, `migrations/postgres`), identical except for identity columns.
//! Every write that touches more than one row runs in one transaction: it lands whole or not at all.

pub mod collect;
pub mod generated;
pub mod ledger;
mod load;
mod observations;
mod platform;
mod reference;
#[cfg(feature = "testing")]
pub mod testing;

use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, AssertSqlSafe, ConnectOptions, Connection, Row};

pub use observations::{ImportSummary, ObservationFilter, Revision};
pub use platform::{LoginRecord, OperationRecord, User};

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
    #[error("数据库错误 / database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("数据库迁移失败 / migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection pool plus the backend it talks to.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

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
        let pool = AnyPoolOptions::new()
            // SQLite has one writer; a small pool avoids lock contention without starving readers.
            .max_connections(if backend == Backend::Sqlite { 4 } else { 10 })
            .connect_with(options)
            .await?;
        if backend == Backend::Sqlite {
            // WAL lets the web server read while a filing is being written.
            sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        }
        let store = Store { pool, backend };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
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

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn parse_stored<T: FromStr>(what: &str, s: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}
