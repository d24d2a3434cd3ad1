//! Foundation commands: `init`, `status`, `export`, `import`, `wipe`, `show`, `list`. Loading,
//! importing, exporting, showing and wiping are `digecon_app::data`'s; this module reads the
//! arguments and files and prints.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use digecon_app::data as app;
use digecon_app::AppError;
use digecon_core::{format_value, Period};
use digecon_core::Limits;
use digecon_dataset::{write_observations, Dataset};
use digecon_store::ObservationFilter;
use indicatif::{ProgressBar, ProgressStyle};

use super::db::DbArgs;
use crate::output::{emit, Format};

#[derive(Args)]
pub struct InitArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 覆盖已有数据 / replace whatever the database holds
    #[arg(long)]
    force: bool,
    /// 从目录加载数据集，而非内置默认数据集 / load the dataset from DIR (layout of data/README.md) instead of the built-in one
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
}

pub async fn init(a: InitArgs) -> anyhow::Result<()> {
    let owned;
    let dataset = match &a.data {
        None => Dataset::embedded().context("内置数据集 / the built-in dataset")?,
        Some(dir) => {
            owned = digecon_dataset::csv_files_in(dir).with_context(|| format!("读取目录 / reading {}", dir.display()))?;
            let files = owned.iter().map(|(p, c)| (p.clone(), c.as_str())).collect();
            Dataset::parse(files).with_context(|| format!("数据集 / dataset {}", dir.display()))?
        }
    };
    let store = a.db.open(true).await?;
    let total = (dataset.regions.len()
        + dataset.departments.len()
        + dataset.indicators.len()
        + dataset.observations.len()
        + dataset.targets.len()
        + dataset.tasks.len()) as u64;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("{spinner} {msg:14} [{bar:30}] {pos}/{len}").unwrap().progress_chars("=> "),
    );
    let mut done_before = 0u64;
    let mut stage_seen = String::new();
    let mut stage_base = 0u64;
    let result = app::init(&store, &dataset, a.force, &mut |stage, done, n| {
        if stage != stage_seen {
            stage_base = done_before;
            stage_seen = stage.to_string();
            bar.set_message(stage.to_string());
        }
        done_before = stage_base + done;
        let _ = n;
        bar.set_position(done_before);
    })
    .await;
    bar.finish_and_clear();
    let counts = result.map_err(data_err).with_context(|| format!("载入数据集 / loading the dataset into {}", a.db.describe()))?;
    println!("已初始化 / initialised {}: {counts}", a.db.describe());
    store.close().await;
    Ok(())
}

#[derive(Args)]
pub struct StatusArgs {
    #[command(flatten)]
    db: DbArgs,
}

pub async fn status(a: StatusArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let counts = store.counts().await?;
    let loaded = store.meta("loaded_at").await?.unwrap_or_else(|| "-".into());
    println!("{} ({:?})\n{counts}\nloaded_at: {loaded}", a.db.describe(), store.backend());
    Ok(())
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormat {
    /// CSV with the columns region_code,region_name,indicator_code,indicator_name,unit,period,value,status,source_doc,source_quote,synthetic
    Csv,
}

#[derive(Args)]
pub struct FilterArgs {
    /// 指标代码 / indicator code, e.g. DE_VA
    #[arg(long)]
    indicator: Option<String>,
    /// 地区代码 / region code, e.g. 360700
    #[arg(long)]
    region: Option<String>,
    /// 期间 / period: 2022, 2022-Q1, 2022-03
    #[arg(long)]
    period: Option<Period>,
}

impl FilterArgs {
    fn filter(&self) -> ObservationFilter {
        ObservationFilter { indicator: self.indicator.clone(), region: self.region.clone(), period: self.period }
    }
}

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long, value_enum, default_value = "csv")]
    format: ExportFormat,
    /// 输出文件（默认标准输出）/ output file (default: stdout)
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    filter: FilterArgs,
}

pub async fn export(a: ExportArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let obs = app::export(&store, &a.filter.filter()).await.map_err(data_err)?;
    let rows = obs.rows();
    let ExportFormat::Csv = a.format;
    match &a.out {
        Some(path) => {
            // Write next to the target and rename, so a failed export never leaves half a file.
            let tmp = path.with_extension("csv.partial");
            let file = std::fs::File::create(&tmp).with_context(|| format!("创建 / creating {}", tmp.display()))?;
            write_observations(std::io::BufWriter::new(file), rows)?;
            std::fs::rename(&tmp, path)?;
            eprintln!("已导出 / exported {} observations to {}", obs.observations.len(), path.display());
        }
        None => write_observations(std::io::stdout().lock(), rows)?,
    }
    Ok(())
}

