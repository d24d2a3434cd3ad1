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

use digecon_core::expr::{Expr, Func, Op};
use digecon_core::{
    format_value, Aggregation, Constraint, Indicator, Observation, ObservationStatus, Period, Region, RegionLevel, Relation, Source,
};
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::interval::Iv;
use crate::network::{Ex, Network, Rel, VarId};
use crate::spec::{Derive, Spec, SpecRow};

mod build;
mod draw;

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
        Expr::Number(_) | Expr::PeriodInYear => {}
        Expr::Indicator(c) => out.push((c.clone(), offset)),
        Expr::Neg(a) => refs(a, offset, out),
        Expr::Binary(a, _, b) => {
            refs(a, offset, out);
            refs(b, offset, out);
        }
        Expr::Call(f, args) => {
            for a in args {
                match f {
                    Func::Yoy => {
                        refs(a, offset, out);
                        refs(a, offset - 1, out);
                    }
                    Func::Ly | Func::Prev => refs(a, offset - 1, out),
                    Func::Sum | Func::Min | Func::Max | Func::Abs => refs(a, offset, out),
                }
            }
        }
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
            let (now, before) = (compile(&a[0], year, resolve)?, compile(&a[0], year - 1, resolve)?);
            Ex::mul(Ex::Const(100.0), Ex::sub(Ex::div(now, before), Ex::Const(1.0)))
        }
        Expr::Call(Func::Ly | Func::Prev, a) => compile(&a[0], year - 1, resolve)?,
        Expr::Call(Func::Sum, a) => {
            let mut terms = a.iter().map(|x| compile(x, year, resolve));
            let first = terms.next()??;
            terms.try_fold(first, |acc, t| Some(Ex::add(acc, t?)))?
        }
        // Not in any catalogue formula the generator draws: such an indicator is left to the checker.
        Expr::PeriodInYear | Expr::Call(Func::Min | Func::Max | Func::Abs, _) => return None,
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
