//! The generator: builds one constraint network per parent region and level, then draws the
//! missing values one at a time, propagating after each draw.
//!
//! ## The network of one sibling group (e.g. the 11 cities of the province)
//!
//! - **Cells**: one variable per region × indicator × year the specification asks for, plus,
//!   transitively, every cell its formula reads (`yoy(DE_VA)` for 2021 needs `DE_VA` for 2020).
//!   A documented value is a point; a documented value of a ratio or growth indicator is the
//!   interval its printed digits stand for (8.5 → [8.45, 8.55]).
//! - **Parent totals**: for every indicator aggregated by `sum`, a variable for the parent equal to
//!   the sum of the children — fixed where the parent's value is documented (or, for counties,
//!   where the city's value exists), otherwise implied.
//! - **Formulas** of the catalogue (`DE_VA / GDP * 100`, `yoy(CORE_VA)`, `DI_VA + ID_VA`, …), for
//!   the generated cells and for every documented statement whose inputs are in the network —
//!   at the parent too, over the parent totals (the province's growth 14.4 % ties the cities' 2021
//!   sum to their 2022 sum).
//! - **Bounds and ranks** of `constraints.csv`: a bound narrows the cell; a rank list 1…k becomes
//!   "each listed region above the next, every other sibling below the k-th".
//! - **Definitional bounds** of the specification (a rate ≤ 100, a count ≥ 1).
//!
//! Strict bounds and orders keep one storage step (0.01 for values kept to two decimals) away
//! from the bound, so that the stored, rounded values still satisfy them.
//!
//! ## Drawing
//!
//! Additive cells (indicators without a formula, and sums such as `DE_VA = DI_VA + ID_VA`) are
//! drawn in the specification's row order, latest year first, regions in a seeded order;
//! ratios, growth rates, changes, shares of the parent and rank changes are computed. Each draw
//! is log-uniform around a prior μ — the region's share of the parent's remaining total (weighted
//! by the proxy indicator or by the region's value in the adjacent year), or a back-cast from the
//! adjacent year at the typical growth, or a ratio to the proxy observed where both are known, or
//! the typical value — intersected with what the network still allows, and put on the storage
//! grid. After each draw the network propagates; a draw that empties an interval is retried,
//! and after too many failures the group starts again with the next random stream. A documented
//! rank change (宜春、景德镇 … 排名均跃升 1 位) becomes order relations for the earlier year once the
//! later year's values are drawn.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use digecon_core::formula::{Expr, Func, Op};
use digecon_core::{
    format_value, Aggregation, Constraint, Indicator, Observation, ObservationStatus, Period, Region, RegionLevel, Relation, Source,
};
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::interval::Iv;
use crate::network::{Ex, Network, Rel, VarId};
use crate::spec::{Derive, Spec, SpecRow};

/// The generator's name and version, quoted in every value it makes.
pub const GENERATOR: &str = "digecon-synth 1";

/// `source_doc` of every synthetic value.
pub const SYNTHETIC_DOC: &str = "synthetic";

/// What the generator works from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub regions: &'a [Region],
    pub indicators: &'a [Indicator],
    /// Observations; synthetic ones are ignored (they are what is regenerated).
    pub observations: &'a [Observation],
    pub constraints: &'a [Constraint],
}

/// An error of the generator.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SynthError {
    #[error("合成数据规格错误 / synthetic-data specification: {0}")]
    Spec(String),
    #[error("文件陈述相互矛盾 / the documented statements contradict each other ({group}): {detail}")]
    Contradiction { group: String, detail: String },
    #[error("未能在 {attempts} 次尝试内生成满足全部陈述的数据 / no values satisfying every statement after {attempts} attempts ({group}): {detail}")]
    Infeasible { group: String, attempts: usize, detail: String },
}

/// A parent total that no document gives but the generated children imply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImpliedTotal {
    pub region_code: String,
    pub indicator_code: String,
    pub period: String,
    pub value: f64,
}

/// The generated values and what they imply.
#[derive(Debug, Clone, PartialEq)]
pub struct Synthesis {
    pub seed: u64,
    /// Synthetic observations, sorted by indicator, region, period.
    pub observations: Vec<Observation>,
    /// Parent totals implied by the children where the parent has no value.
    pub implied: Vec<ImpliedTotal>,
    /// Restarts needed per group (for the record; deterministic for a seed).
    pub restarts: Vec<(String, usize)>,
}

/// Restarts of one group before giving up.
const MAX_RESTARTS: usize = 40;
/// Draws of one value before the group restarts.
const DRAWS_PER_VALUE: usize = 6;
/// Draws of a whole year of an indicator with a documented rank change before the group restarts.
const RANK_CHANGE_TRIES: usize = 200;

type Key = (String, String, i32); // region, indicator, year

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// Drawn: no formula, or a sum of other cells.
    Sampled,
    /// Computed from an expression over other variables.
    Computed(Ex, String),
    /// Rank change of an indicator among the siblings.
    RankChange(String),
}

#[derive(Debug, Clone)]
struct Cell {
    var: VarId,
    kind: Kind,
    /// The documented value (not excluded).
    documented: Option<f64>,
    /// Wanted by the specification or by a formula of a wanted cell (and so stored).
    output: bool,
    rule: String,
}

fn is_additive(e: &Expr) -> bool {
    match e {
        Expr::Indicator(_) => true,
        Expr::Binary(a, Op::Add, b) => is_additive(a) && is_additive(b),
        _ => false,
    }
}

/// Indicator references of a formula with their year offsets.
fn refs(e: &Expr, offset: i32, out: &mut Vec<(String, i32)>) {
    match e {
        Expr::Number(_) => {}
        Expr::Indicator(c) => out.push((c.clone(), offset)),
        Expr::Neg(a) => refs(a, offset, out),
        Expr::Binary(a, _, b) => {
            refs(a, offset, out);
            refs(b, offset, out);
        }
        Expr::Call(Func::Yoy, a) => {
            refs(a, offset, out);
            refs(a, offset - 1, out);
        }
        Expr::Call(Func::Ly | Func::Prev, a) => refs(a, offset - 1, out),
    }
}

/// Compiles a formula for year `year`, resolving each reference (code, year) to a variable.
fn compile(e: &Expr, year: i32, resolve: &dyn Fn(&str, i32) -> Option<VarId>) -> Option<Ex> {
    Some(match e {
        Expr::Number(v) => Ex::Const(*v),
        Expr::Indicator(c) => Ex::Var(resolve(c, year)?),
        Expr::Neg(a) => Ex::Neg(Box::new(compile(a, year, resolve)?)),
        Expr::Binary(a, op, b) => {
            let (a, b) = (compile(a, year, resolve)?, compile(b, year, resolve)?);
            match op {
                Op::Add => Ex::add(a, b),
                Op::Sub => Ex::sub(a, b),
                Op::Mul => Ex::mul(a, b),
                Op::Div => Ex::div(a, b),
            }
        }
        Expr::Call(Func::Yoy, a) => {
            let (now, before) = (compile(a, year, resolve)?, compile(a, year - 1, resolve)?);
            Ex::mul(Ex::Const(100.0), Ex::sub(Ex::div(now, before), Ex::Const(1.0)))
        }
        Expr::Call(Func::Ly | Func::Prev, a) => compile(a, year - 1, resolve)?,
    })
}

/// Half a unit of the last digit printed: 8.5 → 0.05, 27 → 0.5, 23.12 → 0.005.
pub fn half_unit(v: f64) -> f64 {
    let s = format_value(v);
    let d = s.split_once('.').map_or(0, |(_, f)| f.len());
    0.5 * 10f64.powi(-(d as i32))
}

