//! The pipeline (steps run in order) and its result, the [`Coin`]: every step's dataset and
//! report are kept, so a score can be explained down to the raw indicator values.

use crate::aggregate::{aggregate_levels, AggMethod, AggregateSpec, Scratch};
use crate::data::{Dataset, UnitData};
use crate::denominate::{denominate, DenominateReport, DenominateSpec};
use crate::error::{IndexError, Result};
use crate::framework::Framework;
use crate::impute::{impute, ImputeReport, ImputeSpec};
use crate::normalise::{normalise, NormaliseSpec};
use crate::screen::{screen, ScreenReport, ScreenSpec};
use crate::stats;
use crate::treat::{treat, TreatReport, TreatSpec};

/// One pipeline step with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Screen(ScreenSpec),
    Impute(ImputeSpec),
    Denominate(DenominateSpec),
    Treat(TreatSpec),
    Normalise(NormaliseSpec),
    Aggregate(AggregateSpec),
}

impl Step {
    pub fn name(&self) -> &'static str {
        match self {
            Step::Screen(_) => "screen",
            Step::Impute(_) => "impute",
            Step::Denominate(_) => "denominate",
            Step::Treat(_) => "treat",
            Step::Normalise(_) => "normalise",
            Step::Aggregate(_) => "aggregate",
        }
    }
}

/// Steps in the order they run. A step that is absent is skipped; `aggregate`, if present,
/// must be last (it turns the indicator table into the full tree).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pipeline {
    pub steps: Vec<Step>,
}

impl Pipeline {
    /// COINr's example pipeline: minmax to [lower, upper], then the arithmetic mean everywhere.
    pub fn minmax_amean(lower: f64, upper: f64) -> Pipeline {
        Pipeline {
            steps: vec![
                Step::Normalise(NormaliseSpec::minmax(lower, upper)),
                Step::Aggregate(AggregateSpec::uniform(AggMethod::AMean)),
            ],
        }
    }

    pub(crate) fn check(&self, fw: &Framework) -> Result<()> {
        for (i, s) in self.steps.iter().enumerate() {
            if let Step::Aggregate(a) = s {
                a.check(fw)?;
                if i + 1 != self.steps.len() {
                    return Err(IndexError::step("pipeline", format!("aggregate 须为最后一步, 其后还有 `{}` / aggregate must be the last step, `{}` follows it", self.steps[i + 1].name(), self.steps[i + 1].name())));
                }
            }
        }
        for (i, s) in self.steps.iter().enumerate() {
            if self.steps[..i].iter().any(|t| t.name() == s.name()) {
                return Err(IndexError::step("pipeline", format!("步骤 `{}` 重复 / step `{}` appears twice", s.name(), s.name())));
            }
        }
        Ok(())
    }

    /// The aggregation step, if any.
    pub fn aggregate(&self) -> Option<&AggregateSpec> {
        self.steps.iter().find_map(|s| if let Step::Aggregate(a) = s { Some(a) } else { None })
    }
}

/// What a step reported.
#[derive(Debug, Clone, PartialEq)]
pub enum StepReport {
    Screen(ScreenReport),
    Impute(ImputeReport),
    Denominate(DenominateReport),
    Treat(TreatReport),
    Normalise,
    Aggregate,
}

/// A built composite indicator: the framework, the input, the pipeline, and every step's output.
#[derive(Debug, Clone, PartialEq)]
pub struct Coin {
    pub framework: Framework,
    pub data: UnitData,
    pub pipeline: Pipeline,
    /// `Raw` first, then one dataset per step, in order. The `Aggregated` dataset holds every
    /// node (indicators and aggregates) in framework node order.
    pub datasets: Vec<Dataset>,
    /// One report per step, in order.
    pub reports: Vec<StepReport>,
    /// The weights used for aggregation (framework node order).
    pub weights: Vec<f64>,
}

