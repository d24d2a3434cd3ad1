//! Writing a synthesis into a database (digecon-store, SQLite or PostgreSQL).
//!
//! [`synthesize`] is the library entry point of `digecon synth` and of the web demo: it reads the
//! database's catalogue, documented values, filed values and constraints, generates from them,
//! runs the [`check`](crate::check()), refuses to write anything if a statement is violated, and
//! writes the values with [`write`] — one transaction, all or nothing.
//!
//! [`write`] hands the values to [`Store::replace_generated`] (new keys inserted, this generator's
//! earlier values replaced or removed, everyone else's values kept and reported as skipped, a
//! revision for every change); the SQL lives in digecon-store like every other write.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use digecon_core::{Constraint, Indicator, Observation, Region};
pub use digecon_store::generated::{LevelCounts, Skipped, WriteSummary};
use digecon_store::generated::Provenance;
use digecon_store::{ObservationFilter, Store, StoreError};

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
    store.count_generated(SYNTHETIC_DOC).await
}

fn ours(o: &Observation) -> bool {
    o.synthetic && o.source.doc == SYNTHETIC_DOC
}

/// Writes `observations` (all values of this generator) in one transaction, as described in the
/// module documentation; with `dry_run` the transaction is rolled back and the summary tells
/// what would have happened. `regions` gives each value's level.
pub async fn write(store: &Store, regions: &[Region], observations: &[Observation], actor: &str, dry_run: bool) -> Result<WriteSummary, DbError> {
    // Checked here too, so the caller gets this crate's errors (the store refuses them as well).
    if let Some(o) = observations.iter().find(|o| !ours(o)) {
        return Err(DbError::NotSynthetic(format!("{} {} {} (synthetic={}, source_doc=`{}`)", o.region_code, o.indicator_code, o.period, o.synthetic, o.source.doc)));
    }
    let mut keys = BTreeSet::new();
    if let Some(o) = observations.iter().find(|o| !keys.insert((&o.region_code, &o.indicator_code, o.period))) {
        return Err(DbError::Duplicate(format!("{} {} {}", o.region_code, o.indicator_code, o.period)));
    }
    let provenance = Provenance {
        source_doc: SYNTHETIC_DOC,
        actor,
        reason: "合成数据（种子生成，已核对全部文件陈述）/ synthetic data (seeded, checked against every documented statement)",
        removed_reason: "合成数据不再生成此值 / no longer generated",
    };
    Ok(store.replace_generated(regions, observations, provenance, dry_run).await?)
}
