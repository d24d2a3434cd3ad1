//! Targets and progress (issue 3): are we on track?
//!
//! - [`wording`]: Chinese target texts (`10以上`, `突破8000亿元`, `新增2-3个`, `超全国平均水平`, …) →
//!   a structured [`wording::Meaning`]; a text outside the grammar is an error quoting it.
//! - [`progress()`]: every target at an as-of period — 序时进度 for annual targets with sub-annual
//!   data, the expected path (linear, or compound at a stated 年均增长) for multi-year targets, the
//!   Eurostat ratio of observed to required growth, and a status with the rule that produced it;
//!   binding (约束性) targets are judged more strictly than expected (预期性) ones.
//! - [`projection`]: compound-growth paths and projection tables (004 Annex 2), reproduced to the
//!   printed decimal with exact decimal arithmetic.
//! - [`forecast`]: AutoETS forecasts with prediction intervals and the early warning.
//! - [`consistency`]: plan consistency checks ([`check_plans`]); with [`statements`], the
//!   documents' statements checked against each other (shares, growth, sums recomputed, figures
//!   stated twice, implausible goals) — [`check()`] runs both.
//!
//! Pure: the caller loads [`Inputs`] (plain data, e.g. from `digecon-store`) and passes them in.

pub mod consistency;
pub mod forecast;
pub mod progress;
pub mod projection;
pub mod series;
pub mod statements;
pub mod wording;

use std::fmt;

use digecon_core::{Indicator, Observation, Period, Plan, Source, Target};
use serde::Serialize;

pub use consistency::{check, check_plans, CheckKind, Finding};
pub use statements::{Cited, Documents, StatedTwice};
pub use progress::{progress, Eurostat, EurostatCategory, Measure, Progress, Status};
pub use projection::ProjectionTable;
pub use wording::{parse_target, Meaning, ParsedTarget, Reference, WordingError, WordingOptions};

/// One value of a reference series (`超全国平均水平`: the national average of an indicator).
/// The dataset has no national region, so reference values are supplied by the caller
/// (`digecon progress --reference FILE`); without them such targets are honestly `no data`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReferenceValue {
    pub reference: Reference,
    pub indicator_code: String,
    pub period: Period,
    pub value: f64,
    pub source: Source,
}

/// Everything the tracker reads, as plain data.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub plans: Vec<Plan>,
    pub indicators: Vec<Indicator>,
    pub targets: Vec<Target>,
    pub observations: Vec<Observation>,
    pub references: Vec<ReferenceValue>,
}

/// Status thresholds for one attribute.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Thresholds {
    /// Progress ratio (actual − base) / (expected − base) at or above which a target is on track.
    pub on_track: f64,
    /// … at or above which it is at risk (below: off track).
    pub at_risk: f64,
    /// 序时进度: completion minus elapsed share, in percentage points, at or above which a target is
    /// at risk (at or above 0: on track; below: off track).
    pub elapsed_at_risk_pp: f64,
}

/// The tunable parts of the rules, with documented defaults.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Rules {
    /// Relative half-width of `左右` / `约` (default ±5 %).
    #[serde(skip)]
    pub wording: WordingOptions,
    /// 预期性 targets and targets without an attribute: on track ≥ 0.95, at risk ≥ 0.60 — the
    /// Eurostat category edges; 序时 at risk down to −5 pp.
    pub expected: Thresholds,
    /// 约束性 targets: on track only at ≥ 1.00 of the path, at risk ≥ 0.80; 序时 at risk down to −2 pp.
    pub binding: Thresholds,
    /// check-plans: a stated growth rate may miss the implied one by this many percentage points
    /// (the documents print rates as integers, so ±0.5 is their rounding).
    pub growth_tolerance_pp: f64,
    /// check-plans: a target may differ from its projection table by this share (1 %).
    pub projection_tolerance: f64,
    /// Prediction-interval level of forecasts.
    pub forecast_level: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            wording: WordingOptions::default(),
            expected: Thresholds { on_track: 0.95, at_risk: 0.60, elapsed_at_risk_pp: -5.0 },
            binding: Thresholds { on_track: 1.0, at_risk: 0.80, elapsed_at_risk_pp: -2.0 },
            growth_tolerance_pp: 0.5,
            projection_tolerance: 0.01,
            forecast_level: 0.95,
        }
    }
}

