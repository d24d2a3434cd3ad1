//! The task ledger and key-project scheduling: `digecon tasks …`, `digecon projects …`,
//! `digecon bulletin`. An adapter: each command parses its flags, calls one use case of
//! `digecon_app::ledger` (rules in `digecon-ledger`, storage in `digecon-store`) and prints.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use digecon_app::ledger::{self as app, WorkbookImport};
use digecon_app::AppError;
use digecon_core::{format_value, Actor, Department, Period, RegionTree};
use digecon_ledger::bulletin::{self, BulletinOptions};
use digecon_ledger::projects::{city_of, department_name, league_by_city, league_by_lead_unit, region_name, LeagueRow};
use digecon_ledger::workbook;
use digecon_ledger::{Colour, ItemKind};
use digecon_store::Store;

use super::db::DbArgs;
use crate::output::{emit, Format};

const DEFAULT_BY: &str = "cli";

// Parsed once per run; the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum TasksCmd {
    /// 列出任务及解析出的量化目标 / list tasks (and 004 engineering projects) with their parsed goals
    List(TasksListArgs),
    /// 每个量化目标一行 / one row per quantitative goal
    Goals(TasksListArgs),
    /// 填报任务进度（牵头单位）或配合情况（配合单位）/ file a task's progress (lead unit) or a co-operating unit's part
    Report(TaskReportArgs),
    /// 各任务某期的颜色及原因 / each task's colour for a period, with the reasons
    Status(TaskStatusArgs),
    /// 导出工作台账 .xlsx / export the task ledger workbook
    Export(ExportArgs),
    /// 导入工作台账 .xlsx（全部成功或全部不写入）/ import a task ledger workbook, all or nothing
    Import(ImportArgs),
}

#[derive(Subcommand)]
pub enum ProjectsCmd {
    /// 列出重点项目 / list the key projects of a year
    List(ProjectsListArgs),
    /// 填报项目月度投资 / file a project's monthly investment report
    Report(ProjectReportArgs),
    /// 调度视图：按项目、地区、牵头单位的完成情况 / scheduling views: completion vs plan vs 序时进度 by project, city or lead unit
    Schedule(ScheduleArgs),
    /// 需协调解决且超过 N 个月未解决的问题 / problems open for more than N months
    Problems(ProblemsArgs),
    /// 载入合成演示台账（100 个项目，650 亿元）/ load the synthetic demo ledger (100 projects, 650 亿元, reports through 2022)
    Demo(DemoArgs),
    /// 导出项目调度台账 .xlsx / export the key-project ledger workbook
    Export(ExportArgs),
    /// 导入项目调度台账 .xlsx（全部成功或全部不写入）/ import a key-project ledger workbook, all or nothing
    Import(ImportArgs),
}

#[derive(Args)]
pub struct TasksListArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 只列此计划 / only this plan (e.g. jx-2022-workplan)
    #[arg(long)]
    plan: Option<String>,
    /// 同时输出任务原文 / also print the task text
    #[arg(long)]
    text: bool,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct TaskReportArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    plan: String,
    /// task（任务）或 project（004 工程）/ task or project
    #[arg(long, default_value = "task")]
    kind: String,
    #[arg(long)]
    number: u32,
    /// 月（2022-09）或季度（2022-Q3）/ a month or a quarter
    #[arg(long)]
    period: Period,
    /// 填报单位代码或名称，默认第一牵头单位；配合单位填报时只记录其配合情况 / reporting unit (code or name); default the first lead unit. A co-operating unit's report is recorded as its part.
    #[arg(long)]
    department: Option<String>,
    /// not_started | in_progress | completed | behind（未启动 推进中 已完成 滞后）
    #[arg(long)]
    status: Option<String>,
    /// 完成百分比 0–100 / percent complete
    #[arg(long)]
    percent: Option<f64>,
    /// 目标实测值，如 G1=12（可重复）/ measured value of a goal, e.g. G1=12 (repeatable)
    #[arg(long = "value", value_name = "GOAL=VALUE")]
    values: Vec<String>,
    /// 已完成节点，如 M2023（可重复）/ milestone reached, e.g. M2023 (repeatable)
    #[arg(long = "milestone")]
    milestones: Vec<String>,
    #[arg(long, default_value = "")]
    narrative: String,
    /// 佐证材料（可重复）/ evidence reference (repeatable)
    #[arg(long)]
    evidence: Vec<String>,
    /// 需协调解决的问题（可重复）/ a problem needing coordination (repeatable)
    #[arg(long)]
    problem: Vec<String>,
    /// 以该账号身份填报：检查其单位和数据范围，并记为填报人 / act as this user account: its unit and data scope are checked and it is recorded as the author
    #[arg(long = "as", value_name = "USER", conflicts_with = "by")]
    as_user: Option<String>,
    /// 记录人（不指定 --as 时，以管理员身份操作）/ recorded by (without --as the CLI acts as an administrator)
    #[arg(long, default_value = DEFAULT_BY)]
    by: String,
}

