//! Plan consistency checks, found from the data (no list of known cases):
//!
//! - `stated_growth`: a target's stated 年均增长 does not connect its base to its target. The target
//!   (a point, a band for 左右, a floor for 以上 / `>`) gives an interval of implied compound rates;
//!   the stated rate (a band for 左右 or `16%-17%`) widened by `Rules::growth_tolerance_pp` (the
//!   documents print integer rates) must overlap it. A bound base (`>3000`) is taken at its number.
//! - `projection_growth_band`: a projection table's year-on-year growth leaves the table's stated
//!   band. Growth is computed as an interval from the printed digits (a printed `432.7` stands for
//!   432.65–432.75), so rounding alone never triggers it.
//! - `projection_column`: a projection column that a single stated rate or a formula over other
//!   columns should give (`GDP` at 7.5 %, the share `CORE_VA / GDP * 100`) differs from the print.
//! - `projection_vs_target`: a plan's target differs from its own projection table for that year by
//!   more than `Rules::projection_tolerance` (or a bound target is not met by the projection).
//! - `growth_vs_level`: a growth-rate target (`yoy(X)`) contradicts the level target of `X` in the
//!   same plan, region and year, whose base is the year before. A growth rate written `16左右` is
//!   the printed rate ± `Rules::growth_tolerance_pp` (its rounding), not ± 5 % of it: `左右` on a
//!   rate says the rate is rounded, and a band of ±0.8 pp on top of the rounding would let a
//!   15.06 % level path pass as "16 % 左右".
//! - `below_base`: a level target on the wrong side of its own base (below it for a higher-is-better
//!   indicator). Growth-rate targets are exempt: a lower growth target is a slower rise, not a fall.

use digecon_core::{format_value, Polarity, Target};
use serde::Serialize;