/// Runs the indicator-level steps `steps` on `ds` (no aggregation); used by [`Coin::build`] and by
/// the sensitivity analysis when a normalisation alternative changes a step.
pub(crate) fn run_steps(fw: &Framework, data: &UnitData, mut ds: Dataset, steps: &[Step], out: &mut Vec<(Dataset, StepReport)>) -> Result<Dataset> {
    for s in steps {
        let (next, rep) = match s {
            Step::Screen(sp) => {
                let (d, r) = screen(&ds, data, sp)?;
                (d, StepReport::Screen(r))
            }
            Step::Impute(sp) => {
                let (d, r) = impute(&ds, data, sp)?;
                (d, StepReport::Impute(r))
            }
            Step::Denominate(sp) => {
                let (d, r) = denominate(&ds, data, fw, sp)?;
                (d, StepReport::Denominate(r))
            }
            Step::Treat(sp) => {
                let (d, r) = treat(&ds, data, sp)?;
                (d, StepReport::Treat(r))
            }
            Step::Normalise(sp) => (normalise(&ds, data, fw, sp)?, StepReport::Normalise),
            Step::Aggregate(_) => unreachable!("aggregate is handled by the caller"),
        };
        out.push((next.clone(), rep));
        ds = next;
    }
    Ok(ds)
}

/// Fills a node-major score buffer from an indicator dataset (indicators in framework order).
pub(crate) fn level1_buffer(fw: &Framework, ds: &Dataset) -> Vec<f64> {
    let n = ds.units.len();
    let mut s = vec![f64::NAN; fw.nodes().len() * n];
    for (i, col) in ds.values.iter().enumerate() {
        s[i * n..(i + 1) * n].copy_from_slice(col);
    }
    s
}

impl Coin {
    /// Runs `pipeline` on `data`.
    pub fn build(framework: Framework, data: UnitData, pipeline: Pipeline) -> Result<Coin> {
        data.check_against(&framework)?;
        pipeline.check(&framework)?;
        Self::build_with_weights(framework.weights(), framework, data, pipeline)
    }

    /// As [`Coin::build`] with other weights (framework node order).
    pub fn build_with_weights(weights: Vec<f64>, framework: Framework, data: UnitData, pipeline: Pipeline) -> Result<Coin> {
        if weights.len() != framework.nodes().len() {
            return Err(IndexError::Invalid(format!("权重个数 {} ≠ 节点数 {} / {} weights for {} nodes", weights.len(), framework.nodes().len(), weights.len(), framework.nodes().len())));
        }
        let raw = Dataset {
            name: "Raw".into(),
            units: (0..data.n_units()).collect(),
            columns: framework.indicators().iter().map(|n| n.code.clone()).collect(),
            values: data.indicators.clone(),
        };
        let mut outs = Vec::new();
        let n_pre = pipeline.steps.iter().take_while(|s| !matches!(s, Step::Aggregate(_))).count();
        let last = run_steps(&framework, &data, raw.clone(), &pipeline.steps[..n_pre], &mut outs)?;
        let (mut datasets, mut reports): (Vec<Dataset>, Vec<StepReport>) = outs.into_iter().unzip();
        datasets.insert(0, raw);
        if let Some(spec) = pipeline.aggregate() {
            let n = last.units.len();
            let mut buf = level1_buffer(&framework, &last);
            let codes: Vec<String> = last.units.iter().map(|&u| data.codes[u].clone()).collect();
            aggregate_levels(&framework, &weights, spec, &codes, &mut buf, 2, &mut Scratch::default())?;
            datasets.push(Dataset {
                name: "Aggregated".into(),
                units: last.units.clone(),
                columns: framework.nodes().iter().map(|n| n.code.clone()).collect(),
                values: buf.chunks(n).map(<[f64]>::to_vec).collect(),
            });
            reports.push(StepReport::Aggregate);
        }
        Ok(Coin { framework, data, pipeline, datasets, reports, weights })
    }

