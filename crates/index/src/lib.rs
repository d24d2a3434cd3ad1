//! # digecon-index: the composite-index engine
//!
//! Builds composite indicators the way the JRC's COINr does, and gives the same numbers: on
//! COINr's ASEM example, minmax [0, 100] then the arithmetic mean reproduces COINr's
//! `Aggregated` dataset to 1e-9 relative with identical ranks (`tests/coinr_asem.rs`). Treat
//! follows COINr's `winsorise` loop (its point budget included) and Copeland its
//! `a_copeland`/`outrankMatrix` (missing values, ties and rounding included). Pure
//! library: parsers take `impl Read`/`&str`, writers take `impl Write`; no files, no clock.
//!
//! ## Model
//!
//! - [`Framework`]: the tree. Indicators at level 1, aggregates at levels 2 … L, each node with
//!   a parent one level up, a direction (±1) and a weight relative to its siblings.
//! - [`UnitData`]: the units (regions) with one column per indicator, plus group columns (for
//!   imputation by group) and denominator columns. Missing values are `NaN`.
//! - [`Pipeline`]: steps run in order — [`screen`](screen::screen) (data availability),
//!   [`impute`](impute::impute) (mean, median, by group), [`denominate`](denominate::denominate),
//!   [`treat`](treat::treat) (COINr's skew/kurtosis test, winsorisation loop, log fallback),
//!   [`normalise`](normalise::normalise) (minmax to any range, z-score, scaled, rank, percentile
//!   rank, Borda, distance to max / reference / target, fraction of max, goalposts) and
//!   [`aggregate`](aggregate::aggregate_levels) per level (arithmetic, geometric, harmonic,
//!   generalised mean, Copeland). Read from `PIPELINE.toml` by [`Pipeline::from_toml`] (see
//!   [`config`] for the keys).
//! - [`Coin`]: the result. Every step's dataset and report is kept; [`Coin::results`] gives
//!   scores and ranks (1 = best, ties share the best place), [`Coin::explain`] breaks a score
//!   down to each child's weight share and contribution and each indicator's value after every
//!   step.
//!
//! ## Explicit choices where COINr is silent or fails
//!
//! - A geometric (or harmonic) mean meeting a zero stops with an error naming the unit, child
//!   and aggregate, unless the configuration says `zeros = "skip"` or `"epsilon"`; a negative
//!   value always stops the geometric mean. No NaN is ever produced from present values.
//! - A constant indicator under minmax / z-score / distance to max is an error unless
//!   `zero_range` gives the score to use.
//! - Parameters in indicator units (goalposts, targets, scaled bounds) are never negated by the
//!   direction: direction decides which end is best.
//! - The generalised mean drops missing values like the other means (COINr returns NA).
//! - `dat_thresh` also applies to Copeland scores (COINr ignores it when `by_df = TRUE`); without
//!   it a unit with no child value is scored as COINr scores it.
//!
//! ## Uncertainty and sensitivity ([`sensitivity`])
//!
//! Monte Carlo over relative weight noise at chosen levels and over method alternatives; rank
//! statistics (nominal, mean, median, 5th and 95th percentile) and Sobol first-order and total
//! indices (Saltelli design, Jansen total estimator) of the mean absolute rank shift. Seeded
//! (ChaCha8) and reproducible whatever the thread count; only the changed levels are
//! re-aggregated.
//!
//! ## Also
//!
//! - [`ahp`]: weights from a pairwise-comparison matrix with CI and CR; CR ≥ 0.1 is rejected
//!   naming the most inconsistent judgements.
//! - [`tiering`]: tiers (梯队) by thresholds or natural breaks (Jenks).
//! - [`industry`]: the Ganzhou plan's industry-selection model (Table 2 tree, Table 3 scores,
//!   priority rule, GE nine-box).

pub mod aggregate;
pub mod ahp;
pub mod coinr;
pub mod config;
pub mod data;
pub mod denominate;
pub mod error;
pub mod framework;
pub mod impute;
pub mod industry;
pub mod normalise;
mod output;
pub mod pipeline;
pub mod screen;
pub mod sensitivity;
pub mod stats;
pub mod tiering;
pub mod treat;

pub use aggregate::{AggMethod, AggregateSpec, ZeroPolicy};
pub use coinr::{read_idata, read_imeta, CoinrMeta};
pub use data::{Dataset, UnitData};
pub use error::{IndexError, Result};
pub use framework::{Framework, Goalposts, Node, NodeSpec};
pub use normalise::{Normalisation, NormaliseSpec, ZeroRange};
pub use pipeline::{Coin, Explanation, Pipeline, ResultsTable, Step, StepReport};
pub use sensitivity::{run_sensitivity, Alternatives, SensitivityResult, SensitivitySpec};
