//! Progress reports and the colour rule (三色预警).
//!
//! A lead unit reports a task per period (a month or a quarter): status, percent complete, the
//! measured value of each quantitative goal, milestones reached, narrative, evidence; problems go
//! to [`crate::Problem`]. Co-operating units add their part as [`Contribution`]s.
//!
//! **The colour of an item for a period** (what [`colour_at`] computes):
//! 1. The report *for* the period is the one filed for exactly that period; for a quarter or a
//!    year without one, the latest report filed for a period inside it (a month of the quarter).
//!    No report → **grey** (灰, 未报送).
//! 2. The report is **late** (see [`lateness`]) when any of these holds, with `s` the share of the
//!    item's span elapsed at the end of the reported period (序时进度; 2022-Q3 of an annual plan:
//!    75 %):
//!    - the unit declares the status `behind` (滞后);
//!    - percent complete < 100·s (`completed` without a percent counts as 100);
//!    - before the due date, a goal that accumulates (a count or amount, not a `%` level, not `≤`)
//!      has a measured value below `s` × its number (`培育 15 个` measured 10 at 2022-Q3: 10 < 11.25);
//!    - at or after the due date, a goal of the item is not measured or not met;
//!    - a milestone due at or before the end of the period is not marked reached, or one of its
//!      goals has a measured value that does not meet it.
//!
//!    A late report is **red** (红).
//! 3. A report that is not late is **yellow** (黄, caught up) when the item's previous report — the
//!    latest report whose period ends earlier, however long ago — was red; otherwise **green** (绿).
//!    So yellow marks the period in which a late item caught up; it is green again after that.

use std::collections::BTreeMap;
use std::str::FromStr;

use digecon_core::Period;
use serde::{Deserialize, Serialize};

use crate::goals::Relation;
use crate::item::{month_index, ItemKey, LedgerItem};

/// What the reporting unit says about its task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    NotStarted,
    InProgress,
    Completed,
    Behind,
}

impl ProgressStatus {
    pub const ALL: &'static [ProgressStatus] =
        &[ProgressStatus::NotStarted, ProgressStatus::InProgress, ProgressStatus::Completed, ProgressStatus::Behind];

    pub fn as_str(&self) -> &'static str {
        match self {
            ProgressStatus::NotStarted => "not_started",
            ProgressStatus::InProgress => "in_progress",
            ProgressStatus::Completed => "completed",
            ProgressStatus::Behind => "behind",
        }
    }

    pub fn zh(&self) -> &'static str {
        match self {
            ProgressStatus::NotStarted => "未启动",
            ProgressStatus::InProgress => "推进中",
            ProgressStatus::Completed => "已完成",
            ProgressStatus::Behind => "滞后",
        }
    }
}

impl FromStr for ProgressStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ProgressStatus::ALL.iter().copied().find(|x| x.as_str() == s || x.zh() == s).ok_or_else(|| {
            format!(
                "无效的状态 / invalid status `{s}`: expected one of `not_started` (未启动), `in_progress` (推进中), `completed` (已完成), `behind` (滞后)"
            )
        })
    }
}

/// A co-operating unit's part of a report (配合单位进展).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contribution {
    pub department_code: String,
    pub narrative: String,
    pub synthetic: bool,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A lead unit's report on one item for one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressReport {
    pub key: ItemKey,
    /// A month (`2022-09`) or a quarter (`2022-Q3`).
    pub period: Period,
    /// The reporting lead unit.
    pub department_code: String,
    pub status: ProgressStatus,
    /// 0–100, when the unit gives one.
    pub percent: Option<f64>,
    /// Measured value of each goal reported, by goal id (`G1`, `M2023-G1`), in the goal's unit.
    pub values: BTreeMap<String, f64>,
    /// Ids of the milestones reached (`M2023`).
    pub milestones_reached: Vec<String>,
    pub narrative: String,
    /// References to evidence (document numbers, file names, links).
    pub evidence: Vec<String>,
    pub contributions: Vec<Contribution>,
    pub synthetic: bool,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// Status colour of an item for a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    Green,
    Yellow,
    Red,
    Grey,
}

impl Colour {
    pub const ALL: &'static [Colour] = &[Colour::Green, Colour::Yellow, Colour::Red, Colour::Grey];

