//! Data collection commands: `forms` (list, show, template, import), `filings` (list, show, set,
//! submit, approve, return, reopen, rates) and `audit`. The steps on a filing are
//! `digecon_app::filing`'s, the web's own; listing and showing are plain reads of the store.
//!
//! Who acts: `--as USER` (an account made with `digecon user add`), or for batch jobs without an
//! account `--actor-name NAME --actor-role ROLE [--actor-region CODE] [--actor-department CODE]`.
//! Either way the name and role go into the audit trail. The clock is the system's; setting
//! `DIGECON_NOW` (RFC 3339) fixes it for demos and tests, and is announced on stderr.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};
use digecon_app::filing::{self as app, LoadedCatalogue, Screen};
use digecon_app::AppError;
use digecon_collect::{local_date, template, Action, FilingState, Outcome};
use digecon_core::{format_value, Actor, Period, Role};
use digecon_store::collect::{AuditFilter, CollectError, FilingFilter, SaveSummary};
use digecon_store::Store;

use super::db::DbArgs;
use crate::output::{emit, Format};

/// Who performs a filing action.
#[derive(Args, Debug, Clone)]
pub struct ActorArgs {
    /// 以该账号身份操作 / act as this user account (see `digecon user add`)
    #[arg(long = "as", value_name = "USER")]
    as_user: Option<String>,
    /// 操作人姓名（无账号时）/ actor name, when acting without an account
    #[arg(long, value_name = "NAME")]
    actor_name: Option<String>,
    /// 操作人角色 / actor role: admin, province_office, department, city, county, viewer
    #[arg(long, value_name = "ROLE")]
    actor_role: Option<Role>,
    /// 操作人所属地区 / actor region code
    #[arg(long, value_name = "CODE")]
    actor_region: Option<String>,
    /// 操作人所属单位 / actor department code
    #[arg(long, value_name = "CODE")]
    actor_department: Option<String>,
}

impl ActorArgs {
    async fn resolve(&self, store: &Store) -> anyhow::Result<Actor> {
        match (&self.as_user, &self.actor_name, self.actor_role) {
            (Some(u), None, None) if self.actor_region.is_none() && self.actor_department.is_none() => {
                let user = store.user(u).await?.ok_or_else(|| anyhow!("未知的用户 / unknown user `{u}` (see `digecon user list`)"))?;
                if !user.active {
                    bail!("用户已停用 / user `{u}` is deactivated");
                }
                Ok(user.actor())
            }
            (Some(_), _, _) => bail!("--as 不能与 --actor-* 同时使用 / give either --as USER or the --actor-* options, not both"),
            (None, Some(name), Some(role)) => {
                if let Some(r) = &self.actor_region {
                    if !store.regions().await?.iter().any(|x| &x.code == r) {
                        bail!("未知的地区代码 / unknown region code `{r}` in --actor-region");
                    }
                }
                if let Some(d) = &self.actor_department {
                    if !store.departments().await?.iter().any(|x| &x.code == d) {
                        bail!("未知的单位代码 / unknown department code `{d}` in --actor-department");
                    }
                }
                Ok(Actor { username: name.clone(), role, region_code: self.actor_region.clone(), department_code: self.actor_department.clone() })
            }
            _ => bail!("请说明操作人 / say who acts: --as USER, or --actor-name NAME --actor-role ROLE [--actor-region CODE] [--actor-department CODE]"),
        }
    }
}

/// The current time, or `DIGECON_NOW` when set.
/// The date "overdue" is judged on: the one given, or today in China Standard Time.
fn as_of_or_today(as_of: Option<NaiveDate>) -> anyhow::Result<NaiveDate> {
    match as_of {
        Some(d) => Ok(d),
        None => Ok(local_date(now()?)),
    }
}

fn now() -> anyhow::Result<DateTime<Utc>> {
    match std::env::var("DIGECON_NOW") {
        Ok(t) => {
            let at: DateTime<Utc> = DateTime::parse_from_rfc3339(&t)
                .with_context(|| format!("DIGECON_NOW `{t}` 不是 RFC 3339 时间 / is not an RFC 3339 time"))?
                .with_timezone(&Utc);
            eprintln!("注意：时钟固定为 DIGECON_NOW / note: the clock is fixed at {t} by DIGECON_NOW");
            Ok(at)
        }
        Err(_) => Ok(Utc::now()),
    }
}