#[derive(Args)]
pub struct TaskStatusArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 期间（月或季度）/ the period (month or quarter)
    #[arg(long)]
    period: Period,
    #[arg(long)]
    plan: Option<String>,
    /// 只列此颜色 / only this colour
    #[arg(long, value_enum)]
    colour: Option<ColourArg>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ColourArg {
    Green,
    Yellow,
    Red,
    Grey,
}

impl ColourArg {
    fn colour(self) -> Colour {
        match self {
            ColourArg::Green => Colour::Green,
            ColourArg::Yellow => Colour::Yellow,
            ColourArg::Red => Colour::Red,
            ColourArg::Grey => Colour::Grey,
        }
    }
}

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 输出文件 / the .xlsx to write
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// 任务台账：只导出此计划 / task ledger: only this plan
    #[arg(long)]
    plan: Option<String>,
    /// 项目台账：只导出此年度 / project ledger: only this year
    #[arg(long)]
    year: Option<i32>,
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 台账文件 / the .xlsx workbook
    file: PathBuf,
    /// 只检查不写入 / check only, write nothing
    #[arg(long)]
    dry_run: bool,
    /// 以该账号身份填报：检查其单位和数据范围，并记为填报人 / act as this user account: its unit and data scope are checked and it is recorded as the author
    #[arg(long = "as", value_name = "USER", conflicts_with = "by")]
    as_user: Option<String>,
    /// 记录人（不指定 --as 时，以管理员身份操作）/ recorded by (without --as the CLI acts as an administrator)
    #[arg(long, default_value = DEFAULT_BY)]
    by: String,
    #[command(flatten)]
    limits: super::data::LimitArgs,
}

#[derive(Args)]
pub struct ProjectsListArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    year: Option<i32>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct ProjectReportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 项目编码 / project code
    #[arg(long)]
    code: String,
    /// 月份，如 2022-10 / the month
    #[arg(long)]
    period: Period,
    /// 当月完成投资（万元）/ invested this month, 万元
    #[arg(long = "month")]
    month_investment: f64,
    /// 年度累计完成投资（万元）/ invested this year to date, 万元
    #[arg(long = "ytd")]
    ytd_investment: f64,
    /// 形象进度 / what was built
    #[arg(long, default_value = "")]
    progress: String,
    /// 需协调解决的问题（可重复）/ a problem needing coordination (repeatable)
    #[arg(long)]
    problem: Vec<String>,
    /// 以该账号身份填报：检查其单位和数据范围，并记为填报人 / act as this user account: its unit and data scope are checked and it is recorded as the author
    #[arg(long = "as", value_name = "USER", conflicts_with = "by")]
    as_user: Option<String>,
    /// 记录人（不指定 --as 时，以管理员身份操作）/ recorded by (without --as the CLI acts as an administrator)
    #[arg(long, default_value = DEFAULT_BY)]
    by: String,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ScheduleBy {
    /// 每个项目一行 / one row per project
    Project,
    /// 按设区市 / by city
    City,
    /// 按牵头单位 / by lead unit
    LeadUnit,
}

