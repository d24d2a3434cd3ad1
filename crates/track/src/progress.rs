//! Progress of every target at an as-of period, with the rule that produced each status.
//!
//! Which assessment a target gets:
//! 1. **Final** — the as-of period covers the whole target year and the year's value exists: met
//!    → `achieved`, not met → `off_track`.
//! 2. **序时进度** — the as-of period falls inside the target year and the indicator has monthly or
//!    quarterly values there. For an additive level (aggregation `sum`, not a rate): completion =
//!    year-to-date value / goal (a `ytd` value as is; `period` values summed from January, every
//!    period needed) against the elapsed share of the year, reported in percentage points. For a
//!    rate or growth rate the latest in-year value is compared with the goal directly.
//! 3. **Expected path** — otherwise, at the latest annual value after the base year: linear from the
//!    base to the goal, or compound at the stated 年均增长 rate when the plan states one. Progress
//!    ratio = (actual − base) / (expected − base); the Eurostat ratio of observed to required
//!    compound growth and its category are given beside it. A target already met says so.
//! 4. Reference, positive-growth and qualitative targets follow their own rules (see
//!    [`crate::wording::Qualitative`]).
//!
//! Missing data gives `no_data` with the reason. A target without a base value takes the
//! indicator's observation at the base year (the target's, or the year before the plan starts)
//! and says so.

use digecon_core::{format_value, Accumulation, Aggregation, Attribute, Frequency, Period, Plan, Polarity, Target};
use serde::Serialize;

use crate::forecast::{self, Forecast, ForecastError, Warning};
use crate::series::{Book, Origin, Point};
use crate::wording::{self, format_number, Basis, Meaning, ParsedTarget, Qualitative};
use crate::{Inputs, Problem, Rules, Thresholds, TrackError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Status {
    Achieved,
    OnTrack,
    AtRisk,
    OffTrack,
    NoData,
}

impl Status {
    pub fn code(&self) -> &'static str {
        match self {
            Status::Achieved => "achieved",
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::OffTrack => "off_track",
            Status::NoData => "no_data",
        }
    }
    pub fn zh(&self) -> &'static str {
        match self {
            Status::Achieved => "已完成",
            Status::OnTrack => "正常",
            Status::AtRisk => "有风险",
            Status::OffTrack => "滞后",
            Status::NoData => "无数据",
        }
    }
}

/// Eurostat's categories for the ratio of observed to required growth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum EurostatCategory {
    /// ≥ 95 %
    Significant,
    /// 60 – 95 %
    Moderate,
    /// 0 – 60 %
    Insufficient,
    /// < 0
    MovingAway,
}

impl EurostatCategory {
    pub fn of(ratio: f64) -> EurostatCategory {
        if ratio >= 0.95 {
            EurostatCategory::Significant
        } else if ratio >= 0.60 {
            EurostatCategory::Moderate
        } else if ratio >= 0.0 {
            EurostatCategory::Insufficient
        } else {
            EurostatCategory::MovingAway
        }
    }
    pub fn describe(&self) -> &'static str {
        match self {
            EurostatCategory::Significant => "显著进展 / significant progress",
            EurostatCategory::Moderate => "一般进展 / moderate progress",
            EurostatCategory::Insufficient => "进展不足 / insufficient progress",
            EurostatCategory::MovingAway => "背离目标 / moving away",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Eurostat {
    /// Observed compound annual growth from the base to the latest value, in %.
    pub observed_cagr: f64,
    /// Compound annual growth needed from the base to reach the goal in the target year, in %.
    pub required_cagr: f64,
    /// observed / required.
    pub ratio: f64,
    pub category: EurostatCategory,
}

/// The number a status was judged on.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Measure {
    /// (actual − base) / (expected − base).
    Ratio(f64),
    /// 序时进度: completion of the annual goal and elapsed share of the year (both 0..1), and their
    /// difference in percentage points (positive = ahead; sign turned for lower-is-better indicators).
    Elapsed { completion: f64, elapsed: f64, gap_pp: f64 },
}

impl Measure {
    pub fn display(&self) -> String {
        match *self {
            Measure::Ratio(r) => format_number(r, 3),
            Measure::Elapsed { gap_pp, .. } => format!("{}{}pp", if gap_pp >= 0.0 { "+" } else { "" }, format_number(gap_pp, 1)),
        }
    }
}

/// A forecast of the target year's value and the early warning from it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outlook {
    pub forecast: Forecast,
    pub warning: Option<Warning>,
}