fn collect_err(e: CollectError) -> anyhow::Error {
    anyhow!("{e}")
}

/// A use case's refusal as the CLI says it: the message alone, or a store error with its causes.
pub fn app_err(e: AppError) -> anyhow::Error {
    match e {
        AppError::Store(e) => e.into(),
        e => anyhow!("{e}"),
    }
}

#[derive(Subcommand)]
pub enum FormsCmd {
    /// 列出报表 / list the report forms
    List(FormsListArgs),
    /// 报表的指标、规则与填报期限 / a form's indicators, rules and window
    Show(FormsShowArgs),
    /// 生成填报模板（.xlsx 或 .csv）/ write a filing template (.xlsx or .csv)
    Template(TemplateArgs),
    /// 导入填好的模板（.xlsx/.xls/.ods/.csv/.json），全部成功或全部不写入 / import a filled-in template, all or nothing
    Import(ImportArgs),
}

#[derive(Args)]
pub struct FormsListArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct FormsShowArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 报表代码 / form code, e.g. JXDE-M
    #[arg(long)]
    form: String,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct TemplateArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    form: String,
    /// 填报单位（地区或单位代码，可多个；默认全部）/ filer codes (regions or departments); default: every filer
    #[arg(long = "filer", visible_alias = "region", value_name = "CODE", num_args = 1..)]
    filers: Vec<String>,
    #[arg(long)]
    period: Period,
    /// 输出文件，.xlsx 或 .csv / output file, .xlsx or .csv
    #[arg(long, short)]
    out: PathBuf,
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 填好的模板 / the filled-in template
    file: PathBuf,
    #[command(flatten)]
    import: super::data::ImportOptions,
    #[command(flatten)]
    actor: ActorArgs,
}