/// Rounds to `decimals` places (the nearest double to the decimal).
pub fn round_to(v: f64, decimals: u32) -> f64 {
    let f = 10f64.powi(decimals as i32);
    let r = (v * f).round() / f;
    if r == 0.0 {
        0.0 // no "-0"
    } else {
        r
    }
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Ranks by value, highest first, ties sharing the best place.
pub fn ranks_desc(values: &[(String, f64)]) -> BTreeMap<String, usize> {
    values.iter().map(|(r, v)| (r.clone(), 1 + values.iter().filter(|(_, w)| w > v).count())).collect()
}

/// The prior of one draw: log-uniform in [μ / spread, μ · spread], kept inside `guard` where
/// that leaves room.
struct Prior {
    mu: f64,
    spread: f64,
    why: String,
    guard: Iv,
}

impl Prior {
    fn plain(mu: f64, spread: f64, why: String) -> Prior {
        Prior { mu, spread, why, guard: Iv::ALL }
    }
}

/// The catalogue and documents, indexed.
pub(crate) struct Catalog<'a> {
    pub regions: BTreeMap<&'a str, &'a Region>,
    pub indicators: BTreeMap<&'a str, &'a Indicator>,
    /// Documented (non-synthetic) annual values.
    pub documented: HashMap<Key, f64>,
    pub constraints: &'a [Constraint],
}

