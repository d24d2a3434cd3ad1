//! Observations and their revision history.

use digecon_core::{Observation, Period, Source};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use sqlx::{AssertSqlSafe, Row};

use crate::write::{ChangeKind, WriteTx};
use crate::{now, parse_stored, Result, Store};

/// Which observations to read or delete; `None` = any.
#[derive(Debug, Clone, Default)]
pub struct ObservationFilter {
    pub indicator: Option<String>,
    pub region: Option<String>,
    pub period: Option<Period>,
}

/// What an import did, value by value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// One change of one observation. `old_value == None` means it was created,
/// `new_value == None` that it was deleted.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub region_code: String,
    pub indicator_code: String,
    pub period: Period,
    pub old_value: Option<f64>,
    pub new_value: Option<f64>,
    pub old_status: Option<String>,
    pub new_status: Option<String>,
    pub changed_at: String,
    pub changed_by: String,
    pub reason: String,
}

/// The observation columns, in the order `from_row` reads them (a macro so queries stay `&'static str`).
macro_rules! columns {
    () => {
        "o.region_code, o.indicator_code, o.period, o.value, o.status, o.source_doc, o.source_quote, o.synthetic"
    };
}

pub(crate) fn from_row(r: &AnyRow) -> Result<Observation> {
    let period: String = r.try_get(2)?;
    let status: String = r.try_get(4)?;
    Ok(Observation {
        region_code: r.try_get(0)?,
        indicator_code: r.try_get(1)?,
        period: parse_stored("observations.period", &period)?,
        value: r.try_get(3)?,
        status: parse_stored("observations.status", &status)?,
        source: Source { doc: r.try_get(5)?, quote: r.try_get(6)? },
        synthetic: r.try_get::<i64, _>(7)? != 0,
    })
}

/// Builds `WHERE …` with numbered placeholders for the filter's set fields.
fn where_clause(f: &ObservationFilter) -> (String, Vec<String>) {
    let mut conds = Vec::new();
    let mut binds = Vec::new();
    for (col, v) in [
        ("o.indicator_code", f.indicator.clone()),
        ("o.region_code", f.region.clone()),
        ("o.period", f.period.map(|p| p.to_string())),
    ] {
        if let Some(v) = v {
            binds.push(v);
            conds.push(format!("{col} = ${}", binds.len()));
        }
    }
    let sql = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
    (sql, binds)
}

impl Store {
    /// Observations matching `filter`, in catalogue order: indicator, region, period.
    pub async fn observations(&self, filter: &ObservationFilter) -> Result<Vec<Observation>> {
        let mut conn = self.pool.acquire().await?;
        read_matching(&mut conn, filter).await
    }

    /// The most recently changed observations, newest first, with their change time: what the
    /// dashboard shows the moment a filing is approved.
    pub async fn recent_observations(&self, limit: i64) -> Result<Vec<(Observation, String)>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            ", o.updated_at FROM observations o ORDER BY o.updated_at DESC, o.id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((from_row(r)?, r.try_get::<String, _>(8)?))).collect()
    }

    /// Creates or updates `observations` in one transaction, recording a revision for every
    /// change. With `dry_run`, computes the summary and rolls back.
    pub async fn upsert_observations(
        &self,
        observations: &[Observation],
        actor: &str,
        reason: &str,
        dry_run: bool,
    ) -> Result<ImportSummary> {
        self.retrying("import", move || async move {
            let mut tx = self.begin_write().await?;
            let at = now();
            let mut summary = ImportSummary::default();
            for o in observations {
                match upsert_in(&mut tx, o, &at, actor, reason).await? {
                    Change::Created => summary.created += 1,
                    Change::Updated => summary.updated += 1,
                    Change::Unchanged => summary.unchanged += 1,
                }
            }
            if dry_run {
                tx.rollback().await?;
            } else {
                tx.commit().await?;
            }
            Ok(summary)
        })
        .await
    }

    /// Deletes the matching observations in one transaction; each deletion is kept as a revision.
    pub async fn delete_observations(&self, filter: &ObservationFilter, actor: &str, reason: &str) -> Result<u64> {
        self.retrying("delete", move || async move {
            let mut tx = self.begin_write().await?;
            // Read inside the write transaction, so what is deleted is what is recorded.
            let doomed = read_matching(&mut tx, filter).await?;
            let at = now();
            for o in &doomed {
                delete_in(&mut tx, o, &at, actor, reason).await?;
            }
            tx.commit().await?;
            Ok(doomed.len() as u64)
        })
        .await
    }

    /// The change history of one observation, oldest first.
    pub async fn revisions(&self, region: &str, indicator: &str, period: Period) -> Result<Vec<Revision>> {
        let rows = sqlx::query(
            "SELECT region_code, indicator_code, period, old_value, new_value, old_status, new_status,
                    changed_at, changed_by, reason
             FROM observation_revisions
             WHERE region_code = $1 AND indicator_code = $2 AND period = $3
             ORDER BY id",
        )
        .bind(region)
        .bind(indicator)
        .bind(period.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let period: String = r.try_get(2)?;
                Ok(Revision {
                    region_code: r.try_get(0)?,
                    indicator_code: r.try_get(1)?,
                    period: parse_stored("observation_revisions.period", &period)?,
                    old_value: r.try_get(3)?,
                    new_value: r.try_get(4)?,
                    old_status: r.try_get(5)?,
                    new_status: r.try_get(6)?,
                    changed_at: r.try_get(7)?,
                    changed_by: r.try_get(8)?,
                    reason: r.try_get(9)?,
                })
            })
            .collect()
    }
}