pub async fn forms(c: FormsCmd) -> anyhow::Result<()> {
    match c {
        FormsCmd::List(a) => {
            let store = a.db.open(false).await?;
            let rows: Vec<Vec<String>> = store
                .forms()
                .await?
                .into_iter()
                .map(|f| {
                    vec![
                        f.code,
                        f.name_zh,
                        f.frequency.to_string(),
                        f.filers.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(";"),
                        f.indicators.len().to_string(),
                        f.rules.len().to_string(),
                        format!("{}/{}/{}", f.window.opens_days, f.window.due_days, f.window.closes_days),
                        f.responsible_department,
                        f.reconstruction.to_string(),
                    ]
                })
                .collect();
            emit(a.format, &["code", "name_zh", "frequency", "filers", "indicators", "rules", "window_days", "responsible", "reconstruction"], &rows)
        }
        FormsCmd::Show(a) => {
            let store = a.db.open(false).await?;
            let forms = store.forms().await?;
            let f = forms.iter().find(|f| f.code == a.form).ok_or_else(|| anyhow!("未知的报表代码 / unknown form code `{}` (see `digecon forms list`)", a.form))?;
            if a.format == Format::Table {
                println!("{} {} / {}", f.code, f.name_zh, f.name_en);
                println!("频率 frequency: {}; 填报单位 filers: {}", f.frequency, f.filers.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(";"));
                println!(
                    "期限 window: 期末后第 {} 天开放、第 {} 天截止（及时）、第 {} 天关闭 / opens {} days after the period end, due {}, closes {}",
                    f.window.opens_days, f.window.due_days, f.window.closes_days, f.window.opens_days, f.window.due_days, f.window.closes_days
                );
                println!("依据 basis: {} ({}{})", f.basis, f.source.doc, if f.reconstruction { "; 重构 reconstruction" } else { "" });
            }
            let indicators = store.indicators().await?;
            let rows: Vec<Vec<String>> = f
                .indicators
                .iter()
                .map(|fi| {
                    let i = indicators.iter().find(|i| i.code == fi.indicator_code);
                    vec![
                        fi.indicator_code.clone(),
                        i.map(|i| i.name_zh.clone()).unwrap_or_default(),
                        i.map(|i| i.unit.clone()).unwrap_or_default(),
                        fi.decimals.to_string(),
                        fi.required.to_string(),
                    ]
                })
                .collect();
            emit(a.format, &["indicator_code", "name_zh", "unit", "decimals", "required"], &rows)?;
            let rules: Vec<Vec<String>> = f
                .rules
                .iter()
                .map(|r| vec![r.code.clone(), r.severity.to_string(), r.when.as_ref().map(|w| w.to_string()).unwrap_or_default(), r.check.to_string(), format!("{} / {}", r.message_zh, r.message_en)])
                .collect();
            emit(a.format, &["rule", "severity", "when", "expression", "message"], &rules)
        }
        FormsCmd::Template(a) => {
            let store = a.db.open(false).await?;
            let t = store.filing_template(&a.form, &a.filers, a.period).await.map_err(collect_err)?;
            let ext = a.out.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            let bytes = match ext.as_str() {
                "xlsx" => template::write_xlsx(&t).context("生成 xlsx / writing the workbook")?,
                "csv" => template::write_csv(&t),
                _ => bail!("输出文件应为 .xlsx 或 .csv / --out must end in .xlsx or .csv: {}", a.out.display()),
            };
            // Write beside the target and rename, so a failure never leaves half a file.
            let tmp = a.out.with_extension(format!("{ext}.partial"));
            std::fs::write(&tmp, &bytes).with_context(|| format!("写入 / writing {}", tmp.display()))?;
            std::fs::rename(&tmp, &a.out)?;
            let filers: std::collections::BTreeSet<&str> = t.rows.iter().map(|r| r.filer.code()).collect();
            println!(
                "已生成模板 / wrote {}: {} {} × {} filer(s) × {} row(s), due {}",
                a.out.display(),
                t.form_code,
                t.period,
                filers.len(),
                t.rows.len(),
                t.due
            );
            Ok(())
        }
        FormsCmd::Import(a) => {
            let (o, limits) = (&a.import, a.import.limits.limits());
            let bytes = super::data::read_limited(&a.file, &limits)?;
            let name = a.file.display().to_string();
            let store = a.db.open(false).await?;
            let actor = a.actor.resolve(&store).await?;
            let at = now()?;
            let upload = match app::read_upload(name.clone(), bytes, limits).await {
                Ok(u) => u,
                Err(AppError::Collect(CollectError::Rejected(p))) => {
                    bail!("{p}{name}: 新增 created 0, 更新 updated 0, 未变 unchanged 0, 拒绝 rejected (file unreadable)")
                }
                Err(e) => return Err(app_err(e)),
            };
            for n in &upload.notes {
                println!("注意 note: {n}");
            }
            let total = upload.file.values.len();
            match app::import(&store, &actor, &upload.file, &o.reason, at, o.dry_run, Screen::Nobody).await {
                Ok(s) => {
                    print_summary(&name, &s, o.dry_run);
                    Ok(())
                }
                Err(AppError::Collect(CollectError::Rejected(p))) => {
                    bail!("{p}{name}: 新增 created 0, 更新 updated 0, 未变 unchanged 0, 拒绝 rejected {total}")
                }
                Err(e) => Err(app_err(e)),
            }
        }
    }
}

fn print_summary(name: &str, s: &SaveSummary, dry_run: bool) {
    println!(
        "{}{name}: 新增 created {}, 更新 updated {}, 未变 unchanged {}, 拒绝 rejected {}",
        if dry_run { "[dry run, nothing written] " } else { "" },
        s.created,
        s.updated,
        s.unchanged,
        s.rejected
    );
    for (filer, w) in &s.warnings {
        println!("  警告 warning {filer}: {w}");
    }
    for (filer, o) in &s.outliers {
        println!("  异常值提示 outlier {filer}: {o}");
    }
}

#[derive(Args)]
pub struct FilingKey {
    #[arg(long)]
    form: String,
    /// 填报单位代码 / filer code (region or department)
    #[arg(long, visible_alias = "region")]
    filer: String,
    #[arg(long)]
    period: Period,
}

