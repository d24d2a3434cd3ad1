//! # digecon-evaluate: the city and county evaluation (监测评价)
//!
//! Jiangxi's 《数字经济发展水平监测评价办法（试行）》 scores the 11 cities and 100 counties on six
//! dimensions (数字经济总量, 数字产业化, 产业数字化, 数字基础设施及应用, 数字治理与服务, 工作推进). The
//! documents name the dimensions but not the indicators' weights, so the scheme is data
//! (`data/evaluation/framework.csv`, each row with its basis; weights the documents do not give
//! are marked as our assumption) and this crate only computes:
//!
//! - scores and ranks with the composite-index engine (digecon-index): min-max to [0, 100], then
//!   the weighted arithmetic mean at every level — the simplest method a 考核 office can
//!   reproduce in a spreadsheet;
//! - tiers (梯队) by the rules in `data/evaluation/tiers.csv` (thresholds or natural breaks);
//! - the rank change on the previous year (进位), from the same scheme on that year's values;
//! - each region's strengths and weaknesses: the dimensions (and indicators) where it ranks in
//!   the top or bottom third of its peers.
//!
//! Nothing is guessed: an indicator without values for the year, or with one value for every
//! region (it cannot tell them apart), is left out and listed with the reason; a region missing
//! some values is scored on the ones it has, and the missing ones are listed for that region.
//! Each region also carries how many of its inputs are synthetic, so no synthetic score can pass
//! for a documented one.

pub mod scheme;

use std::collections::HashMap;

use digecon_index::tiering::{tiers_by_natural_breaks, tiers_by_thresholds, Cut};
use digecon_index::{Coin, Framework, NodeSpec, Pipeline, UnitData};
use serde::Serialize;

pub use scheme::{Scheme, SchemeNode, Schemes, TierMethod, TierRule, FRAMEWORK_FILE, TIERS_FILE};

#[derive(Debug, thiserror::Error)]
pub enum EvaluateError {
    #[error("{year} 年没有可用于 `{scope}` 评价的数据 / no values for the `{scope}` evaluation in {year}")]
    NoData { scope: String, year: i32 },
    #[error("评价计算失败 / the evaluation could not be computed: {0}")]
    Engine(#[from] digecon_index::IndexError),
}

/// A region to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub code: String,
    pub name: String,
}

/// One input value (an observation of a year).
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub region: String,
    pub indicator: String,
    pub year: i32,
    pub value: f64,
    pub synthetic: bool,
}

/// An indicator or aggregate left out of a year's computation, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Excluded {
    pub code: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeScore {
    pub code: String,
    /// Score on [0, 100]; `None` when the region has no value under this node.
    pub score: Option<f64>,
    /// 1 = best; ties share the best place.
    pub rank: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorScore {
    pub code: String,
    pub value: Option<f64>,
    pub synthetic: bool,
    /// Min-max score on [0, 100] (direction applied: the best value scores 100).
    pub score: Option<f64>,
    pub rank: Option<u32>,
}

/// One region's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitResult {
    pub code: String,
    pub name: String,
    pub score: Option<f64>,
    pub rank: Option<u32>,
    /// Tier by the rule on the index (tier 1 = top), if the scheme has one.
    pub tier: Option<usize>,
    /// 90 % interval of the rank when the weights vary (see [`UNCERTAINTY`]): 5th and 95th percentile.
    pub rank_interval: Option<(f64, f64)>,
    pub previous_rank: Option<u32>,
    /// previous rank − rank: positive = moved up (进位), negative = fell back (退位).
    pub rank_change: Option<i64>,
    pub dimensions: Vec<NodeScore>,
    pub indicators: Vec<IndicatorScore>,
    /// Dimensions where the region ranks in the top third of its peers.
    pub strengths: Vec<String>,
    /// Dimensions where it ranks in the bottom third.
    pub weaknesses: Vec<String>,
    pub strong_indicators: Vec<String>,
    pub weak_indicators: Vec<String>,
    /// Indicators of the scheme (not excluded) the region has no value for.
    pub missing: Vec<String>,
    pub inputs: usize,
    pub synthetic_inputs: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierGroup {
    pub tier: usize,
    /// Region codes, by value, highest first.
    pub units: Vec<String>,
    pub min: f64,
    pub max: f64,
}

/// The result of one tier rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierResult {
    #[serde(flatten)]
    pub rule: TierRule,
    pub subject_name: String,
    pub groups: Vec<TierGroup>,
    /// Regions without a value for the subject (not tiered).
    pub untiered: Vec<String>,
}

