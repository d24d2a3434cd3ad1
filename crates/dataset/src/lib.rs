//! The dataset: CSV files in the layout of `data/README.md`, parsed into the domain model and
//! checked as a whole (every reference resolves, every key is unique), with every problem reported
//! as `file:line: message`.
//!
//! Reading is all-or-nothing: [`Dataset::parse`] returns either a complete, consistent dataset or
//! every error it found. Nothing is skipped. The same row parser reads observation import files
//! ([`parse_observations`]), checked against a [`Catalog`] (the regions and indicators of the
//! database being imported into).

pub mod csvio;
mod forms;
mod load;

use std::collections::HashMap;
use std::fmt;

use digecon_core::{
    Constraint, Department, Indicator, Located, Observation, Plan, Project, Region, Target, Task,
};

pub use csvio::{observation_header, write_observations, ObservationRow, Row, Table};
pub use load::{parse_observation_file, parse_observations, ObservationFile};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Where the source documents are, for tests that check provenance against them:
/// `$DIGECON_SEEDS`, else the first `shared/seeds` found beside the working directory or the
/// repository or any of their ancestors (the documents live next to the repository, never in it).
pub fn seeds_dir() -> Option<std::path::PathBuf> {
    if let Some(d) = std::env::var_os("DIGECON_SEEDS") {
        return Some(d.into());
    }
    let starts = [std::env::current_dir().ok(), Some(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")))];
    starts
        .into_iter()
        .flatten()
        .flat_map(|s| s.ancestors().map(|a| a.join("shared/seeds")).collect::<Vec<_>>())
        .find(|d| d.join("README.md").is_file())
}

/// [`seeds_dir`] for a provenance test: without the documents it says so on stderr and the test
/// skips visibly — unless `DIGECON_REQUIRE_SEEDS` is set (CI sets it when the documents are beside
/// the clone), where a missing directory fails the test instead of letting it pass unchecked.
pub fn seeds_dir_for_test(what: &str) -> Option<std::path::PathBuf> {
    let dir = seeds_dir();
    if dir.is_none() {
        assert!(
            std::env::var_os("DIGECON_REQUIRE_SEEDS").is_none(),
            "{what}: DIGECON_REQUIRE_SEEDS is set but the source documents are not found (set DIGECON_SEEDS)"
        );
        eprintln!("SKIPPED {what}: the source documents are not next to the repository (set DIGECON_SEEDS)");
    }
    dir
}

/// Every problem found, in file order (each a [`Located`] at `file:line`). Display prints one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DataErrors(pub Vec<Located>);

impl fmt::Display for DataErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        digecon_core::located::write_problems(f, "数据", self.0.iter())
    }
}

/// The whole dataset, consistent: every code referenced exists and every key is unique.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub regions: Vec<Region>,
    pub departments: Vec<Department>,
    pub plans: Vec<Plan>,
    pub indicators: Vec<Indicator>,
    pub observations: Vec<Observation>,
    pub targets: Vec<Target>,
    pub constraints: Vec<Constraint>,
    pub tasks: Vec<Task>,
    pub projects: Vec<Project>,
    /// Report forms, their rules and outlier bounds (`forms/`; empty if the dataset has none).
    pub forms: digecon_collect::FormSet,
}

/// The files a dataset is read from: path relative to the dataset root → contents.
pub type Files<'a> = Vec<(String, &'a str)>;

impl Dataset {
    /// The default dataset compiled into this library from `data/`.
    pub fn embedded() -> Result<Dataset, DataErrors> {
        Dataset::parse(EMBEDDED.iter().map(|(p, c)| (p.to_string(), *c)).collect())
    }

    /// Parses and checks a dataset from its files (see `data/README.md` for the layout).
    pub fn parse(files: Files<'_>) -> Result<Dataset, DataErrors> {
        load::parse_dataset(files)
    }

    pub fn catalog(&self) -> Catalog {
        Catalog::new(self.regions.clone(), self.indicators.clone())
    }
}

/// The reference data an observation row is checked against.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    regions: HashMap<String, Region>,
    indicators: HashMap<String, Indicator>,
}

impl Catalog {
    pub fn new(regions: Vec<Region>, indicators: Vec<Indicator>) -> Catalog {
        Catalog {
            regions: regions.into_iter().map(|r| (r.code.clone(), r)).collect(),
            indicators: indicators.into_iter().map(|i| (i.code.clone(), i)).collect(),
        }
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.get(code)
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.get(code)
    }
}