impl<'a> Catalog<'a> {
    pub fn new(inputs: &Inputs<'a>) -> Catalog<'a> {
        let documented = inputs
            .observations
            .iter()
            .filter(|o| !o.synthetic)
            .filter_map(|o| match o.period {
                Period::Year(y) => Some(((o.region_code.clone(), o.indicator_code.clone(), y), o.value)),
                _ => None,
            })
            .collect();
        Catalog {
            regions: inputs.regions.iter().map(|r| (r.code.as_str(), r)).collect(),
            indicators: inputs.indicators.iter().map(|i| (i.code.as_str(), i)).collect(),
            documented,
            constraints: inputs.constraints,
        }
    }

    pub fn name(&self, region: &str) -> String {
        self.regions.get(region).map_or_else(|| region.to_string(), |r| r.name_zh.clone())
    }

    /// Regions of `level` whose parent is `parent`, by code.
    pub fn children(&self, parent: &str, level: RegionLevel) -> Vec<String> {
        self.regions.values().filter(|r| r.level == level && r.parent_code.as_deref() == Some(parent)).map(|r| r.code.clone()).collect()
    }
}

/// The derivation of an indicator at a level: the catalogue formula, or the specification's
/// `derive`, or none.
enum Derivation<'a> {
    Formula(&'a Expr, &'a str),
    RankChange(&'a str),
    ParentShare(&'a str),
    None,
}

fn derivation<'a>(cat: &Catalog<'a>, spec: &'a Spec, level: RegionLevel, code: &str) -> Result<Derivation<'a>, SynthError> {
    let ind = cat.indicators.get(code).ok_or_else(|| SynthError::Spec(format!("未知指标 / unknown indicator `{code}`")))?;
    let row = spec.row(level, code);
    let derive = row.map(|r| &r.derive);
    match (&ind.formula, derive) {
        (Some(_), Some(Derive::RankChange(_) | Derive::ParentShare(_))) => {
            Err(SynthError::Spec(format!("`{code}` 已有公式，不能再指定 derive / has a formula in the catalogue and a `derive` rule")))
        }
        (Some(f), _) => Ok(Derivation::Formula(f.expr(), f.text())),
        (None, Some(Derive::RankChange(x))) => Ok(Derivation::RankChange(x)),
        (None, Some(Derive::ParentShare(x))) => Ok(Derivation::ParentShare(x)),
        (None, _) => Ok(Derivation::None),
    }
}

/// Generates synthetic values for every level of `spec` (cities first, then counties using the
/// cities' values as their parents' totals). Pure and deterministic for a seed.
pub fn generate(inputs: &Inputs<'_>, spec: &Spec, seed: u64) -> Result<Synthesis, SynthError> {
    let cat = Catalog::new(inputs);
    for row in &spec.rows {
        if !cat.indicators.contains_key(row.indicator.as_str()) {
            return Err(SynthError::Spec(format!("synthetic.csv:{}: 未知指标 / unknown indicator `{}`", row.line, row.indicator)));
        }
        if let Some(p) = &row.proxy {
            if !cat.indicators.contains_key(p.as_str()) {
                return Err(SynthError::Spec(format!("synthetic.csv:{}: 未知指标 / unknown proxy indicator `{p}`", row.line)));
            }
        }
    }
    // Values known so far: documented, then each level's output for the next level.
    let mut known: HashMap<Key, f64> = cat.documented.clone();
    let mut out = Vec::new();
    let mut implied = Vec::new();
    let mut restarts = Vec::new();
    for level in spec.levels() {
        let mut parents: BTreeSet<String> = BTreeSet::new();
        for r in inputs.regions.iter().filter(|r| r.level == level) {
            if let Some(p) = &r.parent_code {
                parents.insert(p.clone());
            }
        }
        let mut level_out = Vec::new();
        for parent in parents {
            let label = format!("{} {}级 / {} level under {}", cat.name(&parent), level_zh(level), level, parent);
            let mut last = String::new();
            let mut done = None;
            for attempt in 0..MAX_RESTARTS {
                let mut g = Group::build(&cat, spec, level, &parent, &known, &label)?;
                let stream = seed ^ fnv(&format!("{level}/{parent}")) ^ (attempt as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                let mut rng = ChaCha8Rng::seed_from_u64(stream);
                match g.sample(&mut rng, seed) {
                    Ok(()) => {
                        done = Some((g, attempt));
                        break;
                    }
                    Err(e) => last = e,
                }
            }
            let Some((g, attempt)) = done else {
                return Err(SynthError::Infeasible { group: label, attempts: MAX_RESTARTS, detail: last });
            };
            restarts.push((label.clone(), attempt));
            let (obs, imp) = g.finish(seed)?;
            implied.extend(imp);
            level_out.extend(obs);
        }
        for o in &level_out {
            if let Period::Year(y) = o.period {
                known.insert((o.region_code.clone(), o.indicator_code.clone(), y), o.value);
            }
        }
        out.extend(level_out);
    }
    let order: HashMap<&str, usize> = inputs.indicators.iter().enumerate().map(|(i, x)| (x.code.as_str(), i)).collect();
    out.sort_by(|a, b| {
        order.get(a.indicator_code.as_str()).cmp(&order.get(b.indicator_code.as_str())).then_with(|| a.region_code.cmp(&b.region_code)).then_with(|| a.period.cmp(&b.period))
    });
    Ok(Synthesis { seed, observations: out, implied, restarts })
}

pub(crate) fn level_zh(level: RegionLevel) -> &'static str {
    match level {
        RegionLevel::Province => "省",
        RegionLevel::City => "设区市",
        RegionLevel::County => "县（市、区）",
        RegionLevel::Zone => "功能区",
    }
}

/// One sibling group's network.
struct Group<'c, 'a> {
    cat: &'c Catalog<'a>,
    spec: &'a Spec,
    level: RegionLevel,
    parent: String,
    label: String,
    members: Vec<String>,
    net: Network,
    cells: BTreeMap<Key, Cell>,
    /// Parent totals: (indicator, year) → variable; documented (or known) value if any.
    totals: BTreeMap<(String, i32), (VarId, Option<f64>)>,
    /// Human-readable name of each variable, for messages.
    names: Vec<String>,
    /// Rank-change statements: (indicator of the statement, region, year, change).
    rank_changes: Vec<(String, String, i32, i64)>,
    /// Values fixed so far: documented additive cells and drawn ones.
    fixed: HashMap<VarId, f64>,
}

impl<'c, 'a> Group<'c, 'a> {
    fn var(&mut self, iv: Iv, name: String) -> VarId {
        self.names.push(name);
        self.net.add_var(iv)
    }

    fn row(&self, code: &str) -> Result<&'a SpecRow, SynthError> {
        self.spec.row(self.level, code).ok_or_else(|| {
            SynthError::Spec(format!("`{code}` 需要在{}级生成，但 synthetic.csv 中没有这一行 / is needed at level {} but has no row in synthetic.csv", level_zh(self.level), self.level))
        })
    }

    fn build(cat: &'c Catalog<'a>, spec: &'a Spec, level: RegionLevel, parent: &str, known: &HashMap<Key, f64>, label: &str) -> Result<Group<'c, 'a>, SynthError> {
        let members = cat.children(parent, level);
        let mut g = Group {
            cat,
            spec,
            level,
            parent: parent.to_string(),
            label: label.to_string(),
            members: members.clone(),
            net: Network::default(),
            cells: BTreeMap::new(),
            totals: BTreeMap::new(),
            names: Vec::new(),
            rank_changes: Vec::new(),
            fixed: HashMap::new(),
        };
        // 1. Wanted cells and, transitively, what their formulas read.
        let mut wanted: BTreeSet<Key> = BTreeSet::new();
        let mut todo: Vec<Key> = Vec::new();
        for row in spec.rows.iter().filter(|r| r.level == level) {
            for &y in &row.years {
                for m in &members {
                    todo.push((m.clone(), row.indicator.clone(), y));
                }
            }
        }
        while let Some(k) = todo.pop() {
            if !wanted.insert(k.clone()) {
                continue;
            }
            g.row(&k.1)?;
            match derivation(cat, spec, level, &k.1)? {
                Derivation::Formula(e, _) => {
                    let mut rs = Vec::new();
                    refs(e, 0, &mut rs);
                    for (c, off) in rs {
                        todo.push((k.0.clone(), c, k.2 + off));
                    }
                }
                Derivation::RankChange(x) => {
                    for m in &members {
                        todo.push((m.clone(), x.to_string(), k.2));
                        todo.push((m.clone(), x.to_string(), k.2 - 1));
                    }
                }
                Derivation::ParentShare(x) => todo.push((k.0.clone(), x.to_string(), k.2)),
                Derivation::None => {}
            }
        }
        // 2. Variables of the wanted cells.
        for k in &wanted {
            let row = g.row(&k.1)?;
            let doc = known.get(k).copied().filter(|_| spec.excluded(&k.0, &k.1, Period::Year(k.2)).is_none());
            if known.contains_key(k) && doc.is_none() && matches!(derivation(cat, spec, level, &k.1)?, Derivation::None) {
                return Err(SynthError::Spec(format!(
                    "synthetic_exclusions.csv: {} {} {} 是文件给出的基础值，不能排除 / is a documented base value and cannot be excluded (only derived statements and parent totals can)",
                    k.0, k.1, k.2
                )));
            }
            let kind = match derivation(cat, spec, level, &k.1)? {
                Derivation::Formula(e, _) if is_additive(e) => Kind::Sampled,
                Derivation::Formula(..) | Derivation::ParentShare(_) => Kind::Computed(Ex::Const(0.0), String::new()),
                Derivation::RankChange(x) => Kind::RankChange(x.to_string()),
                Derivation::None => Kind::Sampled,
            };
            let iv = match (doc, &kind) {
                (Some(v), Kind::Sampled) => Iv::point(v),
                (Some(v), Kind::Computed(..)) => Iv::new(v - half_unit(v), v + half_unit(v)),
                _ => Iv::new(row.lower.unwrap_or(f64::NEG_INFINITY), row.upper.unwrap_or(f64::INFINITY)),
            };
            let var = g.var(iv, format!("{} {} {}", cat.name(&k.0), k.1, k.2));
            if let (Some(v), Kind::Sampled) = (doc, &kind) {
                g.fixed.insert(var, v);
            }
            g.cells.insert(k.clone(), Cell { var, kind, documented: doc, output: doc.is_none(), rule: String::new() });
        }
        // 3. Documented statements whose formula reads only cells of the network.
        for ((region, code, y), &v) in known.iter() {
            if !members.contains(region) || g.cells.contains_key(&(region.clone(), code.clone(), *y)) {
                continue;
            }
            if spec.excluded(region, code, Period::Year(*y)).is_some() || !cat.indicators.contains_key(code.as_str()) {
                continue;
            }
            let inputs: Vec<Key> = match derivation(cat, spec, level, code)? {
                Derivation::Formula(e, _) => {
                    let mut rs = Vec::new();
                    refs(e, 0, &mut rs);
                    rs.into_iter().map(|(c, off)| (region.clone(), c, y + off)).collect()
                }
                Derivation::ParentShare(x) => vec![(region.clone(), x.to_string(), *y)],
                Derivation::RankChange(_) | Derivation::None => continue,
            };
            if inputs.iter().all(|k| g.cells.contains_key(k)) {
                let var = g.var(Iv::new(v - half_unit(v), v + half_unit(v)), format!("{} {code} {y}（文件 / documented {v}）", cat.name(region)));
                g.cells.insert((region.clone(), code.clone(), *y), Cell { var, kind: Kind::Computed(Ex::Const(0.0), String::new()), documented: Some(v), output: false, rule: String::new() });
            }
        }
        // 4. Parent totals of `sum` indicators.
        let keys: Vec<Key> = g.cells.keys().cloned().collect();
        let mut sum_years: BTreeSet<(String, i32)> = BTreeSet::new();
        for (_, code, y) in &keys {
            if cat.indicators[code.as_str()].aggregation == Aggregation::Sum {
                sum_years.insert((code.clone(), *y));
            }
        }
        for (code, y) in sum_years {
            let children: Option<Vec<VarId>> = members.iter().map(|m| g.cells.get(&(m.clone(), code.clone(), y)).map(|c| c.var)).collect();
            let Some(children) = children else { continue };
            let pk = (parent.to_string(), code.clone(), y);
            let doc = known.get(&pk).copied().filter(|_| spec.excluded(parent, &code, Period::Year(y)).is_none());
            let additive = match derivation(cat, spec, level, &code)? {
                Derivation::Formula(e, _) => is_additive(e),
                _ => true,
            };
            let iv = match doc {
                Some(v) if additive => Iv::point(v),
                Some(v) => Iv::new(v - half_unit(v), v + half_unit(v)),
                None => Iv::ALL,
            };
            let var = g.var(iv, format!("{} {code} {y}（合计 / total）", cat.name(parent)));
            g.net.add_rel(Rel::Eq { out: var, expr: Ex::sum(children.into_iter().map(Ex::Var)) });
            g.totals.insert((code, y), (var, doc));
        }
        // 4b. Sums of sums: where X = A + B for every child, also X = A + B for the totals. It
        //     follows from the children, but interval propagation cannot see it through them, and
        //     without it a late draw can find the totals no longer reconcilable.
        let total_keys: Vec<(String, i32)> = g.totals.keys().cloned().collect();
        for (code, y) in total_keys {
            let Derivation::Formula(e, _) = derivation(cat, spec, level, &code)? else { continue };
            if !is_additive(e) {
                continue;
            }
            let totals = &g.totals;
            let resolve = |c: &str, yy: i32| totals.get(&(c.to_string(), yy)).map(|t| t.0);
            if let Some(expr) = compile(e, y, &resolve) {
                let out = g.totals[&(code.clone(), y)].0;
                g.net.add_rel(Rel::Eq { out, expr });
            }
        }
        // 5. The parent's documented statements over the totals (growth, shares, changes), with
        //    the parent's derived values they read (the province's `DE_VA_GROWTH_VS_GDP` reads its
        //    `DE_VA_GROWTH`, which reads the totals).
        let statements: Vec<(String, i32)> = known
            .keys()
            .filter(|(r, c, y)| r == parent && spec.excluded(r, c, Period::Year(*y)).is_none() && cat.indicators.get(c.as_str()).is_some_and(|i| i.formula.is_some()))
            .map(|(_, c, y)| (c.clone(), *y))
            .collect();
        let mut derived: HashMap<(String, i32), Option<VarId>> = HashMap::new();
        for (code, y) in statements {
            g.parent_var(&code, y, known, &mut derived, 0);
        }
        // 6. Formulas of the cells.
        let cells_snapshot: Vec<(Key, VarId)> = g.cells.iter().map(|(k, c)| (k.clone(), c.var)).collect();
        let index: HashMap<Key, VarId> = cells_snapshot.iter().cloned().collect();
        for (k, var) in &cells_snapshot {
            let compiled = match derivation(cat, spec, level, &k.1)? {
                Derivation::Formula(e, text) => {
                    let resolve = |c: &str, yy: i32| index.get(&(k.0.clone(), c.to_string(), yy)).copied();
                    compile(e, k.2, &resolve).map(|x| (x, format!("按公式计算 / computed: {text}")))
                }
                Derivation::ParentShare(x) => {
                    let own = index.get(&(k.0.clone(), x.to_string(), k.2)).copied();
                    match (own, g.totals.get(&(x.to_string(), k.2))) {
                        (Some(o), Some(&(t, _))) => Some((
                            Ex::mul(Ex::Const(100.0), Ex::div(Ex::Var(o), Ex::Var(t))),
                            format!("按公式计算 / computed: {x} / {} {x} * 100", cat.name(parent)),
                        )),
                        _ => {
                            return Err(SynthError::Spec(format!(
                                "`{}` 需要 {x} 的上级合计，但 {x} 不是可加指标 / needs the parent total of {x}, which is not aggregated by sum",
                                k.1
                            )))
                        }
                    }
                }
                _ => None,
            };
            if let Some((expr, rule)) = compiled {
                g.net.add_rel(Rel::Eq { out: *var, expr: expr.clone() });
                let cell = g.cells.get_mut(k).unwrap();
                if matches!(cell.kind, Kind::Computed(..)) {
                    cell.kind = Kind::Computed(expr, rule);
                }
            } else if matches!(g.cells[k].kind, Kind::Computed(..)) {
                return Err(SynthError::Spec(format!("`{}` {} 的公式输入不全 / the inputs of its formula are missing", k.1, k.2)));
            }
        }
        // 6b. Nested sums: where one sum's terms include another's (CORE_REV = 01 + 02 + 03 + 04
        //     and CORE_REV_02_03_04 = 02 + 03 + 04), tie the two directly, for the same reason as
        //     the sums of sums above.
        let additive: Vec<(String, Vec<String>)> = {
            let mut codes: BTreeSet<String> = g.cells.keys().map(|k| k.1.clone()).collect();
            codes.extend(g.totals.keys().map(|k| k.0.clone()));
            codes
                .into_iter()
                .filter_map(|c| match derivation(cat, spec, level, &c) {
                    Ok(Derivation::Formula(e, _)) if is_additive(e) => {
                        let mut rs = Vec::new();
                        refs(e, 0, &mut rs);
                        Some((c, rs.into_iter().map(|r| r.0).collect()))
                    }
                    _ => None,
                })
                .collect()
        };
        for (big, big_terms) in &additive {
            for (small, small_terms) in &additive {
                if big == small || small_terms.len() >= big_terms.len() || !small_terms.iter().all(|t| big_terms.contains(t)) {
                    continue;
                }
                let rest: Vec<&String> = big_terms.iter().filter(|t| !small_terms.contains(t)).collect();
                // For every region (and the totals) and year where all of them are variables.
                let mut places: Vec<(Option<String>, i32)> = g.cells.keys().filter(|k| &k.1 == big).map(|k| (Some(k.0.clone()), k.2)).collect();
                places.extend(g.totals.keys().filter(|k| &k.0 == big).map(|k| (None, k.1)));
                for (region, y) in places {
                    let var_of = |c: &str| match &region {
                        Some(r) => g.cells.get(&(r.clone(), c.to_string(), y)).map(|x| x.var),
                        None => g.totals.get(&(c.to_string(), y)).map(|t| t.0),
                    };
                    let (Some(out), Some(sv)) = (var_of(big), var_of(small)) else { continue };
                    let terms: Option<Vec<VarId>> = rest.iter().map(|t| var_of(t)).collect();
                    let Some(terms) = terms else { continue };
                    let expr = Ex::sum(std::iter::once(Ex::Var(sv)).chain(terms.into_iter().map(Ex::Var)));
                    g.net.add_rel(Rel::Eq { out, expr });
                }
            }
        }
        // 7. Bounds and ranks of constraints.csv.
        let mut ranks: BTreeMap<(String, i32), Vec<(usize, String)>> = BTreeMap::new();
        for c in g.cat_constraints() {
            let Period::Year(y) = c.period else { continue };
            if c.relation == Relation::Rank {
                if members.contains(&c.region_code) && g.cells.contains_key(&(c.region_code.clone(), c.indicator_code.clone(), y)) {
                    ranks.entry((c.indicator_code.clone(), y)).or_default().push((c.value as usize, c.region_code.clone()));
                }
                continue;
            }
            let target = if c.region_code == g.parent {
                g.totals.get(&(c.indicator_code.clone(), y)).filter(|t| t.1.is_none()).map(|t| (t.0, 2.0 * 0.01))
            } else if members.contains(&c.region_code) {
                g.cells.get(&(c.region_code.clone(), c.indicator_code.clone(), y)).filter(|cell| cell.documented.is_none()).map(|cell| (cell.var, 0.0))
            } else {
                None
            };
            let Some((var, extra)) = target else { continue };
            let m = g.margin(&c.indicator_code, var).max(extra);
            let iv = match c.relation {
                Relation::Gt | Relation::Ge => Iv::at_least(c.value + m),
                Relation::Lt | Relation::Le => Iv::at_most(c.value - m),
                Relation::Rank => unreachable!(),
            };
            g.net.ivs[var] = g.net.ivs[var].meet(iv);
        }
        for ((code, y), mut list) in ranks {
            list.sort();
            let contiguous = list.iter().enumerate().all(|(i, (r, _))| *r == i + 1);
            let all_present = members.iter().all(|m| g.cells.contains_key(&(m.clone(), code.clone(), y)));
            if !contiguous || !all_present {
                return Err(SynthError::Spec(format!(
                    "{code} {y}: 只支持从第 1 名起连续的名次且须有全部同级地区的值 / rank statements must be 1…k and every sibling must be generated"
                )));
            }
            let operand = |g: &Group, r: &str| {
                let c = &g.cells[&(r.to_string(), code.clone(), y)];
                c.documented.map_or(Ex::Var(c.var), Ex::Const)
            };
            let listed: Vec<String> = list.iter().map(|(_, r)| r.clone()).collect();
            for w in listed.windows(2) {
                let m = g.margin(&code, g.cells[&(w[1].clone(), code.clone(), y)].var);
                let (a, b) = (operand(&g, &w[1]), operand(&g, &w[0]));
                g.net.add_rel(Rel::Le { a, b, margin: m });
            }
            let last = listed.last().unwrap().clone();
            for other in members.iter().filter(|m| !listed.contains(m)) {
                let m = g.margin(&code, g.cells[&(other.clone(), code.clone(), y)].var);
                let (a, b) = (operand(&g, other), operand(&g, &last));
                g.net.add_rel(Rel::Le { a, b, margin: m });
            }
        }
        // 8. Documented rank changes, applied once the later year is drawn.
        for (k, cell) in &g.cells {
            if let (Kind::RankChange(x), Some(v)) = (&cell.kind, cell.documented) {
                g.rank_changes.push((x.clone(), k.0.clone(), k.2, v as i64));
            }
        }
        for ((region, code, y), &v) in known.iter() {
            if members.contains(region) && !g.cells.contains_key(&(region.clone(), code.clone(), *y)) && spec.excluded(region, code, Period::Year(*y)).is_none() {
                if let Ok(Derivation::RankChange(x)) = derivation(cat, spec, level, code) {
                    if members.iter().all(|m| g.cells.contains_key(&(m.clone(), x.to_string(), *y)) && g.cells.contains_key(&(m.clone(), x.to_string(), y - 1))) {
                        g.rank_changes.push((x.to_string(), region.clone(), *y, v as i64));
                    }
                }
            }
        }
        g.rank_changes.sort();
        // Everything documented must already agree.
        if let Err(c) = g.net.propagate_all() {
            return Err(SynthError::Contradiction { group: g.label.clone(), detail: g.describe(c.relation) });
        }
        // 9. Plausible change from one year to the next: a drawn value stays within
        //    g ×/÷ yoy_spread⁴ of the same region's value a year before, g being the parent's
        //    growth where the statements give it (else the specification's typical growth) — so
        //    that a documented net increase of 93 enterprises does not leave a city with 2 the year
        //    before, and a county grows roughly as its city does.
        let mut plausible = Vec::new();
        for (k, cell) in g.cells.iter() {
            let prev = (k.0.clone(), k.1.clone(), k.2 - 1);
            let (Some(pc), Some(row)) = (g.cells.get(&prev), spec.row(level, &k.1)) else { continue };
            if cell.kind != Kind::Sampled || pc.kind != Kind::Sampled || row.yoy_spread <= 1.0 || (cell.documented.is_some() && pc.documented.is_some()) {
                continue;
            }
            let growth = g.growth_for(&k.1, k.2, row);
            let f = row.yoy_spread.powi(4);
            let (now, before) = (Ex::Var(cell.var), Ex::Var(pc.var));
            plausible.push(Rel::Le { a: now.clone(), b: Ex::mul(Ex::Const(growth * f), before.clone()), margin: 0.0 });
            plausible.push(Rel::Le { a: Ex::mul(Ex::Const(growth / f), before), b: now, margin: 0.0 });
        }
        let ids: Vec<usize> = plausible.into_iter().map(|r| g.net.add_rel(r)).collect();
        if let Err(c) = g.net.propagate(ids) {
            return Err(SynthError::Spec(format!("{}: 文件值超出 yoy_spread 允许的逐年变化 / a documented change from one year to the next is outside what yoy_spread allows: {}", g.label, g.describe(c.relation))));
        }
        Ok(g)
    }

    /// The parent's variable for `code` in `year`: its total if the indicator is aggregated by
    /// sum, else (for a derived indicator) a variable tied to its formula over other parent
    /// variables, carrying the parent's documented value if there is one. `None` if the formula
    /// reads something the network does not have.
    fn parent_var(&mut self, code: &str, year: i32, known: &HashMap<Key, f64>, memo: &mut HashMap<(String, i32), Option<VarId>>, depth: usize) -> Option<VarId> {
        if let Some(&(v, _)) = self.totals.get(&(code.to_string(), year)) {
            return Some(v);
        }
        if let Some(v) = memo.get(&(code.to_string(), year)) {
            return *v;
        }
        memo.insert((code.to_string(), year), None);
        let f = self.cat.indicators.get(code)?.formula.as_ref()?;
        if depth > 8 {
            return None;
        }
        let mut rs = Vec::new();
        refs(f.expr(), 0, &mut rs);
        let mut vars: HashMap<(String, i32), VarId> = HashMap::new();
        for (c, off) in rs {
            let v = self.parent_var(&c, year + off, known, memo, depth + 1)?;
            vars.insert((c, year + off), v);
        }
        let expr = compile(f.expr(), year, &|c: &str, y: i32| vars.get(&(c.to_string(), y)).copied())?;
        let doc = known
            .get(&(self.parent.clone(), code.to_string(), year))
            .copied()
            .filter(|_| self.spec.excluded(&self.parent, code, Period::Year(year)).is_none());
        let iv = doc.map_or(Iv::ALL, |v| Iv::new(v - half_unit(v), v + half_unit(v)));
        let name = match doc {
            Some(v) => format!("{} {code} {year}（文件 / documented {}）", self.cat.name(&self.parent), format_value(v)),
            None => format!("{} {code} {year}", self.cat.name(&self.parent)),
        };
        let out = self.var(iv, name);
        self.net.add_rel(Rel::Eq { out, expr });
        memo.insert((code.to_string(), year), Some(out));
        Some(out)
    }

    fn cat_constraints(&self) -> &'a [Constraint] {
        self.cat.constraints
    }