/// The evaluation of one scope in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub scope: String,
    pub year: i32,
    pub method: String,
    /// The scheme's nodes (root, dimensions, indicators) with weights and basis.
    pub nodes: Vec<SchemeNode>,
    pub excluded: Vec<Excluded>,
    /// Excluded in the previous year's computation (which gives `previous_rank`).
    pub previous_excluded: Vec<Excluded>,
    /// By rank, best first.
    pub units: Vec<UnitResult>,
    pub tiers: Vec<TierResult>,
}

pub const METHOD: &str = "min-max 标准化到 [0, 100]，逐级加权算术平均；排名并列取最好名次；排名区间：各级权重 ±25% 随机扰动 1000 次（种子 1）的 5%–95% 分位 / min-max to [0, 100], weighted arithmetic mean at every level; ties share the best place; rank interval: 5th–95th percentile over 1000 Monte Carlo replications with every weight perturbed by up to ±25 % (seed 1)";

/// The uncertainty analysis behind `rank_interval`: a method whose ranking flips under modest
/// changes of weights nobody documented should say so. Replications, seed, relative noise.
pub const UNCERTAINTY: (usize, u64, f64) = (1000, 1, 0.25);

/// A year's computation.
struct YearRun {
    coin: Option<Coin>,
    excluded: Vec<Excluded>,
}

fn run_year(scheme: &Scheme, units: &[Unit], values: &HashMap<(&str, &str), (f64, bool)>) -> Result<YearRun, EvaluateError> {
    let mut excluded = Vec::new();
    let mut columns: Vec<(&SchemeNode, Vec<f64>)> = Vec::new();
    for ind in scheme.indicators() {
        let col: Vec<f64> = units.iter().map(|u| values.get(&(u.code.as_str(), ind.code.as_str())).map_or(f64::NAN, |v| v.0)).collect();
        let present: Vec<f64> = col.iter().copied().filter(|v| !v.is_nan()).collect();
        if present.is_empty() {
            excluded.push(Excluded { code: ind.code.clone(), reason: "本年没有任何地区的数据 / no region has a value this year".into() });
        } else if present.iter().all(|&v| v == present[0]) {
            excluded.push(Excluded { code: ind.code.clone(), reason: format!("所有有值地区取值相同（{}），无法区分 / every region with a value has the same value ({}), so it cannot tell them apart", present[0], present[0]) });
        } else {
            columns.push((ind, col));
        }
    }
    if columns.is_empty() {
        return Ok(YearRun { coin: None, excluded });
    }
    // Aggregates left without any included indicator below them drop out too (and say so).
    let kept: Vec<&str> = columns.iter().map(|c| c.0.code.as_str()).collect();
    let has_kept_below = |code: &str| kept.iter().any(|k| {
        let mut cur = scheme.node(k);
        while let Some(n) = cur {
            if n.code == code {
                return true;
            }
            cur = n.parent.as_deref().and_then(|p| scheme.node(p));
        }
        false
    });
    let max_depth = scheme.indicators().map(|n| scheme.depth(&n.code)).max().unwrap_or(0);
    let mut specs: Vec<NodeSpec> = Vec::new();
    for (ind, _) in &columns {
        let mut s = NodeSpec::indicator(&ind.code, ind.parent.as_deref().unwrap_or_default(), ind.direction, ind.weight);
        s.name = ind.name_zh.clone();
        specs.push(s);
    }
    for n in scheme.nodes.iter().filter(|n| !n.is_indicator) {
        if !has_kept_below(&n.code) {
            excluded.push(Excluded { code: n.code.clone(), reason: "其下所有指标均被排除 / every indicator below it is excluded".into() });
            continue;
        }
        let level = (max_depth - scheme.depth(&n.code) + 1) as u8;
        let mut s = NodeSpec::aggregate(&n.code, level, n.parent.as_deref(), n.weight);
        s.name = n.name_zh.clone();
        specs.push(s);
    }
    let fw = Framework::new(specs)?;
    let data = UnitData::new(units.iter().map(|u| u.code.clone()).collect(), columns.into_iter().map(|c| c.1).collect())?
        .with_names(units.iter().map(|u| u.name.clone()).collect())?;
    let coin = Coin::build(fw, data, Pipeline::minmax_amean(0.0, 100.0))?;
    Ok(YearRun { coin: Some(coin), excluded })
}

