//! Targets and progress: `progress` (every target at an as-of period, with the rule behind each
//! status) and `check` (alias `check-plans`: plan and document consistency). The computation is `digecon-track`'s; this
//! module loads its inputs from the database and files, and prints.

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use digecon_core::{format_value, Period};
use digecon_app::progress::{BeforeBase, ProgressRequest};
use digecon_track::progress::Outlook;
use digecon_track::wording::format_number;
use digecon_track::projection;

use super::db::DbArgs;
use crate::output::{emit, Format};

#[derive(Args)]
pub struct ProgressArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 截至期（SDMX：2022、2022-Q2、2022-06）/ as-of period
    #[arg(long, value_name = "PERIOD")]
    as_of: Period,
    /// 只看某规划 / only this plan's targets
    #[arg(long)]
    plan: Option<String>,
    /// 只看某地区 / only targets for this region code
    #[arg(long, value_name = "CODE")]
    region: Option<String>,
    /// 参照序列（如全国平均水平；默认数据集的 references.csv）/ reference series CSV in the layout of data/references.csv (default: the dataset's own)
    #[arg(long, value_name = "FILE")]
    reference: Option<PathBuf>,
    /// 附加目标年预测及预警列 / add the target year's forecast, its prediction interval and the early warning
    #[arg(long)]
    forecast: bool,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct CheckPlansArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 测算表 CSV，代替内置的赣州附件二 / projection tables CSV instead of the built-in 004 Annex 2
    #[arg(long, value_name = "FILE")]
    projections: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

const PROGRESS_HEADERS: &[&str] = &[
    "plan",
    "region_code",
    "indicator_name",
    "unit",
    "base_year",
    "base_value",
    "target_year",
    "target_text",
    "target_kind",
    "latest_period",
    "latest_value",
    "expected_value",
    "progress",
    "status",
    "rule",
];

pub async fn progress(a: ProgressArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let references = match &a.reference {
        // The database's own national averages (the dataset's references.csv).
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("读取 / reading {}", path.display()))?;
            let refs = digecon_track::parse_references(&path.display().to_string(), &text).map_err(|e| anyhow::anyhow!("{e}"))?;
            let indicators = store.indicators().await?;
            for r in &refs {
                if !indicators.iter().any(|i| i.code == r.indicator_code) {
                    bail!("{}: 未知的指标代码 / unknown indicator code `{}`", path.display(), r.indicator_code);
                }
            }
            Some(refs)
        }
    };
    let req = ProgressRequest { as_of: a.as_of, plan: a.plan.as_deref(), region: a.region.as_deref(), references, before_base: BeforeBase::Refuse };
    let rows = digecon_app::progress::progress(&store, &req, None).await?;
    let mut headers: Vec<&str> = PROGRESS_HEADERS.to_vec();
    if a.forecast {
        headers.extend(["forecast", "forecast_interval", "warning"]);
    }
    let opt = |v: Option<f64>| v.map(format_value).unwrap_or_default();
    let out: Vec<Vec<String>> = rows
        .iter()
        .map(|p| {
            let mut r = vec![
                p.plan_id.clone(),
                p.region_code.clone(),
                p.indicator_name.clone(),
                p.unit.clone(),
                p.base_year.map(|y| y.to_string()).unwrap_or_default(),
                opt(p.base_value),
                p.target_year.to_string(),
                p.target.text.clone(),
                p.target.kind(),
                p.latest.as_ref().map(|l| l.period.to_string()).unwrap_or_default(),
                opt(p.latest.as_ref().map(|l| l.value)),
                p.expected_value.map(|v| format_number(v, 4)).unwrap_or_default(),
                p.measure.map(|m| m.display()).unwrap_or_default(),
                p.status.code().to_string(),
                p.rule.clone(),
            ];
            if a.forecast {
                match &p.outlook {
                    Some(Ok(Outlook { forecast: f, warning })) => {
                        r.push(format_number(f.point, 4));
                        r.push(format!("[{}, {}] {}% {}", format_number(f.lower, 4), format_number(f.upper, 4), format_number(f.level * 100.0, 1), f.model));
                        r.push(warning.map(|w| w.code().to_string()).unwrap_or_default());
                    }
                    Some(Err(e)) => r.extend([String::new(), String::new(), format!("未预测 / no forecast: {e}")]),
                    None => r.extend([String::new(), String::new(), String::new()]),
                }
            }
            r
        })
        .collect();
    if out.is_empty() && a.format == Format::Table {
        println!("无目标 / no targets");
        return Ok(());
    }
    emit(a.format, &headers, &out)
}

pub async fn check(a: CheckPlansArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let plans = store.plans().await?;
    let tables = match &a.projections {
        None => projection::embedded(),
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("读取 / reading {}", path.display()))?;
            projection::parse_tables(&path.display().to_string(), &text).map_err(|e| anyhow::anyhow!("{e}"))?
        }
    };
    // A table of a plan the database does not hold cannot be compared with its targets; say so.
    let (tables, absent): (Vec<_>, Vec<_>) = tables.into_iter().partition(|t| plans.iter().any(|p| p.id == t.plan_id));
    for t in &absent {
        eprintln!("注意 / note: 测算表 {} 的规划 {} 不在数据库中，未核对 / projection table {} is for plan {}, which the database does not hold: not checked", t.id, t.plan_id, t.id, t.plan_id);
    }
    let findings = digecon_app::progress::check(&store, &tables).await?;
    if findings.is_empty() && a.format == Format::Table {
        println!("未发现不一致 / no inconsistencies found");
        return Ok(());
    }
    let indicators = store.indicators().await?;
    let name = |code: &str| indicators.iter().find(|i| i.code == code).map_or(code.to_string(), |i| i.name_zh.clone());
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            let cited: Vec<String> = f.statements.iter().map(|c| c.display()).collect();
            vec![f.plan_id.clone(), f.region_code.clone(), name(&f.indicator_code), f.period.clone(), f.check.code().to_string(), f.message.clone(), cited.join(" | ")]
        })
        .collect();
    if a.format == Format::Table {
        eprintln!("{} 处不一致 / {} inconsistencies found", rows.len(), rows.len());
    }
    emit(a.format, &["plan", "region_code", "indicator_name", "period", "check", "message", "statements"], &rows)
}