#[derive(Args)]
pub struct ScheduleArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 截至月份，如 2022-09 / as of this month
    #[arg(long)]
    month: Period,
    #[arg(long, value_enum, default_value = "project")]
    by: ScheduleBy,
    /// 只列滞后项目 / only lagging projects (with --by project)
    #[arg(long)]
    lagging: bool,
    /// 低于序时进度超过此百分点才算滞后 / lagging = completion below 序时进度 by more than this many percentage points
    #[arg(long, default_value_t = 0.0)]
    lag_pp: f64,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct ProblemsArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 截至期间 / as of this month or quarter
    #[arg(long)]
    as_of: Period,
    /// 未解决超过的月数（0 = 全部未解决）/ open for more than this many months (0 = every open problem)
    #[arg(long, default_value_t = 3)]
    open_months: u32,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct DemoArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 随机种子 / seed (the same seed gives the same ledger)
    #[arg(long, default_value_t = 2022)]
    seed: u64,
    /// 覆盖已有台账 / replace the ledger the database holds
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
pub struct BulletinArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 季度，如 2022-Q3 / the quarter
    #[arg(long)]
    quarter: Period,
    /// 输出目录 / directory for bulletin-QUARTER.{md,html,xlsx}
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// 纳入的计划（可重复）；默认为当年有进度报告的计划 / plans to cover (repeatable); default: the plans with progress reports in the quarter's year
    #[arg(long)]
    plan: Vec<String>,
    /// 低于序时进度超过此百分点才算滞后 / lagging = below 序时进度 by more than this many percentage points
    #[arg(long, default_value_t = 0.0)]
    lag_pp: f64,
    /// 列出未解决超过此月数的问题 / list problems open for more than this many months
    #[arg(long, default_value_t = 3)]
    open_months: u32,
}

pub async fn tasks(cmd: TasksCmd) -> anyhow::Result<()> {
    match cmd {
        TasksCmd::List(a) => tasks_list(a, false).await,
        TasksCmd::Goals(a) => tasks_list(a, true).await,
        TasksCmd::Report(a) => task_report(a).await,
        TasksCmd::Status(a) => task_status(a).await,
        TasksCmd::Export(a) => tasks_export(a).await,
        TasksCmd::Import(a) => import(a, Workbook::Tasks).await,
    }
}

pub async fn projects(cmd: ProjectsCmd) -> anyhow::Result<()> {
    match cmd {
        ProjectsCmd::List(a) => projects_list(a).await,
        ProjectsCmd::Report(a) => project_report(a).await,
        ProjectsCmd::Schedule(a) => schedule(a).await,
        ProjectsCmd::Problems(a) => problems(a).await,
        ProjectsCmd::Demo(a) => demo(a).await,
        ProjectsCmd::Export(a) => projects_export(a).await,
        ProjectsCmd::Import(a) => import(a, Workbook::Projects).await,
    }
}

/// An answer of a use case as the CLI prints it: a wrong field as its flag (`--period: …`), a
/// refusal, conflict or unknown name as the use case words it.
fn flagged(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(v) => anyhow!("{}", v.iter().map(|i| format!("--{}: {}", i.field.replace('_', "-"), i.message)).collect::<Vec<_>>().join("\n")),
        AppError::NotFound(m) | AppError::Forbidden(m) | AppError::Conflict(m) => anyhow!(m),
        e => e.into(),
    }
}

/// `--as USER`: the account's actor (checked to be active); `None` = the CLI acts as an administrator.
async fn actor_of(store: &Store, as_user: Option<&str>) -> anyhow::Result<Option<Actor>> {
    let Some(u) = as_user else { return Ok(None) };
    let actor = digecon_app::users::actor_of(store, u).await.map_err(|e| anyhow!("--as: {}", flagged(e)))?;
    Ok(Some(actor))
}

/// Who a write is recorded as.
fn author(actor: &Option<Actor>, by: &str) -> String {
    digecon_app::users::author(actor.as_ref(), by)
}

