//! Synthetic regional data (`digecon-synth`): generated from the shipped spec, checked against
//! every documented statement, and written — or only generated and checked on the built-in
//! dataset, without a database.

use std::time::{Duration, Instant};

use digecon_core::RegionLevel;
use digecon_dataset::{DataErrors, Dataset};
use digecon_store::Store;
use digecon_synth::db::{self, DbError, Outcome};
use digecon_synth::{check, generate, CheckKind, CheckReport, Inputs, Spec};

/// Why synthetic data was not produced.
#[derive(Debug, thiserror::Error)]
pub enum SynthFailure {
    /// The shipped spec is invalid: its problems, one a line.
    #[error("{0}")]
    Spec(String),
    /// The built-in dataset did not load.
    #[error(transparent)]
    Dataset(#[from] DataErrors),
    #[error(transparent)]
    Generate(#[from] digecon_synth::SynthError),
    /// Reading or writing the database, or values that would break a documented statement.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The shipped spec (`data/synth/`).
pub fn spec() -> Result<Spec, SynthFailure> {
    Spec::embedded().map_err(|errors| SynthFailure::Spec(errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n  ")))
}

/// The values generated and checked on the built-in dataset, nothing written.
#[derive(Debug)]
pub struct Checked {
    pub values: usize,
    pub report: CheckReport,
    pub generate: Duration,
    pub check: Duration,
}

/// Generates the values of `seed` for the built-in dataset and checks them, without a database.
pub fn check_only(seed: u64) -> Result<Checked, SynthFailure> {
    let spec = spec()?;
    let ds = Dataset::embedded()?;
    let inputs = Inputs { regions: &ds.regions, indicators: &ds.indicators, observations: &ds.observations, constraints: &ds.constraints };
    let t = Instant::now();
    let s = generate(&inputs, &spec, seed)?;
    let generate = t.elapsed();
    let t = Instant::now();
    let report = check(&inputs, &spec, &s.observations);
    Ok(Checked { values: s.observations.len(), report, generate, check: t.elapsed() })
}

/// Generates, checks and writes the values of `seed` into `store` (a dry run rolls back).
pub async fn synthesize(store: &Store, seed: u64, dry_run: bool) -> Result<Outcome, SynthFailure> {
    Ok(db::synthesize(store, &spec()?, seed, dry_run).await?)
}

/// What the demo's synthetic values came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoValues {
    pub city: u64,
    pub county: u64,
    /// Checks that were made (the excluded and out-of-scope ones only listed are not counted).
    pub checked: usize,
    /// Values kept from other sources, not overwritten.
    pub kept: usize,
}

/// The demo's regional values: generated, checked and written unless `store` already holds
/// this generator's values (then `None`).
pub async fn load_demo(store: &Store, seed: u64) -> Result<Option<DemoValues>, SynthFailure> {
    if db::stored_count(store).await.map_err(DbError::from)? > 0 {
        return Ok(None);
    }
    let out = synthesize(store, seed, false).await?;
    let w = &out.written;
    let level = |l: RegionLevel| w.by_level.get(&l).map_or(0, |c| c.written());
    let checked = out.report.checks.iter().filter(|c| !matches!(c.kind, CheckKind::Excluded | CheckKind::OutOfScope)).count();
    Ok(Some(DemoValues { city: level(RegionLevel::City), county: level(RegionLevel::County), checked, kept: w.skipped.len() }))
}