    /// The margin kept from a strict bound or order: one storage step for drawn values, two for
    /// computed ones (their stored value is rounded after the fact).
    fn margin(&self, code: &str, var: VarId) -> f64 {
        let grid = self.spec.row(self.level, code).map_or(0.01, |r| r.grid());
        let computed = self.cells.values().any(|c| c.var == var && matches!(c.kind, Kind::Computed(..)));
        if computed {
            2.0 * grid
        } else {
            grid
        }
    }

    /// An expression with variable names and constants, for messages.
    fn show(&self, e: &Ex) -> String {
        match e {
            Ex::Const(c) => format_value(*c),
            Ex::Var(v) => self.names[*v].clone(),
            Ex::Neg(a) => format!("−({})", self.show(a)),
            Ex::Add(a, b) => format!("({} + {})", self.show(a), self.show(b)),
            Ex::Sub(a, b) => format!("({} − {})", self.show(a), self.show(b)),
            Ex::Mul(a, b) => format!("{} × {}", self.show(a), self.show(b)),
            Ex::Div(a, b) => format!("{} ÷ {}", self.show(a), self.show(b)),
        }
    }

    fn describe(&self, relation: usize) -> String {
        if relation == usize::MAX {
            return "一个取值超出了允许的区间 / a value fell outside its allowed interval".into();
        }
        let mut vars = Vec::new();
        let text = match &self.net.rels[relation] {
            Rel::Eq { out, expr } => {
                vars.push(*out);
                expr.vars(&mut vars);
                format!("{} = {}", self.names[*out], self.show(expr))
            }
            Rel::Le { a, b, margin } => {
                a.vars(&mut vars);
                b.vars(&mut vars);
                format!("{} ≤ {} − {}", self.show(a), self.show(b), format_value(*margin))
            }
        };
        // Documented values enter as constants: a relation between two of them names no variable.
        let mut s = format!("关系 / relation: {text}; 涉及 / involving: ");
        if vars.is_empty() {
            s.push_str("只有文件值 / documented values only");
        }
        for v in vars {
            let iv = self.net.ivs[v];
            let _ = write!(s, "{} ∈ [{}, {}]; ", self.names[v], iv.lo, iv.hi);
        }
        s
    }