fn names(departments: &[Department], codes: &[String]) -> String {
    codes.iter().map(|c| department_name(departments, c)).collect::<Vec<_>>().join("、")
}

async fn tasks_list(a: TasksListArgs, per_goal: bool) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let items = app::items(&store, a.plan.as_deref()).await.map_err(flagged)?;
    let departments = store.departments().await?;
    if per_goal {
        let mut rows = Vec::new();
        for it in &items {
            let goals = it.goals.iter().map(|g| (g, it.due)).chain(it.milestones.iter().flat_map(|m| m.goals.iter().map(move |g| (g, m.due))));
            for (g, due) in goals {
                rows.push(vec![
                    it.key.plan_id.clone(),
                    it.key.kind.as_str().into(),
                    it.key.number.to_string(),
                    g.id.clone(),
                    g.relation.as_str().into(),
                    format_value(g.value),
                    g.upper.map(format_value).unwrap_or_default(),
                    g.unit.clone(),
                    if g.each { "each".into() } else { String::new() },
                    due.to_string(),
                    g.phrase.clone(),
                    g.clause.clone(),
                ]);
            }
        }
        return emit(
            a.format,
            &["plan_id", "kind", "number", "goal_id", "relation", "value", "upper", "unit", "each", "due", "phrase", "clause"],
            &rows,
        );
    }
    let mut rows = Vec::new();
    for it in &items {
        let goals: Vec<String> = it.all_goals().map(|g| format!("{} {} [{}]", g.id, g.short(), g.phrase)).collect();
        let not_goals: Vec<String> = it
            .not_goals
            .iter()
            .chain(it.milestones.iter().flat_map(|m| m.not_goals.iter()))
            .map(|n| format!("{} ({})", n.text, n.reason.as_str()))
            .collect();
        let mut row = vec![
            it.key.plan_id.clone(),
            it.key.kind.as_str().into(),
            it.key.number.to_string(),
            it.group.clone(),
            names(&departments, &it.lead_units),
            goals.len().to_string(),
            goals.join("; "),
            not_goals.join("; "),
        ];
        if a.text {
            row.push(it.text.clone());
        }
        rows.push(row);
    }
    let mut headers = vec!["plan_id", "kind", "number", "section", "lead_units", "goal_count", "goals", "not_goals"];
    if a.text {
        headers.push("text");
    }
    emit(a.format, &headers, &rows)
}


async fn task_report(a: TaskReportArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let kind: ItemKind = a.kind.parse().map_err(anyhow::Error::msg)?;
    let actor = actor_of(&store, a.as_user.as_deref()).await?;
    let req = digecon_app::ledger::TaskReportRequest {
        plan: a.plan.clone(),
        kind,
        number: a.number,
        period: a.period,
        department: a.department.clone(),
        input: digecon_ledger::progress::FilingInput {
            status: a.status.clone(),
            percent: a.percent,
            values: a.values.clone(),
            milestones: a.milestones.clone(),
            narrative: a.narrative.clone(),
            evidence: a.evidence.clone(),
        },
        problems: a.problem.clone(),
        by: author(&actor, &a.by),
        if_match: None,
    };
    let done = digecon_app::ledger::report_task(&store, actor.as_ref(), &req).await.map_err(|e| match e {
        // The command's flags are the fields: `--percent: …`.
        digecon_app::AppError::Invalid(v) => anyhow::anyhow!("{}", v.iter().map(|i| format!("--{}", i.message)).collect::<Vec<_>>().join("\n")),
        e => e.into(),
    })?;
    let departments = store.departments().await?;
    match &done.filed {
        digecon_ledger::progress::Filed::Part(_) => {
            println!("已记录配合情况 / recorded {}'s part of {} {}", department_name(&departments, &done.department), done.item.key, a.period);
        }
        digecon_ledger::progress::Filed::Report(_) => {
            let c = &done.colour;
            println!("已记录 / recorded {} {}: {} {} — {}", done.item.key, a.period, c.colour.zh(), c.colour.as_str(), c.colour.meaning());
            for l in &c.lateness {
                println!("  {}", l.describe());
            }
        }
    }
    Ok(())
}

