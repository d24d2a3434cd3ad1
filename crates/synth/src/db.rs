//! Writing a synthesis into a database (digecon-store, SQLite or PostgreSQL).
//!
//! [`synthesize`] is the library entry point of `digecon synth` and of the web demo: it reads the
//! database's catalogue, documented values, filed values and constraints, generates from them,
//! runs the [`check`](crate::check()), refuses to write anything if a statement is violated, and
//! writes the values with [`write`] — one transaction, all or nothing.
//!
//! What [`write`] does with each key (region × indicator × period):
//!
//! - **nothing stored** → the synthetic value is inserted;
//! - **an earlier value of this generator** (`synthetic`, `source_doc = "synthetic"`) → replaced,
//!   or left alone when identical (so the same seed twice changes nothing);
//! - **anything else** — a documented value, a filed value, an import, or a synthetic value of
//!   another generator (`microdata:…`) → kept; the synthetic value is not written and the key is
//!   reported as [`Skipped`];
//!
//! and earlier values of this generator that the new synthesis no longer contains are deleted.
//! Every change is recorded in `observation_revisions` (old → new, who, when, why), as the store
//! does for every other write.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use digecon_core::{Constraint, Indicator, Observation, Period, Region, RegionLevel, Source};
use digecon_store::{ObservationFilter, Store, StoreError};
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use crate::check::{check, CheckReport};
use crate::generate::{generate, Inputs, SynthError, Synthesis, SYNTHETIC_DOC};
use crate::spec::Spec;

/// The database's catalogue and documents, owned (what [`Inputs`] borrows).
#[derive(Debug, Clone)]
pub struct StoredInputs {
    pub regions: Vec<Region>,
    pub indicators: Vec<Indicator>,
    pub observations: Vec<Observation>,
    pub constraints: Vec<Constraint>,
}

impl StoredInputs {
    /// Reads regions, indicators, every observation and the constraints. A database without a
    /// dataset is [`StoreError::NotInitialised`].
    pub async fn read(store: &Store) -> Result<StoredInputs, StoreError> {
        let regions = store.regions().await?;
        if regions.is_empty() {
            return Err(StoreError::NotInitialised);
        }
        Ok(StoredInputs {
            regions,
            indicators: store.indicators().await?,
            observations: store.observations(&ObservationFilter::default()).await?,
            constraints: store.constraints().await?,
        })
    }

    pub fn inputs(&self) -> Inputs<'_> {
        Inputs { regions: &self.regions, indicators: &self.indicators, observations: &self.observations, constraints: &self.constraints }
    }
}

/// A generated value that was not written because the key holds a value from elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub region_code: String,
    pub indicator_code: String,
    pub period: Period,
    /// The stored value that was kept, and where it comes from.
    pub kept_value: f64,
    pub kept_source_doc: String,
    pub kept_synthetic: bool,
    /// The generated value that was not written.
    pub generated_value: f64,
}

/// What [`write`] did at one region level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LevelCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub skipped: u64,
}

impl LevelCounts {
    /// Values of this synthesis now stored (created, updated or already identical).
    pub fn written(&self) -> u64 {
        self.created + self.updated + self.unchanged
    }
}

/// What [`write`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteSummary {
    pub by_level: BTreeMap<RegionLevel, LevelCounts>,
    /// Earlier values of this generator that the synthesis no longer contains, deleted.
    pub removed: u64,
    /// Keys holding a value from elsewhere, kept.
    pub skipped: Vec<Skipped>,
    /// Rolled back instead of committed.
    pub dry_run: bool,
}

impl WriteSummary {
    pub fn total(&self) -> LevelCounts {
        self.by_level.values().fold(LevelCounts::default(), |a, c| LevelCounts {
            created: a.created + c.created,
            updated: a.updated + c.updated,
            unchanged: a.unchanged + c.unchanged,
            skipped: a.skipped + c.skipped,
        })
    }
}

/// An error of [`synthesize`] or [`write`].
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Synth(#[from] SynthError),
    #[error("合成数据有 {n} 处违反文件陈述，未写入任何数据 / {n} documented statement(s) violated; nothing was written", n = .0.violations().len())]
    Violations(Box<CheckReport>),
    #[error("同一键出现两次，未写入任何数据 / the same key twice; nothing was written: {0}")]
    Duplicate(String),
    #[error("不是本生成器的合成值，未写入任何数据 / not a value of this generator (synthetic, source_doc `synthetic`); nothing was written: {0}")]
    NotSynthetic(String),
}

