//! The checker: proves, on the stored values alone, that a synthetic dataset keeps every
//! documented statement true. It shares no code with the generator's network, so a bug in the
//! generator cannot hide itself.
//!
//! What it checks (each a [`Check`] with the values it compared):
//!
//! - **unchanged**: no synthetic value has the key of a documented one;
//! - **flagged**: every synthetic value says so (`synthetic`, `source_doc = "synthetic"`, a
//!   quote naming the generator and the seed);
//! - **bound** and **rank**: every row of `constraints.csv` with a value — the region's own
//!   value, or for a parent without one, the sum of its children (`sum` indicators); ranks among
//!   the siblings (same parent, same level; 1 = highest, ties share the best place);
//! - **sum**: children of a generated level add up to their parent's value (documented or
//!   generated) for every `sum` indicator, to the cent;
//! - **formula**: every value of a derived indicator (catalogue formula, share of the parent,
//!   rank change) agrees with its inputs — a generated value to its stored decimals, a documented
//!   one to the digits it was printed with;
//! - **statement**: every documented derived value of a parent that is not itself generated (the
//!   province: 增速 14.4 %, 占比 37 % …) agrees with the totals its children imply;
//! - **excluded**: the statements left out on purpose, with the value the data imply.
//!
//! Anything it cannot evaluate (a constraint for 2020, a province figure with no children
//! generated) is listed as **out of scope** with the reason.

use std::collections::{BTreeMap, HashMap};

use digecon_core::expr::{Expr, Op};
use digecon_core::{format_value, Aggregation, Observation, Period, RegionLevel, Relation};
use serde::Serialize;

use crate::interval::{eval_iv, Iv};
use crate::generate::{half_unit, ranks_desc, Catalog, Inputs, GENERATOR, SYNTHETIC_DOC};
use crate::spec::{Derive, Spec};

/// What kind of statement a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    Unchanged,
    Flagged,
    Bound,
    Rank,
    Sum,
    Formula,
    Statement,
    Excluded,
    OutOfScope,
}

impl CheckKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            CheckKind::Unchanged => "unchanged",
            CheckKind::Flagged => "flagged",
            CheckKind::Bound => "bound",
            CheckKind::Rank => "rank",
            CheckKind::Sum => "sum",
            CheckKind::Formula => "formula",
            CheckKind::Statement => "statement",
            CheckKind::Excluded => "excluded",
            CheckKind::OutOfScope => "out_of_scope",
        }
    }
}

/// One check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub kind: CheckKind,
    /// `region indicator period` (or what else the check is about).
    pub subject: String,
    /// `false` only for a violated statement (excluded and out-of-scope items are `true`).
    pub ok: bool,
    pub detail: String,
}

/// Every check made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    pub checks: Vec<Check>,
}

impl CheckReport {
    pub fn violations(&self) -> Vec<&Check> {
        self.checks.iter().filter(|c| !c.ok).collect()
    }

    pub fn is_ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    pub fn count(&self, kind: CheckKind) -> usize {
        self.checks.iter().filter(|c| c.kind == kind).count()
    }

    /// Counts by kind, in kind order.
    pub fn summary(&self) -> BTreeMap<CheckKind, (usize, usize)> {
        let mut m: BTreeMap<CheckKind, (usize, usize)> = BTreeMap::new();
        for c in &self.checks {
            let e = m.entry(c.kind).or_default();
            e.0 += 1;
            if !c.ok {
                e.1 += 1;
            }
        }
        m
    }
}

type Key = (String, String, i32);

fn is_sum(e: &Expr) -> bool {
    match e {
        Expr::Indicator(_) => true,
        Expr::Binary(a, Op::Add, b) => is_sum(a) && is_sum(b),
        _ => false,
    }
}

/// Evaluates a catalogue formula for `year`, reading values through `get(code, year)`.
fn eval(e: &Expr, year: i32, get: &dyn Fn(&str, i32) -> Option<f64>) -> Option<f64> {
    e.eval_with(Period::Year(year), &mut |c, p| get(c, p.year())).ok()
}

