//! Backup and restore of everything digecon keeps — catalogue, observations with their
//! revisions, filings with their audit trail, ledger, users, sessions and logs — on both backends.
//!
//! A backup is always a SQLite file with digecon's schema, so the same file restores into
//! SQLite or PostgreSQL (and moves a deployment from one to the other):
//! - from SQLite, `VACUUM INTO`: a consistent copy taken in one read transaction, while the
//!   server goes on writing;
//! - from PostgreSQL, every table read in one `REPEATABLE READ` snapshot and written into a new
//!   file.
//!
//! A restore opens the backup (migrating it if an older digecon wrote it), then, in one write
//! transaction of the target, empties every table and copies every row: all or nothing. The change
//! feed is not copied — it belongs to the running servers — and the restore appends a catalogue
//! change to it, so every server drops what it keeps and reads the restored data at once.

use std::collections::BTreeMap;
use std::path::Path;

use sqlx::{AnyConnection, AssertSqlSafe, Column, Row, ValueRef};

use crate::write::{ChangeKind, WriteTx};
use crate::{Backend, Result, Store, StoreError};

/// Every table of digecon's schema, parents before children (the order rows are inserted in);
/// a test checks it against both backends' schemas.
pub const TABLES: &[&str] = &[
    "meta",
    "regions",
    "departments",
    "indicators",
    "observations",
    "observation_revisions",
    "plans",
    "targets",
    "constraints",
    "reference_figures",
    "tasks",
    "projects",
    "project_milestones",
    "work_units",
    "forms",
    "form_filers",
    "form_indicators",
    "form_rules",
    "outlier_bounds",
    "filings",
    "filing_values",
    "filing_events",
    "filing_value_changes",
    "filing_comments",
    "notices",
    "ledger_reports",
    "ledger_report_values",
    "ledger_report_evidence",
    "ledger_contributions",
    "key_projects",
    "key_project_reports",
    "ledger_problems",
    "users",
    "sessions",
    "login_log",
    "operation_log",
    "login_throttle",
];

/// Tables of the schema that are not backed up: the change feed belongs to the running servers.
pub const NOT_BACKED_UP: &[&str] = &["change_feed"];

/// Rows per table of a backup or a restore.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupSummary {
    pub rows: BTreeMap<String, u64>,
}

impl BackupSummary {
    pub fn total(&self) -> u64 {
        self.rows.values().sum()
    }
}

impl std::fmt::Display for BackupSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let busy: Vec<String> = self.rows.iter().filter(|(_, n)| **n > 0).map(|(t, n)| format!("{t} {n}")).collect();
        write!(f, "{} 行 / rows in {} tables ({})", self.total(), self.rows.len(), busy.join(", "))
    }
}

/// One value, whatever its column's type.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
}

fn read_value(row: &sqlx::any::AnyRow, i: usize) -> Result<Value> {
    use sqlx::any::AnyTypeInfoKind as K;
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let kind = raw.type_info().kind();
    Ok(match kind {
        K::Bool => Value::Int(i64::from(row.try_get::<bool, _>(i)?)),
        K::SmallInt | K::Integer | K::BigInt => Value::Int(row.try_get::<i64, _>(i)?),
        K::Real | K::Double => Value::Float(row.try_get::<f64, _>(i)?),
        K::Text => Value::Text(row.try_get::<String, _>(i)?),
        K::Null => Value::Null,
        K::Blob => {
            return Err(StoreError::Corrupt(format!("binary column `{}` cannot be backed up", row.column(i).name())));
        }
    })
}

/// How a column's NULL is bound: PostgreSQL wants the column's own type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnType {
    Int,
    Float,
    Text,
}

fn column_type(declared: &str) -> ColumnType {
    let d = declared.to_ascii_uppercase();
    if d.contains("INT") {
        ColumnType::Int
    } else if d.contains("DOUBLE") || d.contains("REAL") || d.contains("FLOAT") || d.contains("NUMERIC") {
        ColumnType::Float
    } else {
        ColumnType::Text
    }
}