/// The progress of one target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Progress {
    pub plan_id: String,
    pub region_code: String,
    pub indicator_code: String,
    pub indicator_name: String,
    pub unit: String,
    pub attribute: Option<Attribute>,
    pub base_year: Option<i32>,
    pub base_value: Option<f64>,
    /// The base value was taken from an observation, not from the plan.
    pub base_from_observation: bool,
    pub target_year: i32,
    pub target: ParsedTarget,
    /// The value the status was judged on.
    pub latest: Option<Point>,
    /// What the plan's path expects at the latest value's period (at the as-of year when there is
    /// no value after the base); for a final or 序时 assessment, the goal.
    pub expected_value: Option<f64>,
    pub measure: Option<Measure>,
    pub eurostat: Option<Eurostat>,
    pub status: Status,
    /// The rule that produced the status, with its numbers (zh / en).
    pub rule: String,
    /// `None` where no forecast applies (the target year has data, or the target is not a number);
    /// `Some(Err)` says why a forecast was not made.
    #[serde(skip)]
    pub outlook: Option<Result<Outlook, ForecastError>>,
}

/// The last year the as-of period covers completely (2022 for `2022`, `2022-12`, `2022-Q4`;
/// 2021 for `2022-06`).
pub fn last_complete_year(as_of: Period) -> i32 {
    if as_of.months().1 == 12 {
        as_of.year()
    } else {
        as_of.year() - 1
    }
}

/// The progress of every target in `inputs` at `as_of`. Any unparseable target text, unknown
/// indicator or as-of period before a target's base year is an error, all of them listed.
pub fn progress(inputs: &Inputs, as_of: Period, rules: &Rules) -> Result<Vec<Progress>, TrackError> {
    let book = Book::new(&inputs.indicators, &inputs.observations);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for t in &inputs.targets {
        let Some(ind) = book.indicator(&t.indicator_code) else {
            problems.push(Problem::UnknownIndicator { plan_id: t.plan_id.clone(), indicator_code: t.indicator_code.clone() });
            continue;
        };
        let parsed = match wording::parse_target(&t.target_text, ind) {
            Ok(p) => p,
            Err(e) => {
                problems.push(e.into());
                continue;
            }
        };
        let plan = inputs.plans.iter().find(|p| p.id == t.plan_id);
        let base_year = t.base_year.or(plan.map(|p: &Plan| p.start_year - 1));
        if let Some(by) = base_year {
            if as_of.year() < by {
                problems.push(Problem::AsOfBeforeBase {
                    plan_id: t.plan_id.clone(),
                    region_code: t.region_code.clone(),
                    indicator_code: t.indicator_code.clone(),
                    base_year: by,
                    as_of,
                });
                continue;
            }
        }
        if problems.is_empty() {
            out.push(assess(&book, t, parsed, base_year, as_of, inputs, rules));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(TrackError(problems))
    }
}

struct Ctx<'a> {
    book: &'a Book<'a>,
    t: &'a Target,
    ind: &'a digecon_core::Indicator,
    polarity: Polarity,
    as_of: Period,
    complete: i32,
    base_year: Option<i32>,
    base: Option<f64>,
    rules: &'a Rules,
    thresholds: Thresholds,
    attr_zh: &'static str,
}

/// What an assessment decided.
struct Verdict {
    latest: Option<Point>,
    expected: Option<f64>,
    measure: Option<Measure>,
    eurostat: Option<Eurostat>,
    status: Status,
    rule: String,
}

impl Verdict {
    fn no_data(rule: String) -> Verdict {
        Verdict { latest: None, expected: None, measure: None, eurostat: None, status: Status::NoData, rule }
    }
}

