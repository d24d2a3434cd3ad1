//! Key projects (重点项目) and their monthly investment reports; the scheduling views
//! (按月调度): completion against the annual plan and 序时进度, lagging projects, league tables.
//!
//! Investment is in 万元 throughout, as project ledgers keep it; reports show 亿元.
//! Completion of a project at month M = year-to-date completed investment of its latest report at
//! or before M ÷ planned investment for the year; 序时进度 = M / 12. The gap is the difference in
//! percentage points. A project is **lagging** when its completion is below 序时进度 by more than a
//! threshold (0 pp unless the caller says otherwise). A project with no report by M counts 0.

use std::collections::BTreeMap;
use std::str::FromStr;

use digecon_core::{Department, Period, Region, RegionLevel, RegionTree};
use serde::{Deserialize, Serialize};

/// 数字经济重点产业项目 or 新基建项目 (002 tasks 17 and 18).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    Industry,
    NewInfra,
}

impl ProjectKind {
    pub const ALL: &'static [ProjectKind] = &[ProjectKind::Industry, ProjectKind::NewInfra];
    pub fn as_str(&self) -> &'static str {
        match self {
            ProjectKind::Industry => "industry",
            ProjectKind::NewInfra => "new_infra",
        }
    }
    pub fn zh(&self) -> &'static str {
        match self {
            ProjectKind::Industry => "数字经济重点产业项目",
            ProjectKind::NewInfra => "新基建项目",
        }
    }
}

impl FromStr for ProjectKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ProjectKind::ALL.iter().copied().find(|k| k.as_str() == s || k.zh() == s).ok_or_else(|| {
            format!("无效的项目类型 / invalid project kind `{s}`: expected `industry` (数字经济重点产业项目) or `new_infra` (新基建项目)")
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Planned,
    UnderConstruction,
    Completed,
    Suspended,
}

impl ProjectStatus {
    pub const ALL: &'static [ProjectStatus] =
        &[ProjectStatus::Planned, ProjectStatus::UnderConstruction, ProjectStatus::Completed, ProjectStatus::Suspended];
    pub fn as_str(&self) -> &'static str {
        match self {
            ProjectStatus::Planned => "planned",
            ProjectStatus::UnderConstruction => "under_construction",
            ProjectStatus::Completed => "completed",
            ProjectStatus::Suspended => "suspended",
        }
    }
    pub fn zh(&self) -> &'static str {
        match self {
            ProjectStatus::Planned => "未开工",
            ProjectStatus::UnderConstruction => "在建",
            ProjectStatus::Completed => "竣工",
            ProjectStatus::Suspended => "停缓建",
        }
    }
}

impl FromStr for ProjectStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ProjectStatus::ALL.iter().copied().find(|k| k.as_str() == s || k.zh() == s).ok_or_else(|| {
            format!("无效的项目状态 / invalid project status `{s}`: expected `planned` (未开工), `under_construction` (在建), `completed` (竣工) or `suspended` (停缓建)")
        })
    }
}

/// One project of a year's key-project list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyProject {
    /// The scheduling year: the registry is kept per year (a project continuing next year is listed again).
    pub year: i32,
    pub code: String,
    pub name: String,
    pub region_code: String,
    /// Track or industry (赛道 / 行业), as the ledger writes it.
    pub industry: String,
    pub kind: ProjectKind,
    /// 总投资, 万元.
    pub total_investment: f64,
    /// 年度计划投资, 万元.
    pub planned_investment: f64,
    /// Start and planned completion months.
    pub start: Period,
    pub end: Period,
    /// Department code of the unit answerable for the project.
    pub lead_unit: String,
    pub status: ProjectStatus,
    pub synthetic: bool,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A key project's report for one month (月度调度).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthlyReport {
    pub year: i32,
    pub code: String,
    /// 1–12.
    pub month: u8,
    /// 当月完成投资, 万元.
    pub month_investment: f64,
    /// 年度累计完成投资, 万元.
    pub ytd_investment: f64,
    /// 形象进度: what was built.
    pub progress: String,
    pub synthetic: bool,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl MonthlyReport {
    pub fn period(&self) -> Period {
        Period::Month(self.year, self.month)
    }
}