async fn task_status(a: TaskStatusArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let rows = app::task_status(&store, a.plan.as_deref(), a.period, a.colour.map(ColourArg::colour)).await.map_err(flagged)?;
    let departments = store.departments().await?;
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|s| {
            let (it, c) = (&s.item, &s.colour);
            vec![
                it.key.plan_id.clone(),
                it.key.kind.as_str().into(),
                it.key.number.to_string(),
                it.group.clone(),
                names(&departments, &it.lead_units),
                format!("{} {}", c.colour.zh(), c.colour.as_str()),
                c.report_period.map(|p| p.to_string()).unwrap_or_default(),
                s.percent.map(format_value).unwrap_or_default(),
                format!("{:.1}", c.expected_pct),
                c.previous.map(|(p, col)| format!("{p} {}", col.as_str())).unwrap_or_default(),
                c.lateness.iter().map(|l| l.describe()).collect::<Vec<_>>().join("; "),
            ]
        })
        .collect();
    emit(
        a.format,
        &["plan_id", "kind", "number", "section", "lead_units", "colour", "report", "percent", "expected_pct", "previous", "why_late"],
        &rows,
    )
}

async fn tasks_export(a: ExportArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let d = app::task_ledger(&store, a.plan.as_deref()).await.map_err(flagged)?;
    let bytes = workbook::write_task_ledger(&d.items, &d.reports, &d.problems, &d.departments)?;
    std::fs::write(&a.out, bytes).with_context(|| format!("写入 / writing {}", a.out.display()))?;
    println!("已导出工作台账 / wrote the task ledger {} ({} reports)", a.out.display(), d.report_count());
    Ok(())
}

#[derive(Clone, Copy)]
enum Workbook {
    Tasks,
    Projects,
}

/// `tasks import` and `projects import`: the file read within the limits, imported all or
/// nothing as `--as` (or as an administrator), and what it held printed.
async fn import(a: ImportArgs, which: Workbook) -> anyhow::Result<()> {
    let limits = a.limits.limits();
    let bytes = super::data::read_limited(&a.file, &limits)?;
    let store = a.db.open(false).await?;
    let actor = actor_of(&store, a.as_user.as_deref()).await?;
    let file = a.file.display().to_string();
    let by = author(&actor, &a.by);
    let import = WorkbookImport { file: &file, bytes: &bytes, limits: &limits, by: &by, dry_run: a.dry_run };
    let summary = match which {
        Workbook::Tasks => {
            let ledger = app::import_tasks(&store, actor.as_ref(), import).await.map_err(flagged)?;
            let values: usize = ledger.reports.iter().map(|r| r.values.len()).sum();
            format!(
                "{} reports ({} goal values), {} contributions, {} problems",
                ledger.reports.len(),
                values,
                ledger.contributions.len(),
                ledger.problems.len()
            )
        }
        Workbook::Projects => {
            let ledger = app::import_projects(&store, actor.as_ref(), import).await.map_err(flagged)?;
            format!("{} projects, {} monthly reports, {} problems", ledger.projects.len(), ledger.monthly.len(), ledger.problems.len())
        }
    };
    if a.dry_run {
        println!("检查通过，未写入 / dry run, nothing written: {summary}");
    } else {
        println!("已导入 / imported {summary}");
    }
    Ok(())
}

fn yi(wan: f64) -> String {
    format!("{:.2}", wan / 10000.0)
}

fn opt1(x: Option<f64>) -> String {
    x.map(|x| format!("{x:.1}")).unwrap_or_default()
}