fn assess(book: &Book<'_>, t: &Target, parsed: ParsedTarget, base_year: Option<i32>, as_of: Period, inputs: &Inputs, rules: &Rules) -> Progress {
    let ind = book.indicator(&t.indicator_code).expect("checked by the caller");
    let (base, base_from_observation) = match (t.base_value, base_year) {
        (Some(v), _) => (Some(v), false),
        (None, Some(by)) => match book.value(&t.region_code, &t.indicator_code, Period::Year(by)) {
            Some(p) => (Some(p.value), true),
            None => (None, false),
        },
        (None, None) => (None, false),
    };
    let binding = t.attribute == Some(Attribute::Binding);
    let ctx = Ctx {
        book,
        t,
        ind,
        polarity: ind.polarity,
        as_of,
        complete: last_complete_year(as_of),
        base_year,
        base,
        rules,
        thresholds: if binding { rules.binding } else { rules.expected },
        attr_zh: match t.attribute {
            Some(Attribute::Binding) => "约束性 / binding",
            Some(Attribute::Expected) => "预期性 / expected",
            None => "未标属性，按预期性 / no attribute, judged as expected",
        },
    };
    let mut v = match &parsed.meaning {
        Meaning::Qualitative(q) => qualitative(&ctx, q),
        Meaning::AboveReference(r) => reference(&ctx, *r, inputs),
        Meaning::PositiveGrowth => positive_growth(&ctx, &parsed.basis),
        m => numeric(&ctx, m, &parsed.basis),
    };
    if base_from_observation && base.is_some() {
        v.rule.push_str(&format!(
            "；基期值取自 {} 年观测值 {} / base value taken from the {} observation",
            base_year.unwrap_or_default(),
            format_value(base.unwrap_or_default()),
            base_year.unwrap_or_default()
        ));
    }
    if let Some(p) = v.latest.as_ref() {
        if let Origin::Derived(f) = &p.origin {
            v.rule.push_str(&format!("；最新值由公式 {f} 计算 / latest value computed as {f}"));
        }
    }
    let outlook = outlook(&ctx, &parsed, &v);
    Progress {
        plan_id: t.plan_id.clone(),
        region_code: t.region_code.clone(),
        indicator_code: t.indicator_code.clone(),
        indicator_name: ind.name_zh.clone(),
        unit: ind.unit.clone(),
        attribute: t.attribute,
        base_year,
        base_value: base,
        base_from_observation,
        target_year: t.target_year,
        target: parsed,
        latest: v.latest,
        expected_value: v.expected,
        measure: v.measure,
        eurostat: v.eurostat,
        status: v.status,
        rule: v.rule,
        outlook,
    }
}

fn fv(v: f64) -> String {
    format_number(v, 4)
}

/// The value of the whole year `y`: the annual value, or for a `ytd` indicator its December
/// (fourth-quarter) value.
fn year_value(ctx: &Ctx<'_>, y: i32) -> Option<Point> {
    let (r, c) = (ctx.t.region_code.as_str(), ctx.t.indicator_code.as_str());
    ctx.book.value(r, c, Period::Year(y)).or_else(|| {
        (ctx.ind.accumulation == Accumulation::YearToDate)
            .then(|| ctx.book.value(r, c, Period::Month(y, 12)).or_else(|| ctx.book.value(r, c, Period::Quarter(y, 4))))
            .flatten()
    })
}

/// The latest whole-year value with year ≤ `last` (for a `ytd` indicator a December or
/// fourth-quarter value counts as the whole year).
fn latest_year_value(ctx: &Ctx<'_>, last: i32) -> Option<Point> {
    let ytd = ctx.ind.accumulation == Accumulation::YearToDate;
    ctx.book.series(&ctx.t.region_code, &ctx.t.indicator_code).into_iter().rev().find(|p| {
        p.period.year() <= last
            && match p.period {
                Period::Year(_) => true,
                Period::Month(_, 12) | Period::Quarter(_, 4) => ytd,
                _ => false,
            }
    })
}

fn status_from_ratio(ctx: &Ctx<'_>, ratio: f64) -> (Status, String) {
    let th = ctx.thresholds;
    let (s, cmp) = if ratio >= th.on_track {
        (Status::OnTrack, format!("≥ {}", fv(th.on_track)))
    } else if ratio >= th.at_risk {
        (Status::AtRisk, format!("< {} 且 / and ≥ {}", fv(th.on_track), fv(th.at_risk)))
    } else {
        (Status::OffTrack, format!("< {}", fv(th.at_risk)))
    };
    (s, format!("{}：进度比 / progress ratio {} {cmp} → {} / {}", ctx.attr_zh, format_number(ratio, 3), s.zh(), s.code()))
}