    /// The dataset called `name` (`Raw`, `Screened`, `Imputed`, `Denominated`, `Treated`,
    /// `Normalised`, `Aggregated`).
    pub fn dataset(&self, name: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.name == name)
    }

    /// The last dataset (`Aggregated` when the pipeline aggregates).
    pub fn latest(&self) -> &Dataset {
        self.datasets.last().expect("Raw is always there")
    }

    /// Unit codes of the rows of the final dataset.
    pub fn unit_codes(&self) -> Vec<&str> {
        self.latest().units.iter().map(|&u| self.data.codes[u].as_str()).collect()
    }

    /// Scores and ranks of every aggregate (ranks 1 = best, ties share the best place, missing
    /// stays missing). Columns: aggregates from the top level down, by code within a level.
    /// Rows: by the first column's score, best first (ties and missing in unit-code order).
    pub fn results(&self) -> Result<ResultsTable> {
        let agg = self.dataset("Aggregated").ok_or_else(|| IndexError::Invalid("管线没有聚合步骤 / the pipeline has no aggregate step".into()))?;
        let fw = &self.framework;
        let mut cols: Vec<usize> = (fw.n_indicators()..fw.nodes().len()).collect();
        cols.sort_by(|&a, &b| fw.nodes()[b].level.cmp(&fw.nodes()[a].level).then_with(|| fw.nodes()[a].code.cmp(&fw.nodes()[b].code)));
        let scores: Vec<Vec<f64>> = cols.iter().map(|&c| agg.values[c].clone()).collect();
        let ranks: Vec<Vec<f64>> = scores.iter().map(|s| stats::rank_min(s, true)).collect();
        let mut order: Vec<usize> = (0..agg.units.len()).collect();
        let first = &scores[0];
        order.sort_by(|&a, &b| match (first[a].is_nan(), first[b].is_nan()) {
            (false, false) => first[b].total_cmp(&first[a]),
            (x, y) => x.cmp(&y),
        });
        Ok(ResultsTable {
            columns: cols.iter().map(|&c| fw.nodes()[c].code.clone()).collect(),
            rows: order
                .into_iter()
                .map(|r| ResultRow {
                    unit: agg.units[r],
                    code: self.data.codes[agg.units[r]].clone(),
                    name: self.data.names[agg.units[r]].clone(),
                    scores: scores.iter().map(|s| s[r]).collect(),
                    ranks: ranks.iter().map(|s| s[r]).collect(),
                })
                .collect(),
        })
    }

    /// Explains unit `unit`'s score of node `code`: the aggregation method, each child's value,
    /// its weight share among the children with values, and (arithmetic mean) its contribution;
    /// for an indicator, its value after every step from `Raw` on.
    pub fn explain(&self, unit: &str, code: &str) -> Result<Explanation> {
        let u = self.data.codes.iter().position(|c| c == unit).ok_or_else(|| IndexError::Invalid(format!("没有单位 `{unit}` / no unit `{unit}`")))?;
        if !self.latest().units.contains(&u) {
            return Err(IndexError::Invalid(format!("单位 `{unit}` 已被筛除 / unit `{unit}` was screened out")));
        }
        let i = self.framework.find(code).ok_or_else(|| IndexError::Invalid(format!("没有节点 `{code}` / no node `{code}`")))?;
        Ok(self.explain_node(u, i))
    }

    fn explain_node(&self, u: usize, i: usize) -> Explanation {
        let fw = &self.framework;
        let node = &fw.nodes()[i];
        let last = self.latest();
        let value = last.value(u, &node.code).unwrap_or(f64::NAN);
        if i < fw.n_indicators() {
            let trail = self.datasets.iter().filter_map(|d| d.value(u, &node.code).map(|v| (d.name.clone(), v))).collect();
            return Explanation { code: node.code.clone(), name: node.name.clone(), level: node.level, value, method: None, children: vec![], trail };
        }
        let method = self.pipeline.aggregate().map(|a| a.method_for(node.level));
        let kids = fw.children(i);
        let present_w: f64 = kids.iter().filter(|&&c| !last.value(u, &fw.nodes()[c].code).unwrap_or(f64::NAN).is_nan()).map(|&c| self.weights[c]).sum();
        let children = kids
            .iter()
            .map(|&c| {
                let e = self.explain_node(u, c);
                let share = if e.value.is_nan() || present_w == 0.0 { None } else { Some(self.weights[c] / present_w) };
                let contribution = match (method, share) {
                    (Some(AggMethod::AMean), Some(s)) => Some(s * e.value),
                    _ => None,
                };
                Contribution { weight: self.weights[c], share, contribution, child: e }
            })
            .collect();
        Explanation { code: node.code.clone(), name: node.name.clone(), level: node.level, value, method, children, trail: vec![] }
    }
}

/// The explanation of one score.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub code: String,
    pub name: String,
    pub level: u8,
    pub value: f64,
    /// The aggregation method (aggregates only).
    pub method: Option<AggMethod>,
    pub children: Vec<Contribution>,
    /// An indicator's value after each step (dataset name, value).
    pub trail: Vec<(String, f64)>,
}

/// One child's part in an aggregate.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub child: Explanation,
    /// The child's weight as given.
    pub weight: f64,
    /// Weight divided by the total weight of the children with values (`None` if missing).
    pub share: Option<f64>,
    /// share × value, for the arithmetic mean (these sum to the aggregate).
    pub contribution: Option<f64>,
}