    pub fn as_str(&self) -> &'static str {
        match self {
            Colour::Green => "green",
            Colour::Yellow => "yellow",
            Colour::Red => "red",
            Colour::Grey => "grey",
        }
    }

    pub fn zh(&self) -> &'static str {
        match self {
            Colour::Green => "绿",
            Colour::Yellow => "黄",
            Colour::Red => "红",
            Colour::Grey => "灰",
        }
    }

    /// What the colour means, zh-CN first.
    pub fn meaning(&self) -> &'static str {
        match self {
            Colour::Green => "按序时推进 / on schedule",
            Colour::Yellow => "曾滞后、已赶上 / was late, caught up",
            Colour::Red => "滞后于序时进度 / late",
            Colour::Grey => "未报送 / no report",
        }
    }
}

/// Why a report is late.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Lateness {
    /// The unit reported the status 滞后.
    Declared,
    /// Percent complete below 序时进度.
    Percent { percent: f64, expected: f64 },
    /// A goal's measured value below its share of 序时进度.
    Goal { goal_id: String, measured: f64, required: f64 },
    /// Due, and the measured value does not meet the goal.
    GoalMissed { goal_id: String, measured: f64 },
    /// Due, and no value was reported for the goal.
    GoalUnmeasured { goal_id: String },
    /// A milestone due by the end of the period is not marked reached.
    Milestone { milestone_id: String },
}

impl Lateness {
    pub fn describe(&self) -> String {
        let v = digecon_core::format_value;
        match self {
            Lateness::Declared => "单位报告滞后 / reported as behind".into(),
            Lateness::Percent { percent, expected } => {
                format!("完成 {}% 低于序时进度 {}% / {}% complete, below the {}% expected", fmt1(*percent), fmt1(*expected), fmt1(*percent), fmt1(*expected))
            }
            Lateness::Goal { goal_id, measured, required } => {
                format!("{goal_id} 实测 {} 低于序时要求 {} / measured {} below the {} due by now", v(*measured), fmt2(*required), v(*measured), fmt2(*required))
            }
            Lateness::GoalMissed { goal_id, measured } => format!("{goal_id} 到期未达成（实测 {}）/ due and not met (measured {})", v(*measured), v(*measured)),
            Lateness::GoalUnmeasured { goal_id } => format!("{goal_id} 到期未报实测值 / due and not measured"),
            Lateness::Milestone { milestone_id } => format!("节点 {milestone_id} 到期未完成 / milestone due and not reached"),
        }
    }
}

fn fmt1(x: f64) -> String {
    format!("{x:.1}")
}
fn fmt2(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Everything that makes `report` late for `item` (empty: on schedule). See the module docs.
pub fn lateness(item: &LedgerItem, report: &ProgressReport) -> Vec<Lateness> {
    let mut out = Vec::new();
    let share = item.expected_share(&report.period);
    let expected = share * 100.0;
    let end = month_index(&report.period);
    if report.status == ProgressStatus::Behind {
        out.push(Lateness::Declared);
    }
    let percent = report.percent.or((report.status == ProgressStatus::Completed).then_some(100.0));
    if let Some(p) = percent {
        // A hair of tolerance so that 9/12 computed in floating point does not flag 75.
        if p + 1e-9 < expected {
            out.push(Lateness::Percent { percent: p, expected });
        }
    }
    let due = end >= month_index(&item.due);
    for g in &item.goals {
        let measured = report.values.get(&g.id).copied();
        if due {
            match measured {
                None => out.push(Lateness::GoalUnmeasured { goal_id: g.id.clone() }),
                Some(m) if !g.is_met_by(m) => out.push(Lateness::GoalMissed { goal_id: g.id.clone(), measured: m }),
                Some(_) => {}
            }
        } else if let Some(m) = measured {
            if !g.is_level() && g.relation != Relation::AtMost {
                let required = g.value * share;
                if m + 1e-9 < required {
                    out.push(Lateness::Goal { goal_id: g.id.clone(), measured: m, required });
                }
            }
        }
    }
    for ms in &item.milestones {
        if end < month_index(&ms.due) {
            continue;
        }
        if !report.milestones_reached.iter().any(|r| r == &ms.id) {
            out.push(Lateness::Milestone { milestone_id: ms.id.clone() });
        }
        for g in &ms.goals {
            if let Some(m) = report.values.get(&g.id).copied() {
                if !g.is_met_by(m) {
                    out.push(Lateness::GoalMissed { goal_id: g.id.clone(), measured: m });
                }
            }
        }
    }
    out
}

/// The colour of one report in an item's history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessed {
    pub period: Period,
    pub colour: Colour,
    pub expected_pct: f64,
    pub lateness: Vec<Lateness>,
}

