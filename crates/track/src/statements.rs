//! The documents' own statements checked against each other (issue 15), found from the data:
//!
//! - `derived`: a published derived figure (a share, a growth rate, a change, a sum — any
//!   indicator with a catalogue formula) recomputed from the other statements. An input the
//!   documents do not state is taken from what other statements imply: a level of the year
//!   before from a growth rate or an increase (`ID_VA` 2021 = 9733 − 663), a denominator from a
//!   share (`GDP` = 11874 / 37 %), a growth from a difference of growths
//!   (`yoy(GDP)` = 14.4 − 9.7). Every printed figure stands for the interval its last digit
//!   allows (37 → 36.5–37.5, 13.61 → 13.605–13.615); a figure that enters the computation more
//!   than once is varied at its two ends together (the functions here are monotone in each
//!   figure), the others through the interval evaluator `digecon_core::interval::eval_iv`, so
//!   rounding alone never makes a finding. Each contradiction is reported once, with the smallest
//!   set of statements that cannot all hold.
//! - `sum`: the cities' (counties') values of a `sum` indicator exceed their parent's value, or,
//!   when every child has one, do not add up to it.
//! - `stated_twice`: the same region × indicator × period printed twice with values whose
//!   intervals do not meet: an observation against a second statement (`data/statements_twice.csv`),
//!   a plan table's base column, or a projection table's base year (its first row).
//!   A plan goal printed a second time (`data/targets_twice.csv`: 发展目标 restating the table, an
//!   annex restating a goal) is read by the target parser like the first, and the two readings
//!   must agree (the same kind of goal and the same number). A figure for China, the world or another
//!   area (`references.csv`) printed twice — same kind, area, concept, unit and period, both plain
//!   published figures — must agree within the printed digits too.
//! - `implausible_goal`: a goal for a share or rate above 100 % (a task's text, or a target of a
//!   share indicator; a task's clause that a target holds is reported once, as the target).

use std::collections::{BTreeSet, HashMap};

use digecon_core::expr::{Expr, Func, Op};
use digecon_core::interval::{eval_iv, Iv};
use digecon_core::{format_value, Aggregation, Indicator, Located, Observation, Period, Region, Source, Task};
use digecon_dataset::{DataErrors, Table};
use serde::Serialize;

use crate::consistency::{CheckKind, Finding};
use crate::projection::ProjectionTable;
use crate::wording::{format_number, parse_target, Meaning};
use crate::Inputs;

/// One statement a finding rests on: what it is about, the value as printed, the document and
/// the phrase.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cited {
    /// `360000 ID_VA 2022`, `gz-14fyp 表 CORE_VA 2020`, `gz-2023-keypoints 任务 16`.
    pub what: String,
    pub value: String,
    pub doc: String,
    pub quote: String,
}

impl Cited {
    pub fn display(&self) -> String {
        let doc = self.doc.split('_').next().unwrap_or(&self.doc);
        format!("{} = {}（{} “{}”）", self.what, self.value, doc, self.quote)
    }
}

/// A figure a document states a second time, held beside the stored observation
/// (`data/statements_twice.csv`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatedTwice {
    pub region_code: String,
    pub indicator_code: String,
    pub period: Period,
    /// As printed (`241.0`), so that its decimals give its interval.
    pub value: String,
    pub source: Source,
    pub note: String,
}

/// The file of second statements, relative to the dataset root.
pub const TWICE_FILE: &str = "statements_twice.csv";
const TWICE_COLUMNS: &[&str] = &["region_code", "indicator_code", "period", "value", "source_doc", "source_quote", "note"];

