//! `digecon microdata …`: enterprise microdata → NBS 2021 classification → core-industry
//! statistics (issue 5). Thin: argument parsing and file I/O; the work is in `digecon-measure`.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use digecon_measure::aggregate::{OBSERVATION_HEADER, TOP_HEADER};
use digecon_measure::synth::{self, SynthOptions};
use digecon_measure::va::{self, SectorShares};
use digecon_measure::{report_each, ClassLevel, Engine, Event, Options, RegionLevel, Sinks, Summary, Task};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Subcommand)]
pub enum MicrodataCmd {
    /// 逐企业分类 / classify every enterprise (uscc,year,industry_code,small_class,medium_class,major_class,core,reason,needs_review)
    Classify(ClassifyArgs),
    /// 按地区×分类×年份汇总 / aggregate by region × class × year
    Aggregate(AggregateArgs),
    /// 生成合成微观数据 / write synthetic microdata (CSV)
    Synth(SynthArgs),
    /// 数字经济增加值 = 数字产业化 + 产业数字化 / digital-economy value added from core VA and sector VA
    ValueAdded(ValueAddedArgs),
    /// 汇总结果写入数据库（省、市、县，核心产业营收及大类、企业数）/ store the aggregates as observations (province, cities, counties: core revenue in total and by major class, enterprise counts)
    Load(LoadArgs),
}

#[derive(Args)]
pub struct LoadArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub db: super::db::DbArgs,
    /// 输入为合成数据，写入的观测值标记为 synthetic / the input is synthetic: mark the observations synthetic
    #[arg(long)]
    pub synthetic: bool,
    /// 覆盖已发布（来自文件）的数值 / overwrite values published in a document (refused otherwise)
    #[arg(long)]
    pub replace_published: bool,
    /// 只检查，不写入 / report what would change, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Input options shared by classify and aggregate.
#[derive(Args, Clone)]
pub struct InputArgs {
    /// 输入文件（.csv 或 .xlsx；- 为标准输入 CSV）/ input file (.csv or .xlsx; - = CSV on stdin)
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// 输出格式 / output format
    #[arg(long, default_value = "csv", value_parser = ["csv"])]
    pub format: String,
    /// 输出文件（默认标准输出）/ output file (default stdout)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// 被拒行文件（默认 <输入>.rejects.csv）/ rejected rows (default <input>.rejects.csv)
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// 工作线程数（0 = 全部核心）/ worker threads (0 = all cores)
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// 有被拒行时以失败退出 / exit with failure if any row was rejected
    #[arg(long)]
    pub strict: bool,
    /// 在标准错误输出中最多逐条显示的被拒行数 / rejected rows shown one by one on stderr (all are in the rejects file)
    #[arg(long, default_value_t = 20)]
    pub show: usize,
    /// .xlsx 解压后大小上限，MiB / most an .xlsx may inflate to, in MiB (microdata sheets are large; checked before reading)
    #[arg(long, value_name = "MIB", default_value_t = 1024)]
    pub max_decompressed_mb: u64,
}

#[derive(Args)]
pub struct ClassifyArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args)]
pub struct AggregateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// 地区层级 / region level
    #[arg(long, default_value = "province", value_parser = ["province", "city", "county"])]
    pub by: String,
    /// 分类层级 / class level
    #[arg(long, default_value = "major", value_parser = ["major", "medium", "small"])]
    pub level: String,
    /// 待复核企业清单（默认 <输入>.review.csv）/ enterprises needing review (default <input>.review.csv)
    #[arg(long, value_name = "FILE")]
    pub review: Option<PathBuf>,
    /// 每个地区和年份的营收前 N 名企业 / top N enterprises by revenue per region and year
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// 前 N 名企业清单输出文件 / where to write the top-N list (CSV)
    #[arg(long, value_name = "FILE")]
    pub top_out: Option<PathBuf>,
}