fn rank_of(x: &[f64], descending: bool) -> Vec<Option<u32>> {
    digecon_index::stats::rank_min(x, descending).into_iter().map(|r| (!r.is_nan()).then_some(r as u32)).collect()
}

fn opt(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// The regions of the scheme's scope and the yearly values the scheme needs (its indicators and
/// tier subjects), from a store's regions and observations.
pub fn inputs(scheme: &Scheme, regions: &[digecon_core::Region], observations: &[digecon_core::Observation]) -> (Vec<Unit>, Vec<Value>) {
    use std::collections::HashSet;
    let units: Vec<Unit> = regions.iter().filter(|r| r.level == scheme.scope).map(|r| Unit { code: r.code.clone(), name: r.name_zh.clone() }).collect();
    let wanted = scheme.wanted_indicators();
    let wanted: HashSet<&str> = wanted.iter().map(String::as_str).collect();
    let codes: HashSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let values = observations
        .iter()
        .filter_map(|o| match o.period {
            digecon_core::Period::Year(y) if wanted.contains(o.indicator_code.as_str()) && codes.contains(o.region_code.as_str()) => {
                Some(Value { region: o.region_code.clone(), indicator: o.indicator_code.clone(), year: y, value: o.value, synthetic: o.synthetic })
            }
            _ => None,
        })
        .collect();
    (units, values)
}

/// The latest year with any value in `values`.
pub fn latest_year(values: &[Value]) -> Option<i32> {
    values.iter().map(|v| v.year).max()
}

/// Scores, ranks, tiers, rank change and strengths/weaknesses of `units` in `year`, from
/// `values` (which may hold other years and other regions; the previous year's values give
/// the rank change).
pub fn evaluate(scheme: &Scheme, units: &[Unit], values: &[Value], year: i32) -> Result<Evaluation, EvaluateError> {
    let by_year = |y: i32| -> HashMap<(&str, &str), (f64, bool)> {
        values.iter().filter(|v| v.year == y && v.value.is_finite()).map(|v| ((v.region.as_str(), v.indicator.as_str()), (v.value, v.synthetic))).collect()
    };
    let current = by_year(year);
    let run = run_year(scheme, units, &current)?;
    let Some(coin) = run.coin else {
        return Err(EvaluateError::NoData { scope: scheme.scope.to_string(), year });
    };
    let previous = run_year(scheme, units, &by_year(year - 1))?;

    let root = scheme.root().code.clone();
    let agg = coin.dataset("Aggregated").expect("the pipeline aggregates");
    let normalised = coin.dataset("Normalised").expect("the pipeline normalises");
    let n = units.len();
    let third = n.div_ceil(3);
    let score_col = |ds: &digecon_index::data::Dataset, code: &str| -> Vec<f64> {
        // Datasets hold rows for every unit (nothing is screened here), in unit order.
        ds.column(code).map(<[f64]>::to_vec).unwrap_or_else(|| vec![f64::NAN; n])
    };
    let total = score_col(agg, &root);
    let total_rank = rank_of(&total, true);
    let intervals = rank_intervals(&coin)?;
    let prev_rank: Vec<Option<u32>> = match &previous.coin {
        Some(c) => rank_of(&score_col(c.dataset("Aggregated").unwrap(), &root), true),
        None => vec![None; n],
    };
    let dims: Vec<&SchemeNode> = scheme.dimensions().into_iter().filter(|d| agg.column(&d.code).is_some()).collect();
    let dim_scores: Vec<Vec<f64>> = dims.iter().map(|d| score_col(agg, &d.code)).collect();
    let dim_ranks: Vec<Vec<Option<u32>>> = dim_scores.iter().map(|s| rank_of(s, true)).collect();
    let inds: Vec<&SchemeNode> = scheme.indicators().filter(|i| normalised.column(&i.code).is_some()).collect();
    let ind_scores: Vec<Vec<f64>> = inds.iter().map(|i| score_col(normalised, &i.code)).collect();
    let ind_ranks: Vec<Vec<Option<u32>>> = ind_scores.iter().map(|s| rank_of(s, true)).collect();
    let top = |r: Option<u32>| r.is_some_and(|r| (r as usize) <= third);
    let bottom = |r: Option<u32>| r.is_some_and(|r| (r as usize) > n - third);

    let tiers = tier_results(scheme, units, &current, agg, &score_col)?;
    let index_tiers = tiers.iter().find(|t| t.rule.subject == root);

    let mut results: Vec<UnitResult> = units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            let indicators: Vec<IndicatorScore> = scheme
                .indicators()
                .map(|i| {
                    let v = current.get(&(unit.code.as_str(), i.code.as_str()));
                    let k = inds.iter().position(|x| x.code == i.code);
                    IndicatorScore {
                        code: i.code.clone(),
                        value: v.map(|v| v.0),
                        synthetic: v.is_some_and(|v| v.1),
                        score: k.and_then(|k| opt(ind_scores[k][u])),
                        rank: k.and_then(|k| ind_ranks[k][u]),
                    }
                })
                .collect();
            let used: Vec<&IndicatorScore> = indicators.iter().filter(|i| inds.iter().any(|x| x.code == i.code)).collect();
            UnitResult {
                code: unit.code.clone(),
                name: unit.name.clone(),
                score: opt(total[u]),
                rank: total_rank[u],
                tier: index_tiers.and_then(|t| t.groups.iter().find(|g| g.units.contains(&unit.code)).map(|g| g.tier)),
                rank_interval: intervals.get(&unit.code).copied(),
                previous_rank: prev_rank[u],
                rank_change: match (prev_rank[u], total_rank[u]) {
                    (Some(p), Some(c)) => Some(p as i64 - c as i64),
                    _ => None,
                },
                dimensions: dims.iter().enumerate().map(|(d, dim)| NodeScore { code: dim.code.clone(), score: opt(dim_scores[d][u]), rank: dim_ranks[d][u] }).collect(),
                strengths: dims.iter().enumerate().filter(|(d, _)| top(dim_ranks[*d][u])).map(|(_, x)| x.code.clone()).collect(),
                weaknesses: dims.iter().enumerate().filter(|(d, _)| bottom(dim_ranks[*d][u])).map(|(_, x)| x.code.clone()).collect(),
                strong_indicators: used.iter().filter(|i| top(i.rank)).map(|i| i.code.clone()).collect(),
                weak_indicators: used.iter().filter(|i| bottom(i.rank)).map(|i| i.code.clone()).collect(),
                missing: used.iter().filter(|i| i.value.is_none()).map(|i| i.code.clone()).collect(),
                inputs: used.iter().filter(|i| i.value.is_some()).count(),
                synthetic_inputs: used.iter().filter(|i| i.synthetic).count(),
                indicators,
            }
        })
        .collect();
    results.sort_by(|a, b| match (a.rank, b.rank) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.code.cmp(&b.code)),
        (x, y) => y.is_some().cmp(&x.is_some()).then_with(|| a.code.cmp(&b.code)),
    });
    Ok(Evaluation {
        scope: scheme.scope.to_string(),
        year,
        method: METHOD.into(),
        nodes: scheme.nodes.clone(),
        excluded: run.excluded,
        previous_excluded: previous.excluded,
        units: results,
        tiers,
    })
}