async fn projects_list(a: ProjectsListArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let projects = store.key_projects(a.year).await?;
    let regions = store.regions().await?;
    let departments = store.departments().await?;
    let rows: Vec<Vec<String>> = projects
        .iter()
        .map(|p| {
            vec![
                p.year.to_string(),
                p.code.clone(),
                p.name.clone(),
                region_name(&regions, &p.region_code),
                p.industry.clone(),
                p.kind.zh().into(),
                format_value(p.total_investment),
                format_value(p.planned_investment),
                p.start.to_string(),
                p.end.to_string(),
                department_name(&departments, &p.lead_unit),
                p.status.zh().into(),
                p.synthetic.to_string(),
            ]
        })
        .collect();
    emit(
        a.format,
        &[
            "year", "code", "name", "region", "industry", "kind", "total_wan", "planned_wan", "start", "end", "lead_unit", "status",
            "synthetic",
        ],
        &rows,
    )
}

async fn project_report(a: ProjectReportArgs) -> anyhow::Result<()> {
    let Period::Month(_, month) = a.period else {
        bail!("--period: 应为月份 / expected a month such as 2022-10, got `{}`", a.period);
    };
    let store = a.db.open(false).await?;
    let actor = actor_of(&store, a.as_user.as_deref()).await?;
    let req = app::ProjectReportRequest {
        code: a.code.clone(),
        period: a.period,
        month_investment: a.month_investment,
        ytd_investment: a.ytd_investment,
        progress: a.progress.clone(),
        problems: a.problem.clone(),
        by: author(&actor, &a.by),
    };
    // The report's checks are not one flag's: their text stands alone.
    let project = app::report_project(&store, actor.as_ref(), &req).await.map_err(|e| match e {
        AppError::Invalid(v) if v.iter().all(|i| i.field == "report") => anyhow!("{}", v.iter().map(|i| i.message.clone()).collect::<Vec<_>>().join("\n")),
        e => flagged(e),
    })?;
    let pct = if project.planned_investment > 0.0 { a.ytd_investment / project.planned_investment * 100.0 } else { f64::NAN };
    println!(
        "已记录 / recorded {} {}: 累计完成 {} 亿元，占年度计划 {:.1}%，序时进度 {:.1}% / {} 亿元 to date, {:.1}% of plan, {:.1}% of the year elapsed",
        a.code,
        a.period,
        yi(a.ytd_investment),
        pct,
        f64::from(month) / 12.0 * 100.0,
        yi(a.ytd_investment),
        pct,
        f64::from(month) / 12.0 * 100.0
    );
    Ok(())
}

fn league_rows(rows: &[LeagueRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            vec![
                r.rank.to_string(),
                r.code.clone(),
                r.name.clone(),
                r.projects.to_string(),
                yi(r.planned),
                yi(r.ytd),
                opt1(r.completion_pct),
                opt1(r.gap_pp),
                r.lagging.to_string(),
                r.not_reported.to_string(),
            ]
        })
        .collect()
}

async fn schedule(a: ScheduleArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let regions = store.regions().await?;
    let tree = RegionTree::new(&regions);
    let progress = app::project_progress(&store, &tree, None, a.month, a.lag_pp).await.map_err(flagged)?;
    let year = a.month.year();
    let departments = store.departments().await?;
    let league_headers =
        ["rank", "code", "name", "projects", "planned_yi", "ytd_yi", "completion_pct", "gap_pp", "lagging", "not_reported"];
    match a.by {
        ScheduleBy::City => emit(a.format, &league_headers, &league_rows(&league_by_city(&progress, &regions))),
        ScheduleBy::LeadUnit => emit(a.format, &league_headers, &league_rows(&league_by_lead_unit(&progress, &departments))),
        ScheduleBy::Project => {
            let rows: Vec<Vec<String>> = progress
                .iter()
                .filter(|p| !a.lagging || p.lagging)
                .map(|p| {
                    vec![
                        p.code.clone(),
                        p.name.clone(),
                        region_name(&regions, &p.region_code),
                        region_name(&regions, &city_of(&tree, &p.region_code)),
                        department_name(&departments, &p.lead_unit),
                        yi(p.planned),
                        yi(p.ytd),
                        opt1(p.completion_pct),
                        format!("{:.1}", p.expected_pct),
                        opt1(p.gap_pp),
                        if p.lagging { "yes".into() } else { String::new() },
                        p.report_month.map(|m| format!("{year}-{m:02}")).unwrap_or_else(|| "未报送 none".into()),
                    ]
                })
                .collect();
            emit(
                a.format,
                &[
                    "code", "name", "region", "city", "lead_unit", "planned_yi", "ytd_yi", "completion_pct", "expected_pct", "gap_pp",
                    "lagging", "report",
                ],
                &rows,
            )
        }
    }
}

