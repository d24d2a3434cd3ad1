//! Uncertainty and sensitivity analysis (COINr `get_sensitivity`): Monte Carlo over weights and
//! method alternatives, rank statistics per unit, and Sobol indices of the mean absolute rank
//! shift.
//!
//! Speed comes from doing only what changes. Each normalisation alternative is computed once;
//! each (normalisation, aggregation) pair is aggregated once with the nominal weights; a
//! replication then copies that buffer and re-aggregates only the levels above the lowest level
//! whose weights are perturbed. Replications are independent and run in parallel (rayon); every
//! random number is drawn up front from one seeded ChaCha8 stream, so the result does not depend
//! on the number of threads.
//!
//! Differences from COINr, on purpose: a discrete input picks alternative ⌊u·k⌋ (COINr cuts the
//! *observed* range of its sample into k bins); a failing replication stops the analysis unless
//! `skip_failed` is set, and skipped failures are counted in the result.

use std::io::Write;

use rayon::prelude::*;

use crate::aggregate::{aggregate_levels, aggregate_levels_cached, indicator_logs, AggMethod, AggregateSpec, Scratch};
use crate::error::{IndexError, Result};
use crate::normalise::{Normalisation, NormaliseSpec};
use crate::pipeline::{level1_buffer, run_steps, Coin, Step};
use crate::stats;

mod design;
mod indices;

use design::Design;

/// Alternatives for one step; one of them is chosen in each replication.
#[derive(Debug, Clone, PartialEq)]
pub enum Alternatives {
    /// Normalisation methods (the nominal `zero_range` choice is kept).
    Normalise(Vec<Normalisation>),
    /// Aggregation methods, each applied at every level (the nominal `zeros` and `dat_thresh`
    /// are kept).
    Aggregate(Vec<AggMethod>),
}

/// Splits on commas outside parentheses: `minmax(1,100),zscore` → two items.
fn split_top(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0usize, Vec::new());
    for (i, ch) in s.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    out.into_iter().filter(|x| !x.is_empty()).collect()
}

impl Alternatives {
    /// Parses `aggregate=amean,gmean` or `normalise=minmax(1,100),zscore(10,2)`.
    pub fn parse(text: &str) -> Result<Alternatives> {
        let bad = |m: String| IndexError::Invalid(format!("备选方法 `{text}` 无效 / invalid alternatives: {m}"));
        let (step, list) = text.split_once('=').ok_or_else(|| bad("应为 step=a,b / expected step=a,b (e.g. aggregate=amean,gmean)".into()))?;
        let items = split_top(list);
        if items.len() < 2 {
            return Err(bad("至少需要两个备选 / at least two alternatives are needed".into()));
        }
        match step.trim() {
            "aggregate" => Ok(Alternatives::Aggregate(items.iter().map(|s| AggMethod::parse(s)).collect::<Result<_>>()?)),
            "normalise" => Ok(Alternatives::Normalise(items.iter().map(|s| Normalisation::parse(s)).collect::<Result<_>>()?)),
            other => Err(bad(format!("步骤 `{other}` 不能变动 / step `{other}` cannot vary: expected aggregate or normalise"))),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Alternatives::Normalise(_) => "normalise",
            Alternatives::Aggregate(_) => "aggregate",
        }
    }
}

/// The analysis to run.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivitySpec {
    /// Replications (uncertainty analysis) or base sample size N (Sobol: N·(d + 2) runs).
    pub n: usize,
    pub seed: u64,
    /// Relative weight noise f: w′ = w·(1 + f·(2U − 1)), independently per weight, 0 ≤ f < 1.
    pub weight_noise: f64,
    /// Levels whose weights are perturbed (1 = indicators, … L − 1).
    pub weight_levels: Vec<u8>,
    /// At most one entry per step.
    pub alternatives: Vec<Alternatives>,
    /// Saltelli design and Sobol indices instead of plain Monte Carlo.
    pub sobol: bool,
    /// The aggregate whose ranks are studied; default: the single top node.
    pub target: Option<String>,
    /// Count failing replications (e.g. a geometric mean meeting a zero) instead of stopping.
    pub skip_failed: bool,
}

/// Rank statistics of one unit over the replications (quantiles: R type 7).
#[derive(Debug, Clone, PartialEq)]
pub struct RankStats {
    pub unit: String,
    pub nominal: f64,
    pub mean: f64,
    pub median: f64,
    pub q05: f64,
    pub q95: f64,
}

