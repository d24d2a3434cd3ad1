//! digecon-measure: enterprise microdata → NBS 2021 digital-economy classification →
//! core-industry statistics and value added (issue 5).
//!
//! - [`classification`]: the NBS 2021 ↔ GB/T 4754-2017 table as data (`data/nbs2021/v1/`).
//! - [`rules`]: business-scope keyword rules for starred and shared codes, and the classifier.
//! - [`record`], [`uscc`], [`regions`], [`money`]: one microdata row and its validation.
//! - [`pipeline`]: streaming CSV (parallel chunks) and XLSX input, rejects, review list.
//! - [`aggregate`]: region × class × year sums, roll-up, growth, shares, size bands, top N.
//! - [`va`]: value added by rates, income approach, digital-economy VA (CAICT).
//! - [`growth`]: year-on-year growth as printed; [`synth`]: synthetic microdata.

pub mod aggregate;
pub mod catalogue;
pub mod classification;
pub mod error;
pub mod growth;
pub mod money;
pub mod pipeline;
pub mod record;
pub mod regions;
pub mod rules;
pub mod synth;
pub mod uscc;
pub mod va;

pub use aggregate::{report, report_each, Accumulator, ClassLevel, Observation, ObservationRef, Report};
pub use classification::Classification;
pub use error::Error;
pub use pipeline::{run_csv, run_xlsx, Engine, Event, Options, Sinks, Summary, Task};
pub use regions::{RegionLevel, Regions};
pub use rules::{Classifier, Decision, Outcome};