/// 5th and 95th percentile of each unit's rank of the index when every weight below the top
/// varies independently by up to ±25 % (digecon-index's Monte Carlo, re-aggregating only).
fn rank_intervals(coin: &Coin) -> Result<HashMap<String, (f64, f64)>, EvaluateError> {
    let (n, seed, noise) = UNCERTAINTY;
    let levels: Vec<u8> = (1..coin.framework.max_level()).collect();
    let spec = digecon_index::SensitivitySpec { n, seed, weight_noise: noise, weight_levels: levels, alternatives: vec![], sobol: false, target: None, skip_failed: false };
    let r = digecon_index::run_sensitivity(coin, &spec)?;
    Ok(r.rank_stats.into_iter().filter(|s| !s.q05.is_nan()).map(|s| (s.unit, (s.q05, s.q95))).collect())
}

fn tier_results(
    scheme: &Scheme,
    units: &[Unit],
    current: &HashMap<(&str, &str), (f64, bool)>,
    agg: &digecon_index::data::Dataset,
    score_col: &dyn Fn(&digecon_index::data::Dataset, &str) -> Vec<f64>,
) -> Result<Vec<TierResult>, EvaluateError> {
    let mut out = Vec::new();
    for rule in &scheme.tiers {
        // An aggregate of the scheme is tiered on its score, anything else on its raw value.
        let is_aggregate = scheme.node(&rule.subject).is_some_and(|n| !n.is_indicator);
        let subject_name = scheme.node(&rule.subject).map(|n| n.name_zh.clone()).unwrap_or_else(|| rule.subject.clone());
        let vals: Vec<f64> = if is_aggregate {
            score_col(agg, &rule.subject)
        } else {
            units.iter().map(|u| current.get(&(u.code.as_str(), rule.subject.as_str())).map_or(f64::NAN, |v| v.0)).collect()
        };
        let items: Vec<(&str, f64)> = units.iter().zip(&vals).filter(|(_, v)| !v.is_nan()).map(|(u, &v)| (u.code.as_str(), v)).collect();
        let untiered: Vec<String> = units.iter().zip(&vals).filter(|(_, v)| v.is_nan()).map(|(u, _)| u.code.clone()).collect();
        let tiers = match &rule.method {
            _ if items.is_empty() => vec![],
            TierMethod::Above(t) => tiers_by_thresholds(&items, t, Cut::Above)?,
            TierMethod::AtLeast(t) => tiers_by_thresholds(&items, t, Cut::AtLeast)?,
            TierMethod::NaturalBreaks(k) => tiers_by_natural_breaks(&items, *k)?.tiers,
        };
        let mut groups: Vec<TierGroup> = Vec::new();
        let max_tier = tiers.iter().map(|t| t.tier).max().unwrap_or(0);
        for tier in 1..=max_tier {
            let mut members: Vec<&digecon_index::tiering::Tier> = tiers.iter().filter(|t| t.tier == tier).collect();
            if members.is_empty() {
                continue;
            }
            members.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| a.name.cmp(&b.name)));
            groups.push(TierGroup {
                tier,
                units: members.iter().map(|m| m.name.clone()).collect(),
                max: members[0].value,
                min: members[members.len() - 1].value,
            });
        }
        out.push(TierResult { rule: rule.clone(), subject_name, groups, untiered });
    }
    Ok(out)
}