/// First-order and total Sobol index of one input; `None` when the output does not vary.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndex {
    pub input: String,
    pub first_order: Option<f64>,
    pub total: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityResult {
    pub target: String,
    /// Uncertain inputs: `weights`, `normalise`, `aggregate` (those that vary).
    pub inputs: Vec<String>,
    /// One row per unit, in unit-code order.
    pub rank_stats: Vec<RankStats>,
    pub sobol: Option<Vec<SobolIndex>>,
    /// Replications run.
    pub runs: usize,
    /// Replications that failed (only with `skip_failed`): index and error.
    pub failed: Vec<(usize, String)>,
    /// Lowest level re-aggregated in each replication (levels below are reused).
    pub reaggregated_from_level: u8,
    /// Mean absolute rank shift of every replication (`NaN` for failed ones), in design order.
    pub shifts: Vec<f64>,
}

/// Runs the analysis on a built coin (its pipeline must end with `aggregate`).
pub fn run_sensitivity(coin: &Coin, spec: &SensitivitySpec) -> Result<SensitivityResult> {
    let fw = &coin.framework;
    let bad = |m: String| IndexError::Invalid(format!("敏感性分析 / sensitivity analysis: {m}"));
    let steps = &coin.pipeline.steps;
    let Some(Step::Aggregate(nominal_agg)) = steps.last() else {
        return Err(bad("管线须以 aggregate 结束 / the pipeline must end with aggregate".into()));
    };
    if spec.n < 2 {
        return Err(bad(format!("n 须 ≥ 2 / n must be ≥ 2, got {}", spec.n)));
    }
    if !(0.0..1.0).contains(&spec.weight_noise) {
        return Err(bad(format!("权重噪声须在 [0, 1) / weight noise must be in [0, 1), got {}", spec.weight_noise)));
    }
    for &l in &spec.weight_levels {
        if l < 1 || l >= fw.max_level() {
            return Err(bad(format!("权重层级 {l} 无效 / weight level {l} is invalid: expected 1 … {}", fw.max_level() - 1)));
        }
    }
    let target = match &spec.target {
        Some(t) => fw.find(t).filter(|&i| i >= fw.n_indicators()).ok_or_else(|| bad(format!("目标 `{t}` 不是聚合项 / target `{t}` is not an aggregate")))?,
        None => fw.top().ok_or_else(|| bad("顶层不止一个节点, 请指定 target / several top nodes: give a target".into()))?,
    };
    let mut norm_alts: Option<&Vec<Normalisation>> = None;
    let mut agg_alts: Option<&Vec<AggMethod>> = None;
    for a in &spec.alternatives {
        match a {
            Alternatives::Normalise(v) if norm_alts.is_none() => norm_alts = Some(v),
            Alternatives::Aggregate(v) if agg_alts.is_none() => agg_alts = Some(v),
            _ => return Err(bad(format!("`{}` 的备选给了两次 / alternatives for `{}` given twice", a.name(), a.name()))),
        }
    }

    // Indicator-level data for each normalisation alternative.
    let n_pre = steps.len() - 1;
    let agg_ds = coin.dataset("Aggregated").expect("the pipeline aggregates");
    let units = agg_ds.units.clone();
    let codes: Vec<String> = units.iter().map(|&u| coin.data.codes[u].clone()).collect();
    let n = units.len();
    let level1: Vec<Vec<f64>> = match norm_alts {
        None => vec![level1_buffer(fw, &coin.datasets[n_pre])],
        Some(alts) => {
            let k = steps.iter().position(|s| matches!(s, Step::Normalise(_))).ok_or_else(|| bad("管线没有 normalise 步骤, 无从变动 / the pipeline has no normalise step to vary".into()))?;
            let Step::Normalise(nominal) = &steps[k] else { unreachable!() };
            let mut out = Vec::new();
            for m in alts {
                let mut st = steps[k..n_pre].to_vec();
                st[0] = Step::Normalise(NormaliseSpec { method: m.clone(), zero_range: nominal.zero_range });
                let ds = run_steps(fw, &coin.data, coin.datasets[k].clone(), &st, &mut Vec::new())
                    .map_err(|e| bad(format!("备选 / alternative `{}`: {e}", m.name())))?;
                if ds.units != units {
                    return Err(bad("备选方法改变了单位集合 / an alternative changes the set of units (screening after normalise)".into()));
                }
                out.push(level1_buffer(fw, &ds));
            }
            out
        }
    };
    let agg_specs: Vec<AggregateSpec> = match agg_alts {
        None => vec![nominal_agg.clone()],
        Some(v) => v.iter().map(|&m| AggregateSpec { methods: vec![m], ..nominal_agg.clone() }).collect(),
    };

    // Each (normalisation, aggregation) pair aggregated once with the nominal weights.
    let bases: Vec<Vec<std::result::Result<Vec<f64>, String>>> = level1
        .iter()
        .map(|l1| {
            agg_specs
                .iter()
                .map(|sp| {
                    let mut b = l1.clone();
                    aggregate_levels(fw, &coin.weights, sp, &codes, &mut b, 2, &mut Scratch::default()).map(|_| b).map_err(|e| e.to_string())
                })
                .collect()
        })
        .collect();

    // Random numbers, all drawn in one fixed order: weight sets, then the design.
    let Design { wsets, inputs, rows, vary_weights } = design::draw(coin, spec, norm_alts.map(Vec::len), agg_alts.map(Vec::len)).map_err(bad)?;

    let logs: Vec<Vec<f64>> = level1.iter().map(|l1| indicator_logs(fw, l1, n)).collect();
    let from_level = if vary_weights { spec.weight_levels.iter().min().unwrap() + 1 } else { fw.max_level() + 1 };
    let nominal_scores = agg_ds.values[target].clone();
    let nominal = stats::rank_min(&nominal_scores, true);

    let results: Vec<std::result::Result<Vec<f64>, String>> = rows
        .par_iter()
        .map_init(
            || (Vec::<f64>::new(), Scratch::default(), Vec::<usize>::new(), vec![0.0; n]),
            |(buf, scratch, idx, ranks), row| {
                let base = bases[row.norm][row.agg].as_ref().map_err(Clone::clone)?;
                let scores: &[f64] = match row.wset {
                    None => &base[target * n..(target + 1) * n],
                    Some(k) => {
                        buf.clear();
                        buf.extend_from_slice(base);
                        aggregate_levels_cached(fw, &wsets[k], &agg_specs[row.agg], &codes, buf, from_level, scratch, Some(&logs[row.norm])).map_err(|e| e.to_string())?;
                        &buf[target * n..(target + 1) * n]
                    }
                };
                stats::rank_min_into(scores, true, idx, ranks);
                Ok(ranks.clone())
            },
        )
        .collect();

    let mut failed = Vec::new();
    for (i, r) in results.iter().enumerate() {
        if let Err(e) = r {
            if !spec.skip_failed {
                return Err(bad(format!("第 {i} 次重复失败 / replication {i} failed: {e} (skip_failed / --skip-failed counts failures instead)")));
            }
            failed.push((i, e.clone()));
        }
    }
    let shifts = indices::shifts(&results, &nominal);
    let ua_rows = if spec.sobol { 2 * spec.n } else { spec.n };
    let rank_stats = indices::rank_stats(&results[..ua_rows], &codes, &nominal);
    let sobol = spec.sobol.then(|| indices::sobol(&shifts, spec.n, &inputs));

    Ok(SensitivityResult {
        target: fw.nodes()[target].code.clone(),
        inputs: inputs.iter().map(|(n, _)| n.to_string()).collect(),
        rank_stats,
        sobol,
        runs: rows.len(),
        failed,
        reaggregated_from_level: from_level,
        shifts,
    })
}