#[derive(Subcommand)]
pub enum FilingsCmd {
    /// 列出填报 / list filings
    List(FilingsListArgs),
    /// 一份填报的数值、规则结果、异常值提示和历史 / one filing: values, rule results, outlier flags, history
    Show(FilingsShowArgs),
    /// 录入数值（与导入同样检查）/ enter values, checked like an import: IND=VALUE …
    Set(SetArgs),
    /// 上报 / submit
    Submit(ActionArgs),
    /// 撤回尚未审核的上报（填报单位）/ withdraw a submission no reviewer has acted on yet (the filer)
    Withdraw(ActionArgs),
    /// 审核通过 / approve (the city for its counties and municipal departments, then the provincial office)
    Approve(ActionArgs),
    /// 退回（需填写意见）/ return to the filer (with --comment)
    Return(ActionArgs),
    /// 重新打开已审定或逾期的填报（省级办公室，需填写意见）/ reopen an approved or overdue filing (provincial office, with --comment)
    Reopen(ActionArgs),
    /// 报送率与及时率，以及未报单位 / filing rate and timeliness, and who has not filed
    Rates(RatesArgs),
    /// 待办：待审核、被退回、已逾期的填报和未读通知 / to-do: filings to review, own returned and overdue filings, unread notices
    Todo(TodoArgs),
    /// 催报：向未报单位发送站内通知（省级办公室、设区市）/ remind a unit that has not filed (an in-app notice, recorded)
    Remind(RemindArgs),
    /// 批量审核：逐份通过或退回，各自独立生效 / bulk review: approve or return several filings, each on its own
    Bulk(BulkArgs),
}

#[derive(Args)]
pub struct TodoArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 统计日期（北京时间，默认今天）/ date for "overdue" (China Standard Time; default today)
    #[arg(long)]
    as_of: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    #[command(flatten)]
    actor: ActorArgs,
}