#[derive(Args)]
pub struct SynthArgs {
    /// 行数 / rows
    #[arg(long)]
    pub rows: u64,
    /// 随机种子 / seed
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// 输出文件（默认标准输出）/ output file (default stdout)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// 故意写入的错误行比例（0–1）/ fraction of deliberately bad rows (0–1)
    #[arg(long, default_value_t = 0.0)]
    pub bad_fraction: f64,
    /// 核心产业企业占比 / share of core-industry enterprises
    #[arg(long, default_value_t = 0.35)]
    pub core_share: f64,
    /// 首个年份（生成两年面板）/ first year of the two-year panel
    #[arg(long, default_value_t = 2021)]
    pub first_year: u16,
    /// 不写收入法四列 / omit the four income-approach columns
    #[arg(long)]
    pub no_income: bool,
}

#[derive(Args)]
pub struct ValueAddedArgs {
    /// 核心产业增加值（`microdata aggregate` 的输出）/ core VA: output of `microdata aggregate`
    #[arg(long, value_name = "FILE")]
    pub core: PathBuf,
    /// 核心产业增加值所用指标 / which core VA indicator of that file to use
    #[arg(long, default_value = "DE_CORE_VA_RATE_METHOD")]
    pub core_indicator: String,
    /// 分部门增加值 CSV：region_code,period,sector,value（单位须与核心增加值相同，万元）/ sector VA, same unit as core VA (万元)
    #[arg(long, value_name = "FILE")]
    pub sector_va: PathBuf,
    /// 部门参数：ict（门类 ICT 资本收入份额）、caict2020（三次产业渗透率）或 CSV 文件 / sector parameters
    #[arg(long, default_value = "ict")]
    pub shares: String,
    /// 地区调整系数 / regional adjustment factor
    #[arg(long, default_value_t = 1.0)]
    pub adjustment: f64,
    /// 输出文件（默认标准输出）/ output file (default stdout)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(cmd: MicrodataCmd) -> anyhow::Result<()> {
    match cmd {
        MicrodataCmd::Classify(a) => classify(a),
        MicrodataCmd::Aggregate(a) => aggregate(a).map(|_| ()),
        MicrodataCmd::Synth(a) => synth_cmd(a),
        MicrodataCmd::ValueAdded(a) => value_added(a),
        MicrodataCmd::Load(a) => tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(load(a)),
    }
}

/// Aggregates the input at every region level and stores what the catalogue has a concept for
/// (see `digecon_measure::catalogue`) as provisional observations, in one transaction. A value
/// published in a document is never overwritten unless asked: the load is refused, listing them.
async fn load(a: LoadArgs) -> anyhow::Result<()> {
    use digecon_core::{Observation, ObservationStatus, Period, Source};
    let engine = Engine::shipped();
    let review_path = sibling(&a.input.input, ".review.csv");
    let mut review = create(&review_path)?;
    let (summary, acc, _) = run_input(&a.input, &engine, 0, Task::Aggregate { review: &mut review })?;
    review.flush()?;
    if a.input.strict && summary.rejected > 0 {
        bail!("{} 行被拒 / {} rows rejected (--strict)", summary.rejected, summary.rejected);
    }
    let file = a.input.input.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let quote = format!(
        "digecon microdata load: NBS 2021 v1 classification of {} valid rows ({} rejected, {} to review)",
        summary.valid, summary.rejected, summary.needs_review
    );
    let mut obs = Vec::new();
    for by in [RegionLevel::Province, RegionLevel::City, RegionLevel::County] {
        report_each(&acc, &engine.classifier.table, &engine.regions, &engine.slot_rates, by, ClassLevel::Major, &mut |o| {
            if let Some((code, value)) = digecon_measure::catalogue::catalogue_value(o) {
                obs.push(Observation {
                    region_code: o.region_code.to_string(),
                    indicator_code: code.to_string(),
                    period: Period::Year(i32::from(o.period)),
                    value,
                    status: ObservationStatus::Provisional,
                    source: Source { doc: format!("microdata:{file}"), quote: quote.clone() },
                    synthetic: a.synthetic,
                });
            }
        });
    }
    let store = a.db.open(false).await?;
    let mut published = Vec::new();
    for o in &obs {
        let f = digecon_store::ObservationFilter { indicator: Some(o.indicator_code.clone()), region: Some(o.region_code.clone()), period: Some(o.period) };
        if let Some(old) = store.observations(&f).await?.into_iter().next() {
            if !old.source.doc.starts_with("microdata:") {
                published.push(format!("{} {} {} = {} ({})", old.region_code, old.indicator_code, old.period, digecon_core::format_value(old.value), old.source.doc));
            }
        }
    }
    if !published.is_empty() && !a.replace_published {
        bail!(
            "{} 个数值已由文件发布，未写入任何数据（用 --replace-published 覆盖）/ {} values are published in documents; nothing was written (use --replace-published to overwrite):\n  {}",
            published.len(),
            published.len(),
            published.join("\n  ")
        );
    }
    let s = store.upsert_observations(&obs, &format!("digecon microdata load {file}"), "微观数据汇总 / microdata aggregates", a.dry_run).await?;
    println!(
        "{}{file}: 新增 created {}, 更新 updated {}, 未变 unchanged {}",
        if a.dry_run { "[dry run, nothing written] " } else { "" },
        s.created,
        s.updated,
        s.unchanged
    );
    Ok(())
}

