//! The task ledger's use cases: a unit's progress report on a task, and the quarterly bulletin
//! (季度通报) from the stored ledger.

use digecon_core::{Actor, Department, Limits, Period, RegionTree};
use digecon_ledger::bulletin::{self, Bulletin, BulletinInput, BulletinOptions};
use digecon_ledger::progress::{check_filing, Filed, FilingInput};
use digecon_ledger::projects::later_ytd_below;
use digecon_ledger::scope::{may_file_progress, may_file_project, refusals_in_project_ledger, refusals_in_task_ledger};
use digecon_ledger::workbook::{self, ProjectLedger, ProjectLedgerContext, TaskLedger, TaskLedgerContext};
use digecon_ledger::{
    check_report, colour_at, open_longer_than, progress_at, Colour, ColourAt, ItemKey, KeyProject, LedgerItem, MonthlyReport, Problem,
    ProgressReport, ProjectProgress, Subject,
};
use digecon_store::ledger::{report_etag, ReportExpect};
use digecon_store::Store;

use crate::error::{AppError, Invalid, Result};

/// The bulletin of `quarter` over `plans` (empty: every plan with reports that year), and the
/// plans it covers.
pub async fn bulletin(store: &Store, quarter: Period, plans: &[String], options: BulletinOptions) -> Result<(Bulletin, Vec<String>)> {
    let Period::Quarter(year, _) = quarter else {
        return Err(AppError::Invalid(vec![Invalid::new("quarter", format!("应为季度 / expected a quarter such as 2022-Q3, got `{quarter}`"))]));
    };
    let all = store.ledger_items().await?;
    let reports = store.progress_reports(None).await?;
    let plans: Vec<String> = if plans.is_empty() {
        bulletin::plans_reported_in(&reports, year)
    } else {
        for p in plans {
            if !all.iter().any(|i| &i.key.plan_id == p) {
                return Err(AppError::NotFound(format!("没有计划 `{p}` 的任务 / no tasks or projects of plan `{p}`")));
            }
        }
        plans.to_vec()
    };
    let items: Vec<LedgerItem> = all.into_iter().filter(|i| plans.contains(&i.key.plan_id)).collect();
    let projects = store.key_projects(Some(year)).await?;
    let monthly = store.monthly_reports(Some(year)).await?;
    let problems = store.problems().await?;
    let regions = store.regions().await?;
    let departments = store.departments().await?;
    let input = BulletinInput {
        items: &items,
        reports: &reports,
        projects: &projects,
        monthly: &monthly,
        problems: &problems,
        regions: &regions,
        departments: &departments,
    };
    Ok((bulletin::build(&input, quarter, options)?, plans))
}

/// A unit's progress on a task for a period, as the unit states it.
#[derive(Debug, Clone)]
pub struct TaskReportRequest {
    pub plan: String,
    pub kind: digecon_ledger::ItemKind,
    pub number: u32,
    pub period: Period,
    /// The unit filing: a code, a name or an alias; default the actor's own unit when it works on
    /// the task, else the first lead unit.
    pub department: Option<String>,
    pub input: FilingInput,
    /// Problems raised with this report.
    pub problems: Vec<String>,
    /// Who is recorded as having filed it.
    pub by: String,
    /// The ETag of the item's report of the period as the unit read it (`If-Match`): the filing
    /// is refused if someone filed in between.
    pub if_match: Option<String>,
}

/// What a task report did: the item, the unit, what was stored, and the item's colour after it.
#[derive(Debug, Clone)]
pub struct TaskReported {
    pub item: LedgerItem,
    pub department: String,
    pub filed: Filed,
    pub colour: ColourAt,
    /// The report's new ETag.
    pub etag: String,
}

/// The unit named `text` (code, name or alias).
pub fn resolve_department<'d>(departments: &'d [Department], text: &str) -> Result<&'d Department> {
    let hits: Vec<&Department> = departments.iter().filter(|d| d.code == text || d.name_zh == text || d.aliases.iter().any(|x| x == text)).collect();
    match hits.as_slice() {
        [d] => Ok(d),
        [] => Err(AppError::NotFound(format!("未知的单位 / unknown unit `{text}` (see `digecon list departments`)"))),
        _ => Err(AppError::Invalid(vec![Invalid::new("department", format!("单位名称不唯一 / unit `{text}` is ambiguous; use its code"))])),
    }
}