/// Observations matching `filter`, in catalogue order: indicator, region, period.
pub(crate) async fn read_matching(conn: &mut AnyConnection, filter: &ObservationFilter) -> Result<Vec<Observation>> {
    let (cond, binds) = where_clause(filter);
    let sql = format!(
        "SELECT {} FROM observations o
         JOIN indicators i ON i.code = o.indicator_code
         JOIN regions r ON r.code = o.region_code{cond}
         ORDER BY i.position, r.position, o.period",
        columns!()
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for b in &binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let mut out = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    // Text order puts `2022-01` before `2022-Q1`; keep the chronological order of `Period`.
    out.sort_by(|a, b| {
        (a.indicator_code == b.indicator_code && a.region_code == b.region_code)
            .then(|| a.period.cmp(&b.period))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    Ok(out)
}

pub(crate) async fn insert(
    tx: &mut WriteTx,
    o: &Observation,
    at: &str,
    actor: &str,
    reason: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO observations (region_code, indicator_code, period, value, status, source_doc, source_quote, synthetic, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&o.region_code)
    .bind(&o.indicator_code)
    .bind(o.period.to_string())
    .bind(o.value)
    .bind(o.status.as_str())
    .bind(&o.source.doc)
    .bind(&o.source.quote)
    .bind(i64::from(o.synthetic))
    .bind(at)
    .execute(&mut **tx)
    .await?;
    tx.touch(ChangeKind::Data, &data_key(o));
    record_revisions(tx, &[(None, Some(o))], at, actor, reason).await
}

async fn update(
    tx: &mut WriteTx,
    old: &Observation,
    new: &Observation,
    at: &str,
    actor: &str,
    reason: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE observations SET value = $4, status = $5, source_doc = $6, source_quote = $7, synthetic = $8, updated_at = $9
         WHERE region_code = $1 AND indicator_code = $2 AND period = $3",
    )
    .bind(&new.region_code)
    .bind(&new.indicator_code)
    .bind(new.period.to_string())
    .bind(new.value)
    .bind(new.status.as_str())
    .bind(&new.source.doc)
    .bind(&new.source.quote)
    .bind(i64::from(new.synthetic))
    .bind(at)
    .execute(&mut **tx)
    .await?;
    tx.touch(ChangeKind::Data, &data_key(new));
    record_revisions(tx, &[(Some(old), Some(new))], at, actor, reason).await
}

/// The change-feed key of an observation write: its indicator and year (`CORE_VA@2022`), so a
/// cache of 2022's figures is not voided by this month's filings of the same indicator.
pub(crate) fn data_key(o: &Observation) -> String {
    format!("{}@{}", o.indicator_code, o.period.year())
}

/// What [`upsert_in`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Created,
    Updated,
    Unchanged,
}

/// The stored observation of one key, inside `tx`.
pub(crate) async fn read_in(tx: &mut WriteTx, region: &str, indicator: &str, period: Period) -> Result<Option<Observation>> {
    let row = sqlx::query(concat!("SELECT ", columns!(), " FROM observations o WHERE o.region_code = $1 AND o.indicator_code = $2 AND o.period = $3"))
        .bind(region)
        .bind(indicator)
        .bind(period.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Creates or updates one observation inside `tx`, recording the revision; an identical stored
/// value is left alone. Every single-value write of the store goes through here.
pub(crate) async fn upsert_in(tx: &mut WriteTx, o: &Observation, at: &str, actor: &str, reason: &str) -> Result<Change> {
    match read_in(tx, &o.region_code, &o.indicator_code, o.period).await? {
        None => {
            insert(tx, o, at, actor, reason).await?;
            Ok(Change::Created)
        }
        Some(old) if &old == o => Ok(Change::Unchanged),
        Some(old) => {
            update(tx, &old, o, at, actor, reason).await?;
            Ok(Change::Updated)
        }
    }
}

/// Deletes one observation inside `tx`, keeping the deletion as a revision.
pub(crate) async fn delete_in(tx: &mut WriteTx, o: &Observation, at: &str, actor: &str, reason: &str) -> Result<()> {
    record_revisions(tx, &[(Some(o), None)], at, actor, reason).await?;
    sqlx::query("DELETE FROM observations WHERE region_code = $1 AND indicator_code = $2 AND period = $3")
        .bind(&o.region_code)
        .bind(&o.indicator_code)
        .bind(o.period.to_string())
        .execute(&mut **tx)
        .await?;
    tx.touch(ChangeKind::Data, &data_key(o));
    Ok(())
}

/// Creates or updates `observations` inside `tx` in three statements (read the stored ones,
/// write the changed ones, record their revisions); identical stored values are left alone.
/// The keys must be distinct.
pub(crate) async fn upsert_batch_in(tx: &mut WriteTx, observations: &[Observation], at: &str, actor: &str, reason: &str) -> Result<Vec<Change>> {
    if observations.is_empty() {
        return Ok(Vec::new());
    }
    let keys = (0..observations.len()).map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect::<Vec<_>>().join(", ");
    let sql = format!(concat!("SELECT ", columns!(), " FROM observations o WHERE (o.region_code, o.indicator_code, o.period) IN ({})"), keys);
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for o in observations {
        q = q.bind(o.region_code.clone()).bind(o.indicator_code.clone()).bind(o.period.to_string());
    }
    let stored: std::collections::HashMap<(String, String, Period), Observation> = q
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| from_row(r).map(|o| ((o.region_code.clone(), o.indicator_code.clone(), o.period), o)))
        .collect::<Result<_>>()?;
    let mut out = Vec::with_capacity(observations.len());
    let mut write: Vec<&Observation> = Vec::new();
    let mut revisions: Vec<(Option<&Observation>, Option<&Observation>)> = Vec::new();
    for o in observations {
        match stored.get(&(o.region_code.clone(), o.indicator_code.clone(), o.period)) {
            None => {
                out.push(Change::Created);
                write.push(o);
                revisions.push((None, Some(o)));
            }
            Some(old) if old == o => out.push(Change::Unchanged),
            Some(old) => {
                out.push(Change::Updated);
                write.push(o);
                revisions.push((Some(old), Some(o)));
            }
        }
    }
    upsert_many(tx, &write, at).await?;
    record_revisions(tx, &revisions, at, actor, reason).await?;
    Ok(out)
}

/// `($1, $2, …), ($k+1, …)` for `rows` rows of `cols` parameters.
pub(crate) fn values_list(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", (1..=cols).map(|c| format!("${}", r * cols + c)).collect::<Vec<_>>().join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts `rows`, or overwrites the stored values of the same keys, in one statement; the caller
/// decides which keys may be overwritten and records the revisions ([`record_revisions`]).
pub(crate) async fn upsert_many(tx: &mut WriteTx, rows: &[&Observation], at: &str) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO observations (region_code, indicator_code, period, value, status, source_doc, source_quote, synthetic, updated_at)
         VALUES {}
         ON CONFLICT (region_code, indicator_code, period) DO UPDATE SET value = excluded.value, status = excluded.status,
             source_doc = excluded.source_doc, source_quote = excluded.source_quote, synthetic = excluded.synthetic,
             updated_at = excluded.updated_at",
        values_list(rows.len(), 9)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false);
    for o in rows {
        q = q
            .bind(o.region_code.clone())
            .bind(o.indicator_code.clone())
            .bind(o.period.to_string())
            .bind(o.value)
            .bind(o.status.as_str())
            .bind(o.source.doc.clone())
            .bind(o.source.quote.clone())
            .bind(i64::from(o.synthetic))
            .bind(at.to_string());
    }
    q.execute(&mut **tx).await?;
    for o in rows {
        tx.touch(ChangeKind::Data, &data_key(o));
    }
    Ok(())
}

/// Records changes `(old, new)` — old `None` = created, new `None` = deleted — in one statement.
/// A statement that binds a NULL double is not cached: sqlx 0.9.0's `Any` driver sends
/// `Option::<f64>::None` to PostgreSQL as a `float4`, and a cached statement prepared that way then
/// rejects the next non-NULL `float8` ("incorrect binary data format"). Updates (no NULLs) stay
/// cached, as they are the bulk of an import.
pub(crate) async fn record_revisions(
    tx: &mut WriteTx,
    rows: &[(Option<&Observation>, Option<&Observation>)],
    at: &str,
    actor: &str,
    reason: &str,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO observation_revisions (region_code, indicator_code, period, old_value, new_value, old_status, new_status,
                                            old_source_doc, new_source_doc, changed_at, changed_by, reason)
         VALUES {}",
        values_list(rows.len(), 12)
    );
    let no_nulls = rows.iter().all(|(old, new)| old.is_some() && new.is_some());
    let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(no_nulls);
    for &(old, new) in rows {
        let key = new.or(old).expect("a revision has an old or a new value");
        q = q
            .bind(key.region_code.clone())
            .bind(key.indicator_code.clone())
            .bind(key.period.to_string())
            .bind(old.map(|o| o.value))
            .bind(new.map(|o| o.value))
            .bind(old.map(|o| o.status.as_str().to_string()))
            .bind(new.map(|o| o.status.as_str().to_string()))
            .bind(old.map(|o| o.source.doc.clone()))
            .bind(new.map(|o| o.source.doc.clone()))
            .bind(at.to_string())
            .bind(actor.to_string())
            .bind(reason.to_string());
    }
    q.execute(&mut **tx).await?;
    Ok(())
}