fn create(path: &Path) -> anyhow::Result<BufWriter<File>> {
    let f = File::create(path).with_context(|| format!("无法创建 / cannot create {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, f))
}

fn output(path: &Option<PathBuf>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(create(p)?),
        None => Box::new(BufWriter::with_capacity(1 << 20, std::io::stdout().lock())),
    })
}

fn sibling(input: &Path, suffix: &str) -> PathBuf {
    if input == Path::new("-") {
        return PathBuf::from(format!("stdin{suffix}"));
    }
    let mut s = input.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn bar(total: Option<u64>) -> ProgressBar {
    match total {
        Some(n) => ProgressBar::new(n).with_style(
            ProgressStyle::with_template("{spinner} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}")
                .expect("valid template")
                .progress_chars("=> "),
        ),
        None => ProgressBar::new_spinner()
            .with_style(ProgressStyle::with_template("{spinner} {pos} 行 / rows {per_sec}").expect("valid template")),
    }
}

/// Runs classify or aggregate over the input; prints rejects and the summary on stderr.
fn run_input(a: &InputArgs, engine: &Engine, top_n: usize, task: Task<'_>) -> anyhow::Result<(Summary, digecon_measure::Accumulator, PathBuf)> {
    let rejects_path = a.rejects.clone().unwrap_or_else(|| sibling(&a.input, ".rejects.csv"));
    let mut rejects = create(&rejects_path)?;
    let label = a.input.display().to_string();
    let is_xlsx = a.input.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let total = if a.input == Path::new("-") || is_xlsx { None } else { std::fs::metadata(&a.input).ok().map(|m| m.len()) };
    let pb = bar(total);
    let mut shown = 0usize;
    let show = a.show;
    let mut on_event = |e: Event<'_>| match e {
        Event::Reject { message, .. } | Event::Warning { message, .. } => {
            if shown < show {
                pb.suspend(|| eprintln!("{message}"));
                shown += 1;
            }
        }
        Event::Progress { done } => pb.set_position(done),
    };
    let opts = Options { threads: a.threads, top_n, ..Options::default() };
    let sinks = Sinks { rejects: &mut rejects, on_event: &mut on_event };
    let (summary, acc) = if a.input == Path::new("-") {
        digecon_measure::run_csv(engine, std::io::stdin(), "stdin", &opts, task, sinks)?
    } else if is_xlsx {
        // Inflate every entry through a counting reader first (nothing kept), so a
        // decompression bomb is refused before calamine inflates it for real.
        let limits = digecon_core::Limits { max_decompressed_bytes: a.max_decompressed_mb.saturating_mul(digecon_core::limits::MIB), ..Default::default() };
        let f = File::open(&a.input).with_context(|| format!("无法打开 / cannot open {label}"))?;
        if let Err(e) = digecon_core::sheets::check_zip(BufReader::new(f), &limits) {
            anyhow::bail!("{}", e.display_in(&label));
        }
        let f = File::open(&a.input).with_context(|| format!("无法打开 / cannot open {label}"))?;
        digecon_measure::run_xlsx(engine, BufReader::new(f), &label, &opts, task, sinks)?
    } else {
        let f = File::open(&a.input).with_context(|| format!("无法打开 / cannot open {label}"))?;
        digecon_measure::run_csv(engine, f, &label, &opts, task, sinks)?
    };
    pb.finish_and_clear();
    rejects.flush()?;
    let hidden = (summary.rejected + summary.warnings).saturating_sub(shown as u64);
    if hidden > 0 {
        eprintln!("… 另有 {hidden} 条未逐条显示 / {hidden} more not shown; 全部被拒行见 / all rejected rows are in {}", rejects_path.display());
    }
    if !summary.ignored_columns.is_empty() {
        eprintln!("未使用的列 / columns not used: {}", summary.ignored_columns.join(", "));
    }
    eprintln!(
        "行 / rows {}：有效 / valid {}（核心 / core {}，非核心 / non-core {}，待复核 / needs review {}），被拒 / rejected {} → {}，警告 / warnings {}",
        summary.rows, summary.valid, summary.core, summary.non_core, summary.needs_review, summary.rejected,
        rejects_path.display(), summary.warnings
    );
    Ok((summary, acc, rejects_path))
}