/// One problem with the inputs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error(transparent)]
    Wording(#[from] WordingError),
    #[error(
        "截至期 {as_of} 早于目标的基期 {base_year}（{plan_id} {region_code} {indicator_code}）/ as-of {as_of} is before the base year {base_year} of target {plan_id} {region_code} {indicator_code}"
    )]
    AsOfBeforeBase { plan_id: String, region_code: String, indicator_code: String, base_year: i32, as_of: Period },
    #[error("未知的指标代码 / unknown indicator code `{indicator_code}` in a target of {plan_id}")]
    UnknownIndicator { plan_id: String, indicator_code: String },
}

/// Every problem found; nothing is computed when there is any.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackError(pub Vec<Problem>);

impl fmt::Display for TrackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "目标有 {n} 处问题 / {n} problem(s) with the targets:")?;
        for p in &self.0 {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TrackError {}

/// The columns of a reference-series file (`digecon_dataset::references`; the last five optional).
pub const REFERENCE_COLUMNS: &[&str] = digecon_dataset::references::COLUMNS;

/// Reads the reference series a target can be read against from CSV text in the layout of
/// `data/references.csv` (the older `reference,indicator_code,period,value,source_doc,source_quote`
/// still reads). Only `national_average` figures printed as such (not a bound) are series for
/// targets; the other rows are read, checked and skipped. Every problem is reported with its line.
pub fn parse_references(file: &str, text: &str) -> Result<Vec<ReferenceValue>, digecon_dataset::DataErrors> {
    let mut errors = Vec::new();
    let figures = digecon_dataset::references::parse(file, text, None, &mut errors);
    match national_averages(&figures) {
        Ok(out) if errors.is_empty() => Ok(out),
        Ok(_) => Err(digecon_dataset::DataErrors(errors)),
        Err((line, msg)) => {
            errors.push(digecon_core::Located::at(file, line, msg));
            Err(digecon_dataset::DataErrors(errors))
        }
    }
}

/// The reference series for targets among `figures`: the `national_average` figures with an
/// indicator code printed as such (a bound says too little). Two for one indicator and period are
/// an error (the line of the second, and the message).
pub fn national_averages(figures: &[digecon_dataset::references::ReferenceFigure]) -> Result<Vec<ReferenceValue>, (u64, String)> {
    use digecon_dataset::references::{FigureRelation, ReferenceKind};
    let mut out: Vec<ReferenceValue> = Vec::new();
    for f in figures {
        let (ReferenceKind::NationalAverage, Some(indicator_code), FigureRelation::Exact | FigureRelation::About) =
            (f.reference, &f.indicator_code, f.relation)
        else {
            continue;
        };
        if out.iter().any(|r| &r.indicator_code == indicator_code && r.period == f.period) {
            return Err((f.line, format!("重复的参照值 / duplicate reference value for {indicator_code} {}", f.period)));
        }
        out.push(ReferenceValue {
            reference: Reference::NationalAverage,
            indicator_code: indicator_code.clone(),
            period: f.period,
            value: f.value,
            source: f.source.clone(),
        });
    }
    Ok(out)
}

/// One optional file of the default dataset, parsed (empty if the dataset has no such file). The
/// shipped files are checked by the tests, so a parse error here is a bug.
pub(crate) fn embedded_file<T>(file: &str, parse: fn(&str, &str) -> Result<Vec<T>, digecon_dataset::DataErrors>) -> Vec<T> {
    digecon_dataset::EMBEDDED
        .iter()
        .find(|(p, _)| *p == file)
        .map(|(p, text)| parse(p, text).unwrap_or_else(|e| panic!("the embedded {file} is checked by the tests: {e}")))
        .unwrap_or_default()
}

/// Parses every target of `inputs` (for listings and checks); all unparseable texts are reported.
pub fn parse_all(inputs: &Inputs) -> Result<Vec<(Target, ParsedTarget)>, TrackError> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for t in &inputs.targets {
        let Some(ind) = inputs.indicators.iter().find(|i| i.code == t.indicator_code) else {
            problems.push(Problem::UnknownIndicator { plan_id: t.plan_id.clone(), indicator_code: t.indicator_code.clone() });
            continue;
        };
        match parse_target(&t.target_text, ind) {
            Ok(p) => out.push((t.clone(), p)),
            Err(e) => problems.push(e.into()),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(TrackError(problems))
    }
}