/// The columns of `table`, in order, with their types.
async fn columns(conn: &mut AnyConnection, backend: Backend, table: &str) -> Result<Vec<(String, ColumnType)>> {
    let sql = match backend {
        Backend::Sqlite => format!("SELECT name, type FROM pragma_table_info('{table}') ORDER BY cid"),
        Backend::Postgres => format!(
            "SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
        ),
    };
    let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok((r.try_get::<String, _>(0)?, column_type(&r.try_get::<String, _>(1)?)))).collect()
}

/// Copies every row of `table` from `from` into `to` (inside the target's transaction), in
/// chunks of one statement each. Returns the number of rows.
async fn copy_table(from: &mut AnyConnection, from_backend: Backend, to: &mut WriteTx, table: &str) -> Result<u64> {
    let names = |c: &[(String, ColumnType)]| c.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let source = columns(from, from_backend, table).await?;
    let backend = to.backend();
    let target = columns(to, backend, table).await?;
    if names(&source) != names(&target) {
        return Err(StoreError::Refused(format!(
            "表 {table} 的列不同 / table {table} has columns {:?} in the backup and {:?} here",
            names(&source),
            names(&target)
        )));
    }
    let cols = names(&target);
    let list = cols.join(", ");
    let rows = sqlx::query(AssertSqlSafe(format!("SELECT {list} FROM {table}"))).fetch_all(&mut *from).await?;
    let overriding = if to.backend() == Backend::Postgres && has_identity(to, table).await? { " OVERRIDING SYSTEM VALUE" } else { "" };
    // Stay well under either database's limit on bound parameters.
    let per = (2000 / cols.len().max(1)).max(1);
    let mut n = 0u64;
    for chunk in rows.chunks(per) {
        let values = crate::observations::values_list(chunk.len(), cols.len());
        let sql = format!("INSERT INTO {table} ({list}){overriding} VALUES {values}");
        let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false);
        for row in chunk {
            for (i, (_, ty)) in target.iter().enumerate() {
                q = match read_value(row, i)? {
                    Value::Null => match ty {
                        ColumnType::Int => q.bind(None::<i64>),
                        ColumnType::Float => q.bind(None::<f64>),
                        ColumnType::Text => q.bind(None::<String>),
                    },
                    Value::Int(v) => q.bind(v),
                    Value::Float(v) => q.bind(v),
                    Value::Text(v) => q.bind(v),
                };
            }
        }
        q.execute(&mut **to).await?;
        n += chunk.len() as u64;
    }
    if !overriding.is_empty() {
        // The next generated id follows the restored ones.
        let col = identity_column(to, table).await?.expect("has_identity");
        sqlx::query(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM (SELECT setval(pg_get_serial_sequence('{table}', '{col}'), COALESCE((SELECT MAX({col}) FROM {table}), 0) + 1, false)) AS s"
        )))
        .fetch_one(&mut **to)
        .await?;
    }
    Ok(n)
}

async fn identity_column(conn: &mut AnyConnection, table: &str) -> Result<Option<String>> {
    let row = sqlx::query(
        "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'YES'",
    )
    .bind(table)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok(r.try_get::<String, _>(0)?)).transpose()
}

async fn has_identity(conn: &mut AnyConnection, table: &str) -> Result<bool> {
    Ok(identity_column(conn, table).await?.is_some())
}

impl Store {
    /// Writes a consistent copy of every table to a new SQLite file `out` (an existing file is
    /// refused). Runs while servers write.
    pub async fn backup_to(&self, out: &Path) -> Result<BackupSummary> {
        if out.exists() {
            return Err(StoreError::Refused(format!("文件已存在 / `{}` exists; choose a new file", out.display())));
        }
        match self.backend {
            Backend::Sqlite => {
                // One read transaction: the copy is the database as of its start.
                let path = out.to_string_lossy().replace('\'', "''");
                sqlx::query(AssertSqlSafe(format!("VACUUM INTO '{path}'"))).execute(&self.pool).await?;
                let copy = Store::open_sqlite(out, false).await?;
                let summary = copy.table_counts().await?;
                copy.close().await;
                Ok(summary)
            }
            Backend::Postgres => {
                let target = Store::open_sqlite(out, true).await?;
                let result = self.copy_into(&target).await;
                target.close().await;
                if result.is_err() {
                    let _ = std::fs::remove_file(out);
                }
                result
            }
        }
    }