fn classify(a: ClassifyArgs) -> anyhow::Result<()> {
    let engine = Engine::shipped();
    let mut out = output(&a.input.out)?;
    let (summary, _, _) = run_input(&a.input, &engine, 0, Task::Classify { out: &mut out })?;
    out.flush()?;
    if a.input.strict && summary.rejected > 0 {
        bail!("{} 行被拒 / {} rows rejected (--strict)", summary.rejected, summary.rejected);
    }
    Ok(())
}

/// Runs an aggregation; returns the summary (used by the benchmark).
pub fn aggregate(a: AggregateArgs) -> anyhow::Result<Summary> {
    let engine = Engine::shipped();
    let by: RegionLevel = a.by.parse().map_err(anyhow::Error::msg)?;
    let level: ClassLevel = a.level.parse().map_err(anyhow::Error::msg)?;
    let review_path = a.review.clone().unwrap_or_else(|| sibling(&a.input.input, ".review.csv"));
    let mut review = create(&review_path)?;
    let t0 = Instant::now();
    let (summary, acc, _) = run_input(&a.input, &engine, a.top, Task::Aggregate { review: &mut review })?;
    review.flush()?;
    // Observations are written as they are derived: output memory does not depend on their number.
    let mut out = output(&a.input.out)?;
    let mut w = csv::Writer::from_writer(&mut out);
    w.write_record(OBSERVATION_HEADER)?;
    let mut write_err = None;
    let (top, va_missing) = report_each(&acc, &engine.classifier.table, &engine.regions, &engine.slot_rates, by, level, &mut |o| {
        if write_err.is_none() {
            if let Err(e) = o.write_csv(&mut w) {
                write_err = Some(e);
            }
        }
    });
    if let Some(e) = write_err {
        return Err(e).context("写出汇总 / writing the aggregates");
    }
    w.flush()?;
    drop(w);
    out.flush()?;
    if !va_missing.is_empty() {
        let codes: Vec<String> = va_missing.iter().map(|c| format!("{c:04}")).collect();
        eprintln!("警告 / warning: 以下行业无增加值率，相关汇总不计算增加值 / no VA rate for {}; VA by rates not computed where they occur", codes.join(", "));
    }
    if let Some(p) = &a.top_out {
        let mut w = csv::Writer::from_writer(create(p)?);
        w.write_record(TOP_HEADER)?;
        for t in &top {
            w.write_record(t.fields())?;
        }
        w.flush()?;
    }
    if summary.needs_review > 0 {
        eprintln!("待复核企业清单 / review list: {}", review_path.display());
    }
    tracing::info!(elapsed = ?t0.elapsed(), "aggregate done");
    if a.input.strict && summary.rejected > 0 {
        bail!("{} 行被拒 / {} rows rejected (--strict)", summary.rejected, summary.rejected);
    }
    Ok(summary)
}