fn numeric(ctx: &Ctx<'_>, m: &Meaning, basis: &Basis) -> Verdict {
    let tol = ctx.rules.wording.about_tolerance;
    let target_year = ctx.t.target_year;
    let Some(goal) = m.goal(ctx.polarity, ctx.base) else {
        return Verdict::no_data("增量目标需要基期值，但没有 / an increment target needs a base value and there is none".into());
    };
    let met = |v: f64| m.is_met(v, ctx.polarity, ctx.base, tol).unwrap_or(false);
    let goal_text = format!("目标值 / goal {}", fv(goal));

    // 1. Final.
    if ctx.complete >= target_year {
        return match year_value(ctx, target_year) {
            Some(p) => {
                let ok = met(p.value);
                let measure = ctx.base.filter(|b| *b != goal).map(|b| Measure::Ratio((p.value - b) / (goal - b)));
                Verdict {
                    rule: if ok {
                        format!("目标年 {target_year} 实际 {} 达到目标（{goal_text}）/ target year {target_year}: actual {} meets the target", fv(p.value), fv(p.value))
                    } else {
                        format!("目标年 {target_year} 实际 {} 未达到目标（{goal_text}）/ target year {target_year}: actual {} misses the target", fv(p.value), fv(p.value))
                    },
                    status: if ok { Status::Achieved } else { Status::OffTrack },
                    latest: Some(p),
                    expected: Some(goal),
                    measure,
                    eurostat: None,
                }
            }
            None => Verdict::no_data(format!("目标年 {target_year} 无数据 / no value for the target year {target_year}")),
        };
    }

    // 2. 序时进度 inside the target year.
    if ctx.as_of.year() == target_year && ctx.ind.frequency != Frequency::Year {
        if let Some(v) = elapsed(ctx, m, goal, basis) {
            return v;
        }
    }

    // 3. Expected path.
    let latest = latest_year_value(ctx, ctx.complete.min(target_year - 1));
    let after_base = |p: &Point| ctx.base_year.is_none_or(|b| p.period.year() > b);
    let path = Path::of(ctx, goal, basis);
    let Some(p) = latest.filter(after_base) else {
        let expected = path.as_ref().map(|pa| pa.at(ctx.as_of.year().min(target_year)));
        let mut v = Verdict::no_data(match ctx.base_year {
            Some(b) => format!("基期 {b} 之后至 {} 无数据 / no value after the base year {b} up to {}", ctx.as_of, ctx.as_of),
            None => format!("截至 {} 无数据 / no value up to {}", ctx.as_of, ctx.as_of),
        });
        v.expected = expected;
        return v;
    };
    let t = p.period.year();
    if met(p.value) {
        let early = target_year - t;
        let expected = path.as_ref().map(|pa| pa.at(t));
        let measure = path.as_ref().and_then(|pa| pa.ratio(p.value, t)).map(Measure::Ratio);
        return Verdict {
            rule: format!(
                "{t} 年实际 {} 已达到目标（{goal_text}），提前 {early} 年 / already met in {t} ({} vs goal {}), {early} year(s) early",
                fv(p.value),
                fv(p.value),
                fv(goal)
            ),
            latest: Some(p),
            expected,
            measure,
            eurostat: None,
            status: Status::Achieved,
        };
    }
    let Some(path) = path else {
        return Verdict {
            rule: format!(
                "无基期值，无法计算预期路径（最新 {t} 年 {}，{goal_text}）/ no base value, so no expected path (latest {} in {t})",
                fv(p.value),
                fv(p.value)
            ),
            latest: Some(p),
            ..Verdict::no_data(String::new())
        };
    };
    let expected = path.at(t);
    let Some(ratio) = path.ratio(p.value, t) else {
        return Verdict {
            rule: format!("预期值等于基期值，进度比无定义 / the expected value equals the base: no progress ratio ({})", path.describe()),
            latest: Some(p),
            expected: Some(expected),
            ..Verdict::no_data(String::new())
        };
    };
    let (status, mut rule) = status_from_ratio(ctx, ratio);
    rule.push_str(&format!("；{t} 年预期 / expected in {t}: {}；{}", fv(expected), path.describe()));
    let eurostat = if *basis == Basis::Level { eurostat(path.base, path.base_year, p.value, t, goal, target_year) } else { None };
    if let Some(e) = &eurostat {
        rule.push_str(&format!(
            "；欧盟统计局比值 / Eurostat ratio {}%（实际年均 / observed {}%，需要 / required {}%）：{}",
            format_number(e.ratio * 100.0, 1),
            format_number(e.observed_cagr, 2),
            format_number(e.required_cagr, 2),
            e.category.describe()
        ));
    }
    Verdict { latest: Some(p), expected: Some(expected), measure: Some(Measure::Ratio(ratio)), eurostat, status, rule }
}

/// The plan's expected path from the base to the goal.
struct Path {
    base: f64,
    base_year: i32,
    goal: f64,
    target_year: i32,
    /// Compound at this rate (%/yr) when the plan states 年均增长; linear otherwise.
    rate: Option<f64>,
    rate_text: String,
}