/// Colours every report of `item` (reports of other items are ignored), in chronological order of
/// their periods' ends.
pub fn history(item: &LedgerItem, reports: &[ProgressReport]) -> Vec<Assessed> {
    let mut mine: Vec<&ProgressReport> = reports.iter().filter(|r| r.key == item.key).collect();
    mine.sort_by(|a, b| month_index(&a.period).cmp(&month_index(&b.period)).then(a.period.cmp(&b.period)));
    let mut out: Vec<Assessed> = Vec::with_capacity(mine.len());
    for r in mine {
        let late = lateness(item, r);
        let end = month_index(&r.period);
        let previous = out.iter().rev().find(|a| month_index(&a.period) < end).map(|a| a.colour);
        let colour = if !late.is_empty() {
            Colour::Red
        } else if previous == Some(Colour::Red) {
            Colour::Yellow
        } else {
            Colour::Green
        };
        out.push(Assessed { period: r.period, colour, expected_pct: item.expected_share(&r.period) * 100.0, lateness: late });
    }
    out
}

/// An item's colour for a period, with the report it rests on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColourAt {
    pub period: Period,
    pub colour: Colour,
    /// The period of the report used (a month inside a quarter, or the period itself).
    pub report_period: Option<Period>,
    /// 序时进度 at the end of `period`, in percent.
    pub expected_pct: f64,
    pub lateness: Vec<Lateness>,
    /// The colour of the report before, if any.
    pub previous: Option<(Period, Colour)>,
}

/// The colour of `item` for `period` (see the module docs for the rule).
pub fn colour_at(item: &LedgerItem, reports: &[ProgressReport], period: Period) -> ColourAt {
    let hist = history(item, reports);
    let chosen = hist
        .iter()
        .position(|a| a.period == period)
        .or_else(|| hist.iter().rposition(|a| a.period != period && period.contains(&a.period)));
    let expected_pct = item.expected_share(&period) * 100.0;
    match chosen {
        None => {
            let end = month_index(&period);
            let previous = hist.iter().rev().find(|a| month_index(&a.period) < end).map(|a| (a.period, a.colour));
            ColourAt { period, colour: Colour::Grey, report_period: None, expected_pct, lateness: Vec::new(), previous }
        }
        Some(i) => {
            let a = &hist[i];
            let end = month_index(&a.period);
            let previous = hist[..i].iter().rev().find(|b| month_index(&b.period) < end).map(|b| (b.period, b.colour));
            ColourAt {
                period,
                colour: a.colour,
                report_period: Some(a.period),
                expected_pct: a.expected_pct,
                lateness: a.lateness.clone(),
                previous,
            }
        }
    }
}

/// What a unit files on a task for a period, as typed (a web form, command-line flags): checked
/// by [`check_filing`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FilingInput {
    /// `not_started`, `in_progress`, … (see [`ProgressStatus`]); the lead unit's only.
    pub status: Option<String>,
    /// 0–100.
    pub percent: Option<f64>,
    /// `GOAL=VALUE`, e.g. `G1=12`, in the goal's unit.
    pub values: Vec<String>,
    /// Ids of the milestones reached, e.g. `M2023`.
    pub milestones: Vec<String>,
    pub narrative: String,
    pub evidence: Vec<String>,
}

/// What a filing is once checked: the lead unit's report, or a co-operating unit's part.
#[derive(Clone, Debug, PartialEq)]
pub enum Filed {
    Report(ProgressReport),
    Part(Contribution),
}