/// The next free problem number for a subject and period.
pub fn next_problem_seq(stored: &[Problem], subject: &Subject, raised: Period) -> u32 {
    stored.iter().filter(|p| &p.subject == subject && p.raised == raised).map(|p| p.seq).max().unwrap_or(0) + 1
}

/// Files a unit's report (or a co-operating unit's part) on a task: the item and unit resolved,
/// `actor` (none: an operator at the command line) checked against who may file for the unit,
/// the filing checked by `digecon_ledger::progress::check_filing`, stored with its problems in one
/// transaction.
pub async fn report_task(store: &Store, actor: Option<&Actor>, req: &TaskReportRequest) -> Result<TaskReported> {
    let items = store.ledger_items().await?;
    let Some(item) = items.iter().find(|i| i.key.plan_id == req.plan && i.key.kind == req.kind && i.key.number == req.number) else {
        return Err(AppError::NotFound(format!(
            "未知的任务 / unknown {} {} in plan `{}` (see `digecon tasks list --plan {}`)",
            req.kind.as_str(),
            req.number,
            req.plan,
            req.plan
        )));
    };
    let departments = store.departments().await?;
    let own = actor.and_then(|x| x.department_code.clone()).filter(|d| item.is_lead(d) || item.is_coop(d));
    let department = match (&req.department, own) {
        (Some(t), _) => resolve_department(&departments, t)?.code.clone(),
        (None, Some(d)) => d,
        (None, None) => item.lead_units.first().cloned().ok_or_else(|| AppError::Conflict("该任务没有牵头单位 / the task has no lead unit".into()))?,
    };
    if let Some(x) = actor {
        may_file_progress(x, item, &department).map_err(AppError::Forbidden)?;
    }
    let reports = store.progress_reports(Some(&req.plan)).await?;
    let lead_reported = reports.iter().any(|r| r.key == item.key && r.period == req.period);
    let filed = check_filing(item, &department, req.period, &req.input, lead_reported).map_err(|m| {
        let field = m.split_once(':').map(|(f, _)| f).filter(|f| !f.contains(' ')).unwrap_or("report");
        AppError::Invalid(vec![Invalid::new(field, m.clone())])
    })?;
    let stored = store.problems().await?;
    let subject = Subject::Item(item.key.clone());
    let problems = new_problems(&stored, &subject, req.period, &department, &req.problems);
    let ledger = match &filed {
        Filed::Report(r) => TaskLedger { reports: vec![r.clone()], contributions: Vec::new(), problems },
        Filed::Part(c) => TaskLedger { reports: Vec::new(), contributions: vec![(item.key.clone(), req.period, c.clone())], problems },
    };
    let expect = req.if_match.as_ref().map(|etag| ReportExpect { key: item.key.clone(), period: req.period, etag: etag.clone() });
    store.save_task_ledger_expecting(&ledger, &req.by, expect.as_ref()).await?;
    let reports = store.progress_reports(Some(&req.plan)).await?;
    let colour = colour_at(item, &reports, req.period);
    let etag = report_etag(store.report_state(&item.key, req.period).await?.as_ref());
    Ok(TaskReported { item: item.clone(), department, filed, colour, etag })
}

/// An item's report of a period as a unit opens it: the item, the report and the co-operating
/// units' parts (if any), the colour, and the ETag to send back when filing.
#[derive(Debug, Clone)]
pub struct TaskReportView {
    pub item: LedgerItem,
    pub report: Option<ProgressReport>,
    pub colour: ColourAt,
    pub etag: String,
}

/// The view of `plan`'s item `number` of `kind` for `period`, if `actor` may see the item (within
/// its plan's region scope, or a lead or co-operating unit of it).
pub async fn task_report_view(store: &Store, actor: &Actor, tree: &RegionTree, key: &ItemKey, period: Period) -> Result<TaskReportView> {
    let items = store.ledger_items().await?;
    let item = items.into_iter().find(|i| &i.key == key).ok_or_else(|| AppError::NotFound(format!("未知的任务 / unknown {key}")))?;
    if !actor.can_see_plan_work(tree, &store.plans().await?, &item) {
        return Err(AppError::Forbidden(key.to_string()));
    }
    let reports = store.progress_reports(Some(&key.plan_id)).await?;
    let report = reports.iter().find(|r| &r.key == key && r.period == period).cloned();
    let colour = colour_at(&item, &reports, period);
    let etag = report_etag(store.report_state(key, period).await?.as_ref());
    Ok(TaskReportView { item, report, colour, etag })
}