/// Something wrong with a project's monthly reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ReportIssue {
    /// A negative amount (`field` is `month_investment` or `ytd_investment`).
    Negative { field: &'static str, value: f64 },
    /// Not a finite number.
    NotFinite { field: &'static str },
    /// Year-to-date below the year-to-date of an earlier month of the same year.
    YtdBelowEarlier { earlier_month: u8, earlier_ytd: f64, ytd: f64 },
    /// This month's amount is not this month's YTD minus last month's (January: not the YTD).
    MonthNotDifference { expected: f64, month_investment: f64 },
}

impl ReportIssue {
    /// Which column the issue is about.
    pub fn field(&self) -> &'static str {
        match self {
            ReportIssue::Negative { field, .. } | ReportIssue::NotFinite { field } => field,
            ReportIssue::YtdBelowEarlier { .. } => "ytd_investment",
            ReportIssue::MonthNotDifference { .. } => "month_investment",
        }
    }

    pub fn describe(&self) -> String {
        let v = digecon_core::format_value;
        match self {
            ReportIssue::Negative { field, value } => format!("投资额不能为负 / {field} must not be negative, got {}", v(*value)),
            ReportIssue::NotFinite { field } => format!("投资额不是有效数字 / {field} is not a finite number"),
            ReportIssue::YtdBelowEarlier { earlier_month, earlier_ytd, ytd } => format!(
                "累计完成投资 {} 低于 {earlier_month} 月累计 {} / year-to-date {} is below month {earlier_month}'s year-to-date {}",
                v(*ytd),
                v(*earlier_ytd),
                v(*ytd),
                v(*earlier_ytd)
            ),
            ReportIssue::MonthNotDifference { expected, month_investment } => format!(
                "当月完成投资 {} 应等于本月累计减上月累计 {} / this month's {} should be this month's minus last month's year-to-date, {}",
                v(*month_investment),
                v(*expected),
                v(*month_investment),
                v(*expected)
            ),
        }
    }
}

/// A new report must not leave the year-to-date of a later month already stored below its own:
/// the stored month right after it, named with both amounts, when it would.
pub fn later_ytd_below(report: &MonthlyReport, others: &[&MonthlyReport]) -> Option<String> {
    let later = others.iter().filter(|m| m.month > report.month).min_by_key(|m| m.month)?;
    (later.ytd_investment < report.ytd_investment).then(|| {
        let (year, month) = (report.year, later.month);
        let (stored, ytd) = (digecon_core::format_value(later.ytd_investment), digecon_core::format_value(report.ytd_investment));
        format!("{year}-{month:02} 已报累计 {stored} 低于本月累计 {ytd} / the stored year-to-date of {year}-{month:02} ({stored}) would fall below this month's ({ytd})")
    })
}

/// Tolerance for "month = YTD − last YTD": amounts are 万元 with at most a few decimals.
const AMOUNT_EPSILON: f64 = 1e-6;

/// Checks one report against the project's other reports of the same year (`others` may include
/// the report itself; it is skipped). Every issue is returned.
pub fn check_report(report: &MonthlyReport, others: &[&MonthlyReport]) -> Vec<ReportIssue> {
    let mut out = Vec::new();
    for (field, value) in [("month_investment", report.month_investment), ("ytd_investment", report.ytd_investment)] {
        if !value.is_finite() {
            out.push(ReportIssue::NotFinite { field });
        } else if value < 0.0 {
            out.push(ReportIssue::Negative { field, value });
        }
    }
    if !out.is_empty() {
        return out;
    }
    let same = |o: &&&MonthlyReport| o.year == report.year && o.code == report.code && o.month != report.month;
    if let Some(e) = others.iter().filter(same).filter(|o| o.month < report.month).max_by_key(|o| o.month) {
        if report.ytd_investment + AMOUNT_EPSILON < e.ytd_investment {
            out.push(ReportIssue::YtdBelowEarlier { earlier_month: e.month, earlier_ytd: e.ytd_investment, ytd: report.ytd_investment });
        } else if e.month + 1 == report.month {
            let expected = report.ytd_investment - e.ytd_investment;
            if (expected - report.month_investment).abs() > AMOUNT_EPSILON * expected.abs().max(1.0) {
                out.push(ReportIssue::MonthNotDifference { expected, month_investment: report.month_investment });
            }
        }
    }
    if report.month == 1 && (report.ytd_investment - report.month_investment).abs() > AMOUNT_EPSILON * report.ytd_investment.max(1.0) {
        out.push(ReportIssue::MonthNotDifference { expected: report.ytd_investment, month_investment: report.month_investment });
    }
    out
}

