//! The task ledger's use cases: a unit's progress report on a task, and the quarterly bulletin
//! (季度通报) from the stored ledger.

use digecon_core::{Actor, Department, Period, RegionTree};
use digecon_ledger::bulletin::{self, Bulletin, BulletinInput, BulletinOptions};
use digecon_ledger::progress::{check_filing, Filed, FilingInput};
use digecon_ledger::scope::may_file_progress;
use digecon_ledger::workbook::TaskLedger;
use digecon_ledger::{colour_at, ColourAt, ItemKey, LedgerItem, Problem, ProgressReport, Subject};
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
    let problems = req
        .problems
        .iter()
        .enumerate()
        .map(|(i, text)| Problem {
            seq: next_problem_seq(&stored, &subject, req.period) + i as u32,
            subject: subject.clone(),
            raised: req.period,
            department_code: Some(department.clone()),
            text: text.clone(),
            resolved: None,
            resolution: String::new(),
            synthetic: false,
            recorded_by: String::new(),
            recorded_at: String::new(),
        })
        .collect();
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
    let plans = store.plans().await?;
    let plan_region = plans.iter().find(|p| p.id == key.plan_id).map(|p| p.region_code.as_str());
    if !actor.can_see_work(tree, plan_region, item.lead_units.iter().chain(&item.coop_units)) {
        return Err(AppError::Forbidden(key.to_string()));
    }
    let reports = store.progress_reports(Some(&key.plan_id)).await?;
    let report = reports.iter().find(|r| &r.key == key && r.period == period).cloned();
    let colour = colour_at(&item, &reports, period);
    let etag = report_etag(store.report_state(key, period).await?.as_ref());
    Ok(TaskReportView { item, report, colour, etag })
}