impl Path {
    fn of(ctx: &Ctx<'_>, goal: f64, basis: &Basis) -> Option<Path> {
        let (base, base_year) = (ctx.base?, ctx.base_year?);
        if ctx.t.target_year <= base_year {
            return None;
        }
        // A stated growth of a growth-rate indicator would be a growth of growth: not a path.
        let stated = if *basis == Basis::Level {
            wording::parse_stated_growth(&ctx.t.stated_growth_text, &ctx.rules.wording).ok().flatten()
        } else {
            None
        };
        Some(Path {
            base,
            base_year,
            goal,
            target_year: ctx.t.target_year,
            rate: stated.as_ref().map(|g| g.rate()),
            rate_text: stated.map(|g| g.text).unwrap_or_default(),
        })
    }

    fn at(&self, year: i32) -> f64 {
        let k = f64::from(year - self.base_year);
        match self.rate {
            Some(r) => self.base * (1.0 + r / 100.0).powf(k),
            None => self.base + (self.goal - self.base) * k / f64::from(self.target_year - self.base_year),
        }
    }

    fn ratio(&self, actual: f64, year: i32) -> Option<f64> {
        let e = self.at(year);
        (e != self.base).then(|| (actual - self.base) / (e - self.base))
    }

    fn describe(&self) -> String {
        match self.rate {
            Some(r) => format!(
                "路径：自 {} 年 {} 按年均增长 {}（{}%/年）复合 / path: compound at the stated {} %/yr from {} ({})",
                self.base_year,
                fv(self.base),
                self.rate_text,
                fv(r),
                fv(r),
                fv(self.base),
                self.base_year
            ),
            None => format!(
                "路径：自 {} 年 {} 线性至 {} 年 {} / path: linear from {} ({}) to {} ({})",
                self.base_year,
                fv(self.base),
                self.target_year,
                fv(self.goal),
                fv(self.base),
                self.base_year,
                fv(self.goal),
                self.target_year
            ),
        }
    }
}

/// Eurostat's ratio of observed to required compound growth; `None` where growth rates are not
/// defined (a base, value or goal ≤ 0; no time elapsed; a goal equal to the base).
pub fn eurostat(base: f64, base_year: i32, actual: f64, year: i32, goal: f64, target_year: i32) -> Option<Eurostat> {
    if base <= 0.0 || actual <= 0.0 || goal <= 0.0 || year <= base_year || target_year <= base_year {
        return None;
    }
    let observed = ((actual / base).powf(1.0 / f64::from(year - base_year)) - 1.0) * 100.0;
    let required = ((goal / base).powf(1.0 / f64::from(target_year - base_year)) - 1.0) * 100.0;
    if required == 0.0 {
        return None;
    }
    let ratio = observed / required;
    Some(Eurostat { observed_cagr: observed, required_cagr: required, ratio, category: EurostatCategory::of(ratio) })
}