/// The one rule of what `department` may file on `item` for `period`: a lead unit files the
/// report (a status; a percent in 0–100; values of the item's own goals, each once; its own
/// milestones); a co-operating unit files its part only — a narrative — once the lead unit's report
/// of the period exists (`lead_reported`). Every refusal names the field and what was expected.
pub fn check_filing(item: &LedgerItem, department: &str, period: Period, input: &FilingInput, lead_reported: bool) -> Result<Filed, String> {
    if matches!(period, Period::Year(_)) {
        return Err(format!("period: 期间须为月或季度 / the period must be a month (2022-09) or a quarter (2022-Q3), got `{period}`"));
    }
    if !item.is_lead(department) {
        if !item.is_coop(department) {
            return Err(format!(
                "department: `{department}` 既不是牵头单位也不是配合单位 / `{department}` neither leads nor co-operates on {} (lead: {}; co-operating: {})",
                item.key,
                item.lead_units_text,
                if item.coop_units_text.is_empty() { "none" } else { &item.coop_units_text }
            ));
        }
        if input.status.is_some() || input.percent.is_some() || !input.values.is_empty() || !input.milestones.is_empty() || !input.evidence.is_empty() {
            return Err("配合单位只填写配合情况 / a co-operating unit files its part only (narrative, problems); status, percent, values, milestones and evidence are the lead unit's".into());
        }
        if input.narrative.trim().is_empty() {
            return Err("narrative: 配合情况不能为空 / the co-operating unit's part is empty".into());
        }
        if !lead_reported {
            return Err(format!("{} {period} 尚无牵头单位报告 / {} has no lead unit's report for {period} yet", item.key, item.key));
        }
        return Ok(Filed::Part(Contribution {
            department_code: department.to_string(),
            narrative: input.narrative.clone(),
            synthetic: false,
            recorded_by: String::new(),
            recorded_at: String::new(),
        }));
    }
    let status: ProgressStatus = input.status.as_deref().ok_or("status: 牵头单位报告须填写状态 / the lead unit's report needs a status")?.parse().map_err(|e: String| format!("status: {e}"))?;
    if let Some(p) = input.percent {
        if !(0.0..=100.0).contains(&p) {
            return Err(format!("percent: 应在 0–100 之间 / must be between 0 and 100, got {}", digecon_core::format_value(p)));
        }
    }
    let mut values = BTreeMap::new();
    for v in &input.values {
        let Some((id, x)) = v.split_once('=') else { return Err(format!("values: `{v}` 应为 目标编号=数值 / expected GOAL=VALUE, e.g. G1=12")) };
        let (id, x) = (id.trim(), x.trim());
        let Some(goal) = item.goal(id) else {
            let known: Vec<&str> = item.all_goals().map(|g| g.id.as_str()).collect();
            return Err(format!(
                "values: 未知的目标编号 / unknown goal `{id}` of {} (known: {})",
                item.key,
                if known.is_empty() { "none".into() } else { known.join(", ") }
            ));
        };
        let x: f64 = digecon_core::parse_decimal(x).ok_or_else(|| format!("values {id}: `{x}` 不是数字 / is not a number ({})", goal.unit))?;
        if values.insert(id.to_string(), x).is_some() {
            return Err(format!("values: 目标 {id} 重复 / goal {id} given twice"));
        }
    }
    for m in &input.milestones {
        if !item.milestones.iter().any(|x| &x.id == m) {
            return Err(format!("milestones: 未知的节点 / unknown milestone `{m}` of {}", item.key));
        }
    }
    Ok(Filed::Report(ProgressReport {
        key: item.key.clone(),
        period,
        department_code: department.to_string(),
        status,
        percent: input.percent,
        values,
        milestones_reached: input.milestones.clone(),
        narrative: input.narrative.clone(),
        evidence: input.evidence.clone(),
        contributions: Vec::new(),
        synthetic: false,
        recorded_by: String::new(),
        recorded_at: String::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goals::extract;
    use crate::item::ItemKind;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    /// Task 6 of the 2022 plan: "培育 15 个省级科技创新平台" (one goal, G1 ≥ 15 个 by 2022-12).
    fn task() -> LedgerItem {
        let text = "组建数字经济领域省技术创新中心，培育 15 个省级科技创新平台。";
        let ex = extract(text, "");
        LedgerItem {
            key: ItemKey::task("jx-2022-workplan", 6),
            group: "（一）数字技术创新专项".into(),
            title: text.into(),
            text: text.into(),
            lead_units: vec!["360000-most".into()],
            lead_units_text: "省科技厅".into(),
            coop_units: vec!["360000-drc".into()],
            coop_units_text: "省发改委".into(),
            start: p("2022-01"),
            due: p("2022-12"),
            goals: ex.goals,
            not_goals: ex.not_goals,
            milestones: Vec::new(),
        }
    }

    fn report(period: &str, status: ProgressStatus, percent: Option<f64>, g1: Option<f64>) -> ProgressReport {
        ProgressReport {
            key: ItemKey::task("jx-2022-workplan", 6),
            period: p(period),
            department_code: "360000-most".into(),
            status,
            percent,
            values: g1.map(|v| [("G1".to_string(), v)].into_iter().collect()).unwrap_or_default(),
            milestones_reached: Vec::new(),
            narrative: String::new(),
            evidence: Vec::new(),
            contributions: Vec::new(),
            synthetic: false,
            recorded_by: "test".into(),
            recorded_at: String::new(),
        }
    }

    use ProgressStatus::*;

    fn colours(reports: &[ProgressReport], periods: &[&str]) -> Vec<Colour> {
        periods.iter().map(|q| colour_at(&task(), reports, p(q)).colour).collect()
    }

    #[test]
    fn on_time_history_is_green() {
        // 序时进度 25/50/75/100 %; goal 15: required 3.75, 7.5, 11.25, then ≥ 15 at the due date.
        let h = [
            report("2022-Q1", InProgress, Some(25.0), Some(4.0)),
            report("2022-Q2", InProgress, Some(50.0), Some(8.0)),
            report("2022-Q3", InProgress, Some(80.0), Some(12.0)),
            report("2022-Q4", Completed, None, Some(15.0)),
        ];
        assert_eq!(colours(&h, &["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"]), [Colour::Green; 4]);
    }

    #[test]
    fn late_history_is_red_with_the_reasons() {
        let h = [
            report("2022-Q1", InProgress, Some(20.0), Some(4.0)),
            report("2022-Q2", InProgress, Some(60.0), Some(7.0)),
            report("2022-Q3", Behind, Some(75.0), Some(12.0)),
            report("2022-Q4", Completed, None, Some(14.0)),
        ];
        assert_eq!(colours(&h, &["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"]), [Colour::Red; 4]);
        let q1 = colour_at(&task(), &h, p("2022-Q1"));
        assert_eq!(q1.lateness, [Lateness::Percent { percent: 20.0, expected: 25.0 }]);
        let q2 = colour_at(&task(), &h, p("2022-Q2"));
        assert_eq!(q2.lateness, [Lateness::Goal { goal_id: "G1".into(), measured: 7.0, required: 7.5 }]);
        assert_eq!(colour_at(&task(), &h, p("2022-Q3")).lateness, [Lateness::Declared]);
        assert_eq!(colour_at(&task(), &h, p("2022-Q4")).lateness, [Lateness::GoalMissed { goal_id: "G1".into(), measured: 14.0 }]);
    }

    #[test]
    fn caught_up_is_yellow_once_then_green() {
        let h = [
            report("2022-Q1", InProgress, Some(10.0), None),
            report("2022-Q2", InProgress, Some(55.0), Some(8.0)),
            report("2022-Q3", InProgress, Some(80.0), Some(12.0)),
        ];
        assert_eq!(colours(&h, &["2022-Q1", "2022-Q2", "2022-Q3"]), [Colour::Red, Colour::Yellow, Colour::Green]);
        let q2 = colour_at(&task(), &h, p("2022-Q2"));
        assert_eq!(q2.previous, Some((p("2022-Q1"), Colour::Red)));
    }

    #[test]
    fn missing_is_grey_and_the_next_report_looks_past_the_gap() {
        let h = [report("2022-Q1", InProgress, Some(10.0), None), report("2022-Q3", InProgress, Some(75.0), Some(11.25))];
        assert_eq!(colours(&h, &["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"]), [Colour::Red, Colour::Grey, Colour::Yellow, Colour::Grey]);
        assert!(colours(&[], &["2022-Q3"]) == [Colour::Grey]);
        // At the due date a goal must be measured.
        let h = [report("2022-Q4", Completed, Some(100.0), None)];
        assert_eq!(colour_at(&task(), &h, p("2022-Q4")).lateness, [Lateness::GoalUnmeasured { goal_id: "G1".into() }]);
    }

    #[test]
    fn a_quarter_uses_its_latest_monthly_report() {
        let h = [
            report("2022-07", InProgress, Some(50.0), None),
            report("2022-08", InProgress, Some(70.0), None),
            report("2022-09", InProgress, Some(74.0), None),
        ];
        let q3 = colour_at(&task(), &h, p("2022-Q3"));
        assert_eq!((q3.colour, q3.report_period), (Colour::Red, Some(p("2022-09"))));
        // July's 序时进度 is 7/12 = 58.3 %: 50 is late; August 66.7 %: 70 caught up.
        assert_eq!(colours(&h, &["2022-07", "2022-08", "2022-09"]), [Colour::Red, Colour::Yellow, Colour::Red]);
    }

    #[test]
    fn milestones_are_due_at_the_end_of_their_year() {
        let text = "到 2023 年,全市 5G 基站开通数达到 15000 个";
        let ex = extract(text, "M2023-");
        let item = LedgerItem {
            key: ItemKey { plan_id: "gz-14fyp".into(), kind: ItemKind::Project, number: 6 },
            milestones: vec![crate::item::Milestone { id: "M2023".into(), due: p("2023-12"), text: text.into(), goals: ex.goals, not_goals: ex.not_goals }],
            goals: Vec::new(),
            start: p("2021-01"),
            due: p("2025-12"),
            ..task()
        };
        // 2023-Q3 of a 2021–2025 plan: 33 of 60 months → 55 %.
        let mut r = report("2023-Q3", InProgress, Some(55.0), None);
        r.key = item.key.clone();
        assert!(lateness(&item, &r).is_empty());
        r.period = p("2023-Q4");
        r.percent = Some(60.0);
        assert_eq!(lateness(&item, &r), [Lateness::Milestone { milestone_id: "M2023".into() }]);
        r.milestones_reached = vec!["M2023".into()];
        r.values.insert("M2023-G1".into(), 14000.0);
        assert_eq!(lateness(&item, &r), [Lateness::GoalMissed { goal_id: "M2023-G1".into(), measured: 14000.0 }]);
        r.values.insert("M2023-G1".into(), 15100.0);
        assert!(lateness(&item, &r).is_empty());
    }

    #[test]
    fn what_a_unit_may_file_is_one_rule() {
        let item = task();
        let lead = FilingInput { status: Some("in_progress".into()), percent: Some(40.0), values: vec!["G1=8".into()], ..FilingInput::default() };
        let Ok(Filed::Report(r)) = check_filing(&item, "360000-most", p("2022-Q3"), &lead, false) else { panic!("the lead unit files the report") };
        assert_eq!((r.status, r.percent, r.values["G1"]), (ProgressStatus::InProgress, Some(40.0), 8.0));
        let err = |input: &FilingInput, dept: &str, lead_reported: bool| check_filing(&item, dept, p("2022-Q3"), input, lead_reported).unwrap_err();
        assert!(err(&FilingInput { percent: Some(140.0), ..lead.clone() }, "360000-most", false).starts_with("percent:"));
        assert!(err(&FilingInput { values: vec!["G9=1".into()], ..lead.clone() }, "360000-most", false).contains("unknown goal `G9`"));
        assert!(err(&FilingInput { values: vec!["G1=1e3".into()], ..lead.clone() }, "360000-most", false).contains("is not a number"));
        assert!(err(&FilingInput { values: vec!["G1=1".into(), "G1=2".into()], ..lead.clone() }, "360000-most", false).contains("given twice"));
        assert!(err(&FilingInput { milestones: vec!["M2023".into()], ..lead.clone() }, "360000-most", false).contains("unknown milestone"));
        assert!(err(&FilingInput { status: None, ..lead.clone() }, "360000-most", false).starts_with("status:"));
        assert!(check_filing(&item, "360000-most", p("2022"), &lead, false).unwrap_err().starts_with("period:"));
        // A co-operating unit files its part, and only after the lead unit's report.
        let part = FilingInput { narrative: "配合完成平台评估".into(), ..FilingInput::default() };
        assert!(err(&part, "360000-drc", false).contains("no lead unit's report"));
        assert!(matches!(check_filing(&item, "360000-drc", p("2022-Q3"), &part, true), Ok(Filed::Part(_))));
        assert!(err(&lead, "360000-drc", true).contains("its part only"));
        assert!(err(&part, "360000-edu", true).contains("neither leads nor co-operates"));
    }
}