    /// Draws every additive cell, latest year first and within a year in the specification's
    /// row order (so that a back-cast always finds the later year); Err(reason) asks for a
    /// restart.
    fn sample(&mut self, rng: &mut ChaCha8Rng, seed: u64) -> Result<(), String> {
        let rows: Vec<&SpecRow> = self.spec.rows.iter().filter(|r| r.level == self.level).collect();
        let mut years: Vec<i32> = self.cells.keys().map(|k| k.2).collect::<BTreeSet<_>>().into_iter().collect();
        years.reverse();
        for y in years {
            for row in &rows {
                // A documented rank change between y − 1 and y constrains this year's draws as a
                // whole: draw the year again (from the same state) until the change can hold.
                let ranked = self.rank_changes.iter().any(|s| s.0 == row.indicator && s.2 == y);
                let tries = if ranked { RANK_CHANGE_TRIES } else { 1 };
                let mut last = String::new();
                let mut ok = false;
                for _ in 0..tries {
                    let saved = ranked.then(|| (self.net.ivs.clone(), self.net.rels.len(), self.fixed.clone(), self.cells.clone()));
                    let res = self.draw_year(row, y, rng, seed).and_then(|()| if ranked { self.apply_rank_changes(&row.indicator, y) } else { Ok(()) });
                    match res {
                        Ok(()) => {
                            ok = true;
                            break;
                        }
                        Err(e) => {
                            last = e;
                            if let Some((ivs, n_rels, fixed, cells)) = saved {
                                self.net.ivs = ivs;
                                self.net.truncate_rels(n_rels);
                                self.fixed = fixed;
                                self.cells = cells;
                            }
                        }
                    }
                }
                if !ok {
                    return Err(last);
                }
            }
        }
        Ok(())
    }