/// 序时进度 inside the target year; `None` when there is no sub-annual value in the year.
fn elapsed(ctx: &Ctx<'_>, m: &Meaning, goal: f64, basis: &Basis) -> Option<Verdict> {
    let (r, c) = (ctx.t.region_code.as_str(), ctx.t.indicator_code.as_str());
    let y = ctx.t.target_year;
    let (_, as_of_month) = ctx.as_of.months();
    let pts: Vec<Point> = ctx
        .book
        .series(r, c)
        .into_iter()
        .filter(|p| p.period.year() == y && p.period.frequency() != Frequency::Year && p.period.months().1 <= as_of_month)
        .collect();
    let latest = pts.last()?.clone();
    let tol = ctx.rules.wording.about_tolerance;
    let met = |v: f64| m.is_met(v, ctx.polarity, ctx.base, tol).unwrap_or(false);
    let additive = ctx.ind.aggregation == Aggregation::Sum
        && *basis == Basis::Level
        && !matches!(ctx.ind.unit.as_str(), "%" | "个百分点" | "‰")
        && !matches!(m, Meaning::Increase { .. });
    if !additive {
        let ok = met(latest.value);
        return Some(Verdict {
            rule: format!(
                "{} 最新值 {} {}目标（{}）；比率、增速不按序时进度，年末定论 / latest in-year value {} {} the goal {}: rates and growth rates are not judged by elapsed share; final at year end",
                latest.period,
                fv(latest.value),
                if ok { "已达" } else { "未达" },
                fv(goal),
                fv(latest.value),
                if ok { "meets" } else { "misses" },
                fv(goal)
            ),
            status: if ok { Status::OnTrack } else { Status::AtRisk },
            expected: Some(goal),
            latest: Some(latest),
            measure: None,
            eurostat: None,
        });
    }
    // The year-to-date value.
    let (ytd, how) = if ctx.ind.accumulation == Accumulation::YearToDate {
        (latest.value, format!("{} 累计 / year to date", latest.period))
    } else {
        // Sum the periods of the latest value's frequency from the start of the year.
        let wanted = latest.period.year_to_date();
        let mut sum = 0.0;
        let mut missing = Vec::new();
        for p in &wanted {
            match pts.iter().find(|x| x.period == *p) {
                Some(x) => sum += x.value,
                None => missing.push(p.to_string()),
            }
        }
        if !missing.is_empty() {
            return Some(Verdict::no_data(format!(
                "累计需要各期数据，缺 {} / the year-to-date sum needs every period; missing {}",
                missing.join("、"),
                missing.join(", ")
            )));
        }
        (sum, format!("{} 至 {} 各期之和 / sum of {} to {}", wanted[0], latest.period, wanted[0], latest.period))
    };
    let completion = ytd / goal;
    let share = latest.period.elapsed_share_of_year();
    let sign = if ctx.polarity == Polarity::Negative { -1.0 } else { 1.0 };
    let gap_pp = sign * (completion - share) * 100.0;
    let point = Point { period: latest.period, value: ytd, origin: latest.origin.clone() };
    let measure = Some(Measure::Elapsed { completion, elapsed: share, gap_pp });
    let head = format!(
        "序时进度 / elapsed share：{how} {}，完成 / completion {}% vs 序时 / elapsed {}%（{}{} 个百分点 / pp）",
        fv(ytd),
        format_number(completion * 100.0, 1),
        format_number(share * 100.0, 1),
        if gap_pp >= 0.0 { "+" } else { "" },
        format_number(gap_pp, 1)
    );
    if met(ytd) {
        return Some(Verdict {
            rule: format!("{head}；已达到全年目标 {} / the annual goal {} is already met", fv(goal), fv(goal)),
            status: Status::Achieved,
            latest: Some(point),
            expected: Some(goal),
            measure,
            eurostat: None,
        });
    }
    let th = ctx.thresholds;
    let status = if gap_pp >= 0.0 {
        Status::OnTrack
    } else if gap_pp >= th.elapsed_at_risk_pp {
        Status::AtRisk
    } else {
        Status::OffTrack
    };
    let cmp = match status {
        Status::OnTrack => "≥ 0".to_string(),
        Status::AtRisk => format!("< 0 且 / and ≥ {}", fv(th.elapsed_at_risk_pp)),
        _ => format!("< {}", fv(th.elapsed_at_risk_pp)),
    };
    Some(Verdict {
        rule: format!("{head}；{}：差 / gap {cmp} → {} / {}", ctx.attr_zh, status.zh(), status.code()),
        status,
        latest: Some(point),
        expected: Some(goal),
        measure,
        eurostat: None,
    })
}

/// Growth in % at year `y` from whole-year values (or the value itself for a growth-rate indicator).
fn growth_at(ctx: &Ctx<'_>, basis: &Basis, y: i32) -> Option<(Point, f64)> {
    let p = year_value(ctx, y)?;
    if matches!(basis, Basis::GrowthRate { .. }) {
        let g = p.value;
        return Some((p, g));
    }
    let prev = year_value(ctx, y - 1)?;
    (prev.value != 0.0).then(|| {
        let g = (p.value / prev.value - 1.0) * 100.0;
        (p, g)
    })
}