/// Scores and ranks of every aggregate (see [`Coin::results`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ResultsTable {
    pub columns: Vec<String>,
    pub rows: Vec<ResultRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub unit: usize,
    pub code: String,
    pub name: String,
    pub scores: Vec<f64>,
    pub ranks: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::NodeSpec;
    use crate::impute::{EmptyGroup, ImputeMethod};
    const NA: f64 = f64::NAN;

    fn coin(p: Pipeline) -> Result<Coin> {
        let fw = Framework::new(vec![
            NodeSpec::indicator("a", "P", 1, 1.0),
            NodeSpec::indicator("b", "P", -1, 1.0),
            NodeSpec::indicator("c", "Q", 1, 1.0),
            NodeSpec::aggregate("P", 2, Some("I"), 1.0),
            NodeSpec::aggregate("Q", 2, Some("I"), 1.0),
            NodeSpec::aggregate("I", 3, None, 1.0),
        ])?;
        let codes = ["U1", "U2", "U3", "U4"].iter().map(|s| s.to_string()).collect();
        let data = UnitData::new(codes, vec![vec![0.0, 5.0, 10.0, NA], vec![1.0, 2.0, 3.0, 3.0], vec![4.0, 0.0, 4.0, 2.0]])?;
        Coin::build(fw, data, p)
    }

    #[test]
    fn builds_scores_ranks_and_explains() {
        let c = coin(Pipeline::minmax_amean(0.0, 100.0)).unwrap();
        let agg = c.dataset("Aggregated").unwrap();
        // a → 0, 50, 100, NA; b (dir −1) → 100, 50, 0, 0; c → 100, 0, 100, 50
        // P = 50, 50, 50, 0; Q = c; I = 75, 25, 75, 25
        assert_eq!(agg.column("P").unwrap(), &[50.0, 50.0, 50.0, 0.0]);
        assert_eq!(agg.column("I").unwrap(), &[75.0, 25.0, 75.0, 25.0]);
        let r = c.results().unwrap();
        assert_eq!(r.columns, ["I", "P", "Q"]);
        let order: Vec<&str> = r.rows.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(order, ["U1", "U3", "U2", "U4"]);
        // ties share the best place: I = 75, 75, 25, 25 → 1, 1, 3, 3; P = 50 ×3, 0 → 1, 1, 1, 4
        assert_eq!(r.rows.iter().map(|x| x.ranks[0]).collect::<Vec<_>>(), [1.0, 1.0, 3.0, 3.0]);
        assert_eq!(r.rows.iter().map(|x| x.ranks[1]).collect::<Vec<_>>(), [1.0, 1.0, 1.0, 4.0]);
        let e = c.explain("U4", "I").unwrap();
        assert_eq!(e.value, 25.0);
        let p = &e.children[0];
        assert_eq!((p.child.code.as_str(), p.share, p.contribution), ("P", Some(0.5), Some(0.0)));
        // U4 has no `a`: b carries the whole weight of P.
        let a = &p.child.children[0];
        assert_eq!((a.share, a.child.value.is_nan()), (None, true));
        assert_eq!(p.child.children[1].share, Some(1.0));
        assert_eq!(p.child.children[1].child.trail, vec![("Raw".to_string(), 3.0), ("Normalised".to_string(), 0.0), ("Aggregated".to_string(), 0.0)]);
    }

    #[test]
    fn steps_run_in_order_and_are_kept() {
        let mut p = Pipeline::minmax_amean(0.0, 100.0);
        p.steps.insert(0, Step::Impute(ImputeSpec { method: ImputeMethod::Mean, empty_group: EmptyGroup::Error }));
        let c = coin(p).unwrap();
        let names: Vec<&str> = c.datasets.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["Raw", "Imputed", "Normalised", "Aggregated"]);
        // a for U4 imputed with mean(0, 5, 10) = 5 → normalised 50
        assert_eq!(c.dataset("Normalised").unwrap().column("a").unwrap()[3], 50.0);
        let mut p = Pipeline::minmax_amean(0.0, 100.0);
        p.steps.push(Step::Normalise(NormaliseSpec::minmax(0.0, 1.0)));
        assert!(coin(p).unwrap_err().to_string().contains("must be the last step"));
    }
}