fn synth_cmd(a: SynthArgs) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&a.bad_fraction) || !(0.0..=1.0).contains(&a.core_share) {
        bail!("--bad-fraction 与 --core-share 须在 0–1 之间 / must be in 0–1");
    }
    let engine = Engine::shipped();
    let opts = SynthOptions {
        rows: a.rows,
        seed: a.seed,
        bad_fraction: a.bad_fraction,
        core_share: a.core_share,
        first_year: a.first_year,
        income_columns: !a.no_income,
    };
    let pb = ProgressBar::new(a.rows).with_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} 行 / rows {per_sec} ETA {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let mut out = output(&a.out)?;
    let stats = synth::generate(&opts, &engine.regions, &engine.classifier, &mut out, &mut |n| pb.set_position(n))?;
    out.flush()?;
    pb.finish_and_clear();
    eprintln!(
        "合成 / synthetic: {} 行 / rows, {} 家企业 / enterprises, {} 条故意错误行 / deliberately bad rows",
        stats.rows,
        stats.enterprises,
        stats.bad.len()
    );
    Ok(())
}

fn value_added(a: ValueAddedArgs) -> anyhow::Result<()> {
    let shares = match SectorShares::shipped(&a.shares) {
        Some(s) => s,
        None => {
            let file = a.shares.as_str();
            let f = File::open(file).with_context(|| format!("无法打开 / cannot open {file}"))?;
            SectorShares::from_reader(file, f)?
        }
    };
    let read = |p: &Path| std::fs::read_to_string(p).with_context(|| format!("无法打开 / cannot open {}", p.display()));
    let core = va::core_va_from_csv(&a.core.display().to_string(), &read(&a.core)?, &a.core_indicator)?;
    let sectors = va::sector_va_from_csv(&a.sector_va.display().to_string(), &read(&a.sector_va)?)?;
    let rows = va::digital_economy_rows(&core, &sectors, &shares, a.adjustment).map_err(|e| anyhow::anyhow!("{}: {e}", a.core.display()))?;
    let mut w = csv::Writer::from_writer(output(&a.out)?);
    w.write_record(["region_code", "indicator", "period", "value", "unit"])?;
    for (region, ind, period, v, unit) in &rows {
        w.write_record([region.as_str(), ind, period.as_str(), &format!("{v:.6}"), unit])?;
    }
    w.flush()?;
    eprintln!("参数 / parameters: {} ({} 部门 / sectors)", shares.file, shares.rows.len());
    Ok(())
}

/// `digecon bench microdata`: generate (or reuse) a synthetic file, time our aggregation and the
/// DuckDB script on it, check that the aggregates agree.
#[derive(Args)]
pub struct BenchArgs {
    /// 行数 / rows
    #[arg(long)]
    pub rows: u64,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// 存放合成文件和输出的目录 / directory for the synthetic file and outputs
    #[arg(long, default_value = "/var/tmp/digecon-bench-microdata")]
    pub dir: PathBuf,
    #[arg(long, default_value = "city", value_parser = ["province", "city", "county"])]
    pub by: String,
    #[arg(long, default_value = "major", value_parser = ["major", "medium", "small"])]
    pub level: String,
    /// DuckDB 脚本 / the DuckDB script
    #[arg(long, default_value = "bench/duckdb_microdata.py")]
    pub duckdb_script: PathBuf,
    /// 不运行 DuckDB / skip DuckDB
    #[arg(long)]
    pub no_duckdb: bool,
    /// 各运行次数，取最短时间 / runs of each, best time reported
    #[arg(long, default_value_t = 1)]
    pub runs: usize,
}