fn positive_growth(ctx: &Ctx<'_>, basis: &Basis) -> Verdict {
    let ty = ctx.t.target_year;
    if ctx.complete >= ty {
        return match growth_at(ctx, basis, ty) {
            Some((p, g)) => Verdict {
                rule: format!("目标年 {ty} 增速 {}% {} 0 / growth in {ty}: {} %", format_number(g, 2), if g > 0.0 { ">" } else { "≤" }, format_number(g, 2)),
                status: if g > 0.0 { Status::Achieved } else { Status::OffTrack },
                latest: Some(p),
                expected: None,
                measure: None,
                eurostat: None,
            },
            None => Verdict::no_data(format!("目标年 {ty} 无增速数据 / no growth value for the target year {ty}")),
        };
    }
    let last = ctx.complete.min(ty - 1);
    let first = ctx.base_year.map_or(last - 50, |b| b + 1);
    for y in (first..=last).rev() {
        if let Some((p, g)) = growth_at(ctx, basis, y) {
            let ok = g > 0.0;
            return Verdict {
                rule: format!(
                    "最新增速 {y} 年 {}%，{} / latest growth {} % in {y}: {}",
                    format_number(g, 2),
                    if ok { "为正 → 正常" } else { "未转正 → 有风险" },
                    format_number(g, 2),
                    if ok { "positive → on track" } else { "not positive → at risk" }
                ),
                status: if ok { Status::OnTrack } else { Status::AtRisk },
                latest: Some(p),
                expected: None,
                measure: None,
                eurostat: None,
            };
        }
    }
    Verdict::no_data(match ctx.base_year {
        Some(b) => format!("基期 {b} 之后无增速数据 / no growth value after the base year {b}"),
        None => "无增速数据 / no growth value".into(),
    })
}

fn better(polarity: Polarity, a: f64, b: f64) -> bool {
    match polarity {
        Polarity::Positive => a > b,
        Polarity::Negative => a < b,
    }
}

fn qualitative(ctx: &Ctx<'_>, q: &Qualitative) -> Verdict {
    let ty = ctx.t.target_year;
    let final_year = ctx.complete >= ty;
    let y = if final_year { ty } else { ctx.complete.min(ty - 1) };
    let val = |y: i32| year_value(ctx, y);
    let (status_ok, status_bad) = if final_year { (Status::Achieved, Status::OffTrack) } else { (Status::OnTrack, Status::AtRisk) };
    let when = if final_year { format!("目标年 {ty} / target year {ty}") } else { format!("最新 / latest {y}") };
    match q {
        Qualitative::Increase { adverb } => {
            let (Some(now), Some(prev)) = (val(y), val(y - 1)) else {
                return Verdict::no_data(format!(
                    "定性目标按“{y} 年值高于 {} 年值”判断，缺数据 / qualitative target judged as value({y}) > value({}); values missing",
                    y - 1,
                    y - 1
                ));
            };
            let ok = better(ctx.polarity, now.value, prev.value);
            Verdict {
                rule: format!(
                    "定性：{when} {} vs 上年 / previous year {} → {}（“{adverb}”未量化 / “{adverb}” is not quantified）",
                    fv(now.value),
                    fv(prev.value),
                    if ok { "提升 / increased" } else { "未提升 / not increased" }
                ),
                status: if ok { status_ok } else { status_bad },
                latest: Some(now),
                expected: None,
                measure: None,
                eurostat: None,
            }
        }
        Qualitative::AcceleratedIncrease => {
            let basis = wording::basis_of(ctx.ind);
            let (Some((now, g1)), Some((_, g0))) = (growth_at(ctx, &basis, y), growth_at(ctx, &basis, y - 1)) else {
                return Verdict::no_data(format!(
                    "定性目标按“{y} 年增速高于 {} 年增速”判断，缺数据 / qualitative target judged as growth({y}) > growth({}); values missing",
                    y - 1,
                    y - 1
                ));
            };
            let ok = g1 > g0;
            Verdict {
                rule: format!(
                    "定性：{when} 增速 / growth {}% vs 上年 / previous year {}% → {}",
                    format_number(g1, 2),
                    format_number(g0, 2),
                    if ok { "加快 / faster" } else { "未加快 / not faster" }
                ),
                status: if ok { status_ok } else { status_bad },
                latest: Some(now),
                expected: None,
                measure: None,
                eurostat: None,
            }
        }
        Qualitative::RankUp => {
            let series = ctx.book.annual(&ctx.t.region_code, &ctx.t.indicator_code, y);
            let now = if final_year { series.iter().find(|p| p.period.year() == ty) } else { series.last() };
            let Some(now) = now.cloned() else {
                return Verdict::no_data(format!("{when} 无数据 / no value"));
            };
            let Some(before) = series.iter().rev().find(|p| p.period < now.period).cloned() else {
                return Verdict::no_data(format!(
                    "定性目标按“优于此前最近值”判断；只有 {} 年 {}，无可比较 / qualitative: judged against the latest earlier value; only {} in {}",
                    now.period,
                    fv(now.value),
                    fv(now.value),
                    now.period
                ));
            };
            let ok = better(ctx.polarity, now.value, before.value);
            Verdict {
                rule: format!(
                    "定性：{} 年 {} vs {} 年 {} → {}",
                    now.period,
                    fv(now.value),
                    before.period,
                    fv(before.value),
                    if ok { "进位 / moved up" } else { "未进位 / did not move up" }
                ),
                status: if ok { status_ok } else { status_bad },
                latest: Some(now),
                expected: None,
                measure: None,
                eurostat: None,
            }
        }
    }
}

