//! The quarterly bulletin (季度通报): tasks by 专项 with their colours and the red ones with their
//! lead units; key-project investment against the annual plan and 序时进度, by city and by lead
//! unit, with the lagging projects; the problems raised and those open too long.
//!
//! [`build`] computes every figure from the ledger into a [`Bulletin`]; [`document`] lays it out
//! as headings, paragraphs and tables; [`markdown`], [`html`] and [`xlsx`] only format that
//! document, so the three outputs state the same numbers.

use std::collections::BTreeMap;

use digecon_core::{Department, Period, Region, RegionTree};
use rust_xlsxwriter::{Color, Format, Workbook, XlsxError};
use serde::Serialize;

use crate::item::{month_index, ItemKind, LedgerItem};
use crate::problem::{open_longer_than, Problem, Subject};
use crate::progress::{colour_at, Colour, ProgressReport};
use crate::projects::{department_name, league_by_city, league_by_lead_unit, progress_at, region_name, KeyProject, LeagueRow, MonthlyReport, ProjectKind, ProjectProgress};

/// The ledger a bulletin is computed from.
pub struct BulletinInput<'a> {
    /// The tasks and projects to report on (those active in the quarter are used).
    pub items: &'a [LedgerItem],
    pub reports: &'a [ProgressReport],
    pub projects: &'a [KeyProject],
    pub monthly: &'a [MonthlyReport],
    pub problems: &'a [Problem],
    pub regions: &'a [Region],
    pub departments: &'a [Department],
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BulletinOptions {
    /// A project lags when its completion is below 序时进度 by more than this, in percentage points.
    pub lag_threshold_pp: f64,
    /// Problems open longer than this many months are listed apart.
    pub open_months: u32,
}

