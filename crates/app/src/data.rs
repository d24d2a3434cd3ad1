//! The dataset and its observations: loading a dataset (`digecon init`), importing, exporting,
//! showing and wiping observations.

use digecon_core::{Indicator, Limits, Observation};
use digecon_dataset::{parse_observation_file, Catalog, Dataset, ObservationRow};
use digecon_store::{Counts, ImportSummary, ObservationFilter, Store};

use crate::error::{AppError, Result};

/// Loads `dataset` into the store (`replace`: over whatever it holds; otherwise only into an
/// empty store) and counts what it holds then. `progress(stage, done, of)` follows each stage.
pub async fn init(store: &Store, dataset: &Dataset, replace: bool, progress: &mut dyn FnMut(&str, u64, u64)) -> Result<Counts> {
    store.load_dataset(dataset, replace, progress).await?;
    Ok(store.counts().await?)
}

/// What an observation import did.
#[derive(Debug, Clone)]
pub struct ObservationImport {
    /// How the file was read (e.g. as GBK, as tab-separated).
    pub notes: Vec<String>,
    pub summary: ImportSummary,
}

/// Imports an observations file (the export's columns) named `file_name`: every row checked
/// against the catalogue, then all written or nothing (`dry_run`: checked and counted, never
/// written). `actor` and `reason` go into the revision history.
pub async fn import_observations(store: &Store, file_name: &str, bytes: &[u8], limits: &Limits, actor: &str, reason: &str, dry_run: bool) -> Result<ObservationImport> {
    let catalog = store.catalog().await?;
    let file = parse_observation_file(file_name, bytes, &catalog, limits)?;
    let summary = store.upsert_observations(&file.observations, actor, reason, dry_run).await?;
    Ok(ObservationImport { notes: file.notes, summary })
}

/// Observations with the catalogue that names their regions and indicators.
#[derive(Debug, Clone)]
pub struct Observations {
    pub catalog: Catalog,
    pub observations: Vec<Observation>,
}

impl Observations {
    /// The rows of the export layout.
    pub fn rows(&self) -> impl Iterator<Item = ObservationRow<'_>> {
        self.observations.iter().map(|o| ObservationRow::new(o, &self.catalog))
    }

    pub fn region_name(&self, code: &str) -> String {
        self.catalog.region(code).map_or(String::new(), |r| r.name_zh.clone())
    }
}

/// The observations matching `filter`, for an export.
pub async fn export(store: &Store, filter: &ObservationFilter) -> Result<Observations> {
    let catalog = store.catalog().await?;
    let observations = store.observations(filter).await?;
    Ok(Observations { catalog, observations })
}

/// One indicator's observations, of `regions` (none: every region with values).
pub async fn indicator_values(store: &Store, indicator: &str, regions: &[String]) -> Result<(Indicator, Observations)> {
    let catalog = store.catalog().await?;
    let Some(ind) = catalog.indicator(indicator).cloned() else {
        return Err(AppError::NotFound(format!("未知的指标代码 / unknown indicator code `{indicator}` (see `digecon list indicators`)")));
    };
    for r in regions {
        if catalog.region(r).is_none() {
            return Err(AppError::NotFound(format!("未知的地区代码 / unknown region code `{r}` (see `digecon list regions`)")));
        }
    }
    let mut observations = store.observations(&ObservationFilter { indicator: Some(ind.code.clone()), ..Default::default() }).await?;
    if !regions.is_empty() {
        observations.retain(|o| regions.contains(&o.region_code));
    }
    Ok((ind, Observations { catalog, observations }))
}

/// Deletes every observation (the catalogue and the revision history stay); how many.
pub async fn wipe_observations(store: &Store, actor: &str, reason: &str) -> Result<u64> {
    Ok(store.delete_observations(&ObservationFilter::default(), actor, reason).await?)
}