/// How much an importer reads before refusing a file (`digecon_core::Limits`); each flag raises one.
#[derive(Args, Clone, Debug, Default)]
pub struct LimitArgs {
    /// 文件大小上限，MiB（默认 64）/ largest file to read, in MiB (default 64)
    #[arg(long, value_name = "MIB")]
    pub max_file_mb: Option<u64>,
    /// 电子表格解压后大小上限，MiB（默认 64）/ most a spreadsheet may inflate to, in MiB (default 64)
    #[arg(long, value_name = "MIB")]
    pub max_decompressed_mb: Option<u64>,
    /// 行数上限（默认 1048576）/ most rows of a file or sheet (default 1048576)
    #[arg(long, value_name = "N")]
    pub max_rows: Option<u32>,
    /// 列数上限（默认 256）/ most columns (default 256)
    #[arg(long, value_name = "N")]
    pub max_columns: Option<u32>,
    /// 单元格字符数上限（默认 32767）/ longest cell, in characters (default 32767)
    #[arg(long, value_name = "N")]
    pub max_cell_chars: Option<u32>,
}

impl LimitArgs {
    pub fn limits(&self) -> Limits {
        let d = Limits::default();
        let mib = digecon_core::limits::MIB;
        Limits {
            max_file_bytes: self.max_file_mb.map_or(d.max_file_bytes, |m| m.saturating_mul(mib)),
            max_decompressed_bytes: self.max_decompressed_mb.map_or(d.max_decompressed_bytes, |m| m.saturating_mul(mib)),
            max_rows: self.max_rows.unwrap_or(d.max_rows),
            max_columns: self.max_columns.unwrap_or(d.max_columns),
            max_cell_chars: self.max_cell_chars.unwrap_or(d.max_cell_chars),
        }
    }
}

/// Reads a file to import, refusing it — before reading past the limit — if it is larger than
/// `limits.max_file_bytes`, with the message every importer uses.
pub fn read_limited(path: &Path, limits: &Limits) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let name = path.display().to_string();
    let f = std::fs::File::open(path).with_context(|| format!("读取 / reading {name}"))?;
    let mut bytes = Vec::new();
    f.take(limits.max_file_bytes + 1).read_to_end(&mut bytes).with_context(|| format!("读取 / reading {name}"))?;
    if let Err(e) = digecon_core::limits::check_file_size(bytes.len() as u64, limits) {
        bail!("{}", e.display_in(&name));
    }
    Ok(bytes)
}

/// How a file is imported, the same for observations and filled-in templates.
#[derive(Args)]
pub struct ImportOptions {
    /// 只检查，不写入 / check and report what would change, write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// 修改原因（记入修订历史与审计记录）/ reason recorded in the revision history and the audit trail
    #[arg(long, default_value = "导入 / import")]
    pub reason: String,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 观测值 CSV 文件（与 export 同列）/ observations CSV in the export layout
    file: PathBuf,
    #[command(flatten)]
    import: ImportOptions,
}

pub async fn import(a: ImportArgs) -> anyhow::Result<()> {
    let o = &a.import;
    let limits = o.limits.limits();
    let bytes = read_limited(&a.file, &limits)?;
    let name = a.file.display().to_string();
    let store = a.db.open(false).await?;
    let actor = format!("digecon import {name}");
    let done = app::import_observations(&store, &name, &bytes, &limits, &actor, &o.reason, o.dry_run).await.map_err(data_err)?;
    for n in &done.notes {
        println!("注意 note: {n}");
    }
    let s = done.summary;
    println!(
        "{}{name}: 新增 created {}, 更新 updated {}, 未变 unchanged {}, 拒绝 rejected 0",
        if o.dry_run { "[dry run, nothing written] " } else { "" },
        s.created,
        s.updated,
        s.unchanged
    );
    Ok(())
}

/// A use case's refusal as these commands say it: its message alone (a not-found message here is
/// already a sentence), or a store error with its causes.
fn data_err(e: AppError) -> anyhow::Error {
    match e {
        AppError::NotFound(m) => anyhow::anyhow!("{m}"),
        e => super::forms::app_err(e),
    }
}