/// How long each step took.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    pub read: Duration,
    pub generate: Duration,
    pub check: Duration,
    pub write: Duration,
}

impl Timings {
    pub fn total(&self) -> Duration {
        self.read + self.generate + self.check + self.write
    }
}

/// What [`synthesize`] did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub synthesis: Synthesis,
    pub report: CheckReport,
    pub written: WriteSummary,
    pub timings: Timings,
}

/// Who the revisions name for a seed.
pub fn actor(seed: u64) -> String {
    format!("digecon synth --seed {seed}")
}

/// Generates from what the database holds, checks, and writes in one transaction (rolled back
/// with `dry_run`). Refuses to write anything when the check finds a violation
/// ([`DbError::Violations`] carries the report).
pub async fn synthesize(store: &Store, spec: &Spec, seed: u64, dry_run: bool) -> Result<Outcome, DbError> {
    let mut timings = Timings::default();
    let t = Instant::now();
    let stored = StoredInputs::read(store).await?;
    timings.read = t.elapsed();
    let inputs = stored.inputs();
    let t = Instant::now();
    let synthesis = generate(&inputs, spec, seed)?;
    timings.generate = t.elapsed();
    let t = Instant::now();
    let report = check(&inputs, spec, &synthesis.observations);
    timings.check = t.elapsed();
    if !report.is_ok() {
        return Err(DbError::Violations(Box::new(report)));
    }
    let t = Instant::now();
    let written = write(store, &stored.regions, &synthesis.observations, &actor(seed), dry_run).await?;
    timings.write = t.elapsed();
    Ok(Outcome { synthesis, report, written, timings })
}

/// Number of values of this generator stored.
pub async fn stored_count(store: &Store) -> Result<u64, StoreError> {
    let row = sqlx::query("SELECT COUNT(*) FROM observations WHERE synthetic = 1 AND source_doc = $1")
        .bind(SYNTHETIC_DOC)
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get::<i64, _>(0)? as u64)
}

type Key = (String, String, String); // region, indicator, period text

fn ours(o: &Observation) -> bool {
    o.synthetic && o.source.doc == SYNTHETIC_DOC
}