struct Ctx<'c, 'a> {
    cat: &'c Catalog<'a>,
    spec: &'a Spec,
    values: HashMap<Key, f64>,
    synthetic: HashMap<Key, &'a Observation>,
    levels: Vec<RegionLevel>,
}

impl Ctx<'_, '_> {
    fn siblings(&self, region: &str) -> Vec<String> {
        let Some(r) = self.cat.regions.get(region) else { return vec![] };
        self.cat.regions.values().filter(|s| s.level == r.level && s.parent_code == r.parent_code).map(|s| s.code.clone()).collect()
    }

    /// Children at a generated level.
    fn children(&self, parent: &str) -> Vec<String> {
        for &l in &self.levels {
            let c = self.cat.children(parent, l);
            if !c.is_empty() {
                return c;
            }
        }
        vec![]
    }

    fn value(&self, region: &str, code: &str, year: i32) -> Option<f64> {
        self.values.get(&(region.to_string(), code.to_string(), year)).copied()
    }

    /// The region's value, or for a `sum` indicator without one, the sum of its generated
    /// children (when all have a value). Excluded documented values are not used.
    fn total(&self, region: &str, code: &str, year: i32) -> Option<(f64, bool)> {
        if self.spec.excluded(region, code, Period::Year(year)).is_none() {
            if let Some(v) = self.value(region, code, year) {
                return Some((v, false));
            }
        }
        if self.cat.indicators.get(code)?.aggregation != Aggregation::Sum {
            return None;
        }
        let kids = self.children(region);
        if kids.is_empty() {
            return None;
        }
        let s: Option<f64> = kids.iter().map(|k| self.value(k, code, year)).sum();
        s.map(|s| (s, true))
    }

    /// The value a parent's derived indicator takes from the totals: sums from the children,
    /// derived inputs from their own formulas.
    fn derived_at_parent(&self, region: &str, code: &str, year: i32, depth: usize) -> Option<f64> {
        if depth > 8 {
            return None;
        }
        let ind = self.cat.indicators.get(code)?;
        if ind.aggregation == Aggregation::Sum {
            if let Some((v, _)) = self.total(region, code, year) {
                return Some(v);
            }
        }
        let f = ind.formula.as_ref()?;
        eval(f.expr(), year, &|c, y| self.derived_at_parent(region, c, y, depth + 1))
    }

    /// A stored value as the interval it stands for: exact for drawn and documented levels
    /// (indicators without a formula, or sums), ± its rounding for a ratio, growth or change.
    fn as_interval(&self, key: &Key) -> Option<Iv> {
        let v = *self.values.get(key)?;
        let exact = match self.cat.indicators.get(key.1.as_str()).and_then(|i| i.formula.as_ref()) {
            None => !self.cat.regions.get(key.0.as_str()).is_some_and(|r| {
                self.spec.row(r.level, &key.1).is_some_and(|row| row.derive != Derive::None)
            }),
            Some(f) => is_sum(f.expr()),
        };
        let h = if exact { 0.0 } else { self.decimals_of(key) };
        Some(Iv::new(v - h, v + h))
    }

    fn decimals_of(&self, key: &Key) -> f64 {
        // A generated value is stored to its row's decimals; a documented one as printed.
        match self.synthetic.get(key) {
            Some(_) => {
                let level = self.cat.regions.get(key.0.as_str()).map(|r| r.level);
                let d = level.and_then(|l| self.spec.row(l, &key.1)).map_or(2, |r| r.decimals);
                0.5 * 10f64.powi(-(d as i32))
            }
            None => half_unit(self.values[key]),
        }
    }
}

fn subject(cat: &Catalog<'_>, region: &str, code: &str, year: i32) -> String {
    format!("{} {region} {code} {year}", cat.name(region))
}