#[derive(Args)]
pub struct RemindArgs {
    #[command(flatten)]
    db: DbArgs,
    #[command(flatten)]
    key: FilingKey,
    /// 通知内容（默认：请尽快填报…）/ the notice's text (default: please file … by the due date)
    #[arg(long, default_value = "")]
    message: String,
    #[command(flatten)]
    actor: ActorArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BulkAction {
    Approve,
    Return,
}

#[derive(Args)]
pub struct BulkArgs {
    #[command(flatten)]
    db: DbArgs,
    /// approve（通过）或 return（退回，需 --comment）/ approve, or return (with --comment)
    #[arg(long, value_enum)]
    action: BulkAction,
    #[arg(long)]
    form: String,
    #[arg(long)]
    period: Period,
    /// 填报单位（可重复；缺省为该报表该期间全部待本人审核的填报）/ filers (repeatable; default: every filing of the form and period awaiting this actor's review)
    #[arg(long = "filer", value_name = "CODE")]
    filers: Vec<String>,
    #[arg(long, default_value = "")]
    comment: String,
    #[command(flatten)]
    actor: ActorArgs,
}

#[derive(Args)]
pub struct FilingsListArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    form: Option<String>,
    #[arg(long)]
    period: Option<Period>,
    #[arg(long, visible_alias = "region")]
    filer: Option<String>,
    /// draft, submitted, city_approved, approved, returned
    #[arg(long)]
    state: Option<FilingState>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct FilingsShowArgs {
    #[command(flatten)]
    db: DbArgs,
    #[command(flatten)]
    key: FilingKey,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct SetArgs {
    #[command(flatten)]
    db: DbArgs,
    #[command(flatten)]
    key: FilingKey,
    /// 指标=数值 / INDICATOR=VALUE pairs
    #[arg(required = true, value_name = "IND=VALUE")]
    values: Vec<String>,
    #[arg(long)]
    dry_run: bool,
    #[arg(long, default_value = "录入 / entry")]
    reason: String,
    #[command(flatten)]
    actor: ActorArgs,
}

#[derive(Args)]
pub struct ActionArgs {
    #[command(flatten)]
    db: DbArgs,
    #[command(flatten)]
    key: FilingKey,
    /// 意见（退回、重新打开时必填）/ comment (required to return or reopen)
    #[arg(long, default_value = "")]
    comment: String,
    /// 对未通过的警告规则的说明 / explanation of a failed warning rule: RULE=TEXT (repeatable)
    #[arg(long, value_name = "RULE=TEXT")]
    explain: Vec<String>,
    #[command(flatten)]
    actor: ActorArgs,
}

#[derive(Args)]
pub struct RatesArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    form: String,
    #[arg(long)]
    period: Period,
    /// 按该地区的下级分组（默认全省各设区市）/ group by this region's children (default: the root region's)
    #[arg(long)]
    region: Option<String>,
    /// 统计日期（北京时间，默认今天）/ as-of date for "overdue" (China Standard Time; default today)
    #[arg(long)]
    as_of: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

fn split_pair<'a>(s: &'a str, what: &str) -> anyhow::Result<(&'a str, &'a str)> {
    s.split_once('=').filter(|(k, _)| !k.is_empty()).ok_or_else(|| anyhow!("应为 {what} / expected {what}, got `{s}`"))
}

pub async fn filings(c: FilingsCmd) -> anyhow::Result<()> {
    match c {
        FilingsCmd::List(a) => {
            let store = a.db.open(false).await?;
            let fs = store.filings(&FilingFilter { form: a.form, filer: a.filer, period: a.period, state: a.state }).await?;
            let rows: Vec<Vec<String>> = fs
                .into_iter()
                .map(|f| {
                    vec![
                        f.form_code,
                        f.period.to_string(),
                        f.filer.code().to_string(),
                        f.filer.region_code().to_string(),
                        f.state.to_string(),
                        f.state.as_zh().to_string(),
                        f.first_submitted_at.unwrap_or_default(),
                        f.approved_at.unwrap_or_default(),
                        f.updated_at,
                    ]
                })
                .collect();
            emit(a.format, &["form", "period", "filer", "region", "state", "状态", "first_submitted_at", "approved_at", "updated_at"], &rows)
        }
        FilingsCmd::Show(a) => {
            let store = a.db.open(false).await?;
            let k = &a.key;
            let Some(d) = store.filing_detail(&k.form, &k.filer, k.period).await? else {
                bail!("没有这份填报 / no filing {} {} {} yet", k.form, k.filer, k.period);
            };
            let v = store.filing_validation(&k.form, &k.filer, k.period).await.map_err(collect_err)?;
            println!("{} {} {}: {} {}", k.form, k.filer, k.period, d.filing.state, d.filing.state.as_zh());
            let rows: Vec<Vec<String>> = d.values.iter().map(|(i, x)| vec![i.clone(), format_value(*x)]).collect();
            emit(a.format, &["indicator_code", "value"], &rows)?;
            let rules: Vec<Vec<String>> = v
                .rules
                .iter()
                .map(|r| {
                    let outcome = match &r.outcome {
                        Outcome::Pass => "pass",
                        Outcome::Fail => "fail",
                        Outcome::NotApplicable => "n/a",
                        Outcome::Skipped(_) => "skipped",
                        Outcome::Undefined => "undefined",
                    };
                    vec![r.rule_code.clone(), r.severity.to_string(), outcome.to_string(), r.to_string()]
                })
                .collect();
            emit(a.format, &["rule", "severity", "outcome", "detail"], &rules)?;
            for m in &v.missing_required {
                println!("必填未填 / required, no value: {m}");
            }
            for o in &v.outliers {
                println!("异常值提示 / outlier: {o}");
            }
            let events: Vec<Vec<String>> = d
                .events
                .iter()
                .map(|e| vec![e.at.clone(), e.actor.clone(), e.actor_role.clone(), e.action.to_string(), e.from_state.map(|s| s.to_string()).unwrap_or_default(), e.to_state.to_string(), e.comment.clone()])
                .collect();
            emit(a.format, &["at", "actor", "role", "action", "from", "to", "comment"], &events)?;
            let comments: Vec<Vec<String>> = d.comments.iter().map(|c| vec![c.at.clone(), c.actor.clone(), c.rule_code.clone(), c.text.clone()]).collect();
            if !comments.is_empty() {
                emit(a.format, &["at", "actor", "rule", "comment"], &comments)?;
            }
            Ok(())
        }
        FilingsCmd::Set(a) => {
            let store = a.db.open(false).await?;
            let actor = a.actor.resolve(&store).await?;
            let mut values = Vec::new();
            for s in &a.values {
                let (ind, v) = split_pair(s, "IND=VALUE")?;
                let x = digecon_core::parse_decimal(v).ok_or_else(|| anyhow!("`{v}` 不是数字 / is not a plain number (in `{s}`)"))?;
                values.push((ind.to_string(), x));
            }
            let cat = LoadedCatalogue::load(&store).await.map_err(app_err)?;
            let k = &a.key;
            let saved = app::save_values(&store, cat.view(), &actor, &k.form, &k.filer, &k.period.to_string(), &values, &a.reason, now()?, a.dry_run, None)
                .await
                .map_err(app_err)?;
            print_summary(&format!("{} {} {}", k.form, k.filer, k.period), &saved.summary, a.dry_run);
            Ok(())
        }
        FilingsCmd::Submit(a) => act(a, Action::Submit).await,
        FilingsCmd::Withdraw(a) => act(a, Action::Withdraw).await,
        FilingsCmd::Approve(a) => act(a, Action::Approve).await,
        FilingsCmd::Return(a) => act(a, Action::Return).await,
        FilingsCmd::Reopen(a) => act(a, Action::Reopen).await,
        FilingsCmd::Todo(a) => todo(a).await,
        FilingsCmd::Remind(a) => {
            let store = a.db.open(false).await?;
            let actor = a.actor.resolve(&store).await?;
            let tree = digecon_core::RegionTree::new(&store.regions().await?);
            let k = &a.key;
            let n = digecon_app::work::remind(&store, &tree, &actor, &k.form, &k.filer, k.period, &a.message, now()?).await.map_err(app_err)?;
            println!("催报已发送 / reminder sent: {} {} {} (#{}): {}", n.form_code, n.filer_code, n.period, n.id, n.message);
            Ok(())
        }
        FilingsCmd::Bulk(a) => bulk(a).await,
        FilingsCmd::Rates(a) => {
            let store = a.db.open(false).await?;
            let regions = store.regions().await?;
            let tree = digecon_core::RegionTree::new(&regions);
            let root = match &a.region {
                Some(r) => r.clone(),
                None => tree.root().ok_or_else(|| anyhow!("数据库没有地区 / no regions"))?.to_string(),
            };
            let as_of = as_of_or_today(a.as_of)?;
            let report = digecon_app::filing::rates(&store, &tree, &a.form, a.period, &root, as_of).await.map_err(app_err)?;
            let (rows, due) = (report.rows, report.due);
            let name = |c: &str| regions.iter().find(|x| x.code == c).map_or(String::new(), |x| x.name_zh.clone());
            let pct = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |x| format!("{x:.1}"));
            if a.format == Format::Table {
                println!("{} {} 截止 due {} · 统计日 as of {}", a.form, a.period, due, as_of);
            }
            let table: Vec<Vec<String>> = rows
                .iter()
                .filter(|r| r.expected > 0)
                .map(|r| {
                    vec![
                        r.region_code.clone(),
                        name(&r.region_code),
                        r.expected.to_string(),
                        r.filed.to_string(),
                        r.approved.to_string(),
                        r.on_time.to_string(),
                        r.late.to_string(),
                        (r.expected - r.filed).to_string(),
                        pct(r.filing_rate()),
                        pct(r.timeliness_rate()),
                    ]
                })
                .collect();
            emit(a.format, &["region_code", "region", "expected", "filed", "approved", "on_time", "late", "not_filed", "filing_rate_%", "timeliness_rate_%"], &table)?;
            // The root region's row (the first) lists everyone in scope who has not filed.
            if let Some(total) = rows.first() {
                let missing: Vec<Vec<String>> = total
                    .not_filed
                    .iter()
                    .map(|n| {
                        vec![
                            n.filer.code().to_string(),
                            name(n.filer.region_code()),
                            n.state.map_or("none".to_string(), |s| s.to_string()),
                            if n.overdue { "overdue 逾期".to_string() } else { String::new() },
                        ]
                    })
                    .collect();
                if a.format == Format::Table {
                    println!("未报 / not filed: {}", missing.len());
                }
                emit(a.format, &["filer", "region", "state", "overdue"], &missing)?;
            }
            Ok(())
        }
    }
}