async fn problems(a: ProblemsArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let open = app::open_problems(&store, a.as_of, a.open_months).await?;
    let departments = store.departments().await?;
    let rows: Vec<Vec<String>> = open
        .iter()
        .map(|(p, m)| {
            vec![
                p.subject.to_string(),
                p.raised.to_string(),
                p.seq.to_string(),
                p.department_code.as_deref().map(|d| department_name(&departments, d)).unwrap_or_default(),
                p.text.clone(),
                m.to_string(),
                p.synthetic.to_string(),
            ]
        })
        .collect();
    emit(a.format, &["subject", "raised", "seq", "unit", "text", "months_open", "synthetic"], &rows)
}

async fn demo(a: DemoArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let counts = store
        .load_ledger_demo(a.seed, a.force)
        .await
        .with_context(|| format!("载入演示台账 / loading the demo ledger into {}", a.db.describe()))?;
    println!("已载入合成演示台账（种子 {}）/ loaded the synthetic demo ledger (seed {}): {counts}", a.seed, a.seed);
    Ok(())
}

async fn projects_export(a: ExportArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let d = app::project_ledger(&store, a.year).await?;
    let bytes = workbook::write_project_ledger(&d.projects, &d.monthly, &d.problems, &d.regions, &d.departments)?;
    std::fs::write(&a.out, bytes).with_context(|| format!("写入 / writing {}", a.out.display()))?;
    println!("已导出项目调度台账 / wrote the project ledger {} ({} projects, {} monthly reports)", a.out.display(), d.projects.len(), d.monthly.len());
    Ok(())
}

pub async fn bulletin(a: BulletinArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let options = BulletinOptions { lag_threshold_pp: a.lag_pp, open_months: a.open_months };
    let (b, plans) = app::bulletin(&store, a.quarter, &a.plan, options).await.map_err(|e| match e {
        AppError::NotFound(m) => anyhow!("--plan: {m}"),
        e => flagged(e),
    })?;
    let doc = bulletin::document(&b);
    std::fs::create_dir_all(&a.out).with_context(|| format!("创建目录 / creating {}", a.out.display()))?;
    let stem = a.out.join(format!("bulletin-{}", a.quarter));
    let write = |ext: &str, bytes: &[u8]| -> anyhow::Result<PathBuf> {
        let p = stem.with_extension(ext);
        std::fs::write(&p, bytes).with_context(|| format!("写入 / writing {}", p.display()))?;
        Ok(p)
    };
    let md = write("md", bulletin::markdown(&doc).as_bytes())?;
    let html = write("html", bulletin::html(&doc).as_bytes())?;
    let xlsx = write("xlsx", &bulletin::xlsx(&b, &doc)?)?;
    let [g, y, r, gr] = b.task_counts;
    println!(
        "已生成 {} 通报 / wrote the {} bulletin: {}, {}, {}",
        a.quarter,
        a.quarter,
        md.display(),
        html.display(),
        xlsx.display()
    );
    println!("  任务 tasks {} (plans: {}): 绿 {g} 黄 {y} 红 {r} 灰 {gr}", b.tasks.len(), if plans.is_empty() { "none".into() } else { plans.join(", ") });
    for k in &b.kinds {
        println!(
            "  {} {} 个: 计划 {} 亿元, 累计 {} 亿元, {}% (序时 {:.1}%), 滞后 {} 个",
            k.kind.zh(),
            k.projects,
            yi(k.planned),
            yi(k.ytd),
            opt1(k.completion_pct),
            b.expected_pct,
            k.lagging
        );
    }
    if b.synthetic {
        println!("  注意：含合成（演示）数据 / note: the ledger holds synthetic (demo) data");
    }
    Ok(())
}