/// Runs a command under `/usr/bin/time -v` when available; returns (wall seconds, peak RSS KiB,
/// the command's stderr).
fn timed(cmd: &mut std::process::Command, label: &str) -> anyhow::Result<(f64, Option<u64>, String)> {
    let time_v = Path::new("/usr/bin/time").exists();
    let mut full = if time_v {
        let mut c = std::process::Command::new("/usr/bin/time");
        c.arg("-v").arg(cmd.get_program()).args(cmd.get_args());
        c
    } else {
        let mut c = std::process::Command::new(cmd.get_program());
        c.args(cmd.get_args());
        c
    };
    let t0 = Instant::now();
    let out = full.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped()).output()?;
    let secs = t0.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("{label} 失败 / failed:\n{err}");
    }
    let rss = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
        .and_then(|v| v.trim().parse().ok());
    Ok((secs, rss, err.into_owned()))
}

pub fn bench(a: BenchArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&a.dir)?;
    let input = a.dir.join(format!("synth_{}_{}.csv", a.rows, a.seed));
    if !input.exists() {
        eprintln!("生成 / generating {} …", input.display());
        synth_cmd(SynthArgs {
            rows: a.rows,
            seed: a.seed,
            out: Some(input.clone()),
            bad_fraction: 0.0,
            core_share: 0.35,
            first_year: 2021,
            no_income: false,
        })?;
    }
    let size = std::fs::metadata(&input)?.len();
    let ours_out = a.dir.join(format!("ours_{}_{}_{}.csv", a.rows, a.by, a.level));
    let exe = std::env::current_exe()?;
    let mut best_ours = (f64::INFINITY, None, String::new());
    for _ in 0..a.runs.max(1) {
        let mut c = std::process::Command::new(&exe);
        c.args(["microdata", "aggregate", "--input"]).arg(&input).args(["--by", &a.by, "--level", &a.level, "--out"]).arg(&ours_out);
        let r = timed(&mut c, "digecon")?;
        if r.0 < best_ours.0 {
            best_ours = r;
        }
    }
    println!("| input | rows | size | tool | time (s) | peak RSS (MiB) |");
    println!("|---|---|---|---|---|---|");
    let mib = |k: Option<u64>| k.map_or("n/a".to_string(), |k| format!("{:.0}", k as f64 / 1024.0));
    println!("| {} | {} | {:.0} MiB | digecon | {:.2} | {} |", input.display(), a.rows, size as f64 / 1048576.0, best_ours.0, mib(best_ours.1));
    if a.no_duckdb {
        return Ok(());
    }
    let duck_out = a.dir.join(format!("duckdb_{}_{}_{}.csv", a.rows, a.by, a.level));
    let mut best_duck = (f64::INFINITY, None, String::new());
    for _ in 0..a.runs.max(1) {
        let mut c = std::process::Command::new("python3");
        c.arg(&a.duckdb_script).arg("--input").arg(&input).args(["--by", &a.by, "--level", &a.level, "--out"]).arg(&duck_out);
        let r = timed(&mut c, "duckdb")?;
        if r.0 < best_duck.0 {
            best_duck = r;
        }
    }
    println!("| {} | {} | {:.0} MiB | DuckDB | {:.2} | {} |", input.display(), a.rows, size as f64 / 1048576.0, best_duck.0, mib(best_duck.1));
    // The script's own timing excludes Python start-up and `import duckdb`.
    let inner = best_duck.2.lines().find(|l| l.starts_with("duckdb ")).unwrap_or("").to_string();
    let inner_total = inner.rsplit("total ").next().and_then(|t| t.trim_end_matches(" s").trim().parse::<f64>().ok());
    println!();
    println!("ratio digecon / DuckDB (process wall time) = {:.2}", best_ours.0 / best_duck.0);
    if let Some(t) = inner_total {
        println!("ratio digecon / DuckDB (DuckDB time inside Python, no start-up) = {:.2}   [{inner}]", best_ours.0 / t);
    }
    std::io::stdout().flush()?;
    // Check step: the script compares its aggregates with ours.
    let status = std::process::Command::new("python3")
        .arg(&a.duckdb_script)
        .arg("--compare")
        .arg(&duck_out)
        .arg(&ours_out)
        .status()?;
    if !status.success() {
        bail!("DuckDB 与 digecon 的汇总不一致 / DuckDB and digecon aggregates differ");
    }
    Ok(())
}