impl Default for BulletinOptions {
    fn default() -> Self {
        BulletinOptions { lag_threshold_pp: 0.0, open_months: 3 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BulletinError {
    #[error("通报期间须为季度 / the bulletin's period must be a quarter such as 2022-Q3, got `{0}`")]
    NotAQuarter(String),
    #[error("生成 XLSX 失败 / writing the XLSX failed: {0}")]
    Xlsx(String),
}

impl From<XlsxError> for BulletinError {
    fn from(e: XlsxError) -> Self {
        BulletinError::Xlsx(e.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaskRow {
    pub plan_id: String,
    pub kind: ItemKind,
    pub number: u32,
    pub group: String,
    pub title: String,
    pub lead_units: String,
    pub colour: Colour,
    pub report_period: Option<Period>,
    pub percent: Option<f64>,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupRow {
    pub plan_id: String,
    pub group: String,
    pub total: usize,
    /// Green, yellow, red, grey.
    pub counts: [usize; 4],
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindTotal {
    pub kind: ProjectKind,
    pub projects: usize,
    pub planned: f64,
    pub ytd: f64,
    pub completion_pct: Option<f64>,
    pub gap_pp: Option<f64>,
    pub lagging: usize,
    pub not_reported: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProblemRow {
    pub subject: String,
    pub unit: String,
    pub text: String,
    pub raised: Period,
    pub resolved: Option<Period>,
    pub months_open: Option<u32>,
}

/// Every figure of a bulletin.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bulletin {
    pub quarter: Period,
    /// The quarter's last month: the project figures are year to date at its end.
    pub as_of: Period,
    /// 序时进度 of an annual plan at the quarter's end, in percent.
    pub expected_pct: f64,
    pub options: BulletinOptions,
    /// Whether any input row is synthetic.
    pub synthetic: bool,
    pub tasks: Vec<TaskRow>,
    /// Green, yellow, red, grey over all tasks.
    pub task_counts: [usize; 4],
    pub groups: Vec<GroupRow>,
    pub kinds: Vec<KindTotal>,
    pub projects: Vec<ProjectProgress>,
    pub by_city: Vec<LeagueRow>,
    pub by_lead_unit: Vec<LeagueRow>,
    pub raised: Vec<ProblemRow>,
    pub open_long: Vec<ProblemRow>,
    /// Problems open at the quarter's end (any age).
    pub open_total: usize,
    /// Names of the regions and units the project rows refer to, by code.
    pub names: BTreeMap<String, String>,
}

fn colour_index(c: Colour) -> usize {
    match c {
        Colour::Green => 0,
        Colour::Yellow => 1,
        Colour::Red => 2,
        Colour::Grey => 3,
    }
}

/// The plans a bulletin covers by default: those with progress reports in `year`.
pub fn plans_reported_in(reports: &[ProgressReport], year: i32) -> Vec<String> {
    let mut p: Vec<String> = reports.iter().filter(|r| r.period.year() == year).map(|r| r.key.plan_id.clone()).collect();
    p.sort();
    p.dedup();
    p
}

/// Computes the bulletin for `quarter`.
pub fn build(input: &BulletinInput<'_>, quarter: Period, options: BulletinOptions) -> Result<Bulletin, BulletinError> {
    let Period::Quarter(year, q) = quarter else { return Err(BulletinError::NotAQuarter(quarter.to_string())) };
    let as_of = Period::Month(year, 3 * q);
    let end = month_index(&as_of);
    let dept = |c: &str| department_name(input.departments, c);

    // Tasks active in the quarter.
    let active: Vec<&LedgerItem> =
        input.items.iter().filter(|i| month_index(&i.start) <= end && end - 2 <= month_index(&i.due)).collect();
    let mut tasks = Vec::new();
    let mut groups: Vec<GroupRow> = Vec::new();
    let mut task_counts = [0usize; 4];
    for item in &active {
        let c = colour_at(item, input.reports, quarter);
        let report = c.report_period.and_then(|p| input.reports.iter().find(|r| r.key == item.key && r.period == p));
        task_counts[colour_index(c.colour)] += 1;
        match groups.iter_mut().find(|g| g.plan_id == item.key.plan_id && g.group == item.group) {
            Some(g) => {
                g.total += 1;
                g.counts[colour_index(c.colour)] += 1;
            }
            None => {
                let mut counts = [0; 4];
                counts[colour_index(c.colour)] = 1;
                groups.push(GroupRow { plan_id: item.key.plan_id.clone(), group: item.group.clone(), total: 1, counts });
            }
        }
        tasks.push(TaskRow {
            plan_id: item.key.plan_id.clone(),
            kind: item.key.kind,
            number: item.key.number,
            group: item.group.clone(),
            title: item.title.clone(),
            lead_units: item.lead_units.iter().map(|d| dept(d)).collect::<Vec<_>>().join("、"),
            colour: c.colour,
            report_period: c.report_period,
            percent: report.and_then(|r| r.percent),
            reasons: c.lateness.iter().map(|l| l.describe()).collect(),
        });
    }

    // Key projects.
    let tree = RegionTree::new(input.regions);
    let projects = progress_at(input.projects, input.monthly, &tree, as_of, options.lag_threshold_pp);
    let mut kinds = Vec::new();
    for kind in ProjectKind::ALL {
        let ps: Vec<&ProjectProgress> = projects.iter().filter(|p| p.kind == *kind).collect();
        if ps.is_empty() {
            continue;
        }
        let planned: f64 = ps.iter().map(|p| p.planned).sum();
        let ytd: f64 = ps.iter().map(|p| p.ytd).sum();
        let completion_pct = (planned > 0.0).then(|| ytd / planned * 100.0);
        kinds.push(KindTotal {
            kind: *kind,
            projects: ps.len(),
            planned,
            ytd,
            completion_pct,
            gap_pp: completion_pct.map(|c| c - f64::from(3 * q) / 12.0 * 100.0),
            lagging: ps.iter().filter(|p| p.lagging).count(),
            not_reported: ps.iter().filter(|p| p.report_month.is_none()).count(),
        });
    }
    let by_city = league_by_city(&projects, input.regions);
    let by_lead_unit = league_by_lead_unit(&projects, input.departments);

    // Problems.
    let subject_name = |s: &Subject| -> String {
        match s {
            Subject::Item(k) => {
                let title = input.items.iter().find(|i| &i.key == k).map(|i| short(&i.title, 24)).unwrap_or_default();
                let what = if k.kind == ItemKind::Task { "任务" } else { "工程" };
                format!("{what} {}（{}）{title}", k.number, k.plan_id)
            }
            Subject::KeyProject { year: y, code } => {
                let name = input.projects.iter().find(|p| p.year == *y && &p.code == code).map(|p| p.name.clone()).unwrap_or_default();
                format!("{code} {name}")
            }
        }
    };
    let row = |p: &Problem, months_open: Option<u32>| ProblemRow {
        subject: subject_name(&p.subject),
        unit: p.department_code.as_deref().map(&dept).unwrap_or_default(),
        text: p.text.clone(),
        raised: p.raised,
        resolved: p.resolved,
        months_open,
    };
    let mut raised: Vec<ProblemRow> = input
        .problems
        .iter()
        // A quarter contains itself and its months.
        .filter(|p| quarter.contains(&p.raised))
        .map(|p| row(p, p.months_open(&as_of)))
        .collect();
    raised.sort_by(|a, b| a.raised.cmp(&b.raised).then(a.subject.cmp(&b.subject)));
    let open_long = open_longer_than(input.problems, &as_of, options.open_months).into_iter().map(|(p, m)| row(p, Some(m))).collect();
    let open_total = input.problems.iter().filter(|p| p.is_open_at(&as_of)).count();

    let synthetic = input.reports.iter().any(|r| r.synthetic)
        || input.projects.iter().any(|p| p.synthetic)
        || input.monthly.iter().any(|m| m.synthetic)
        || input.problems.iter().any(|p| p.synthetic);

    let mut names = BTreeMap::new();
    for p in &projects {
        names.insert(p.region_code.clone(), region_name(input.regions, &p.region_code));
        names.insert(p.lead_unit.clone(), dept(&p.lead_unit));
    }

    Ok(Bulletin {
        quarter,
        as_of,
        expected_pct: f64::from(3 * q) / 12.0 * 100.0,
        options,
        synthetic,
        tasks,
        task_counts,
        groups,
        kinds,
        projects,
        by_city,
        by_lead_unit,
        raised,
        open_long,
        open_total,
        names,
    })
}

fn short(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

/// 亿元 with two decimals from 万元.
pub fn yi2(wan: f64) -> String {
    format!("{:.2}", wan / 10000.0)
}

/// A percentage or percentage points with one decimal.
pub fn pct1(x: f64) -> String {
    format!("{x:.1}")
}

/// "高于序时进度 3.2 个百分点" / "低于…" / "与序时进度持平" (at one decimal).
pub fn gap_words(gap: f64) -> (String, String) {
    let g = pct1(gap.abs());
    if g == "0.0" {
        ("与序时进度持平".into(), "level with the time-elapsed schedule".into())
    } else if gap > 0.0 {
        (format!("高于序时进度 {g} 个百分点"), format!("{g} percentage points ahead of the time-elapsed schedule"))
    } else {
        (format!("低于序时进度 {g} 个百分点"), format!("{g} percentage points behind the time-elapsed schedule"))
    }
}

/// One cell of a bulletin table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Cell {
    Text(String),
    /// A number shown with a fixed number of decimals (written to XLSX as a number).
    Number(f64, usize),
    Int(i64),
    Colour(Colour),
    Empty,
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(v, d) => format!("{v:.*}", d),
            Cell::Int(i) => i.to_string(),
            Cell::Colour(c) => format!("{} {}", c.zh(), c.as_str()),
            Cell::Empty => String::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    /// Also the XLSX sheet name (≤ 31 characters).
    pub sheet: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Block {
    Title(String),
    Heading(String),
    Subheading(String),
    Para(String),
    Table(Table),
}

fn num(v: Option<f64>, d: usize) -> Cell {
    v.map_or(Cell::Empty, |v| Cell::Number(v, d))
}

fn league_table(sheet: &str, first: &str, rows: &[LeagueRow]) -> Table {
    Table {
        sheet: sheet.into(),
        headers: vec![
            "排名 rank".into(),
            first.into(),
            "项目数 projects".into(),
            "年度计划投资（亿元） planned".into(),
            "累计完成投资（亿元） completed YTD".into(),
            "完成率（%） completion".into(),
            "与序时进度差（百分点） gap (pp)".into(),
            "滞后项目 lagging".into(),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Int(r.rank as i64),
                    Cell::Text(r.name.clone()),
                    Cell::Int(r.projects as i64),
                    Cell::Number(r.planned / 10000.0, 2),
                    Cell::Number(r.ytd / 10000.0, 2),
                    num(r.completion_pct, 1),
                    num(r.gap_pp, 1),
                    Cell::Int(r.lagging as i64),
                ]
            })
            .collect(),
    }
}

fn problem_table(sheet: &str, rows: &[ProblemRow]) -> Table {
    Table {
        sheet: sheet.into(),
        headers: vec![
            "对象 subject".into(),
            "提出单位 unit".into(),
            "问题 problem".into(),
            "提出期间 raised".into(),
            "解决期间 resolved".into(),
            "已持续（月） months open".into(),
        ],
        rows: rows
            .iter()
            .map(|p| {
                vec![
                    Cell::Text(p.subject.clone()),
                    Cell::Text(p.unit.clone()),
                    Cell::Text(p.text.clone()),
                    Cell::Text(p.raised.to_string()),
                    p.resolved.map_or(Cell::Text("未解决 open".into()), |r| Cell::Text(r.to_string())),
                    p.months_open.map_or(Cell::Empty, |m| Cell::Int(i64::from(m))),
                ]
            })
            .collect(),
    }
}

/// The bulletin laid out: what Markdown, HTML and XLSX all print.
pub fn document(b: &Bulletin) -> Vec<Block> {
    let Period::Quarter(year, q) = b.quarter else { unreachable!("build only accepts quarters") };
    let month = 3 * q;
    let qzh = ["一", "二", "三", "四"][q as usize - 1];
    let mut d = vec![Block::Title(format!(
        "{year}年第{qzh}季度数字经济重点任务和重点项目推进情况通报 / Digital-economy tasks and key projects, {}",
        b.quarter
    ))];
    let mut intro = format!(
        "本通报根据工作台账和项目月度调度数据自动生成，数据截至 {year} 年 {month} 月底；序时进度为 {}%。/ Generated from the task ledger and the projects' monthly reports up to the end of {}; the time-elapsed share of the year is {}%.",
        pct1(b.expected_pct),
        b.as_of,
        pct1(b.expected_pct)
    );
    if b.synthetic {
        intro.push_str(" **注意：本通报含合成（演示）数据，不反映真实情况。/ Note: contains synthetic (demo) data; it describes no real projects.**");
    }
    d.push(Block::Para(intro));

    // 一、Tasks.
    d.push(Block::Heading("一、重点任务推进情况 / Tasks".into()));
    let [g, y, r, gr] = b.task_counts;
    d.push(Block::Para(format!(
        "纳入调度的重点任务 {} 项：绿色（按序时推进）{g} 项，黄色（曾滞后、已赶上）{y} 项，红色（滞后）{r} 项，灰色（未报送）{gr} 项。/ {} tasks: {g} green (on schedule), {y} yellow (caught up), {r} red (late), {gr} grey (no report).",
        b.tasks.len(),
        b.tasks.len()
    )));
    d.push(Block::Table(Table {
        sheet: "分专项 by section".into(),
        headers: vec![
            "计划 plan".into(),
            "专项 section".into(),
            "任务数 tasks".into(),
            "绿 green".into(),
            "黄 yellow".into(),
            "红 red".into(),
            "灰 grey".into(),
        ],
        rows: b
            .groups
            .iter()
            .map(|g| {
                let mut row = vec![Cell::Text(g.plan_id.clone()), Cell::Text(g.group.clone()), Cell::Int(g.total as i64)];
                row.extend(g.counts.iter().map(|c| Cell::Int(*c as i64)));
                row
            })
            .collect(),
    }));
    let red: Vec<&TaskRow> = b.tasks.iter().filter(|t| t.colour == Colour::Red).collect();
    d.push(Block::Subheading(format!("红色任务（{} 项）/ Red tasks ({})", red.len(), red.len())));
    d.push(Block::Table(Table {
        sheet: "红色任务 red tasks".into(),
        headers: vec![
            "计划 plan".into(),
            "序号 no.".into(),
            "专项 section".into(),
            "任务 task".into(),
            "牵头单位 lead unit".into(),
            "完成（%） percent".into(),
            "滞后原因 why late".into(),
        ],
        rows: red
            .iter()
            .map(|t| {
                vec![
                    Cell::Text(t.plan_id.clone()),
                    Cell::Int(i64::from(t.number)),
                    Cell::Text(t.group.clone()),
                    Cell::Text(short(&t.title, 40)),
                    Cell::Text(t.lead_units.clone()),
                    num(t.percent, 1),
                    Cell::Text(t.reasons.join("；")),
                ]
            })
            .collect(),
    }));
    let grey: Vec<&TaskRow> = b.tasks.iter().filter(|t| t.colour == Colour::Grey).collect();
    if !grey.is_empty() {
        d.push(Block::Para(format!(
            "未报送进度的任务 / tasks without a report: {}。",
            grey.iter().map(|t| format!("{} 第 {} 项（{}）", t.plan_id, t.number, t.lead_units)).collect::<Vec<_>>().join("；")
        )));
    }

    // 二、Key projects.
    d.push(Block::Heading("二、重点项目投资完成情况 / Key projects".into()));
    if b.kinds.is_empty() {
        d.push(Block::Para(format!("{year} 年没有登记重点项目。/ No key projects are registered for {year}.")));
    }
    for k in &b.kinds {
        let (gap_zh, gap_en) = k.gap_pp.map(gap_words).unwrap_or_default();
        let lag_rule = if b.options.lag_threshold_pp > 0.0 {
            format!("（低于序时进度 {} 个百分点以上）", pct1(b.options.lag_threshold_pp))
        } else {
            String::new()
        };
        let mut s = format!(
            "{} 个{}年度计划投资 {} 亿元，1—{month} 月累计完成投资 {} 亿元，占年度计划的 {}%，{gap_zh}；滞后于序时进度{lag_rule}的项目 {} 个",
            k.projects,
            k.kind.zh(),
            yi2(k.planned),
            yi2(k.ytd),
            k.completion_pct.map(pct1).unwrap_or_else(|| "—".into()),
            k.lagging
        );
        if k.not_reported > 0 {
            s.push_str(&format!("，未报送 {} 个", k.not_reported));
        }
        s.push_str(&format!(
            "。/ {} {} projects: planned {} 亿元 for the year, {} 亿元 completed by {} ({}% of plan, {gap_en}); {} lagging.",
            k.projects,
            k.kind.as_str(),
            yi2(k.planned),
            yi2(k.ytd),
            b.as_of,
            k.completion_pct.map(pct1).unwrap_or_else(|| "—".into()),
            k.lagging
        ));
        d.push(Block::Para(s));
    }
    if !b.projects.is_empty() {
        d.push(Block::Subheading("分地区 / By city".into()));
        d.push(Block::Table(league_table("分地区 by city", "地区 city", &b.by_city)));
        d.push(Block::Subheading("分牵头单位 / By lead unit".into()));
        d.push(Block::Table(league_table("分牵头单位 by lead unit", "牵头单位 lead unit", &b.by_lead_unit)));
        let mut lagging: Vec<&ProjectProgress> = b.projects.iter().filter(|p| p.lagging).collect();
        lagging.sort_by(|a, b| a.gap_pp.unwrap_or(0.0).total_cmp(&b.gap_pp.unwrap_or(0.0)).then(a.code.cmp(&b.code)));
        d.push(Block::Subheading(format!("滞后项目（{} 个）/ Lagging projects ({})", lagging.len(), lagging.len())));
        d.push(Block::Table(Table {
            sheet: "滞后项目 lagging".into(),
            headers: vec![
                "项目编码 code".into(),
                "项目名称 name".into(),
                "地区 region".into(),
                "牵头单位 lead unit".into(),
                "年度计划投资（亿元） planned".into(),
                "累计完成投资（亿元） completed YTD".into(),
                "完成率（%） completion".into(),
                "与序时进度差（百分点） gap (pp)".into(),
            ],
            rows: lagging
                .iter()
                .map(|p| {
                    vec![
                        Cell::Text(p.code.clone()),
                        Cell::Text(p.name.clone()),
                        Cell::Text(b.region_label(&p.region_code)),
                        Cell::Text(b.unit_label(&p.lead_unit)),
                        Cell::Number(p.planned / 10000.0, 2),
                        Cell::Number(p.ytd / 10000.0, 2),
                        num(p.completion_pct, 1),
                        num(p.gap_pp, 1),
                    ]
                })
                .collect(),
        }));
    }

    // 三、Problems.
    d.push(Block::Heading("三、需协调解决的问题 / Problems needing coordination".into()));
    d.push(Block::Para(format!(
        "本季度新提出问题 {} 个；截至 {year} 年 {month} 月底仍未解决的问题 {} 个，其中持续超过 {} 个月的 {} 个。/ {} problems raised this quarter; {} open at the end of {}, {} of them for more than {} months.",
        b.raised.len(),
        b.open_total,
        b.options.open_months,
        b.open_long.len(),
        b.raised.len(),
        b.open_total,
        b.as_of,
        b.open_long.len(),
        b.options.open_months
    )));
    d.push(Block::Subheading("本季度提出的问题 / Raised this quarter".into()));
    d.push(Block::Table(problem_table("本季度问题 raised", &b.raised)));
    d.push(Block::Subheading(format!("超过 {} 个月未解决的问题 / Open for more than {} months", b.options.open_months, b.options.open_months)));
    d.push(Block::Table(problem_table("久未解决 open long", &b.open_long)));

    // The rule.
    d.push(Block::Heading("说明 / Notes".into()));
    d.push(Block::Para(
        "颜色规则：有报告且未滞后为绿色；报告的完成百分比低于序时进度、累计类目标实测值低于“目标×序时进度”、到期目标未达成或未报实测值、到期节点未完成、或单位自报滞后的为红色；上期为红色、本期已赶上的为黄色；未报送为灰色。百分比类目标（比率、覆盖率）只在到期时评判。项目完成率 = 1 月至本季度末累计完成投资 ÷ 年度计划投资。/ Colours: green = reported and on schedule; red = percent complete below the time-elapsed share, a cumulative goal below goal × share, a due goal not met or not measured, a due milestone not reached, or declared behind; yellow = red last time, on schedule now; grey = no report. Percentage goals are judged at their due date only. Project completion = year-to-date investment ÷ the year's planned investment.".into(),
    ));
    d
}

impl Bulletin {
    fn region_label(&self, code: &str) -> String {
        self.names.get(code).cloned().unwrap_or_else(|| code.to_string())
    }
    fn unit_label(&self, code: &str) -> String {
        self.names.get(code).cloned().unwrap_or_else(|| code.to_string())
    }

    /// The complete task list with colours, for the XLSX.
    fn task_table(&self) -> Table {
        Table {
            sheet: "全部任务 all tasks".into(),
            headers: vec![
                "计划 plan".into(),
                "类型 kind".into(),
                "序号 no.".into(),
                "专项 section".into(),
                "任务 task".into(),
                "牵头单位 lead unit".into(),
                "颜色 colour".into(),
                "报告期间 report".into(),
                "完成（%） percent".into(),
                "滞后原因 why late".into(),
            ],
            rows: self
                .tasks
                .iter()
                .map(|t| {
                    vec![
                        Cell::Text(t.plan_id.clone()),
                        Cell::Text(t.kind.as_str().into()),
                        Cell::Int(i64::from(t.number)),
                        Cell::Text(t.group.clone()),
                        Cell::Text(t.title.clone()),
                        Cell::Text(t.lead_units.clone()),
                        Cell::Colour(t.colour),
                        t.report_period.map_or(Cell::Empty, |p| Cell::Text(p.to_string())),
                        num(t.percent, 1),
                        Cell::Text(t.reasons.join("；")),
                    ]
                })
                .collect(),
        }
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The bulletin as Markdown.
pub fn markdown(doc: &[Block]) -> String {
    let mut out = String::new();
    for b in doc {
        match b {
            Block::Title(t) => out.push_str(&format!("# {t}\n\n")),
            Block::Heading(t) => out.push_str(&format!("## {t}\n\n")),
            Block::Subheading(t) => out.push_str(&format!("### {t}\n\n")),
            Block::Para(t) => out.push_str(&format!("{t}\n\n")),
            Block::Table(t) => {
                if t.rows.is_empty() {
                    out.push_str("（无 / none）\n\n");
                    continue;
                }
                out.push_str(&format!("| {} |\n", t.headers.iter().map(|h| md_cell(h)).collect::<Vec<_>>().join(" | ")));
                out.push_str(&format!("|{}\n", " --- |".repeat(t.headers.len())));
                for r in &t.rows {
                    out.push_str(&format!("| {} |\n", r.iter().map(|c| md_cell(&c.text())).collect::<Vec<_>>().join(" | ")));
                }
                out.push('\n');
            }
        }
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Inline `**bold**` of a paragraph, escaped.
fn html_inline(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split("**").enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("<strong>{}</strong>", esc(part)));
        } else {
            out.push_str(&esc(part));
        }
    }
    out
}

fn colour_css(c: Colour) -> &'static str {
    match c {
        Colour::Green => "#c6efce",
        Colour::Yellow => "#ffeb9c",
        Colour::Red => "#ffc7ce",
        Colour::Grey => "#d9d9d9",
    }
}

/// The bulletin as one self-contained HTML page.
pub fn html(doc: &[Block]) -> String {
    let title = doc.iter().find_map(|b| if let Block::Title(t) = b { Some(t.as_str()) } else { None }).unwrap_or("");
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\nbody{{font-family:sans-serif;max-width:72em;margin:2em auto;line-height:1.5}}\ntable{{border-collapse:collapse;margin:0.5em 0 1.5em}}\nth,td{{border:1px solid #999;padding:0.2em 0.5em;vertical-align:top}}\nth{{background:#eee}}\ntd.n{{text-align:right}}\n</style>\n</head>\n<body>\n",
        esc(title)
    );
    for b in doc {
        match b {
            Block::Title(t) => out.push_str(&format!("<h1>{}</h1>\n", esc(t))),
            Block::Heading(t) => out.push_str(&format!("<h2>{}</h2>\n", esc(t))),
            Block::Subheading(t) => out.push_str(&format!("<h3>{}</h3>\n", esc(t))),
            Block::Para(t) => out.push_str(&format!("<p>{}</p>\n", html_inline(t))),
            Block::Table(t) => {
                if t.rows.is_empty() {
                    out.push_str("<p>（无 / none）</p>\n");
                    continue;
                }
                out.push_str("<table>\n<tr>");
                for h in &t.headers {
                    out.push_str(&format!("<th>{}</th>", esc(h)));
                }
                out.push_str("</tr>\n");
                for r in &t.rows {
                    out.push_str("<tr>");
                    for c in r {
                        match c {
                            Cell::Number(..) | Cell::Int(_) => out.push_str(&format!("<td class=\"n\">{}</td>", esc(&c.text()))),
                            Cell::Colour(col) => out.push_str(&format!("<td style=\"background:{}\">{}</td>", colour_css(*col), esc(&c.text()))),
                            _ => out.push_str(&format!("<td>{}</td>", esc(&c.text()))),
                        }
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table>\n");
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The bulletin as a workbook: a summary sheet with the text, then one sheet per table (and the
/// full task list). Numbers are numbers; colours are filled.
pub fn xlsx(b: &Bulletin, doc: &[Block]) -> Result<Vec<u8>, BulletinError> {
    use digecon_core::text::neutralise_formula as safe;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    {
        let ws = wb.add_worksheet();
        ws.set_name("概要 summary")?;
        ws.set_column_width(0, 120)?;
        let mut row = 0u32;
        for block in doc {
            match block {
                // Text cells are formula-neutralised (OWASP), like every export.
                Block::Title(t) | Block::Heading(t) | Block::Subheading(t) => {
                    ws.write_string_with_format(row, 0, safe(t), &bold)?;
                    row += 1;
                }
                Block::Para(t) => {
                    ws.write_string_with_format(row, 0, safe(&t.replace("**", "")), &wrap)?;
                    row += 1;
                }
                Block::Table(t) => {
                    ws.write_string(row, 0, format!("见工作表 see sheet「{}」", t.sheet))?;
                    row += 1;
                }
            }
        }
    }
    let mut tables: Vec<Table> = doc.iter().filter_map(|b| if let Block::Table(t) = b { Some(t.clone()) } else { None }).collect();
    tables.push(b.task_table());
    for t in &tables {
        let ws = wb.add_worksheet();
        ws.set_name(&t.sheet)?;
        for (c, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
            ws.set_column_width(c as u16, (h.chars().count() as f64 * 1.2).clamp(10.0, 40.0))?;
        }
        for (i, r) in t.rows.iter().enumerate() {
            let row = i as u32 + 1;
            for (c, cell) in r.iter().enumerate() {
                let col = c as u16;
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(row, col, safe(s))?;
                    }
                    Cell::Number(v, d) => {
                        let f = Format::new().set_num_format(if *d == 0 { "0".to_string() } else { format!("0.{}", "0".repeat(*d)) });
                        ws.write_number_with_format(row, col, *v, &f)?;
                    }
                    Cell::Int(v) => {
                        ws.write_number(row, col, *v as f64)?;
                    }
                    Cell::Colour(k) => {
                        let rgb = u32::from_str_radix(colour_css(*k).trim_start_matches('#'), 16).unwrap_or(0xffffff);
                        let f = Format::new().set_background_color(Color::RGB(rgb));
                        ws.write_string_with_format(row, col, cell.text(), &f)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// Counts of each colour by group, handy for callers that print a summary.
pub fn colour_counts(b: &Bulletin) -> BTreeMap<Colour, usize> {
    Colour::ALL.iter().map(|c| (*c, b.task_counts[colour_index(*c)])).collect()
}