fn reference(ctx: &Ctx<'_>, r: wording::Reference, inputs: &Inputs) -> Verdict {
    let refs: Vec<&crate::ReferenceValue> =
        inputs.references.iter().filter(|x| x.reference == r && x.indicator_code == ctx.t.indicator_code).collect();
    if refs.is_empty() {
        return Verdict::no_data(format!(
            "无{}参照序列（{}）/ no {} reference series for {} (supply one with --reference)",
            r.zh(),
            ctx.t.indicator_code,
            r.code(),
            ctx.t.indicator_code
        ));
    }
    let ref_at = |y: i32| refs.iter().find(|x| x.period == Period::Year(y)).map(|x| x.value);
    let ty = ctx.t.target_year;
    let last = ctx.complete.min(ty);
    let found = (last - 50..=last).rev().find_map(|y| Some((year_value(ctx, y)?, ref_at(y)?)));
    let Some((p, rv)) = found.filter(|(p, _)| ctx.base_year.is_none_or(|b| p.period.year() > b)) else {
        return Verdict::no_data(format!(
            "基期后无同年的本地值与{}值 / no year after the base with both the value and the {} reference",
            r.zh(),
            r.code()
        ));
    };
    let y = p.period.year();
    let ok = better(ctx.polarity, p.value, rv);
    let head = format!("{y} 年 {} vs {} {} / {} vs {} {}", fv(p.value), r.zh(), fv(rv), fv(p.value), r.code(), fv(rv));
    let (status, why) = if ok {
        (Status::Achieved, if y >= ty { "目标年已超过 / above in the target year".to_string() } else { format!("已超过，提前 {} 年 / already above, {} year(s) early", ty - y, ty - y) })
    } else if y >= ty {
        (Status::OffTrack, "目标年未超过 / not above in the target year".to_string())
    } else {
        let gap_now = (rv - p.value).abs();
        match ctx.base_year.and_then(|b| Some((year_value(ctx, b)?.value, ref_at(b)?))) {
            Some((bv, brv)) if (brv - bv).abs() > gap_now => {
                (Status::AtRisk, format!("未超过但差距缩小（基期差 {}）/ below, gap narrowing (base-year gap {})", fv((brv - bv).abs()), fv((brv - bv).abs())))
            }
            Some((bv, brv)) => {
                (Status::OffTrack, format!("未超过且差距未缩小（基期差 {}）/ below, gap not narrowing (base-year gap {})", fv((brv - bv).abs()), fv((brv - bv).abs())))
            }
            None => (Status::AtRisk, "未超过，基期差距未知 / below; the base-year gap is unknown".to_string()),
        }
    };
    Verdict { rule: format!("{head}：{why}"), status, latest: Some(p), expected: Some(rv), measure: None, eurostat: None }
}

/// The forecast of the target year and its early warning, for numeric level targets whose target
/// year has no value yet.
fn outlook(ctx: &Ctx<'_>, parsed: &ParsedTarget, v: &Verdict) -> Option<Result<Outlook, ForecastError>> {
    if !parsed.meaning.is_numeric() || parsed.basis != Basis::Level || v.status == Status::Achieved {
        return None;
    }
    let goal = parsed.meaning.goal(ctx.polarity, ctx.base)?;
    let ty = ctx.t.target_year;
    if ctx.complete >= ty {
        return None;
    }
    let pts: Vec<(i32, f64)> = ctx
        .book
        .annual(&ctx.t.region_code, &ctx.t.indicator_code, ctx.complete)
        .into_iter()
        .map(|p| (p.period.year(), p.value))
        .collect();
    // The consecutive run of years that ends at the latest value.
    let mut start = pts.len();
    while start > 0 && (start == pts.len() || pts[start].0 == pts[start - 1].0 + 1) {
        start -= 1;
    }
    let run = &pts[start..];
    Some(forecast::forecast_year(run, ty, ctx.rules.forecast_level).map(|f| {
        let warning = forecast::warning(goal, &f, ctx.polarity);
        Outlook { forecast: f, warning }
    }))
}