async fn todo(a: TodoArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let actor = a.actor.resolve(&store).await?;
    let tree = digecon_core::RegionTree::new(&store.regions().await?);
    let today = as_of_or_today(a.as_of)?;
    let t = digecon_app::work::todo(&store, &tree, &actor, today).await.map_err(app_err)?;
    if a.format == Format::Table {
        use digecon_app::work::TodoKind::*;
        println!(
            "待审核 to review {} · 被退回 returned {} · 已逾期 overdue {} · 未读通知 unread notices {}",
            t.count(Review),
            t.count(Returned),
            t.count(Overdue),
            t.unread_notices
        );
    }
    let rows: Vec<Vec<String>> = t
        .items
        .iter()
        .map(|i| {
            vec![
                i.kind.as_str().to_string(),
                i.form_code.clone(),
                i.filer.code().to_string(),
                i.period.to_string(),
                i.state.map_or("none".to_string(), |s| s.to_string()),
                i.due.to_string(),
                i.since.clone().unwrap_or_default(),
            ]
        })
        .collect();
    emit(a.format, &["kind", "form", "filer", "period", "state", "due", "since"], &rows)
}

async fn bulk(a: BulkArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let actor = a.actor.resolve(&store).await?;
    let action = match a.action {
        BulkAction::Approve => Action::Approve,
        BulkAction::Return => Action::Return,
    };
    let filers = if a.filers.is_empty() {
        // Every filing of this form and period waiting for this actor's review, as 待办 lists them.
        let tree = digecon_core::RegionTree::new(&store.regions().await?);
        let t = digecon_app::work::todo(&store, &tree, &actor, as_of_or_today(None)?).await.map_err(app_err)?;
        t.items
            .iter()
            .filter(|i| i.kind == digecon_app::work::TodoKind::Review && i.form_code == a.form && i.period == a.period)
            .map(|i| i.filer.code().to_string())
            .collect()
    } else {
        a.filers.clone()
    };
    if filers.is_empty() {
        bail!("没有待你审核的 {} {} / no filing of {} {} awaits your review", a.form, a.period, a.form, a.period);
    }
    let keys: Vec<digecon_app::work::FilingKey> =
        filers.iter().map(|f| digecon_app::work::FilingKey { form: a.form.clone(), filer: f.clone(), period: a.period.to_string() }).collect();
    let outcomes = digecon_app::work::bulk_action(&store, &actor, &keys, action, &a.comment, now()?).await.map_err(app_err)?;
    let mut failed = 0;
    for o in &outcomes {
        match &o.result {
            Ok(state) => println!("{} {} {} {}: {} ({})", action.as_zh(), o.key.form, o.key.filer, o.key.period, state, state.as_zh()),
            Err(e) => {
                failed += 1;
                println!("未执行 not done {} {} {}: {e}", o.key.form, o.key.filer, o.key.period);
            }
        }
    }
    println!("完成 {} 项，未执行 {} 项 / {} done, {} not done", outcomes.len() - failed, failed, outcomes.len() - failed, failed);
    if failed > 0 {
        bail!("{failed} 份未执行 / {failed} filings not done");
    }
    Ok(())
}