    /// Draws `row`'s indicator for every member in `y`, in a seeded order.
    fn draw_year(&mut self, row: &SpecRow, y: i32, rng: &mut ChaCha8Rng, seed: u64) -> Result<(), String> {
        let mut order: Vec<String> = self.members.clone();
        for i in (1..order.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        // Smallest first: the last free region of a sum takes what is left, and the largest
        // absorbs the accumulated differences with the least distortion.
        let weight = |m: &str| -> f64 {
            let point = |c: &str, yy: i32| self.cells.get(&(m.to_string(), c.to_string(), yy)).and_then(|c| self.fixed.get(&c.var).copied());
            point(&row.indicator, y + 1).or_else(|| row.proxy.as_deref().and_then(|p| point(p, y))).unwrap_or(0.0)
        };
        let weights: HashMap<String, f64> = order.iter().map(|m| (m.clone(), weight(m))).collect();
        order.sort_by(|a, b| weights[a].total_cmp(&weights[b]));
        for m in order {
            let k = (m.clone(), row.indicator.clone(), y);
            let Some(cell) = self.cells.get(&k) else { continue };
            if cell.kind != Kind::Sampled || cell.documented.is_some() {
                continue;
            }
            self.draw(&k, row, rng, seed)?;
        }
        Ok(())
    }

    /// Turns the documented rank changes of `x` at `year` into order relations for `year − 1`.
    fn apply_rank_changes(&mut self, x: &str, year: i32) -> Result<(), String> {
        let stmts: Vec<(String, i64)> = self.rank_changes.iter().filter(|s| s.0 == x && s.2 == year).map(|s| (s.1.clone(), s.3)).collect();
        if stmts.is_empty() {
            return Ok(());
        }
        let mut now = Vec::new();
        for m in &self.members {
            let c = &self.cells[&(m.clone(), x.to_string(), year)];
            let Some(&v) = self.fixed.get(&c.var) else {
                return Err(format!("{x} {year} 未全部确定 / not all drawn before the rank change: {}", self.names[c.var]));
            };
            now.push((m.clone(), v));
        }
        let rank = ranks_desc(&now);
        if rank.values().collect::<BTreeSet<_>>().len() != rank.len() {
            return Err(format!("{x} {year} 有并列 / has ties"));
        }
        let n = self.members.len() as i64;
        // The likely earlier value of a region: the middle of what the network allows, or its
        // later value back-cast at the typical growth.
        let g = 1.0 + self.spec.row(self.level, x).map_or(0.0, |r| r.growth) / 100.0;
        let later: HashMap<String, f64> = now.iter().cloned().collect();
        for (r, d) in &stmts {
            let above = rank[r] as i64 - 1 + d;
            if above < 0 || above >= n {
                return Err(format!("{x} {year}: {r} 的名次变化 {d} 不可能 / impossible rank change"));
            }
            let rv = self.cells[&(r.clone(), x.to_string(), year - 1)].var;
            let m = self.margin(x, rv);
            let riv = self.net.ivs[rv];
            let (mut forced_above, mut forced_below, mut open) = (Vec::new(), Vec::new(), Vec::new());
            for o in self.members.iter().filter(|o| *o != r) {
                let ov = self.cells[&(o.clone(), x.to_string(), year - 1)].var;
                let oiv = self.net.ivs[ov];
                if oiv.lo >= riv.hi + m {
                    forced_above.push(ov);
                } else if oiv.hi <= riv.lo - m {
                    forced_below.push(ov);
                } else {
                    let est = if oiv.is_bounded() && oiv.width() < 0.5 * oiv.mid().abs() { oiv.mid() } else { (later[o] / g).clamp(oiv.lo, oiv.hi) };
                    open.push((ov, est));
                }
            }
            let need = above - forced_above.len() as i64;
            if need < 0 || need > open.len() as i64 {
                return Err(format!(
                    "{x} {year}: {r} 的名次变化 {d} 与已抽取的值不符 / cannot hold with the values drawn (rank {} in {year}, {} certainly above, {} certainly below, {} open; {} ∈ [{}, {}]; values {:?})",
                    rank[r], forced_above.len(), forced_below.len(), open.len(), self.names[rv], riv.lo, riv.hi,
                    self.members.iter().map(|o| { let iv = self.net.ivs[self.cells[&(o.clone(), x.to_string(), year - 1)].var]; format!("{o}: {} [{:.1}, {:.1}]", later[o], iv.lo, iv.hi) }).collect::<Vec<_>>()
                ));
            }
            open.sort_by(|a, b| b.1.total_cmp(&a.1));
            let mut rels = Vec::new();
            for (i, (ov, _)) in open.iter().enumerate() {
                let rel = if (i as i64) < need { Rel::Le { a: Ex::Var(rv), b: Ex::Var(*ov), margin: m } } else { Rel::Le { a: Ex::Var(*ov), b: Ex::Var(rv), margin: m } };
                rels.push(self.net.add_rel(rel));
            }
            for ov in forced_above {
                rels.push(self.net.add_rel(Rel::Le { a: Ex::Var(rv), b: Ex::Var(ov), margin: m }));
            }
            for ov in forced_below {
                rels.push(self.net.add_rel(Rel::Le { a: Ex::Var(ov), b: Ex::Var(rv), margin: m }));
            }
            self.net.propagate(rels).map_err(|c| format!("名次变化 / rank change: {}", self.describe(c.relation)))?;
        }
        Ok(())
    }

    /// What the region's own sums leave for `k`: for every additive indicator Y = … + X + … of
    /// the region whose value is fixed, Y minus its fixed terms, split among the free terms by
    /// their values in the adjacent year (or by what is left of their parent totals). Returns μ,
    /// the rule, and the free terms' other shares (for the guard).
    fn row_prior(&self, k: &Key) -> Option<(f64, String, f64, Vec<f64>)> {
        let (region, code, y) = k;
        let point = |kk: &Key| self.cells.get(kk).and_then(|c| self.fixed.get(&c.var).copied());
        for ((r, big, yy), cell) in &self.cells {
            if r != region || yy != y || cell.kind != Kind::Sampled {
                continue;
            }
            let Some(total) = self.fixed.get(&cell.var).copied() else { continue };
            let Ok(Derivation::Formula(e, _)) = derivation(self.cat, self.spec, self.level, big) else { continue };
            if !is_additive(e) {
                continue;
            }
            let mut terms = Vec::new();
            refs(e, 0, &mut terms);
            if !terms.iter().any(|(t, _)| t == code) {
                continue;
            }
            let mut rest = total;
            let mut free = Vec::new();
            for (t, _) in &terms {
                let kk = (region.clone(), t.clone(), *y);
                match point(&kk) {
                    Some(v) => rest -= v,
                    None => match self.narrow_mid(&kk) {
                        Some(v) if t != code => rest -= v,
                        _ => free.push(t.clone()),
                    },
                }
            }
            let adjacent = |t: &str| point(&(region.clone(), t.to_string(), y + 1)).or_else(|| point(&(region.clone(), t.to_string(), y - 1)));
            let column_left = |t: &str| {
                let &(tv, _) = self.totals.get(&(t.to_string(), *y))?;
                let iv = self.net.ivs[tv];
                if !iv.is_bounded() {
                    return None;
                }
                let fixed: f64 = self.members.iter().filter_map(|m| point(&(m.clone(), t.to_string(), *y))).sum();
                Some(iv.mid() - fixed).filter(|v| *v > 0.0)
            };
            let (weights, how): (Option<Vec<f64>>, &str) = match free.iter().map(|t| adjacent(t)).collect::<Option<Vec<f64>>>() {
                Some(w) => (Some(w), "按相邻年份构成 / in the adjacent year's proportions"),
                None => (free.iter().map(|t| column_left(t)).collect(), "按各项合计余额 / in proportion to what is left of each total"),
            };
            let weights = weights.unwrap_or_else(|| vec![1.0; free.len()]);
            let i = free.iter().position(|t| t == code)?;
            let sum: f64 = weights.iter().sum();
            let shares: Vec<f64> = weights.iter().map(|w| rest * w / sum).collect();
            let mu = shares[i];
            if mu.is_finite() && mu > 0.0 {
                let others: Vec<f64> = shares.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, v)| *v).collect();
                return Some((mu, format!("{big} 余额 {} {how} / share of what {big} leaves", format_value(round_to(rest, 2))), rest, others));
            }
        }
        None
    }

    /// The growth factor from `year − 1` to `year` to expect of `code`: the parent's, where its
    /// totals for both years are known to within 25 %, else the specification's typical growth.
    fn growth_for(&self, code: &str, year: i32, row: &SpecRow) -> f64 {
        let mid = |y: i32| {
            let &(v, _) = self.totals.get(&(code.to_string(), y))?;
            let iv = self.net.ivs[v];
            (iv.is_bounded() && iv.width() <= 0.25 * iv.mid().abs() && iv.mid() > 0.0).then(|| iv.mid())
        };
        match (mid(year), mid(year - 1)) {
            (Some(now), Some(before)) => now / before,
            _ => 1.0 + row.growth / 100.0,
        }
    }

    /// The middle of a cell's interval when the statements pin it to within 25 %.
    fn narrow_mid(&self, k: &Key) -> Option<f64> {
        let iv = self.net.ivs[self.cells.get(k)?.var];
        (iv.is_bounded() && iv.width() <= 0.25 * iv.mid().abs()).then(|| iv.mid())
    }

    /// The prior of a draw.
    fn prior(&self, k: &Key, row: &SpecRow) -> Result<Prior, String> {
        let (region, code, y) = k;
        let point = |kk: &Key| self.cells.get(kk).and_then(|c| self.fixed.get(&c.var).copied());
        let adjacent = |m: &str| point(&(m.to_string(), code.clone(), y + 1)).or_else(|| point(&(m.to_string(), code.clone(), y - 1)));
        let proxy = |m: &str| row.proxy.as_ref().and_then(|p| point(&(m.to_string(), p.clone(), *y)));
        let pname = self.cat.name(&self.parent);
        // A guard keeps what the free others would need: with a remainder R to share and the
        // others' expected shares μ_s, this value stays within [R − Σ μ_s·S, R − Σ μ_s / S]
        // (S = spread²), so that the last of them is not left with almost nothing.
        let guard = |rest: f64, others: &[f64], spread: f64| {
            let s = spread * spread;
            let need: f64 = others.iter().sum();
            if others.is_empty() {
                Iv::ALL
            } else {
                Iv::new(rest - need * s, rest - need / s)
            }
        };
        // 1. A share of the parent's remaining total (where the total is known to within 25 %),
        //    and of what the region's own sums leave (DI_VA within DE_VA = DI_VA + ID_VA); with
        //    both, their geometric mean (one step of iterative proportional fitting).
        let column = self.totals.get(&(code.clone(), *y)).and_then(|&(tv, _)| {
            let t = self.net.ivs[tv];
            if !t.is_bounded() || t.width() > 0.25 * t.mid().abs() {
                return None;
            }
            // Fixed values, and values the statements already pin down (an interval within 25 %
            // of its middle: 赣州's GDP from its documented shares), count as known.
            let mut fixed = 0.0;
            let mut free = Vec::new();
            for m in &self.members {
                let kk = (m.clone(), code.clone(), *y);
                match point(&kk) {
                    Some(v) => fixed += v,
                    None => match self.narrow_mid(&kk) {
                        Some(v) if m != region => fixed += v,
                        _ => free.push(m.clone()),
                    },
                }
            }
            let by_adjacent = free.iter().all(|m| adjacent(m).is_some());
            let by_proxy = free.iter().all(|m| proxy(m).is_some());
            let w = |m: &str| {
                if by_adjacent {
                    adjacent(m).unwrap()
                } else if by_proxy {
                    proxy(m).unwrap()
                } else {
                    1.0
                }
            };
            let total_w: f64 = free.iter().map(|m| w(m)).sum();
            let rest = t.mid() - fixed;
            let mu = rest * w(region) / total_w;
            if !(mu.is_finite() && mu > 0.0) {
                return None;
            }
            let (spread, how) = if by_adjacent {
                (row.yoy_spread, "按相邻年份值加权 / weighted by the adjacent year's value".to_string())
            } else if by_proxy {
                (row.spread, format!("按 {p} 加权 / weighted by {p}", p = row.proxy.as_deref().unwrap_or("")))
            } else {
                (row.spread, "均分 / equal shares".to_string())
            };
            let others: Vec<f64> = free.iter().filter(|m| *m != region).map(|m| rest * w(m) / total_w).collect();
            Some(Prior { mu, spread, why: format!("分配{pname} {y} 年合计余额（{how}）/ share of {pname}'s {y} total left after the known values"), guard: guard(rest, &others, spread) })
        });
        let within = self.row_prior(k).map(|(mu, why, rest, others)| Prior { mu, spread: row.spread, why, guard: guard(rest, &others, row.spread) });
        match (column, within) {
            (Some(c), Some(w)) => {
                return Ok(Prior { mu: (c.mu * w.mu).sqrt(), spread: c.spread, why: format!("{}; {}", c.why, w.why), guard: c.guard.meet(w.guard) });
            }
            (Some(c), None) => return Ok(c),
            (None, Some(w)) => return Ok(w),
            (None, None) => {}
        }
        // 2. Back-cast from the next year, or carry forward from the previous one, at the
        //    parent's growth where known, else the typical growth.
        if let Some(next) = point(&(region.clone(), code.clone(), y + 1)) {
            let g = self.growth_for(code, y + 1, row);
            let pct = format_value(round_to(100.0 * (g - 1.0), 2));
            return Ok(Prior::plain(next / g, row.yoy_spread, format!("由 {} 年值按增速 {pct}% 回推 / back-cast from {} at a growth of {pct} %", y + 1, y + 1)));
        }
        if let Some(prev) = point(&(region.clone(), code.clone(), y - 1)) {
            let g = self.growth_for(code, *y, row);
            let pct = format_value(round_to(100.0 * (g - 1.0), 2));
            return Ok(Prior::plain(prev * g, row.yoy_spread, format!("由 {} 年值按增速 {pct}% 外推 / carried forward from {} at a growth of {pct} %", y - 1, y - 1)));
        }
        // 3. The ratio to the proxy where both are known.
        if let (Some(p), Some(pv)) = (&row.proxy, proxy(region)) {
            let mut ratios: Vec<f64> = self.members.iter().filter(|m| *m != region).filter_map(|m| Some(point(&(m.clone(), code.clone(), *y))? / point(&(m.clone(), p.clone(), *y))?)).filter(|r| r.is_finite() && *r > 0.0).collect();
            ratios.sort_by(f64::total_cmp);
            if !ratios.is_empty() {
                let med = ratios[ratios.len() / 2];
                return Ok(Prior::plain(pv * med, row.spread, format!("按同级 {code}/{p} 比值中位数 {:.4} 估计 / ratio to {p} observed among the siblings ({:.4})", med, med)));
            }
        }
        if let Some(t) = row.typical {
            return Ok(Prior::plain(t, row.spread, format!("典型值 {} / typical value {}", format_value(t), format_value(t))));
        }
        let iv = self.net.ivs[self.cells[k].var];
        if iv.is_bounded() {
            return Ok(Prior::plain(iv.mid(), 1.0, "约束区间中点 / middle of the allowed interval".into()));
        }
        Err(format!("synthetic.csv:{}: {code} 没有可用的先验 / no prior for {code} (give `typical` or `proxy`)", row.line))
    }

    fn draw(&mut self, k: &Key, row: &SpecRow, rng: &mut ChaCha8Rng, seed: u64) -> Result<(), String> {
        let var = self.cells[k].var;
        let grid = row.grid();
        let iv = self.net.ivs[var];
        let fmt = |x: f64| if x.is_finite() { format_value(round_to(x, row.decimals + 2)) } else if x > 0.0 { "∞".into() } else { "−∞".into() };
        // Determined by the others (the last of a sum, a value fixed by a ratio …).
        if iv.width() <= 1e-6 * iv.lo.abs().max(1.0) {
            let v = round_to(iv.mid(), row.decimals);
            if (v - iv.mid()).abs() > 1e-6 * v.abs().max(1.0) {
                return Err(format!("{} 被确定为 {}，不在 {} 位小数的网格上 / determined off the storage grid", self.names[var], iv.mid(), row.decimals));
            }
            let snap = self.net.ivs.clone();
            if let Err(c) = self.net.set(var, Iv::point(v)) {
                let d = self.describe(c.relation);
                self.net.ivs = snap;
                return Err(d);
            }
            self.cells.get_mut(k).unwrap().rule = format!("{GENERATOR} seed={seed}: 由其他值与陈述唯一确定 / determined by the other values and the statements");
            self.fixed.insert(var, v);
            return Ok(());
        }
        let Prior { mu, spread, why, guard } = self.prior(k, row)?;
        let mut last = String::new();
        for attempt in 0..=DRAWS_PER_VALUE {
            let iv = self.net.ivs[var];
            let x = if attempt == DRAWS_PER_VALUE {
                if iv.is_bounded() {
                    iv.mid()
                } else {
                    mu.clamp(iv.lo, iv.hi)
                }
            } else {
                // Keep off the very ends of the interval: a value at the edge of what is
                // possible leaves the values drawn after it no room on the storage grid.
                let edge = if iv.is_bounded() { (2.0 * grid).max(0.02 * iv.width()).min(0.25 * iv.width()) } else { 2.0 * grid };
                let inner = Iv::new(iv.lo + if iv.lo.is_finite() { edge } else { 0.0 }, iv.hi - if iv.hi.is_finite() { edge } else { 0.0 });
                let inner = if inner.lo <= inner.hi { inner } else { Iv::point(iv.mid()) };
                let guarded = inner.meet(guard);
                let inner = if guarded.lo <= guarded.hi { guarded } else { inner };
                // Later attempts draw closer to μ (or the interval's middle).
                let f = 1.0 + (spread - 1.0) / (1 + attempt) as f64;
                let (mut a, mut b) = (mu / f, mu * f);
                if b < inner.lo {
                    (a, b) = (inner.lo, (inner.lo * f).min(inner.hi));
                } else if a > inner.hi {
                    (a, b) = ((inner.hi / f).max(inner.lo), inner.hi);
                } else {
                    (a, b) = (a.max(inner.lo), b.min(inner.hi));
                }
                let u = uniform(rng);
                if a > 0.0 && b.is_finite() {
                    (a.ln() + u * (b.ln() - a.ln())).exp()
                } else if a.is_finite() && b.is_finite() {
                    a + u * (b - a)
                } else {
                    mu
                }
            };
            let mut v = round_to(x, row.decimals);
            if v < iv.lo {
                v = round_to(v + grid, row.decimals);
            }
            if v > iv.hi {
                v = round_to(v - grid, row.decimals);
            }
            if !iv.contains(v) {
                last = format!("{} 的区间 [{}, {}] 内没有 {} 位小数的值 / no value on the storage grid inside the interval", self.names[var], iv.lo, iv.hi, row.decimals);
                continue;
            }
            let snap = self.net.ivs.clone();
            match self.net.set(var, Iv::point(v)) {
                Ok(()) => {
                    self.fixed.insert(var, v);
                    self.cells.get_mut(k).unwrap().rule = format!("{GENERATOR} seed={seed}: {why}; μ = {}, 区间 / interval [{}, {}]", fmt(mu), fmt(iv.lo), fmt(iv.hi));
                    return Ok(());
                }
                Err(c) => {
                    last = self.describe(c.relation);
                    self.net.ivs = snap;
                }
            }
        }
        Err(format!("{}: {last}", self.names[var]))
    }

    /// The stored values of the group and the implied totals.
    fn finish(self, seed: u64) -> Result<(Vec<Observation>, Vec<ImpliedTotal>), SynthError> {
        let mut value: HashMap<VarId, f64> = HashMap::new();
        for c in self.cells.values() {
            if c.kind == Kind::Sampled {
                value.insert(c.var, self.fixed[&c.var]);
            }
        }
        // Totals are the sums of the stored children (not the network's interval ends).
        let sum_totals = |value: &mut HashMap<VarId, f64>| {
            for ((code, y), &(var, _)) in &self.totals {
                let s: Option<f64> = self.members.iter().map(|m| value.get(&self.cells[&(m.clone(), code.clone(), *y)].var).copied()).sum();
                if let Some(s) = s {
                    value.insert(var, s);
                }
            }
        };
        sum_totals(&mut value);
        // Computed cells, in dependency order (a change of a share needs the share first).
        let computed: Vec<(&Key, &Cell)> = self.cells.iter().filter(|(_, c)| matches!(c.kind, Kind::Computed(..))).collect();
        let mut pending: Vec<(&Key, &Cell)> = computed;
        while !pending.is_empty() {
            let before = pending.len();
            pending.retain(|(_, c)| {
                let Kind::Computed(e, _) = &c.kind else { return false };
                match e.eval(&|v| value.get(&v).copied()) {
                    Some(x) => {
                        value.insert(c.var, x);
                        false
                    }
                    None => true,
                }
            });
            sum_totals(&mut value);
            if pending.len() == before {
                let names: Vec<String> = pending.iter().map(|(k, _)| format!("{} {} {}", k.0, k.1, k.2)).collect();
                return Err(SynthError::Infeasible { group: self.label.clone(), attempts: 1, detail: format!("无法计算 / cannot compute {}", names.join(", ")) });
            }
        }
        let mut out = Vec::new();
        for (k, c) in &self.cells {
            if !c.output {
                continue;
            }
            let row = self.spec.row(self.level, &k.1).expect("checked in build");
            let (v, rule) = match &c.kind {
                Kind::Sampled => (value[&c.var], c.rule.clone()),
                Kind::Computed(_, text) => (round_to(value[&c.var], row.decimals), format!("{GENERATOR} seed={seed}: {text}")),
                Kind::RankChange(x) => {
                    let at = |y: i32| -> Vec<(String, f64)> {
                        self.members.iter().map(|m| (m.clone(), value.get(&self.cells[&(m.clone(), x.clone(), y)].var).copied().unwrap_or(f64::NAN))).collect()
                    };
                    let (before, now) = (ranks_desc(&at(k.2 - 1)), ranks_desc(&at(k.2)));
                    (
                        before[&k.0] as f64 - now[&k.0] as f64,
                        format!("{GENERATOR} seed={seed}: 按公式计算 / computed: {x} 在{}中 {} 年名次 − {} 年名次 / rank among the siblings in {} minus rank in {}", level_zh(self.level), k.2 - 1, k.2, k.2 - 1, k.2),
                    )
                }
            };
            if let Kind::Computed(..) = c.kind {
                let iv = self.net.ivs[c.var];
                let raw = value[&c.var];
                if raw < iv.lo - 1e-6 * iv.lo.abs().max(1.0) || raw > iv.hi + 1e-6 * iv.hi.abs().max(1.0) {
                    return Err(SynthError::Infeasible { group: self.label.clone(), attempts: 1, detail: format!("{} = {raw} 超出 / outside [{}, {}]", self.names[c.var], iv.lo, iv.hi) });
                }
            }
            out.push(Observation {
                region_code: k.0.clone(),
                indicator_code: k.1.clone(),
                period: Period::Year(k.2),
                value: v,
                status: ObservationStatus::Provisional,
                source: Source { doc: SYNTHETIC_DOC.into(), quote: rule },
                synthetic: true,
            });
        }
        let implied = self
            .totals
            .iter()
            .filter(|(_, (_, doc))| doc.is_none())
            .map(|((code, y), (var, _))| ImpliedTotal { region_code: self.parent.clone(), indicator_code: code.clone(), period: y.to_string(), value: round_to(value[var], 6) })
            .collect();
        Ok((out, implied))
    }
}