/// Checks `synthetic` against the documents in `inputs` (whose own synthetic values are
/// ignored).
pub fn check(inputs: &Inputs<'_>, spec: &Spec, synthetic: &[Observation]) -> CheckReport {
    let cat = Catalog::new(inputs);
    let mut checks = Vec::new();
    let mut values: HashMap<Key, f64> = cat.documented.clone();
    let mut syn: HashMap<Key, &Observation> = HashMap::new();
    for o in synthetic {
        let Period::Year(y) = o.period else {
            checks.push(Check { kind: CheckKind::Flagged, subject: format!("{} {} {}", o.region_code, o.indicator_code, o.period), ok: false, detail: "只生成年度值 / only annual values are generated".into() });
            continue;
        };
        let k = (o.region_code.clone(), o.indicator_code.clone(), y);
        let s = subject(&cat, &k.0, &k.1, y);
        if let Some(doc) = cat.documented.get(&k) {
            checks.push(Check { kind: CheckKind::Unchanged, subject: s.clone(), ok: false, detail: format!("文件值 / documented {} 被合成值 / replaced by synthetic {}", format_value(*doc), format_value(o.value)) });
        }
        let flagged = o.synthetic && o.source.doc == SYNTHETIC_DOC && o.source.quote.starts_with(GENERATOR) && o.source.quote.contains("seed=");
        if !flagged {
            checks.push(Check { kind: CheckKind::Flagged, subject: s, ok: false, detail: format!("未标记为合成 / not flagged: synthetic={}, source_doc=`{}`", o.synthetic, o.source.doc) });
        }
        values.insert(k.clone(), o.value);
        syn.insert(k, o);
    }
    if checks.is_empty() {
        checks.push(Check {
            kind: CheckKind::Unchanged,
            subject: format!("{} 个合成值 / synthetic values", synthetic.len()),
            ok: true,
            detail: format!("没有替换任何文件值（共 {} 个）/ none replaces any of the {} documented values", cat.documented.len(), cat.documented.len()),
        });
        checks.push(Check { kind: CheckKind::Flagged, subject: format!("{} 个合成值 / synthetic values", synthetic.len()), ok: true, detail: "全部标记为合成并注明生成器与种子 / all flagged, with generator and seed".into() });
    }
    let ctx = Ctx { cat: &cat, spec, values, synthetic: syn, levels: spec.levels() };

    // Bounds and ranks.
    for c in inputs.constraints {
        let Period::Year(y) = c.period else {
            checks.push(Check { kind: CheckKind::OutOfScope, subject: format!("{} {} {}", c.region_code, c.indicator_code, c.period), ok: true, detail: "非年度 / not annual".into() });
            continue;
        };
        let s = format!("{} {} {} {}", subject(&cat, &c.region_code, &c.indicator_code, y), c.relation, format_value(c.value), c.source.doc);
        if c.relation == Relation::Rank {
            let sibs = ctx.siblings(&c.region_code);
            let vals: Option<Vec<(String, f64)>> = sibs.iter().map(|r| ctx.value(r, &c.indicator_code, y).map(|v| (r.clone(), v))).collect();
            match vals {
                Some(vals) if !vals.is_empty() => {
                    let rank = ranks_desc(&vals)[&c.region_code];
                    checks.push(Check { kind: CheckKind::Rank, subject: s, ok: rank == c.value as usize, detail: format!("名次 / rank {rank} of {} (value {})", vals.len(), format_value(ctx.value(&c.region_code, &c.indicator_code, y).unwrap())) });
                }
                _ => {
                    let have = sibs.iter().filter(|r| ctx.value(r, &c.indicator_code, y).is_some()).count();
                    checks.push(Check { kind: CheckKind::OutOfScope, subject: s, ok: true, detail: format!("同级地区只有 {have}/{} 个有值 / only {have} of {} siblings have a value (not generated)", sibs.len(), sibs.len()) });
                }
            }
            continue;
        }
        match ctx.total(&c.region_code, &c.indicator_code, y) {
            Some((v, implied)) => {
                let ok = c.holds_for(v).unwrap_or(false);
                let how = if implied { "下级合计 / sum of the children" } else { "值 / value" };
                checks.push(Check { kind: CheckKind::Bound, subject: s, ok, detail: format!("{how} {}", format_value(v)) });
            }
            None => checks.push(Check { kind: CheckKind::OutOfScope, subject: s, ok: true, detail: "没有值，也没有生成下级 / no value and no generated children".into() }),
        }
    }

    // Sums of the generated levels.
    let mut sum_keys: BTreeMap<(String, String, i32), ()> = BTreeMap::new();
    for (k, _) in ctx.synthetic.iter() {
        let Some(r) = cat.regions.get(k.0.as_str()) else { continue };
        if cat.indicators.get(k.1.as_str()).is_some_and(|i| i.aggregation == Aggregation::Sum) {
            if let Some(p) = &r.parent_code {
                sum_keys.insert((p.clone(), k.1.clone(), k.2), ());
            }
        }
    }
    for (p, code, y) in sum_keys.into_keys() {
        let kids = ctx.children(&p);
        let s = subject(&cat, &p, &code, y);
        let got: Option<f64> = kids.iter().map(|k| ctx.value(k, &code, y)).sum();
        let Some(sum) = got else {
            let missing: Vec<&String> = kids.iter().filter(|k| ctx.value(k, &code, y).is_none()).collect();
            checks.push(Check { kind: CheckKind::Sum, subject: s, ok: false, detail: format!("下级缺值 / children without a value: {missing:?}") });
            continue;
        };
        match ctx.value(&p, &code, y) {
            Some(v) if spec.excluded(&p, &code, Period::Year(y)).is_none() => {
                let ok = (sum - v).abs() <= 0.005 + 1e-9 * v.abs();
                checks.push(Check { kind: CheckKind::Sum, subject: s, ok, detail: format!("下级合计 / children sum to {} = {}", format_value((sum * 100.0).round() / 100.0), format_value(v)) });
            }
            Some(v) => checks.push(Check {
                kind: CheckKind::Excluded,
                subject: s,
                ok: true,
                detail: format!("文件值 / documented {} 未作为合计约束，下级合计 / not enforced as a total; the children sum to {}", format_value(v), format_value((sum * 100.0).round() / 100.0)),
            }),
            None => {}
        }
    }

    // Formulas of the generated levels' values (and of documented values that read generated ones).
    let generated_levels = &ctx.levels;
    let mut cells: Vec<&Key> = ctx.values.keys().filter(|k| cat.regions.get(k.0.as_str()).is_some_and(|r| generated_levels.contains(&r.level))).collect();
    cells.sort();
    for k in cells {
        let (region, code, y) = (&k.0, &k.1, k.2);
        let Some(ind) = cat.indicators.get(code.as_str()) else { continue };
        let level = cat.regions[region.as_str()].level;
        let derive = spec.row(level, code).map(|r| r.derive.clone()).unwrap_or(Derive::None);
        let (computed, uses_synthetic, what) = if let Some(f) = &ind.formula {
            let touched = std::cell::Cell::new(false);
            let v = eval_iv(f.expr(), y, &|c, yy| {
                let key = (region.clone(), c.to_string(), yy);
                if ctx.synthetic.contains_key(&key) {
                    touched.set(true);
                }
                ctx.as_interval(&key)
            });
            (v, touched.get(), f.text().to_string())
        } else {
            match &derive {
                Derive::ParentShare(x) => {
                    let parent = cat.regions[region.as_str()].parent_code.clone().unwrap_or_default();
                    let own = ctx.value(region, x, y);
                    let total = ctx.total(&parent, x, y);
                    let touched = ctx.synthetic.contains_key(&(region.clone(), x.clone(), y)) || total.is_some_and(|t| t.1);
                    (own.zip(total).filter(|(_, t)| t.0 != 0.0).map(|(o, t)| Iv::point(100.0 * o / t.0)), touched, format!("{x} / parent {x} * 100"))
                }
                Derive::RankChange(x) => {
                    let sibs = ctx.siblings(region);
                    let at = |yy: i32| -> Option<Vec<(String, f64)>> { sibs.iter().map(|s| ctx.value(s, x, yy).map(|v| (s.clone(), v))).collect() };
                    let touched = sibs.iter().any(|s| ctx.synthetic.contains_key(&(s.clone(), x.clone(), y)) || ctx.synthetic.contains_key(&(s.clone(), x.clone(), y - 1)));
                    let v = at(y - 1).zip(at(y)).map(|(b, n)| Iv::point(ranks_desc(&b)[region] as f64 - ranks_desc(&n)[region] as f64));
                    (v, touched, format!("rank of {x} in {} − rank in {y}", y - 1))
                }
                Derive::None => continue,
            }
        };
        let is_syn = ctx.synthetic.contains_key(k);
        if !is_syn && !uses_synthetic {
            continue; // documents only: not ours to judge
        }
        let stored = ctx.values[k];
        let s = subject(&cat, region, code, y);
        let Some(computed) = computed else {
            if is_syn {
                checks.push(Check { kind: CheckKind::Formula, subject: s, ok: false, detail: format!("无法由输入计算 / cannot be computed from its inputs: {what}") });
            }
            continue;
        };
        // The stored value, ± its own rounding, must meet what its inputs (± theirs) give.
        let own = ctx.decimals_of(k) + 1e-9 * stored.abs().max(1.0);
        let ok = computed.lo <= stored + own && stored - own <= computed.hi;
        let shown = if computed.width() == 0.0 {
            format_value((computed.lo * 1e6).round() / 1e6)
        } else {
            format!("[{}, {}]", format_value((computed.lo * 1e6).round() / 1e6), format_value((computed.hi * 1e6).round() / 1e6))
        };
        let detail = format!("{what} = {shown} ; 存储 / stored {}{}", format_value(stored), if is_syn { "" } else { "（文件 / documented）" });
        if !is_syn && spec.excluded(region, code, Period::Year(y)).is_some() {
            checks.push(Check { kind: CheckKind::Excluded, subject: s, ok: true, detail });
        } else {
            checks.push(Check { kind: CheckKind::Formula, subject: s, ok, detail });
        }
    }

    // Documented derived values of parents that are not generated themselves (the province).
    let mut parent_statements: Vec<&Key> = cat
        .documented
        .keys()
        .filter(|k| cat.regions.get(k.0.as_str()).is_some_and(|r| !generated_levels.contains(&r.level)) && !ctx.children(&k.0).is_empty())
        .filter(|k| cat.indicators.get(k.1.as_str()).is_some_and(|i| i.formula.is_some()))
        .collect();
    parent_statements.sort();
    for k in parent_statements {
        let (region, code, y) = (&k.0, &k.1, k.2);
        let f = cat.indicators[code.as_str()].formula.as_ref().unwrap();
        let stored = cat.documented[k];
        let s = subject(&cat, region, code, y);
        // Only statements that read something the children imply.
        let reads_implied = std::cell::Cell::new(false);
        let computed = eval(f.expr(), y, &|c, yy| {
            if ctx.value(region, c, yy).is_none() || spec.excluded(region, c, Period::Year(yy)).is_some() {
                reads_implied.set(true);
            }
            ctx.derived_at_parent(region, c, yy, 0)
        });
        let reads_implied = reads_implied.get();
        let excluded = spec.excluded(region, code, Period::Year(y));
        match computed {
            Some(v) if reads_implied => {
                let detail = format!("{} = {} ; 文件 / documented {}", f.text(), format_value((v * 1e6).round() / 1e6), format_value(stored));
                if let Some(e) = excluded {
                    checks.push(Check { kind: CheckKind::Excluded, subject: s, ok: true, detail: format!("{detail} — {}", e.reason) });
                } else {
                    checks.push(Check { kind: CheckKind::Statement, subject: s, ok: (v - stored).abs() <= half_unit(stored) + 1e-9, detail });
                }
            }
            _ => {}
        }
    }
    for e in &spec.exclusions {
        let listed = checks.iter().any(|c| c.kind == CheckKind::Excluded && c.subject.contains(&format!(" {} {} {}", e.region_code, e.indicator_code, e.period)));
        if !listed {
            checks.push(Check { kind: CheckKind::Excluded, subject: format!("{} {} {} {}", cat.name(&e.region_code), e.region_code, e.indicator_code, e.period), ok: true, detail: e.reason.clone() });
        }
    }
    CheckReport { checks }
}