/// Reads second statements from CSV text; every problem is reported with its line.
pub fn parse_twice(file: &str, text: &str) -> Result<Vec<StatedTwice>, DataErrors> {
    let mut errors: Vec<Located> = Vec::new();
    let Some(table) = Table::read(file, text, TWICE_COLUMNS, &[], &mut errors) else {
        return Err(DataErrors(errors));
    };
    let mut out = Vec::new();
    for row in table.rows() {
        let (Some(region_code), Some(indicator_code), Some(period)) =
            (row.code("region_code", &mut errors), row.code("indicator_code", &mut errors), row.parse::<Period>("period", &mut errors))
        else {
            continue;
        };
        let value = row.raw("value").trim().to_string();
        if printed(&value).is_none() {
            errors.push(row.error(format!("无效的数值 / invalid number `{value}`")));
            continue;
        }
        out.push(StatedTwice {
            region_code,
            indicator_code,
            period,
            value,
            source: Source { doc: row.text("source_doc"), quote: row.text("source_quote") },
            note: row.text("note"),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(DataErrors(errors))
    }
}

/// A plan goal a document prints a second time, beside the target that holds the first
/// (`data/targets_twice.csv`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalTwice {
    pub plan_id: String,
    pub region_code: String,
    pub indicator_code: String,
    pub target_year: i32,
    /// The second wording, as printed from the verb on.
    pub target_text: String,
    pub source: Source,
    pub note: String,
}

/// The file of restated goals, relative to the dataset root.
pub const GOALS_TWICE_FILE: &str = "targets_twice.csv";
const GOALS_TWICE_COLUMNS: &[&str] =
    &["plan_id", "region_code", "indicator_code", "target_year", "target_text", "source_doc", "source_quote", "note"];

/// Reads restated goals from CSV text; every problem is reported with its line.
pub fn parse_goals_twice(file: &str, text: &str) -> Result<Vec<GoalTwice>, DataErrors> {
    let mut errors: Vec<Located> = Vec::new();
    let Some(table) = Table::read(file, text, GOALS_TWICE_COLUMNS, &[], &mut errors) else {
        return Err(DataErrors(errors));
    };
    let mut out = Vec::new();
    for row in table.rows() {
        let (Some(plan_id), Some(region_code), Some(indicator_code), Some(year), Some(target_text)) = (
            row.code("plan_id", &mut errors),
            row.code("region_code", &mut errors),
            row.code("indicator_code", &mut errors),
            row.int("target_year", &mut errors),
            row.required_text("target_text", &mut errors),
        ) else {
            continue;
        };
        out.push(GoalTwice {
            plan_id,
            region_code,
            indicator_code,
            target_year: year as i32,
            target_text,
            source: Source { doc: row.text("source_doc"), quote: row.text("source_quote") },
            note: row.text("note"),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(DataErrors(errors))
    }
}

/// The restated goals of the default dataset (compiled in by digecon-dataset).
pub fn embedded_goals_twice() -> Vec<GoalTwice> {
    crate::embedded_file(GOALS_TWICE_FILE, parse_goals_twice)
}

/// The second statements of the default dataset (compiled in by digecon-dataset).
pub fn embedded_twice() -> Vec<StatedTwice> {
    crate::embedded_file(TWICE_FILE, parse_twice)
}

/// What the document checks read besides the plans' [`Inputs`] (whose `observations` should be
/// every documented value, not only those the targets read).
#[derive(Clone, Debug, Default)]
pub struct Documents {
    pub regions: Vec<Region>,
    pub twice: Vec<StatedTwice>,
    /// Plan goals printed a second time.
    pub goals_twice: Vec<GoalTwice>,
    pub tasks: Vec<Task>,
    /// Figures for China, the world and other areas (`references.csv`).
    pub references: Vec<digecon_dataset::references::ReferenceFigure>,
}

/// A printed number's value and half its last digit.
fn printed(text: &str) -> Option<(f64, f64)> {
    let t = text.trim();
    let v: f64 = t.parse().ok()?;
    if !v.is_finite() || t.contains(['e', 'E']) {
        return None;
    }
    let d = t.split_once('.').map_or(0, |(_, f)| f.len());
    Some((v, 0.5 * 10f64.powi(-(d as i32))))
}

/// How a stored value was printed: the number in its quote that equals it (`2015.10` keeps its
/// two decimals), else the value's shortest form.
fn as_printed(value: f64, quote: &str) -> String {
    let mut best: Option<String> = None;
    let mut token = String::new();
    for ch in quote.chars().chain(std::iter::once(' ')) {
        if ch.is_ascii_digit() || (ch == '.' && !token.is_empty() && !token.contains('.')) {
            token.push(ch);
            continue;
        }
        let t = token.trim_end_matches('.').to_string();
        token.clear();
        if let Ok(v) = t.parse::<f64>() {
            if (v - value.abs()).abs() <= 1e-9 * value.abs().max(1.0) && best.as_ref().is_none_or(|b| b.len() < t.len()) {
                best = Some(if value < 0.0 { format!("-{t}") } else { t });
            }
        }
    }
    best.unwrap_or_else(|| format_value(value))
}

fn iv_of(text: &str) -> Iv {
    let (v, h) = printed(text).unwrap_or((f64::NAN, 0.0));
    Iv::new(v - h, v + h)
}

fn show(iv: Iv) -> String {
    if (iv.hi - iv.lo).abs() < 1e-9 {
        format_number(iv.lo, 4)
    } else {
        format!("{}–{}", format_number(iv.lo, 4), format_number(iv.hi, 4))
    }
}

fn meets(a: Iv, b: Iv) -> bool {
    let eps = 1e-9 * a.lo.abs().max(a.hi.abs()).max(b.lo.abs()).max(b.hi.abs()).max(1.0);
    a.lo <= b.hi + eps && b.lo <= a.hi + eps
}

/// Runs the document checks (see the module documentation).
pub fn check_statements(inputs: &Inputs, tables: &[ProjectionTable], docs: &Documents) -> Vec<Finding> {
    let mut out = Vec::new();
    let stmts = Statements::new(inputs);
    derived(&stmts, &mut out);
    sums(&stmts, docs, &mut out);
    stated_twice(&stmts, inputs, tables, docs, &mut out);
    goals_twice(inputs, docs, &mut out);
    references_twice(docs, &mut out);
    implausible(inputs, docs, &mut out);
    out
}

type Key = (String, String, Period);

struct Leaf {
    key: Key,
    iv: Iv,
    cited: Cited,
}

/// The documented annual values as leaves, by key.
struct Statements<'a> {
    indicators: HashMap<&'a str, &'a Indicator>,
    leaves: Vec<Leaf>,
    by_key: HashMap<Key, usize>,
}

impl<'a> Statements<'a> {
    fn new(inputs: &'a Inputs) -> Statements<'a> {
        let indicators: HashMap<&str, &Indicator> = inputs.indicators.iter().map(|i| (i.code.as_str(), i)).collect();
        let mut obs: Vec<&Observation> = inputs.observations.iter().filter(|o| !o.synthetic).collect();
        obs.sort_by(|a, b| (&a.region_code, &a.indicator_code, a.period).cmp(&(&b.region_code, &b.indicator_code, b.period)));
        let mut leaves = Vec::new();
        let mut by_key = HashMap::new();
        for o in obs {
            let key = (o.region_code.clone(), o.indicator_code.clone(), o.period);
            if by_key.contains_key(&key) {
                continue;
            }
            let text = as_printed(o.value, &o.source.quote);
            by_key.insert(key.clone(), leaves.len());
            leaves.push(Leaf {
                iv: iv_of(&text),
                cited: Cited { what: format!("{} {} {}", key.0, key.1, key.2), value: text, doc: o.source.doc.clone(), quote: o.source.quote.clone() },
                key,
            });
        }
        Statements { indicators, leaves, by_key }
    }
}

// ---------------------------------------------------------------------------------------------
// Derived statements

/// Routes kept per value, and alternatives per sub-expression: enough to find a second route
/// without the combinations growing.
const ROUTES: usize = 6;
/// Formula inputs are followed this deep (a share's denominator's growth's …).
const DEPTH: usize = 5;

fn leaf_name(i: usize) -> String {
    format!("#{i}")
}

fn leaves_of(e: &Expr, out: &mut Vec<usize>) {
    match e {
        Expr::Indicator(c) => {
            if let Some(i) = c.strip_prefix('#').and_then(|n| n.parse().ok()) {
                out.push(i);
            }
        }
        Expr::Neg(a) => leaves_of(a, out),
        Expr::Binary(a, _, b) => {
            leaves_of(a, out);
            leaves_of(b, out);
        }
        Expr::Call(_, a) => a.iter().for_each(|x| leaves_of(x, out)),
        Expr::Number(_) | Expr::PeriodInYear => {}
    }
}

fn leaf_set(e: &Expr) -> BTreeSet<usize> {
    let mut v = Vec::new();
    leaves_of(e, &mut v);
    v.into_iter().collect()
}

fn bin(a: Expr, op: Op, b: Expr) -> Expr {
    Expr::Binary(Box::new(a), op, Box::new(b))
}

/// `100 · (now / before − 1)`.
fn growth(now: Expr, before: Expr) -> Expr {
    bin(Expr::Number(100.0), Op::Mul, bin(bin(now, Op::Div, before), Op::Sub, Expr::Number(1.0)))
}

/// `1 + g / 100`.
fn factor(g: Expr) -> Expr {
    bin(Expr::Number(1.0), Op::Add, bin(g, Op::Div, Expr::Number(100.0)))
}

/// The interval an expression over leaves gives: leaves used more than once are taken at their
/// ends together (all combinations), the others as intervals.
fn range(e: &Expr, leaves: &[Leaf]) -> Option<Iv> {
    let mut used = Vec::new();
    leaves_of(e, &mut used);
    let mut count: HashMap<usize, usize> = HashMap::new();
    for i in &used {
        *count.entry(*i).or_default() += 1;
    }
    let mut repeated: Vec<usize> = count.iter().filter(|(_, n)| **n > 1).map(|(i, _)| *i).collect();
    repeated.sort();
    repeated.truncate(10);
    let mut hull: Option<Iv> = None;
    for corner in 0..(1usize << repeated.len()) {
        let get = |c: &str, _: i32| -> Option<Iv> {
            let i: usize = c.strip_prefix('#')?.parse().ok()?;
            let iv = leaves.get(i)?.iv;
            match repeated.iter().position(|r| *r == i) {
                Some(bit) => Some(Iv::point(if corner >> bit & 1 == 1 { iv.hi } else { iv.lo })),
                None => Some(iv),
            }
        };
        let r = eval_iv(e, 0, &get)?;
        if r.lo.is_nan() || r.hi.is_nan() {
            return None;
        }
        hull = Some(match hull {
            None => r,
            Some(h) => Iv::new(h.lo.min(r.lo), h.hi.max(r.hi)),
        });
    }
    hull
}

struct Routes<'s, 'a> {
    s: &'s Statements<'a>,
    /// Values implied by other statements: key → expressions over leaves.
    implied: HashMap<Key, Vec<Expr>>,
}

impl Routes<'_, '_> {
    /// Ways to obtain the value of `key` without statement `skip`.
    fn resolve(&self, key: &Key, skip: usize, depth: usize) -> Vec<Expr> {
        let mut out = Vec::new();
        if let Some(&i) = self.s.by_key.get(key) {
            if i != skip {
                out.push(Expr::Indicator(leaf_name(i)));
            }
        }
        if let Some(routes) = self.implied.get(key) {
            out.extend(routes.iter().filter(|r| !leaf_set(r).contains(&skip)).cloned());
        }
        if depth < DEPTH && out.len() < ROUTES {
            if let Some(f) = self.s.indicators.get(key.1.as_str()).and_then(|i| i.formula.as_ref()) {
                out.extend(self.substitute(f.expr(), &key.0, key.2, skip, depth + 1));
            }
        }
        out.truncate(ROUTES);
        out
    }

    /// `e` for `region` and `year` with every indicator replaced by its routes.
    fn substitute(&self, e: &Expr, region: &str, year: Period, skip: usize, depth: usize) -> Vec<Expr> {
        let cross = |a: Vec<Expr>, b: Vec<Expr>, f: &dyn Fn(Expr, Expr) -> Expr| -> Vec<Expr> {
            let mut v = Vec::new();
            for x in &a {
                for y in &b {
                    if v.len() < ROUTES {
                        v.push(f(x.clone(), y.clone()));
                    }
                }
            }
            v
        };
        match e {
            Expr::Number(v) => vec![Expr::Number(*v)],
            Expr::PeriodInYear => vec![Expr::Number(1.0)],
            Expr::Indicator(c) => self.resolve(&(region.to_string(), c.clone(), year), skip, depth),
            Expr::Neg(a) => self.substitute(a, region, year, skip, depth).into_iter().map(|x| Expr::Neg(Box::new(x))).collect(),
            Expr::Binary(a, op, b) => {
                let op = *op;
                cross(self.substitute(a, region, year, skip, depth), self.substitute(b, region, year, skip, depth), &|x, y| bin(x, op, y))
            }
            Expr::Call(Func::Yoy, a) => {
                cross(self.substitute(&a[0], region, year, skip, depth), self.substitute(&a[0], region, year.same_period_last_year(), skip, depth), &growth)
            }
            Expr::Call(Func::Ly, a) => self.substitute(&a[0], region, year.same_period_last_year(), skip, depth),
            Expr::Call(Func::Prev, a) => self.substitute(&a[0], region, year.prev(), skip, depth),
            Expr::Call(Func::Sum, a) => {
                let mut acc = vec![Expr::Number(0.0)];
                for x in a {
                    acc = cross(acc, self.substitute(x, region, year, skip, depth), &|p, q| bin(p, Op::Add, q));
                }
                acc
            }
            Expr::Call(Func::Min | Func::Max | Func::Abs, _) => vec![],
        }
    }

    /// Whether `e` (for `year`) reads `hole`, and how often.
    fn reads(e: &Expr, region: &str, year: Period, hole: &Key) -> usize {
        match e {
            Expr::Indicator(c) => usize::from(region == hole.0 && *c == hole.1 && year == hole.2),
            Expr::Neg(a) => Self::reads(a, region, year, hole),
            Expr::Binary(a, _, b) => Self::reads(a, region, year, hole) + Self::reads(b, region, year, hole),
            Expr::Call(Func::Yoy, a) => Self::reads(&a[0], region, year, hole) + Self::reads(&a[0], region, year.same_period_last_year(), hole),
            Expr::Call(Func::Ly, a) => Self::reads(&a[0], region, year.same_period_last_year(), hole),
            Expr::Call(Func::Prev, a) => Self::reads(&a[0], region, year.prev(), hole),
            Expr::Call(_, a) => a.iter().map(|x| Self::reads(x, region, year, hole)).sum(),
            Expr::Number(_) | Expr::PeriodInYear => 0,
        }
    }

    /// Solves `e = t` for `hole` (read once by `e`): the expressions `hole` then equals.
    fn invert(&self, e: &Expr, region: &str, year: Period, t: Vec<Expr>, hole: &Key, skip: usize) -> Vec<Expr> {
        if t.is_empty() {
            return t;
        }
        let other = |x: &Expr, y: Period| self.substitute(x, region, y, skip, 1);
        let pair = |ts: &[Expr], os: Vec<Expr>, f: &dyn Fn(Expr, Expr) -> Expr| -> Vec<Expr> {
            let mut v = Vec::new();
            for a in ts {
                for b in &os {
                    if v.len() < ROUTES {
                        v.push(f(a.clone(), b.clone()));
                    }
                }
            }
            v
        };
        match e {
            Expr::Indicator(_) => t,
            Expr::Neg(a) => self.invert(a, region, year, t.into_iter().map(|x| Expr::Neg(Box::new(x))).collect(), hole, skip),
            Expr::Binary(a, op, b) => {
                let in_a = Self::reads(a, region, year, hole) > 0;
                let (inner, rest) = if in_a { (a, b) } else { (b, a) };
                let os = other(rest, year);
                let t2 = match (op, in_a) {
                    (Op::Add, _) => pair(&t, os, &|t, o| bin(t, Op::Sub, o)),
                    (Op::Sub, true) => pair(&t, os, &|t, o| bin(t, Op::Add, o)),
                    (Op::Sub, false) => pair(&t, os, &|t, o| bin(o, Op::Sub, t)),
                    (Op::Mul, _) => pair(&t, os, &|t, o| bin(t, Op::Div, o)),
                    (Op::Div, true) => pair(&t, os, &|t, o| bin(t, Op::Mul, o)),
                    (Op::Div, false) => pair(&t, os, &|t, o| bin(o, Op::Div, t)),
                };
                self.invert(inner, region, year, t2, hole, skip)
            }
            Expr::Call(Func::Ly, a) => self.invert(&a[0], region, year.same_period_last_year(), t, hole, skip),
            Expr::Call(Func::Prev, a) => self.invert(&a[0], region, year.prev(), t, hole, skip),
            Expr::Call(Func::Yoy, a) => {
                if Self::reads(&a[0], region, year.same_period_last_year(), hole) > 0 {
                    // before = now / (1 + g / 100)
                    let t2 = pair(&t, other(&a[0], year), &|g, now| bin(now, Op::Div, factor(g)));
                    self.invert(&a[0], region, year.same_period_last_year(), t2, hole, skip)
                } else {
                    let t2 = pair(&t, other(&a[0], year.same_period_last_year()), &|g, before| bin(before, Op::Mul, factor(g)));
                    self.invert(&a[0], region, year, t2, hole, skip)
                }
            }
            _ => vec![],
        }
    }

    /// Every value a derived statement implies for an input it reads once, repeated until
    /// nothing new is implied.
    fn imply(&mut self) {
        for _ in 0..4 {
            let mut added = false;
            for (i, leaf) in self.s.leaves.iter().enumerate() {
                let (region, code, year) = &leaf.key;
                let Some(f) = self.s.indicators.get(code.as_str()).and_then(|x| x.formula.as_ref()) else { continue };
                let mut holes: Vec<Key> = Vec::new();
                collect_keys(f.expr(), region, *year, &mut holes);
                holes.sort();
                holes.dedup();
                for hole in holes {
                    if Self::reads(f.expr(), region, *year, &hole) != 1 || self.s.by_key.contains_key(&hole) {
                        continue;
                    }
                    let routes = self.invert(f.expr(), region, *year, vec![Expr::Indicator(leaf_name(i))], &hole, usize::MAX);
                    let have = self.implied.entry(hole).or_default();
                    for r in routes {
                        if have.len() < ROUTES && !have.iter().any(|h| leaf_set(h) == leaf_set(&r)) {
                            have.push(r);
                            added = true;
                        }
                    }
                }
            }
            if !added {
                break;
            }
        }
    }
}

fn collect_keys(e: &Expr, region: &str, year: Period, out: &mut Vec<Key>) {
    match e {
        Expr::Indicator(c) => out.push((region.to_string(), c.clone(), year)),
        Expr::Neg(a) => collect_keys(a, region, year, out),
        Expr::Binary(a, _, b) => {
            collect_keys(a, region, year, out);
            collect_keys(b, region, year, out);
        }
        Expr::Call(Func::Yoy, a) => {
            collect_keys(&a[0], region, year, out);
            collect_keys(&a[0], region, year.same_period_last_year(), out);
        }
        Expr::Call(Func::Ly, a) => collect_keys(&a[0], region, year.same_period_last_year(), out),
        Expr::Call(Func::Prev, a) => collect_keys(&a[0], region, year.prev(), out),
        Expr::Call(_, a) => a.iter().for_each(|x| collect_keys(x, region, year, out)),
        Expr::Number(_) | Expr::PeriodInYear => {}
    }
}

fn derived(s: &Statements, out: &mut Vec<Finding>) {
    let mut routes = Routes { s, implied: HashMap::new() };
    routes.imply();
    // Every conflict: (the statements that cannot all hold, the checked one, what the others give).
    let mut conflicts: Vec<(BTreeSet<usize>, usize, Iv, String)> = Vec::new();
    for (i, leaf) in s.leaves.iter().enumerate() {
        let (region, code, year) = &leaf.key;
        let Some(f) = s.indicators.get(code.as_str()).and_then(|x| x.formula.as_ref()) else { continue };
        let mut best: Option<(BTreeSet<usize>, Iv)> = None;
        for r in routes.substitute(f.expr(), region, *year, i, 0) {
            let Some(got) = range(&r, &s.leaves) else { continue };
            if meets(got, leaf.iv) {
                continue;
            }
            let mut set = leaf_set(&r);
            set.insert(i);
            if best.as_ref().is_none_or(|(b, _)| set.len() < b.len()) {
                best = Some((set, got));
            }
        }
        if let Some((set, got)) = best {
            conflicts.push((set, i, got, f.text().to_string()));
        }
    }
    // The smallest sets first; a set that holds one already reported adds nothing.
    conflicts.sort_by(|a, b| (a.0.len(), a.1).cmp(&(b.0.len(), b.1)));
    let mut reported: Vec<BTreeSet<usize>> = Vec::new();
    for (set, i, got, formula) in conflicts {
        if reported.iter().any(|r| r.is_subset(&set)) {
            continue;
        }
        reported.push(set.clone());
        let leaf = &s.leaves[i];
        let mut statements = vec![leaf.cited.clone()];
        statements.extend(set.iter().filter(|j| **j != i).map(|j| s.leaves[*j].cited.clone()));
        let others: Vec<String> = statements[1..].iter().map(|c| format!("{} = {}", c.what, c.value)).collect();
        out.push(Finding {
            plan_id: String::new(),
            region_code: leaf.key.0.clone(),
            indicator_code: leaf.key.1.clone(),
            period: leaf.key.2.to_string(),
            check: CheckKind::Derived,
            message: format!(
                "公布值 {v}（按印刷位数 {own}）与由 {o} 按 {formula} 算得的 {got} 不符 / the published {v} ({own} given its printed digits) contradicts {got}, which {formula} gives from {o}",
                v = leaf.cited.value,
                own = show(leaf.iv),
                o = others.join("、"),
                got = show(got),
            ),
            statements,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Sums over regions

fn sums(s: &Statements, docs: &Documents, out: &mut Vec<Finding>) {
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in &docs.regions {
        if let Some(p) = &r.parent_code {
            children.entry(p.as_str()).or_default().push(r.code.as_str());
        }
    }
    for parent in &s.leaves {
        let (region, code, year) = &parent.key;
        if s.indicators.get(code.as_str()).is_none_or(|i| i.aggregation != Aggregation::Sum) {
            continue;
        }
        let Some(kids) = children.get(region.as_str()) else { continue };
        // Counties and zones are not a partition of a city: only the children of one level.
        let level_of = |c: &str| docs.regions.iter().find(|r| r.code == c).map(|r| r.level);
        let mut by_level: HashMap<String, Vec<usize>> = HashMap::new();
        for k in kids {
            if let Some(&j) = s.by_key.get(&(k.to_string(), code.clone(), *year)) {
                by_level.entry(format!("{:?}", level_of(k))).or_default().push(j);
            }
        }
        let mut levels: Vec<_> = by_level.into_iter().collect();
        levels.sort();
        for (_, have) in levels {
            let all = have.len() == kids.iter().filter(|k| level_of(k) == level_of(&s.leaves[have[0]].key.0)).count();
            if have.iter().any(|j| s.leaves[*j].iv.lo < 0.0) {
                continue;
            }
            let total = have.iter().fold(Iv::point(0.0), |acc, j| acc.add(s.leaves[*j].iv));
            let bad = if all { !meets(total, parent.iv) } else { total.lo > parent.iv.hi + 1e-9 };
            if !bad {
                continue;
            }
            let mut statements = vec![parent.cited.clone()];
            statements.extend(have.iter().map(|j| s.leaves[*j].cited.clone()));
            out.push(Finding {
                plan_id: String::new(),
                region_code: region.clone(),
                indicator_code: code.clone(),
                period: year.to_string(),
                check: CheckKind::Sum,
                message: format!(
                    "{n} 个下级地区之和 {t}{zh} {v} / the {n} subregions' values sum to {t}, {en} {v}",
                    n = have.len(),
                    t = show(total),
                    v = parent.cited.value,
                    zh = if all { " 不等于上级值" } else { " 超过上级值" },
                    en = if all { "not the total" } else { "more than the total" },
                ),
                statements,
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Figures stated twice

fn stated_twice(s: &Statements, inputs: &Inputs, tables: &[ProjectionTable], docs: &Documents, out: &mut Vec<Finding>) {
    // (key, second statement, how it is described)
    let mut seconds: Vec<(Key, Cited)> = Vec::new();
    for t in &docs.twice {
        let key = (t.region_code.clone(), t.indicator_code.clone(), t.period);
        seconds.push((key.clone(), Cited { what: format!("{} {} {}", key.0, key.1, key.2), value: t.value.clone(), doc: t.source.doc.clone(), quote: t.source.quote.clone() }));
    }
    for t in &inputs.targets {
        // A plan table's base column restates the actual of its base year (approximate and
        // bounded bases say less and are left out).
        let (Some(by), Some(_)) = (t.base_year, t.base_value) else { continue };
        let text = t.base_text.trim().trim_end_matches('%');
        if printed(text).is_none() {
            continue;
        }
        let key = (t.region_code.clone(), t.indicator_code.clone(), Period::Year(by));
        seconds.push((key.clone(), Cited { what: format!("{} 基期 {} {} {}", t.plan_id, key.0, key.1, key.2), value: text.to_string(), doc: t.source.doc.clone(), quote: t.source.quote.clone() }));
    }
    for table in tables {
        for col in &table.columns {
            // Only the first row restates an actual (the base year); the later years are the
            // projection, which an actual may well differ from.
            if let Some(cell) = col.cells.first() {
                let key = (table.region_code.clone(), col.indicator_code.clone(), Period::Year(cell.year));
                seconds.push((key.clone(), Cited { what: format!("{} {} {} {}", table.id, key.0, key.1, key.2), value: cell.value.to_string(), doc: table.source_doc.clone(), quote: cell.source_quote.clone() }));
            }
        }
    }
    let mut seen: Vec<(Key, String, String)> = Vec::new();
    for (key, second) in seconds {
        let Some(&i) = s.by_key.get(&key) else { continue };
        let first = &s.leaves[i];
        let iv = iv_of(&second.value);
        if meets(first.iv, iv) {
            continue;
        }
        // The same pair from two sources (a plan's 2023 and 2025 rows share a base) once.
        let id = (key.clone(), second.value.clone(), second.quote.clone());
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        out.push(Finding {
            plan_id: String::new(),
            region_code: key.0.clone(),
            indicator_code: key.1.clone(),
            period: key.2.to_string(),
            check: CheckKind::StatedTwice,
            message: format!(
                "同一数字两处不同：{a}（{ai}）与 {b}（{bi}），按印刷位数不能同时成立 / the same figure printed twice with values that cannot both hold given their printed digits: {a} ({ai}) and {b} ({bi})",
                a = first.cited.value,
                ai = show(first.iv),
                b = second.value,
                bi = show(iv),
            ),
            statements: vec![first.cited.clone(), second],
        });
    }
}

/// A goal's reading reduced to what two wordings must share: its kind and its numbers.
fn goal_shape(m: &Meaning) -> Option<(&'static str, f64, Option<f64>)> {
    Some(match m {
        // 达到 N, N 以上, 突破 N and N 左右 all aim at N from below: one goal, however worded.
        Meaning::Reach(x) | Meaning::AtLeast(x) | Meaning::Above(x) | Meaning::About(x) => ("reach", *x, None),
        Meaning::AtMost(x) | Meaning::Below(x) => ("at_most", *x, None),
        Meaning::Between(a, b) => ("between", *a, Some(*b)),
        Meaning::Increase { min, max } => ("increase", *min, *max),
        _ => return None,
    })
}

fn goals_twice(inputs: &Inputs, docs: &Documents, out: &mut Vec<Finding>) {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    for g in &docs.goals_twice {
        let Some(t) = inputs.targets.iter().find(|t| {
            t.plan_id == g.plan_id && t.region_code == g.region_code && t.indicator_code == g.indicator_code && t.target_year == g.target_year
        }) else {
            continue;
        };
        let Some(ind) = inputs.indicators.iter().find(|i| i.code == t.indicator_code) else { continue };
        let (Ok(first), Ok(second)) = (parse_target(&t.target_text, ind), parse_target(&g.target_text, ind)) else { continue };
        let (Some(a), Some(b)) = (goal_shape(&first.meaning), goal_shape(&second.meaning)) else { continue };
        let agree = a.0 == b.0 && close(a.1, b.1) && match (a.2, b.2) {
            (Some(x), Some(y)) => close(x, y),
            (None, None) => true,
            _ => false,
        };
        if agree {
            continue;
        }
        out.push(Finding {
            plan_id: t.plan_id.clone(),
            region_code: t.region_code.clone(),
            indicator_code: t.indicator_code.clone(),
            period: t.target_year.to_string(),
            check: CheckKind::StatedTwice,
            message: format!(
                "同一目标两处不同：“{a}”与“{b}” / the same goal printed twice with different readings: “{a}” and “{b}”",
                a = t.target_text,
                b = g.target_text,
            ),
            statements: vec![
                Cited { what: format!("{} 目标 {} {} {}", t.plan_id, t.region_code, t.indicator_code, t.target_year), value: t.target_text.clone(), doc: t.source.doc.clone(), quote: t.source.quote.clone() },
                Cited { what: format!("{} 目标（再述）{} {} {}", g.plan_id, g.region_code, g.indicator_code, g.target_year), value: g.target_text.clone(), doc: g.source.doc.clone(), quote: g.source.quote.clone() },
            ],
        });
    }
}

fn references_twice(docs: &Documents, out: &mut Vec<Finding>) {
    use digecon_dataset::references::{FigureRelation, FigureStatus};
    let plain: Vec<_> =
        docs.references.iter().filter(|f| f.relation == FigureRelation::Exact && f.status == FigureStatus::Final).collect();
    let concept = |f: &digecon_dataset::references::ReferenceFigure| f.indicator_code.clone().unwrap_or_else(|| f.name_zh.clone());
    for (i, a) in plain.iter().enumerate() {
        for b in &plain[i + 1..] {
            if (a.reference, &a.scope_zh, concept(a), &a.unit, a.period) != (b.reference, &b.scope_zh, concept(b), &b.unit, b.period) {
                continue;
            }
            let (pa, pb) = (as_printed(a.value, &a.source.quote), as_printed(b.value, &b.source.quote));
            let (ia, ib) = (iv_of(&pa), iv_of(&pb));
            if meets(ia, ib) {
                continue;
            }
            let what = format!("{} {} {}", a.scope_zh, concept(a), a.period);
            out.push(Finding {
                plan_id: String::new(),
                region_code: a.scope_zh.clone(),
                indicator_code: concept(a),
                period: a.period.to_string(),
                check: CheckKind::StatedTwice,
                message: format!(
                    "同一数字两处不同：{pa}（{ai}）与 {pb}（{bi}）/ the same figure printed twice with values that cannot both hold given their printed digits: {pa} ({ai}) and {pb} ({bi})",
                    ai = show(ia),
                    bi = show(ib),
                ),
                statements: vec![
                    Cited { what: what.clone(), value: pa, doc: a.source.doc.clone(), quote: a.source.quote.clone() },
                    Cited { what, value: pb, doc: b.source.doc.clone(), quote: b.source.quote.clone() },
                ],
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Implausible goals

/// Words of a share or rate: a value above 100 % is impossible.
const SHARE_WORDS: &[&str] = &["覆盖率", "普及率", "比重", "占比", "比例", "渗透率", "接通率", "支持率", "数字化率", "数控化率", "办理率", "满意度"];
/// Words of a change (growth can exceed 100 %).
const CHANGE_WORDS: &[&str] = &["增长", "增速", "增幅", "提高", "提升", "倍"];

fn is_share_words(text: &str) -> bool {
    SHARE_WORDS.iter().any(|w| text.contains(w)) && !CHANGE_WORDS.iter().any(|w| text.contains(w))
}

fn implausible(inputs: &Inputs, docs: &Documents, out: &mut Vec<Finding>) {
    // Task texts: every "N%" above 100 in a clause about a share or rate.
    for task in &docs.tasks {
        let plan = inputs.plans.iter().find(|p| p.id == task.plan_id);
        let region = plan.map(|p| p.region_code.clone()).unwrap_or_default();
        // A task is due by the end of its plan.
        let period = plan.map(|p| p.end_year.to_string()).unwrap_or_default();
        for clause in task.text.split(['，', '。', '；', ',', ';']) {
            let compact: String = clause.chars().filter(|c| !c.is_whitespace()).collect();
            // A goal a target holds is checked as that target (below), not twice.
            let held = inputs.targets.iter().any(|t| {
                t.plan_id == task.plan_id && {
                    let q: String = t.source.quote.chars().filter(|c| !c.is_whitespace()).collect();
                    !q.is_empty() && (q.contains(&compact) || compact.contains(&q))
                }
            });
            if held {
                continue;
            }
            let mut num = String::new();
            for ch in compact.chars() {
                if ch.is_ascii_digit() || (ch == '.' && !num.is_empty()) {
                    num.push(ch);
                    continue;
                }
                if (ch == '%' || ch == '％') && num.parse::<f64>().is_ok_and(|v| v > 100.0) && is_share_words(&compact) {
                    out.push(Finding {
                        plan_id: task.plan_id.clone(),
                        region_code: region.clone(),
                        indicator_code: String::new(),
                        period: period.clone(),
                        check: CheckKind::ImplausibleGoal,
                        message: format!(
                            "任务 {n} 的目标“{c}”：比率或覆盖率不能超过 100% / task {n}'s goal “{c}”: a share or rate cannot exceed 100 %",
                            n = task.number,
                            c = compact,
                        ),
                        statements: vec![Cited { what: format!("{} 任务 {}", task.plan_id, task.number), value: format!("{num}%"), doc: task.source_doc.clone(), quote: clause.trim().to_string() }],
                    });
                }
                num.clear();
            }
        }
    }
    // Targets of share indicators.
    for t in &inputs.targets {
        let Some(ind) = inputs.indicators.iter().find(|i| i.code == t.indicator_code) else { continue };
        let growth = ind.formula.as_ref().is_some_and(|f| f.text().contains("yoy(") || f.text().contains("ly("));
        if ind.unit != "%" || growth || !is_share_words(&ind.name_zh) {
            continue;
        }
        let Ok(p) = parse_target(&t.target_text, ind) else { continue };
        let goal = match p.meaning {
            Meaning::Reach(x) | Meaning::About(x) | Meaning::AtLeast(x) | Meaning::Above(x) => x,
            Meaning::Between(_, b) => b,
            _ => continue,
        };
        if goal > 100.0 {
            out.push(Finding {
                plan_id: t.plan_id.clone(),
                region_code: t.region_code.clone(),
                indicator_code: t.indicator_code.clone(),
                period: t.target_year.to_string(),
                check: CheckKind::ImplausibleGoal,
                message: format!("目标 {} 超过 100%，而该指标是比重 / the target {} exceeds 100 % for a share", t.target_text, t.target_text),
                statements: vec![Cited { what: format!("{} 目标 {} {} {}", t.plan_id, t.region_code, t.indicator_code, t.target_year), value: t.target_text.clone(), doc: t.source.doc.clone(), quote: t.source.quote.clone() }],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_values_keep_their_digits() {
        assert_eq!(as_printed(2015.1, "实现营业收入2015.10亿元"), "2015.10");
        assert_eq!(as_printed(241.0, "2020 241.0 年均增速"), "241.0");
        assert_eq!(as_printed(-4.29, "-4.29"), "-4.29");
        assert_eq!(as_printed(37.0, "比重提升至37%"), "37");
        assert_eq!(printed("241.0"), Some((241.0, 0.05)));
    }
}