#[derive(Args)]
pub struct WipeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 删除所有观测值（保留目录与修订历史）/ delete all observations (the catalogue and the revision history stay)
    #[arg(long, required = true)]
    observations: bool,
    #[arg(long, default_value = "清空 / wipe")]
    reason: String,
}

pub async fn wipe(a: WipeArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let n = app::wipe_observations(&store, "digecon wipe", &a.reason).await.map_err(data_err)?;
    println!("已删除 / deleted {n} observations from {}", a.db.describe());
    Ok(())
}

#[derive(Args)]
pub struct ShowArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 指标代码 / indicator code, e.g. DE_VA
    #[arg(long)]
    indicator: String,
    /// 地区代码（可多个；默认全部有数据的地区）/ region code(s); default: every region with data
    #[arg(long)]
    region: Vec<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// One indicator: with one region, its series with status and source; with several, a
/// region × period grid.
pub async fn show(a: ShowArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let (ind, values) = app::indicator_values(&store, &a.indicator, &a.region).await.map_err(data_err)?;
    let obs = &values.observations;
    if a.format == Format::Table {
        println!("{} {} / {} ({})", ind.code, ind.name_zh, ind.name_en, if ind.unit.is_empty() { "-" } else { &ind.unit });
    }
    if obs.is_empty() {
        println!("无数据 / no observations");
        return Ok(());
    }
    let region_name = |c: &str| values.region_name(c);
    if a.region.len() == 1 {
        let rows: Vec<Vec<String>> = obs
            .iter()
            .map(|o| {
                vec![
                    o.period.to_string(),
                    format_value(o.value),
                    o.status.to_string(),
                    if o.synthetic { "synthetic".into() } else { String::new() },
                    o.source.doc.clone(),
                    o.source.quote.clone(),
                ]
            })
            .collect();
        println!("{} {}", a.region[0], region_name(&a.region[0]));
        emit(a.format, &["period", "value", "status", "synthetic", "source_doc", "source_quote"], &rows)
    } else {
        let periods: BTreeSet<Period> = obs.iter().map(|o| o.period).collect();
        let mut grid: Vec<(String, BTreeMap<Period, String>)> = Vec::new();
        for o in obs {
            if grid.last().is_none_or(|(r, _)| r != &o.region_code) {
                grid.push((o.region_code.clone(), BTreeMap::new()));
            }
            let mark = if o.synthetic { "*" } else { "" };
            grid.last_mut().unwrap().1.insert(o.period, format!("{}{mark}", format_value(o.value)));
        }
        let mut headers = vec!["region_code".to_string(), "region".to_string()];
        headers.extend(periods.iter().map(|p| p.to_string()));
        let rows: Vec<Vec<String>> = grid
            .into_iter()
            .map(|(r, vals)| {
                let mut row = vec![r.clone(), region_name(&r)];
                row.extend(periods.iter().map(|p| vals.get(p).cloned().unwrap_or_default()));
                row
            })
            .collect();
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        emit(a.format, &headers, &rows)
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListWhat {
    Regions,
    Departments,
    Indicators,
    Plans,
    Targets,
    Constraints,
    /// 全国、全球及其他地区的数字（references.csv）/ figures for China, the world and other areas
    References,
    Tasks,
    Projects,
}

#[derive(Args)]
pub struct ListArgs {
    /// 要列出的内容 / what to list
    what: ListWhat,
    #[command(flatten)]
    db: DbArgs,
    /// 只列某规划的 / only those of this plan (targets, tasks, projects)
    #[arg(long)]
    plan: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub async fn list(a: ListArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let plan = a.plan.as_deref();
    let opt = |v: Option<f64>| v.map(format_value).unwrap_or_default();
    let (headers, rows): (&[&str], Vec<Vec<String>>) = match a.what {
        ListWhat::Regions => (
            &["code", "name_zh", "name_en", "level", "parent_code"],
            store
                .regions()
                .await?
                .into_iter()
                .map(|r| vec![r.code, r.name_zh, r.name_en, r.level.to_string(), r.parent_code.unwrap_or_default()])
                .collect(),
        ),
        ListWhat::Departments => (
            &["code", "name_zh", "name_en", "region_code", "kind", "aliases"],
            store
                .departments()
                .await?
                .into_iter()
                .map(|d| vec![d.code, d.name_zh, d.name_en, d.region_code, d.kind.to_string(), d.aliases.join(";")])
                .collect(),
        ),
        ListWhat::Indicators => (
            &["code", "name_zh", "name_en", "unit", "frequency", "polarity", "aggregation", "category", "formula", "aliases", "unit_aliases"],
            {
                let aliases = store.indicator_aliases().await?;
                store
                .indicators()
                .await?
                .into_iter()
                .map(|i| {
                    let a = aliases.get(&i.code).cloned().unwrap_or_default();
                    vec![
                        i.code,
                        i.name_zh,
                        i.name_en,
                        i.unit,
                        i.frequency.to_string(),
                        i.polarity.to_string(),
                        i.aggregation.to_string(),
                        i.category,
                        i.formula.map(|f| f.to_string()).unwrap_or_default(),
                        a.names.join(";"),
                        a.units.join(";"),
                    ]
                })
                .collect()
            },
        ),
        ListWhat::Plans => (
            &["id", "name_zh", "kind", "region_code", "start_year", "end_year", "source_doc"],
            store
                .plans()
                .await?
                .into_iter()
                .map(|p| {
                    vec![p.id, p.name_zh, p.kind.to_string(), p.region_code, p.start_year.to_string(), p.end_year.to_string(), p.source_doc]
                })
                .collect(),
        ),
        ListWhat::Targets => (
            &["plan", "region_code", "indicator_code", "base_year", "base_text", "base_value", "target_year", "target_text", "attribute", "stated_growth_text", "lead_units", "printed_name", "printed_unit"],
            {
                let printed = store.target_printed(plan).await?;
                store
                .targets(plan)
                .await?
                .into_iter()
                .map(|t| {
                    let p = printed.get(&digecon_dataset::target_key(&t)).cloned().unwrap_or_default();
                    vec![
                        t.plan_id,
                        t.region_code,
                        t.indicator_code,
                        t.base_year.map(|y| y.to_string()).unwrap_or_default(),
                        t.base_text,
                        opt(t.base_value),
                        t.target_year.to_string(),
                        t.target_text,
                        t.attribute.map(|x| x.as_zh().to_string()).unwrap_or_default(),
                        t.stated_growth_text,
                        t.lead_units.join(";"),
                        p.name,
                        p.unit,
                    ]
                })
                .collect()
            },
        ),
        ListWhat::Constraints => (
            &["region_code", "indicator_code", "period", "relation", "value", "source_doc", "source_quote"],
            store
                .constraints()
                .await?
                .into_iter()
                .map(|c| {
                    vec![
                        c.region_code,
                        c.indicator_code,
                        c.period.to_string(),
                        c.relation.to_string(),
                        format_value(c.value),
                        c.source.doc,
                        c.source.quote,
                    ]
                })
                .collect(),
        ),
        ListWhat::References => (
            &["reference", "scope", "indicator_code", "name", "unit", "period", "relation", "value", "status", "source_doc", "source_quote"],
            store
                .reference_figures()
                .await?
                .into_iter()
                .map(|f| {
                    vec![
                        f.reference.code().to_string(),
                        f.scope_zh,
                        f.indicator_code.unwrap_or_default(),
                        f.name_zh,
                        f.unit,
                        f.period.to_string(),
                        f.relation.code().to_string(),
                        format_value(f.value),
                        f.status.code().to_string(),
                        f.source.doc,
                        f.source.quote,
                    ]
                })
                .collect(),
        ),
        ListWhat::Tasks => (
            &["plan", "number", "section", "text", "lead_units", "coop_units"],
            store
                .tasks(plan)
                .await?
                .into_iter()
                .map(|t| vec![t.plan_id, t.number.to_string(), t.section, t.text, t.lead_units.join(";"), t.coop_units.join(";")])
                .collect(),
        ),
        ListWhat::Projects => (
            &["plan", "number", "category", "domain", "name", "milestones", "lead_units", "coop_units"],
            store
                .projects(plan)
                .await?
                .into_iter()
                .map(|p| {
                    vec![
                        p.plan_id,
                        p.number.to_string(),
                        p.category,
                        p.domain,
                        p.name,
                        p.milestones.iter().map(|m| format!("{}: {}", m.year, m.text)).collect::<Vec<_>>().join(" | "),
                        p.lead_units.join(";"),
                        p.coop_units.join(";"),
                    ]
                })
                .collect(),
        ),
    };
    emit(a.format, headers, &rows)
}