/// Writes `observations` (all values of this generator) in one transaction, as described in the
/// module documentation; with `dry_run` the transaction is rolled back and the summary tells
/// what would have happened. `regions` gives each value's level.
pub async fn write(store: &Store, regions: &[Region], observations: &[Observation], actor: &str, dry_run: bool) -> Result<WriteSummary, DbError> {
    if let Some(o) = observations.iter().find(|o| !ours(o)) {
        return Err(DbError::NotSynthetic(format!("{} {} {} (synthetic={}, source_doc=`{}`)", o.region_code, o.indicator_code, o.period, o.synthetic, o.source.doc)));
    }
    let level: HashMap<&str, RegionLevel> = regions.iter().map(|r| (r.code.as_str(), r.level)).collect();
    let reason = "合成数据（种子生成，已核对全部文件陈述）/ synthetic data (seeded, checked against every documented statement)";
    let at = now();
    let mut tx = store.pool().begin().await.map_err(StoreError::from)?;

    // Everything stored at the generated periods, and every earlier value of this generator.
    let periods: BTreeSet<String> = observations.iter().map(|o| o.period.to_string()).collect();
    let placeholders: Vec<String> = (0..periods.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT region_code, indicator_code, period, value, status, source_doc, source_quote, synthetic FROM observations
         WHERE source_doc = $1{}",
        if periods.is_empty() { String::new() } else { format!(" OR period IN ({})", placeholders.join(", ")) }
    );
    let mut q = sqlx::query(AssertSqlSafe(sql)).bind(SYNTHETIC_DOC);
    for p in &periods {
        q = q.bind(p);
    }
    let rows = q.fetch_all(&mut *tx).await.map_err(StoreError::from)?;
    let mut existing: HashMap<Key, Observation> = HashMap::with_capacity(rows.len());
    for r in &rows {
        let o = from_row(r)?;
        existing.insert((o.region_code.clone(), o.indicator_code.clone(), o.period.to_string()), o);
    }

    let mut summary = WriteSummary { dry_run, ..WriteSummary::default() };
    let mut generated: BTreeSet<Key> = BTreeSet::new();
    // (old, new) of every value to store; old = None for a new one.
    let mut changes: Vec<(Option<&Observation>, &Observation)> = Vec::new();
    for o in observations {
        let key = (o.region_code.clone(), o.indicator_code.clone(), o.period.to_string());
        let lvl = level.get(o.region_code.as_str()).copied().ok_or_else(|| {
            StoreError::Corrupt(format!("未知地区代码 / unknown region code `{}`", o.region_code))
        })?;
        let counts = summary.by_level.entry(lvl).or_default();
        match existing.get(&key) {
            None => {
                changes.push((None, o));
                counts.created += 1;
            }
            Some(old) if ours(old) => {
                if old == o {
                    counts.unchanged += 1;
                } else {
                    changes.push((Some(old), o));
                    counts.updated += 1;
                }
            }
            Some(old) => {
                counts.skipped += 1;
                summary.skipped.push(Skipped {
                    region_code: o.region_code.clone(),
                    indicator_code: o.indicator_code.clone(),
                    period: o.period,
                    kept_value: old.value,
                    kept_source_doc: old.source.doc.clone(),
                    kept_synthetic: old.synthetic,
                    generated_value: o.value,
                });
            }
        }
        if !generated.insert(key) {
            return Err(DbError::Duplicate(format!("{} {} {}", o.region_code, o.indicator_code, o.period)));
        }
    }
    // Only new keys and keys holding this generator's values reach the upsert, so its
    // `ON CONFLICT` branch never touches anyone else's value.
    for chunk in changes.chunks(CHUNK) {
        upsert(&mut tx, chunk.iter().map(|(_, o)| *o), &at).await?;
        let revs: Vec<_> = chunk.iter().map(|(old, new)| (*old, Some(*new))).collect();
        revisions(&mut tx, &revs, &at, actor, reason).await?;
    }
    let mut stale: Vec<(&Key, &Observation)> = existing.iter().filter(|(k, o)| ours(o) && !generated.contains(*k)).collect();
    stale.sort_by(|a, b| a.0.cmp(b.0));
    let stale = stale.into_iter().map(|(_, o)| o);
    for o in stale {
        revisions(&mut tx, &[(Some(o), None)], &at, actor, "合成数据不再生成此值 / no longer generated").await?;
        sqlx::query("DELETE FROM observations WHERE region_code = $1 AND indicator_code = $2 AND period = $3")
            .bind(&o.region_code)
            .bind(&o.indicator_code)
            .bind(o.period.to_string())
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        summary.removed += 1;
    }
    if dry_run {
        tx.rollback().await.map_err(StoreError::from)?;
    } else {
        tx.commit().await.map_err(StoreError::from)?;
    }
    Ok(summary)
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn from_row(r: &AnyRow) -> Result<Observation, StoreError> {
    let period: String = r.try_get(2)?;
    let status: String = r.try_get(4)?;
    Ok(Observation {
        region_code: r.try_get(0)?,
        indicator_code: r.try_get(1)?,
        period: period.parse().map_err(|e| corrupt("observations.period", e))?,
        value: r.try_get(3)?,
        status: status.parse().map_err(|e| corrupt("observations.status", e))?,
        source: Source { doc: r.try_get(5)?, quote: r.try_get(6)? },
        synthetic: r.try_get::<i64, _>(7)? != 0,
    })
}

/// Rows per multi-row statement: about 170 statements instead of 8000 for a whole synthesis.
/// (Longer statements are slower on SQLite: 500 rows took five times as long as 50.)
const CHUNK: usize = 50;

/// `($1, $2, …), ($k+1, …)` for `rows` rows of `cols` parameters.
fn values_list(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", (1..=cols).map(|c| format!("${}", r * cols + c)).collect::<Vec<_>>().join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts the values, or updates the stored ones of the same key (the caller makes sure those
/// are this generator's).
async fn upsert<'o>(tx: &mut Transaction<'static, Any>, rows: impl ExactSizeIterator<Item = &'o Observation>, at: &str) -> Result<(), StoreError> {
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
    Ok(())
}

/// Rows of `observation_revisions` as the store writes them: `(old, new)`, old `None` = created,
/// new `None` = deleted. Not cached: a NULL double is sent to
/// PostgreSQL as `float4` by sqlx 0.9.0's `Any` driver (see the store), and the text differs
/// with the number of rows anyway.
async fn revisions(tx: &mut Transaction<'static, Any>, rows: &[(Option<&Observation>, Option<&Observation>)], at: &str, actor: &str, reason: &str) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO observation_revisions (region_code, indicator_code, period, old_value, new_value, old_status, new_status,
                                            old_source_doc, new_source_doc, changed_at, changed_by, reason)
         VALUES {}",
        values_list(rows.len(), 12)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false);
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
