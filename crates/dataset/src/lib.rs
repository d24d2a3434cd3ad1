//! The dataset: CSV files in the layout of `data/README.md`, parsed into the domain model and
//! checked as a whole (every reference resolves, every key is unique), with every problem reported
//! as `file:line: message`.
//!
//! Reading is all-or-nothing: [`Dataset::parse`] returns either a complete, consistent dataset or
//! every error it found. Nothing is skipped. The same row parser reads observation import files
//! ([`parse_observations`]), checked against a [`Catalog`] (the regions and indicators of the
//! database being imported into).

pub mod csvio;
pub mod facts;
pub mod references;
mod forms;
mod load;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use digecon_core::{
    Constraint, Department, Indicator, IndicatorAliases, Located, Observation, Plan, Project, Region, Target, Task,
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
    /// The other names and unit spellings of the indicators that have any, by indicator code.
    pub indicator_aliases: BTreeMap<String, IndicatorAliases>,
    /// The name and unit a target's source prints where they are not the catalogue's (targets.csv
    /// `printed_name`, `printed_unit`; each an alias of the indicator or empty), by target.
    pub target_printed: BTreeMap<TargetKey, Printed>,
    /// Figures for China, the world or other areas (`references.csv`, optional).
    pub references: Vec<references::ReferenceFigure>,
}

/// A target's identity: plan, region, indicator, target year.
pub type TargetKey = (String, String, String, i32);

/// The key of `t` in [`Dataset::target_printed`].
pub fn target_key(t: &digecon_core::Target) -> TargetKey {
    (t.plan_id.clone(), t.region_code.clone(), t.indicator_code.clone(), t.target_year)
}

/// The words a document prints for an indicator where they differ from the catalogue's (empty where
/// they do not).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Printed {
    pub name: String,
    pub unit: String,
}

/// The files a dataset is read from: path relative to the dataset root → contents.
pub type Files<'a> = Vec<(String, &'a str)>;

/// Every `.csv` under `dir` (a dataset directory on disk) as (path relative to `dir` with `/`,
/// contents) — the layout of [`EMBEDDED`]. An error names the path it happened at.
pub fn csv_files_in(dir: &std::path::Path) -> std::io::Result<Vec<(String, String)>> {
    fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
        let at = |p: &std::path::Path, e: std::io::Error| std::io::Error::new(e.kind(), format!("{}: {e}", p.display()));
        for e in std::fs::read_dir(dir).map_err(|e| at(dir, e))? {
            let p = e.map_err(|e| at(dir, e))?.path();
            if p.is_dir() {
                walk(root, &p, out)?;
            } else if p.extension().is_some_and(|x| x == "csv") {
                let rel = p.strip_prefix(root).unwrap_or(&p).to_string_lossy().replace('\\', "/");
                let text = std::fs::read_to_string(&p).map_err(|e| at(&p, e))?;
                out.push((rel, text));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

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
        Catalog::new(self.regions.clone(), self.indicators.clone()).with_aliases(self.indicator_aliases.clone())
    }
}

/// The reference data an observation row is checked against.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    regions: HashMap<String, Region>,
    indicators: HashMap<String, Indicator>,
    aliases: HashMap<String, IndicatorAliases>,
}

impl Catalog {
    pub fn new(regions: Vec<Region>, indicators: Vec<Indicator>) -> Catalog {
        Catalog {
            regions: regions.into_iter().map(|r| (r.code.clone(), r)).collect(),
            indicators: indicators.into_iter().map(|i| (i.code.clone(), i)).collect(),
            aliases: HashMap::new(),
        }
    }

    /// The catalogue with the indicators' other printed names and unit spellings, which an
    /// observation row's `indicator_name` and `unit` may then use.
    pub fn with_aliases(mut self, aliases: impl IntoIterator<Item = (String, IndicatorAliases)>) -> Catalog {
        self.aliases = aliases.into_iter().collect();
        self
    }

    /// The indicator's other names and unit spellings (empty if it has none).
    pub fn aliases(&self, code: &str) -> IndicatorAliases {
        self.aliases.get(code).cloned().unwrap_or_default()
    }

    /// Whether `name` is what the catalogue calls indicator `code` or one of its aliases.
    pub fn names_indicator(&self, code: &str, name: &str) -> bool {
        self.indicators.get(code).is_some_and(|i| i.name_zh == name)
            || self.aliases.get(code).is_some_and(|a| a.names.iter().any(|n| n == name))
    }

    /// Whether `unit` is the unit of indicator `code` or one of its other spellings.
    pub fn spells_unit(&self, code: &str, unit: &str) -> bool {
        self.indicators.get(code).is_some_and(|i| i.unit == unit)
            || self.aliases.get(code).is_some_and(|a| a.units.iter().any(|u| u == unit))
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.get(code)
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.get(code)
    }
}