fn num(v: f64) -> String {
    if v.is_nan() { String::new() } else { v.to_string() }
}

impl SensitivityResult {
    /// `uCode,nominal,mean,median,q05,q95`.
    pub fn write_rank_stats_csv<W: Write>(&self, w: W) -> std::io::Result<()> {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(["uCode", "nominal", "mean", "median", "q05", "q95"])?;
        for r in &self.rank_stats {
            c.write_record([r.unit.clone(), num(r.nominal), num(r.mean), num(r.median), num(r.q05), num(r.q95)])?;
        }
        c.flush()
    }

    /// `input,first_order,total` (empty when the output does not vary).
    pub fn write_sobol_csv<W: Write>(&self, w: W) -> std::io::Result<()> {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(["input", "first_order", "total"])?;
        for s in self.sobol.iter().flatten() {
            c.write_record([s.input.clone(), s.first_order.map(num).unwrap_or_default(), s.total.map(num).unwrap_or_default()])?;
        }
        c.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_alternatives() {
        assert_eq!(Alternatives::parse("aggregate=amean,gmean").unwrap(), Alternatives::Aggregate(vec![AggMethod::AMean, AggMethod::GMean]));
        assert_eq!(
            Alternatives::parse("normalise=minmax(1,100), zscore(10,2)").unwrap(),
            Alternatives::Normalise(vec![Normalisation::MinMax { lower: 1.0, upper: 100.0 }, Normalisation::ZScore { mean: 10.0, sd: 2.0 }])
        );
        assert!(Alternatives::parse("aggregate=amean").is_err());
        assert!(Alternatives::parse("treat=a,b").unwrap_err().to_string().contains("cannot vary"));
    }
}