/// One project's standing at a month.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectProgress {
    pub year: i32,
    pub code: String,
    pub name: String,
    pub region_code: String,
    /// The city the project counts for in league tables (its own code if it is not under a city).
    pub city_code: String,
    pub lead_unit: String,
    pub kind: ProjectKind,
    pub planned: f64,
    /// Month of the report used; `None` when the project has not reported by the month.
    pub report_month: Option<u8>,
    pub ytd: f64,
    /// `ytd / planned × 100`; `None` when nothing is planned for the year.
    pub completion_pct: Option<f64>,
    pub expected_pct: f64,
    /// completion − expected, percentage points.
    pub gap_pp: Option<f64>,
    pub lagging: bool,
}

/// The city-level ancestor of a region (itself when it is a city, or when no city is above it).
pub fn city_of(tree: &RegionTree, region: &str) -> String {
    tree.ancestors(region)
        .find(|r| tree.level(r) == Some(RegionLevel::City))
        .unwrap_or(region)
        .to_string()
}

/// Every project of `as_of`'s year at month `as_of` (a month), in registry order.
pub fn progress_at(
    projects: &[KeyProject],
    reports: &[MonthlyReport],
    tree: &RegionTree,
    as_of: Period,
    lag_threshold_pp: f64,
) -> Vec<ProjectProgress> {
    let (year, month) = (as_of.year(), as_of.months().1);
    let expected_pct = f64::from(month) / 12.0 * 100.0;
    let mut latest: BTreeMap<&str, &MonthlyReport> = BTreeMap::new();
    for r in reports.iter().filter(|r| r.year == year && r.month <= month) {
        let e = latest.entry(r.code.as_str()).or_insert(r);
        if r.month > e.month {
            *e = r;
        }
    }
    projects
        .iter()
        .filter(|p| p.year == year)
        .map(|p| {
            let r = latest.get(p.code.as_str());
            let ytd = r.map_or(0.0, |r| r.ytd_investment);
            let completion_pct = (p.planned_investment > 0.0).then(|| ytd / p.planned_investment * 100.0);
            let gap_pp = completion_pct.map(|c| c - expected_pct);
            ProjectProgress {
                year: p.year,
                code: p.code.clone(),
                name: p.name.clone(),
                region_code: p.region_code.clone(),
                city_code: city_of(tree, &p.region_code),
                lead_unit: p.lead_unit.clone(),
                kind: p.kind,
                planned: p.planned_investment,
                report_month: r.map(|r| r.month),
                ytd,
                completion_pct,
                expected_pct,
                gap_pp,
                lagging: gap_pp.is_some_and(|g| g < -lag_threshold_pp),
            }
        })
        .collect()
}

/// One row of a league table (by city or by lead unit).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeagueRow {
    pub rank: usize,
    pub code: String,
    pub name: String,
    pub projects: usize,
    pub planned: f64,
    pub ytd: f64,
    /// Σ ytd / Σ planned × 100.
    pub completion_pct: Option<f64>,
    pub gap_pp: Option<f64>,
    pub lagging: usize,
    pub not_reported: usize,
}