/// The ledger items of `plan` (none: of every plan); a plan without any is not found.
pub async fn items(store: &Store, plan: Option<&str>) -> Result<Vec<LedgerItem>> {
    let items = store.ledger_items().await?;
    if let Some(p) = plan {
        if !items.iter().any(|i| i.key.plan_id == p) {
            return Err(AppError::NotFound(format!("没有计划 `{p}` 的任务 / no tasks or projects of plan `{p}` (see `digecon list plans`)")));
        }
    }
    Ok(items.into_iter().filter(|i| plan.is_none_or(|p| i.key.plan_id == p)).collect())
}

/// An item's colour at a period, and the percent complete of the report it was judged on.
#[derive(Debug, Clone)]
pub struct ItemStatus {
    pub item: LedgerItem,
    pub colour: ColourAt,
    pub percent: Option<f64>,
}

fn status_of(item: &LedgerItem, reports: &[ProgressReport], period: Period) -> ItemStatus {
    let colour = colour_at(item, reports, period);
    let percent = colour.report_period.and_then(|p| reports.iter().find(|r| r.key == item.key && r.period == p)).and_then(|r| r.percent);
    ItemStatus { item: item.clone(), colour, percent }
}

/// The items of `plan` (none: every plan) scheduled at `period` — a month or a quarter — with
/// their colour, only those of `colour` if given (`digecon tasks status`).
pub async fn task_status(store: &Store, plan: Option<&str>, period: Period, colour: Option<Colour>) -> Result<Vec<ItemStatus>> {
    if matches!(period, Period::Year(_)) {
        return Err(AppError::Invalid(vec![Invalid::new("period", format!("期间须为月或季度 / the period must be a month or a quarter, got `{period}`"))]));
    }
    let items = items(store, plan).await?;
    let reports = store.progress_reports(plan).await?;
    Ok(items
        .iter()
        .filter(|i| i.is_scheduled_at(&period))
        .map(|i| status_of(i, &reports, period))
        .filter(|s| colour.is_none_or(|c| c == s.colour.colour))
        .collect())
}

/// The colour at `period` of every item of `plan` (none: every plan) that `actor` may see: the
/// plan's region in scope, or a lead or co-operating unit of it (`Actor::can_see_plan_work`).
pub async fn task_colours(store: &Store, actor: &Actor, tree: &RegionTree, plan: Option<&str>, period: Period) -> Result<Vec<ItemStatus>> {
    let plans = store.plans().await?;
    let items = store.ledger_items().await?;
    let reports = store.progress_reports(plan).await?;
    Ok(items
        .iter()
        .filter(|i| plan.is_none_or(|p| i.key.plan_id == p))
        .filter(|i| actor.can_see_plan_work(tree, &plans, *i))
        .map(|i| status_of(i, &reports, period))
        .collect())
}

/// Key projects at `month`: completed investment against the annual plan and 序时进度, lagging
/// when more than `lag_pp` points behind; with a `viewer`, only the projects in its region scope
/// or led by its unit.
pub async fn project_progress(store: &Store, tree: &RegionTree, viewer: Option<&Actor>, month: Period, lag_pp: f64) -> Result<Vec<ProjectProgress>> {
    let Period::Month(year, _) = month else {
        return Err(AppError::Invalid(vec![Invalid::new("month", format!("应为月份 / expected a month such as 2022-09, got `{month}`"))]));
    };
    if lag_pp < 0.0 {
        return Err(AppError::Invalid(vec![Invalid::new("lag_pp", "不能为负 / must not be negative")]));
    }
    let projects = store.key_projects(Some(year)).await?;
    let monthly = store.monthly_reports(Some(year)).await?;
    let mut out = progress_at(&projects, &monthly, tree, month, lag_pp);
    if let Some(a) = viewer {
        out.retain(|p| a.can_see_work(tree, Some(&p.region_code), std::iter::once(&p.lead_unit)));
    }
    Ok(out)
}