use crate::projection::{self, Decimal, ProjectionTable};
use crate::statements::{check_statements, Cited, Documents};
use crate::wording::{self, format_number, Base, Basis, Meaning, ParsedTarget};
use crate::{parse_all, Inputs, Rules, TrackError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum CheckKind {
    StatedGrowth,
    ProjectionGrowthBand,
    ProjectionColumn,
    ProjectionVsTarget,
    GrowthVsLevel,
    BelowBase,
    /// A published derived figure that its parts contradict (`statements`).
    Derived,
    /// Subregions' values that exceed (or do not add up to) their parent's.
    Sum,
    /// The same figure printed twice with different values.
    StatedTwice,
    /// A goal for a share or rate above 100 %.
    ImplausibleGoal,
}

impl CheckKind {
    pub fn code(&self) -> &'static str {
        match self {
            CheckKind::StatedGrowth => "stated_growth",
            CheckKind::ProjectionGrowthBand => "projection_growth_band",
            CheckKind::ProjectionColumn => "projection_column",
            CheckKind::ProjectionVsTarget => "projection_vs_target",
            CheckKind::GrowthVsLevel => "growth_vs_level",
            CheckKind::BelowBase => "below_base",
            CheckKind::Derived => "derived",
            CheckKind::Sum => "sum",
            CheckKind::StatedTwice => "stated_twice",
            CheckKind::ImplausibleGoal => "implausible_goal",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub plan_id: String,
    pub region_code: String,
    pub indicator_code: String,
    /// The year the finding is about (a target's year, a statement's period); empty if none.
    pub period: String,
    pub check: CheckKind,
    /// zh / en, with the numbers.
    pub message: String,
    /// The statements that contradict each other, each with its document and phrase.
    pub statements: Vec<Cited>,
}

/// A target as a statement.
pub(crate) fn cite_target(t: &Target) -> Cited {
    Cited {
        what: format!("{} 目标 {} {} {}", t.plan_id, t.region_code, t.indicator_code, t.target_year),
        value: t.target_text.clone(),
        doc: t.source.doc.clone(),
        quote: t.source.quote.clone(),
    }
}

impl Finding {
    /// A finding of `check` on target `t`.
    fn on(t: &Target, check: CheckKind, message: String) -> Finding {
        Finding {
            plan_id: t.plan_id.clone(),
            region_code: t.region_code.clone(),
            indicator_code: t.indicator_code.clone(),
            period: t.target_year.to_string(),
            check,
            message,
            statements: vec![cite_target(t)],
        }
    }
}

/// Every check: the plans' ([`check_plans`]) and the documents' statements against each other
/// ([`crate::statements::check_statements`]), in one list — plans in plan order, then the
/// statements by region, indicator and period.
pub fn check(inputs: &Inputs, tables: &[ProjectionTable], docs: &Documents, rules: &Rules) -> Result<Vec<Finding>, TrackError> {
    let mut out = check_plans(inputs, tables, rules)?;
    let mut more = check_statements(inputs, tables, docs);
    more.sort_by(|a, b| (&a.plan_id, &a.region_code, &a.indicator_code, &a.period, a.check).cmp(&(&b.plan_id, &b.region_code, &b.indicator_code, &b.period, b.check)));
    out.extend(more);
    Ok(out)
}

/// Runs every check over the plans of `inputs` and the projection `tables`. Unparseable target
/// texts are an error (all of them listed), as in `progress`.
pub fn check_plans(inputs: &Inputs, tables: &[ProjectionTable], rules: &Rules) -> Result<Vec<Finding>, TrackError> {
    let parsed = parse_all(inputs)?;
    let mut out = Vec::new();
    for (t, p) in &parsed {
        stated_growth(inputs, t, p, rules, &mut out);
        below_base(inputs, t, p, &mut out);
        growth_vs_level(&parsed, t, p, rules, &mut out);
    }
    for table in tables {
        projection_checks(inputs, table, &parsed, rules, &mut out);
    }
    let plan_pos = |id: &str| inputs.plans.iter().position(|p| p.id == id).unwrap_or(usize::MAX);
    out.sort_by(|a, b| {
        (plan_pos(&a.plan_id), &a.region_code, a.check, &a.indicator_code).cmp(&(plan_pos(&b.plan_id), &b.region_code, b.check, &b.indicator_code))
    });
    Ok(out)
}

fn with(year: i32, statements: Vec<Cited>, mut f: Finding) -> Finding {
    f.period = year.to_string();
    f.statements = statements;
    f
}

fn f(v: f64) -> String {
    format_number(v, 2)
}

/// The values a target allows, as an interval (`f64::INFINITY` for no upper end).
fn target_interval(m: &Meaning, base: Option<f64>, tol: f64) -> Option<(f64, f64)> {
    Some(match *m {
        Meaning::Reach(x) => (x, x),
        Meaning::About(x) => (x * (1.0 - tol), x * (1.0 + tol)),
        Meaning::AtLeast(x) | Meaning::Above(x) => (x, f64::INFINITY),
        Meaning::AtMost(x) | Meaning::Below(x) => (f64::NEG_INFINITY, x),
        Meaning::Between(a, b) => (a, b),
        Meaning::Increase { min, max } => (base? + min, max.map_or(f64::INFINITY, |m| base.unwrap_or(0.0) + m)),
        _ => return None,
    })
}

/// Compound annual rate in % from `base` to `v` over `years`.
fn cagr(base: f64, v: f64, years: i32) -> f64 {
    if v.is_infinite() {
        return v;
    }
    if v <= 0.0 {
        return f64::NEG_INFINITY;
    }
    ((v / base).powf(1.0 / f64::from(years)) - 1.0) * 100.0
}

fn describe_interval(lo: f64, hi: f64) -> String {
    if hi.is_infinite() {
        format!("≥ {}%", f(lo))
    } else if lo.is_infinite() {
        format!("≤ {}%", f(hi))
    } else if (hi - lo).abs() < 1e-9 {
        format!("{}%", f(lo))
    } else {
        format!("{}%–{}%", f(lo), f(hi))
    }
}

/// The base as a number: the plan's value, else the number of a bound or range.
fn base_number(inputs: &Inputs, t: &Target) -> Option<(f64, bool)> {
    if let Some(v) = t.base_value {
        return Some((v, false));
    }
    let ind = inputs.indicators.iter().find(|i| i.code == t.indicator_code)?;
    match wording::parse_base(&t.base_text, ind).ok()? {
        Base::Value(v) | Base::Approx(v) => Some((v, false)),
        Base::Bound(m) => m.goal(Polarity::Positive, None).map(|v| (v, true)),
        Base::None => None,
    }
}

fn stated_growth(inputs: &Inputs, t: &Target, p: &ParsedTarget, rules: &Rules, out: &mut Vec<Finding>) {
    let Ok(Some(band)) = wording::parse_stated_growth(&t.stated_growth_text, &rules.wording) else { return };
    if p.basis != Basis::Level {
        return;
    }
    let (Some(by), Some((base, bound))) = (t.base_year, base_number(inputs, t)) else { return };
    let n = t.target_year - by;
    if n <= 0 || base <= 0.0 {
        return;
    }
    let Some((lo, hi)) = target_interval(&p.meaning, Some(base), rules.wording.about_tolerance) else { return };
    let (rlo, rhi) = (cagr(base, lo, n), cagr(base, hi, n));
    let tol = rules.growth_tolerance_pp;
    if band.high + tol >= rlo && band.low - tol <= rhi {
        return;
    }
    let path = base * (1.0 + band.rate() / 100.0).powi(n);
    out.push(Finding::on(
        t,
        CheckKind::StatedGrowth,
        format!(
            "年均增长 {g} 与基期 {bt}（{by}）到目标 {tt}（{ty}）隐含的年均 {r} 不符（容差 ±{tol} 个百分点）；按 {rate}% 复合 {ty} 年为 {path} / the stated average growth {g} does not connect the base {bt} ({by}) to the target {tt} ({ty}): the target implies {r} a year (tolerance ±{tol} pp); {rate} %/yr gives {path} in {ty}{bound_note}",
            g = t.stated_growth_text,
            bt = t.base_text,
            tt = t.target_text,
            ty = t.target_year,
            r = describe_interval(rlo, rhi),
            tol = f(tol),
            rate = f(band.rate()),
            path = format_number(path, 1),
            bound_note = if bound { "（基期为界限值，按其数值计 / the base is a bound, taken at its number）" } else { "" },
        ),
    ));
}

fn below_base(inputs: &Inputs, t: &Target, p: &ParsedTarget, out: &mut Vec<Finding>) {
    if p.basis != Basis::Level || matches!(p.meaning, Meaning::Increase { .. }) || !p.meaning.is_numeric() {
        return;
    }
    let Some(ind) = inputs.indicators.iter().find(|i| i.code == t.indicator_code) else { return };
    let base = match (t.base_value, wording::parse_base(&t.base_text, ind)) {
        (Some(v), _) => (v, v),
        (None, Ok(Base::Bound(m))) => match m {
            Meaning::Between(a, b) => (a, b),
            Meaning::AtLeast(x) | Meaning::Above(x) => (x, f64::INFINITY),
            Meaning::AtMost(x) | Meaning::Below(x) => (f64::NEG_INFINITY, x),
            _ => return,
        },
        _ => return,
    };
    let Some(goal) = p.meaning.goal(ind.polarity, None) else { return };
    let wrong = match ind.polarity {
        Polarity::Positive => goal < base.0,
        Polarity::Negative => goal > base.1,
    };
    if !wrong {
        return;
    }
    let (zh, en) = match ind.polarity {
        Polarity::Positive => ("低于基期，而该指标越高越好", "is below the base of a higher-is-better indicator"),
        Polarity::Negative => ("高于基期，而该指标越低越好", "is above the base of a lower-is-better indicator"),
    };
    out.push(Finding::on(
        t,
        CheckKind::BelowBase,
        format!(
            "目标 {tt}（{ty}）{zh}：基期 {bt}（{by}）/ the target {tt} ({ty}) {en}: base {bt} ({by})",
            tt = t.target_text,
            ty = t.target_year,
            bt = t.base_text,
            by = t.base_year.map(|y| y.to_string()).unwrap_or_else(|| "?".into()),
        ),
    ));
}

fn growth_vs_level(all: &[(Target, ParsedTarget)], g: &Target, gp: &ParsedTarget, rules: &Rules, out: &mut Vec<Finding>) {
    let Basis::GrowthRate { of: Some(level_code) } = &gp.basis else { return };
    let tol_pp = rules.growth_tolerance_pp;
    let (glo, ghi) = match gp.meaning {
        Meaning::PositiveGrowth => (0.0, f64::INFINITY),
        // 左右 on a rate: the printed rate, rounded (the tolerance below).
        Meaning::About(x) => (x, x),
        ref m => match target_interval(m, None, rules.wording.about_tolerance) {
            Some(i) => i,
            None => return,
        },
    };
    for (l, lp) in all {
        if l.plan_id != g.plan_id || l.region_code != g.region_code || l.target_year != g.target_year || &l.indicator_code != level_code {
            continue;
        }
        let (Some(by), Some(base)) = (l.base_year, l.base_value) else { continue };
        if by != l.target_year - 1 || base <= 0.0 {
            continue;
        }
        let Some((lo, hi)) = target_interval(&lp.meaning, Some(base), rules.wording.about_tolerance) else { continue };
        let (rlo, rhi) = (cagr(base, lo, 1), cagr(base, hi, 1));
        if ghi + tol_pp >= rlo && glo - tol_pp <= rhi {
            continue;
        }
        out.push(Finding {
            plan_id: g.plan_id.clone(),
            region_code: g.region_code.clone(),
            indicator_code: g.indicator_code.clone(),
            period: g.target_year.to_string(),
            statements: vec![cite_target(g), cite_target(l)],
            check: CheckKind::GrowthVsLevel,
            message: format!(
                "增速目标 {gt}（{gr}）与同表 {lc} 的目标 {lt}（基期 {bt}，{by}）隐含的增速 {r} 不符（容差 ±{tol} 个百分点）/ the growth target {gt} ({gr}) contradicts the level target {lt} of {lc} (base {bt} in {by}), which implies growth of {r} (tolerance ±{tol} pp)",
                gt = g.target_text,
                gr = describe_interval(glo, ghi),
                lc = level_code,
                lt = l.target_text,
                bt = l.base_text,
                r = describe_interval(rlo, rhi),
                tol = f(tol_pp),
            ),
        });
    }
}

fn projection_checks(inputs: &Inputs, table: &ProjectionTable, parsed: &[(Target, ParsedTarget)], rules: &Rules, out: &mut Vec<Finding>) {
    let finding = |ind: &str, check: CheckKind, message: String| Finding {
        plan_id: table.plan_id.clone(),
        region_code: table.region_code.clone(),
        indicator_code: ind.to_string(),
        period: String::new(),
        check,
        message,
        statements: Vec::new(),
    };
    for col in &table.columns {
        let code = col.indicator_code.as_str();
        // Year-on-year growth against the stated band.
        if let Some(band) = &col.stated_growth {
            for w in col.cells.windows(2) {
                let (mid, lo, hi) = projection::printed_growth(w[0].value, w[1].value);
                if hi < band.low || lo > band.high {
                    let cite = |c: &projection::Cell| Cited { what: format!("{} {} {} {}", table.id, table.region_code, code, c.year), value: c.value.to_string(), doc: table.source_doc.clone(), quote: c.source_quote.clone() };
                    let mut band_cite = cite(&col.cells[0]);
                    band_cite.what = format!("{} {} {} 年均增速", table.id, table.region_code, code);
                    band_cite.value = col.stated_growth_text.clone();
                    let cites = vec![cite(&w[0]), cite(&w[1]), band_cite];
                    out.push(with(w[1].year, cites, finding(
                        code,
                        CheckKind::ProjectionGrowthBand,
                        format!(
                            "测算表 {id}：{y} 年 {a} → {b} 增速 {m}%（按印刷位数 {lo}%–{hi}%），超出所述“{g}” / projection table {id}: growth in {y} ({a} → {b}) is {m} % ({lo}–{hi} % given the printed digits), outside the stated “{g}”",
                            id = table.id,
                            y = w[1].year,
                            a = w[0].value,
                            b = w[1].value,
                            m = f(mid),
                            lo = f(lo),
                            hi = f(hi),
                            g = col.stated_growth_text,
                        ),
                    )));
                }
            }
            // A single stated rate must reproduce the column exactly.
            if band.low == band.high {
                if let Some(rate) = Decimal::parse(&format_value(band.low)) {
                    for r in projection::reproduce_compound(col, rate).iter().filter(|r| !r.matches()) {
                        out.push(finding(
                            code,
                            CheckKind::ProjectionColumn,
                            format!(
                                "测算表 {id}：{y} 年印刷 {p}，按 {rate}% 复合为 {c} / projection table {id}: {y} prints {p}, compounding at {rate} % gives {c}",
                                id = table.id,
                                y = r.year,
                                p = r.printed,
                                c = r.computed.map(|c| c.to_string()).unwrap_or_else(|| "?".into()),
                            ),
                        ));
                    }
                }
            }
        }
        // A column the catalogue defines by a formula over other columns.
        if let Some(ind) = inputs.indicators.iter().find(|i| i.code == code) {
            if let Some(rs) = projection::reproduce_formula(table, col, ind) {
                for r in rs.iter().filter(|r| !r.matches()) {
                    out.push(finding(
                        code,
                        CheckKind::ProjectionColumn,
                        format!(
                            "测算表 {id}：{y} 年印刷 {p}，按公式 {fm} 为 {c} / projection table {id}: {y} prints {p}, the formula {fm} gives {c}",
                            id = table.id,
                            y = r.year,
                            p = r.printed,
                            fm = ind.formula.as_ref().map(|x| x.text()).unwrap_or_default(),
                            c = r.computed.map(|c| c.to_string()).unwrap_or_else(|| "?".into()),
                        ),
                    ));
                }
            }
        }
        // The plan's targets against its own projection.
        for (t, p) in parsed {
            if t.plan_id != table.plan_id || t.region_code != table.region_code || t.indicator_code != code {
                continue;
            }
            let Some(cell) = col.cells.iter().find(|c| c.year == t.target_year) else { continue };
            let proj = cell.value.to_f64();
            let polarity = inputs.indicators.iter().find(|i| i.code == code).map_or(Polarity::Positive, |i| i.polarity);
            let bad = match p.meaning {
                Meaning::AtLeast(_) | Meaning::Above(_) | Meaning::AtMost(_) | Meaning::Below(_) => {
                    p.meaning.is_met(proj, polarity, t.base_value, rules.wording.about_tolerance) == Some(false)
                }
                ref m => match m.goal(polarity, t.base_value) {
                    Some(goal) if goal != 0.0 => ((goal - proj) / proj).abs() > rules.projection_tolerance,
                    _ => false,
                },
            };
            if bad {
                let goal = p.meaning.goal(polarity, t.base_value).unwrap_or(f64::NAN);
                let cell_cite = Cited { what: format!("{} {} {} {}", table.id, table.region_code, code, cell.year), value: cell.value.to_string(), doc: table.source_doc.clone(), quote: cell.source_quote.clone() };
                out.push(with(t.target_year, vec![cite_target(t), cell_cite], finding(
                    code,
                    CheckKind::ProjectionVsTarget,
                    format!(
                        "{y} 年目标 {tt} 与本规划测算表 {id} 的 {pv} 相差 {d}%（容差 {tol}%）/ the {y} target {tt} differs from {pv} in the plan's own projection table {id} by {d} % (tolerance {tol} %)",
                        y = t.target_year,
                        tt = t.target_text,
                        id = table.id,
                        pv = cell.value,
                        d = f((goal - proj) / proj * 100.0),
                        tol = f(rules.projection_tolerance * 100.0),
                    ),
                )));
            }
        }
    }
}