async fn act(a: ActionArgs, action: Action) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let actor = a.actor.resolve(&store).await?;
    let mut explanations = BTreeMap::new();
    for e in &a.explain {
        let (rule, text) = split_pair(e, "RULE=TEXT")?;
        explanations.insert(rule.to_string(), text.to_string());
    }
    let k = &a.key;
    let cat = LoadedCatalogue::load(&store).await.map_err(app_err)?;
    let req = app::ActionRequest { action: action.as_str().to_string(), comment: Some(a.comment.clone()), explanations: Some(explanations) };
    let f = app::act(&store, cat.view(), &actor, &k.form, &k.filer, &k.period.to_string(), &req, now()?, None).await.map_err(app_err)?;
    println!("{} {} {} {}: {} ({})", action.as_zh(), k.form, k.filer, k.period, f.state, f.state.as_zh());
    Ok(())
}

#[derive(Args)]
pub struct AuditArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    form: Option<String>,
    #[arg(long, visible_alias = "region")]
    filer: Option<String>,
    #[arg(long)]
    period: Option<Period>,
    #[arg(long)]
    indicator: Option<String>,
    /// 操作人 / actor username
    #[arg(long)]
    actor: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// `digecon audit`: every step and value change of the matching filings, oldest first.
pub async fn audit(a: AuditArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let entries = store
        .audit(&AuditFilter { form: a.form, filer: a.filer, period: a.period, indicator: a.indicator, actor: a.actor })
        .await?;
    let opt = |v: Option<f64>| v.map(format_value).unwrap_or_default();
    let rows: Vec<Vec<String>> = entries
        .into_iter()
        .map(|e| {
            vec![
                e.at,
                e.actor,
                e.actor_role,
                e.form_code,
                e.filer_code,
                e.period.to_string(),
                e.action.to_string(),
                e.from_state.map(|s| s.to_string()).unwrap_or_default(),
                e.to_state.to_string(),
                e.indicator_code.unwrap_or_default(),
                opt(e.old_value),
                opt(e.new_value),
                e.comment,
            ]
        })
        .collect();
    emit(a.format, &["at", "actor", "role", "form", "filer", "period", "action", "from", "to", "indicator", "old", "new", "comment"], &rows)
}