/// A key project's monthly investment report, as its filer states it.
#[derive(Debug, Clone)]
pub struct ProjectReportRequest {
    pub code: String,
    /// A month.
    pub period: Period,
    /// 万元 invested this month.
    pub month_investment: f64,
    /// 万元 invested this year to date.
    pub ytd_investment: f64,
    /// 形象进度.
    pub progress: String,
    /// Problems raised with this report.
    pub problems: Vec<String>,
    /// Who is recorded as having filed it.
    pub by: String,
}

/// Files a key project's monthly report: the project found in the month's year, `actor` (none: an
/// operator at the command line) checked by `may_file_project`, the report checked against the
/// project's other reports of the year (`check_report`, `later_ytd_below`), stored with its
/// problems. Returns the project.
pub async fn report_project(store: &Store, actor: Option<&Actor>, req: &ProjectReportRequest) -> Result<KeyProject> {
    let Period::Month(year, month) = req.period else {
        return Err(AppError::Invalid(vec![Invalid::new("period", format!("应为月份 / expected a month such as 2022-10, got `{}`", req.period))]));
    };
    let projects = store.key_projects(Some(year)).await?;
    let Some(project) = projects.into_iter().find(|p| p.code == req.code) else {
        return Err(AppError::NotFound(format!(
            "未知的项目编码 / unknown project `{}` in {year}'s key-project list (see `digecon projects list --year {year}`)",
            req.code
        )));
    };
    if let Some(x) = actor {
        let tree = RegionTree::new(&store.regions().await?);
        may_file_project(x, &tree, &project).map_err(AppError::Forbidden)?;
    }
    let report = MonthlyReport {
        year,
        code: req.code.clone(),
        month,
        month_investment: req.month_investment,
        ytd_investment: req.ytd_investment,
        progress: req.progress.clone(),
        synthetic: false,
        recorded_by: String::new(),
        recorded_at: String::new(),
    };
    let stored = store.monthly_reports(Some(year)).await?;
    let others: Vec<&MonthlyReport> = stored.iter().filter(|m| m.code == req.code).collect();
    let issues = check_report(&report, &others);
    if !issues.is_empty() {
        let list = issues.iter().map(|i| i.describe()).collect::<Vec<_>>().join("\n  ");
        return Err(AppError::Invalid(vec![Invalid::new("report", format!("月报有误，未写入 / the report was not written:\n  {list}"))]));
    }
    if let Some(m) = later_ytd_below(&report, &others) {
        return Err(AppError::Conflict(m));
    }
    let stored_problems = store.problems().await?;
    let subject = Subject::KeyProject { year, code: req.code.clone() };
    let problems = new_problems(&stored_problems, &subject, req.period, &project.lead_unit, &req.problems);
    store.save_project_ledger(&ProjectLedger { projects: Vec::new(), monthly: vec![report], problems }, &req.by).await?;
    Ok(project)
}

/// Problems raised by `department` on `subject` in `raised`, numbered after the stored ones.
fn new_problems(stored: &[Problem], subject: &Subject, raised: Period, department: &str, texts: &[String]) -> Vec<Problem> {
    let first = next_problem_seq(stored, subject, raised);
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| Problem {
            seq: first + i as u32,
            subject: subject.clone(),
            raised,
            department_code: Some(department.to_string()),
            text: text.clone(),
            resolved: None,
            resolution: String::new(),
            synthetic: false,
            recorded_by: String::new(),
            recorded_at: String::new(),
        })
        .collect()
}

/// Problems of `as_of` open for more than `months` months (0: every open one), with how long.
pub async fn open_problems(store: &Store, as_of: Period, months: u32) -> Result<Vec<(Problem, u32)>> {
    let all = store.problems().await?;
    Ok(open_longer_than(&all, &as_of, months).into_iter().map(|(p, m)| (p.clone(), m)).collect())
}

/// A ledger workbook to import: its name (for the problems' places), its bytes, the limits to
/// read it within, and who files it.
#[derive(Debug, Clone, Copy)]
pub struct WorkbookImport<'a> {
    pub file: &'a str,
    pub bytes: &'a [u8],
    pub limits: &'a Limits,
    /// Who is recorded as having filed it.
    pub by: &'a str,
    /// Check only, write nothing.
    pub dry_run: bool,
}