/// Groups `progress` by `key` and ranks the groups by completion (highest first; ties by code).
pub fn league<'a>(
    progress: &'a [ProjectProgress],
    key: impl Fn(&'a ProjectProgress) -> &'a str,
    name: impl Fn(&str) -> String,
) -> Vec<LeagueRow> {
    let mut groups: BTreeMap<&str, Vec<&ProjectProgress>> = BTreeMap::new();
    for p in progress {
        groups.entry(key(p)).or_default().push(p);
    }
    let mut rows: Vec<LeagueRow> = groups
        .into_iter()
        .map(|(code, ps)| {
            let planned: f64 = ps.iter().map(|p| p.planned).sum();
            let ytd: f64 = ps.iter().map(|p| p.ytd).sum();
            let completion_pct = (planned > 0.0).then(|| ytd / planned * 100.0);
            let expected = ps.first().map_or(0.0, |p| p.expected_pct);
            LeagueRow {
                rank: 0,
                code: code.to_string(),
                name: name(code),
                projects: ps.len(),
                planned,
                ytd,
                completion_pct,
                gap_pp: completion_pct.map(|c| c - expected),
                lagging: ps.iter().filter(|p| p.lagging).count(),
                not_reported: ps.iter().filter(|p| p.report_month.is_none()).count(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.completion_pct
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.completion_pct.unwrap_or(f64::NEG_INFINITY))
            .then(a.code.cmp(&b.code))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    rows
}

/// League table by city.
pub fn league_by_city(progress: &[ProjectProgress], regions: &[Region]) -> Vec<LeagueRow> {
    league(progress, |p| p.city_code.as_str(), |c| region_name(regions, c))
}

/// League table by lead unit.
pub fn league_by_lead_unit(progress: &[ProjectProgress], departments: &[Department]) -> Vec<LeagueRow> {
    league(progress, |p| p.lead_unit.as_str(), |c| department_name(departments, c))
}

pub fn region_name(regions: &[Region], code: &str) -> String {
    regions.iter().find(|r| r.code == code).map_or_else(|| code.to_string(), |r| r.name_zh.clone())
}

pub fn department_name(departments: &[Department], code: &str) -> String {
    departments.iter().find(|d| d.code == code).map_or_else(|| code.to_string(), |d| d.name_zh.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(month: u8, m: f64, ytd: f64) -> MonthlyReport {
        MonthlyReport {
            year: 2022,
            code: "P1".into(),
            month,
            month_investment: m,
            ytd_investment: ytd,
            progress: String::new(),
            synthetic: false,
            recorded_by: String::new(),
            recorded_at: String::new(),
        }
    }

    #[test]
    fn report_checks() {
        let jan = report(1, 100.0, 100.0);
        let feb = report(2, 50.0, 150.0);
        assert!(check_report(&feb, &[&jan]).is_empty());
        assert!(check_report(&jan, &[&jan, &feb]).is_empty());
        let bad = report(3, 0.0, 120.0);
        assert_eq!(check_report(&bad, &[&jan, &feb]), [ReportIssue::YtdBelowEarlier { earlier_month: 2, earlier_ytd: 150.0, ytd: 120.0 }]);
        let bad = report(3, -5.0, 145.0);
        assert_eq!(check_report(&bad, &[&jan, &feb]), [ReportIssue::Negative { field: "month_investment", value: -5.0 }]);
        let bad = report(3, 20.0, 160.0);
        assert_eq!(check_report(&bad, &[&jan, &feb]), [ReportIssue::MonthNotDifference { expected: 10.0, month_investment: 20.0 }]);
        // A gap in the months: only the YTD order is checked.
        assert!(check_report(&report(5, 20.0, 160.0), &[&jan, &feb]).is_empty());
        assert_eq!(check_report(&report(1, 90.0, 100.0), &[]).len(), 1);
    }

    #[test]
    fn a_later_stored_month_must_not_fall_below() {
        let (mar, jun) = (report(3, 10.0, 150.0), report(6, 10.0, 300.0));
        assert_eq!(later_ytd_below(&report(2, 50.0, 140.0), &[&mar, &jun]), None);
        assert_eq!(later_ytd_below(&report(8, 50.0, 140.0), &[&mar, &jun]), None, "no later month");
        let m = later_ytd_below(&report(2, 50.0, 160.0), &[&jun, &mar]).expect("March, the next stored month, is below");
        assert!(m.starts_with("2022-03 已报累计 150 低于本月累计 160"), "{m}");
    }
}