    /// Copies every table of this store, as of one snapshot, into `target`'s empty tables.
    async fn copy_into(&self, target: &Store) -> Result<BackupSummary> {
        let mut from = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY").execute(&mut *from).await?;
        }
        let mut to = target.begin_write().await?;
        let mut summary = BackupSummary::default();
        for t in TABLES {
            let n = copy_table(&mut from, self.backend, &mut to, t).await?;
            summary.rows.insert(t.to_string(), n);
        }
        to.commit().await?;
        from.commit().await?;
        Ok(summary)
    }

    /// Every row of `table` (one of [`TABLES`]) rendered as text, sorted: for comparing two
    /// databases table by table.
    pub async fn table_rows(&self, table: &str) -> Result<Vec<String>> {
        if !TABLES.contains(&table) {
            return Err(StoreError::Refused(format!("unknown table `{table}`")));
        }
        let mut conn = self.pool.acquire().await?;
        let cols: Vec<String> = columns(&mut conn, self.backend, table).await?.into_iter().map(|(n, _)| n).collect();
        let rows = sqlx::query(AssertSqlSafe(format!("SELECT {} FROM {table}", cols.join(", ")))).fetch_all(&mut *conn).await?;
        let mut out = rows
            .iter()
            .map(|r| (0..cols.len()).map(|i| read_value(r, i).map(|v| format!("{v:?}"))).collect::<Result<Vec<_>>>().map(|v| v.join("|")))
            .collect::<Result<Vec<_>>>()?;
        out.sort();
        Ok(out)
    }

    /// The tables of the schema (but the migrations' own).
    pub async fn schema_tables(&self) -> Result<Vec<String>> {
        let sql = match self.backend {
            Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
            Backend::Postgres => "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
        };
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(r.try_get::<String, _>(0)?)).collect()
    }

    /// Rows per table.
    pub async fn table_counts(&self) -> Result<BackupSummary> {
        let mut summary = BackupSummary::default();
        for t in TABLES {
            let row = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}"))).fetch_one(&self.pool).await?;
            summary.rows.insert(t.to_string(), row.try_get::<i64, _>(0)? as u64);
        }
        Ok(summary)
    }

    /// Replaces everything in this store by the backup `file`, in one transaction. A store that
    /// holds anything is refused unless `replace`.
    pub async fn restore_from(&self, file: &Path, replace: bool) -> Result<BackupSummary> {
        if !file.exists() {
            return Err(StoreError::NoSuchFile(file.display().to_string()));
        }
        let here = self.table_counts().await?;
        if here.total() > 0 && !replace {
            return Err(StoreError::NotEmpty(here.to_string()));
        }
        // Opening migrates a backup written by an older digecon to this schema.
        let backup = Store::open_sqlite(file, false).await?;
        let result = async {
            let mut from = backup.pool.begin().await?;
            let mut to = self.begin_write().await?;
            for t in TABLES.iter().rev() {
                sqlx::query(AssertSqlSafe(format!("DELETE FROM {t}"))).execute(&mut *to).await?;
            }
            let mut summary = BackupSummary::default();
            for t in TABLES {
                let n = copy_table(&mut from, Backend::Sqlite, &mut to, t).await?;
                summary.rows.insert(t.to_string(), n);
            }
            // Servers drop all they keep (catalogue, sessions, answers) and read the restored data.
            to.touch(ChangeKind::Catalog, "");
            to.commit().await?;
            from.commit().await?;
            Ok(summary)
        }
        .await;
        backup.close().await;
        result
    }
}