fn refuse(denied: Vec<String>) -> Result<()> {
    if denied.is_empty() {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("无权填报，未写入任何数据 / not permitted, nothing was written:\n  {}", denied.join("\n  "))))
    }
}

/// Imports a task-ledger workbook, all or nothing: read and checked against the stored items,
/// units and reports, every row `actor` (none: an operator at the command line) may not file
/// refused at once, then stored unless a dry run. Returns what the file holds.
pub async fn import_tasks(store: &Store, actor: Option<&Actor>, file: WorkbookImport<'_>) -> Result<TaskLedger> {
    let items = store.ledger_items().await?;
    let departments = store.departments().await?;
    let existing = store.progress_reports(None).await?;
    let ctx = TaskLedgerContext { items: &items, departments: &departments, existing_reports: &existing };
    let ledger = workbook::read_task_ledger_with(file.bytes, file.file, &ctx, file.limits)?;
    if let Some(x) = actor {
        let tree = RegionTree::new(&store.regions().await?);
        refuse(refusals_in_task_ledger(x, &tree, &items, &ledger))?;
    }
    if !file.dry_run {
        store.save_task_ledger(&ledger, file.by).await?;
    }
    Ok(ledger)
}

/// Imports a key-project workbook, all or nothing, as [`import_tasks`] does.
pub async fn import_projects(store: &Store, actor: Option<&Actor>, file: WorkbookImport<'_>) -> Result<ProjectLedger> {
    let regions = store.regions().await?;
    let departments = store.departments().await?;
    let projects = store.key_projects(None).await?;
    let monthly = store.monthly_reports(None).await?;
    let ctx = ProjectLedgerContext { regions: &regions, departments: &departments, existing_projects: &projects, existing_monthly: &monthly };
    let ledger = workbook::read_project_ledger_with(file.bytes, file.file, &ctx, file.limits)?;
    if let Some(x) = actor {
        refuse(refusals_in_project_ledger(x, &RegionTree::new(&regions), &projects, &ledger))?;
    }
    if !file.dry_run {
        store.save_project_ledger(&ledger, file.by).await?;
    }
    Ok(ledger)
}

/// What a task-ledger workbook is written from.
#[derive(Debug, Clone)]
pub struct TaskLedgerData {
    pub items: Vec<LedgerItem>,
    pub reports: Vec<ProgressReport>,
    pub problems: Vec<Problem>,
    pub departments: Vec<Department>,
}

impl TaskLedgerData {
    /// The reports of the items exported.
    pub fn report_count(&self) -> usize {
        self.reports.iter().filter(|r| self.items.iter().any(|i| i.key == r.key)).count()
    }
}

/// The task ledger of `plan` (none: every plan) for export.
pub async fn task_ledger(store: &Store, plan: Option<&str>) -> Result<TaskLedgerData> {
    let items = items(store, plan).await?;
    Ok(TaskLedgerData {
        items,
        reports: store.progress_reports(plan).await?,
        problems: store.problems().await?,
        departments: store.departments().await?,
    })
}

/// What a key-project workbook is written from.
#[derive(Debug, Clone)]
pub struct ProjectLedgerData {
    pub projects: Vec<KeyProject>,
    pub monthly: Vec<MonthlyReport>,
    /// The key projects' problems (of `year`, when given).
    pub problems: Vec<Problem>,
    pub regions: Vec<digecon_core::Region>,
    pub departments: Vec<Department>,
}

/// The key-project ledger of `year` (none: every year) for export.
pub async fn project_ledger(store: &Store, year: Option<i32>) -> Result<ProjectLedgerData> {
    let problems = store
        .problems()
        .await?
        .into_iter()
        .filter(|p| matches!(&p.subject, Subject::KeyProject { year: y, .. } if year.is_none_or(|x| x == *y)))
        .collect();
    Ok(ProjectLedgerData {
        projects: store.key_projects(year).await?,
        monthly: store.monthly_reports(year).await?,
        problems,
        regions: store.regions().await?,
        departments: store.departments().await?,
    })
}
