//! `digecon index …`: composite indices from COINr's input layout and their uncertainty /
//! sensitivity analysis, AHP weights from a pairwise-comparison matrix, the Ganzhou
//! industry-selection model; `digecon bench index`. Thin: files in, `digecon-index` computes,
//! files or tables out. The CSV layouts of `ahp` and `industry` are documented in their `--help`.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use digecon_index::ahp::{ahp_weights, CR_LIMIT};
use digecon_index::industry::{self, check_priority, ge_nine_box, Band, ExpertScores, NineBox, SelectionModel, DEFAULT_CUTS};
use digecon_index::sensitivity::{run_sensitivity, Alternatives, SensitivityResult, SensitivitySpec};
use digecon_index::{read_idata, read_imeta, AggMethod, Coin, Pipeline, StepReport};

use crate::output::{emit, Format};

#[derive(Subcommand)]
pub enum IndexCmd {
    /// 按 COINr 的 iData/iMeta 构建综合指数 / build a composite index from COINr's iData/iMeta;
    /// writes aggregated.csv and results.csv
    Coinr(CoinrArgs),
    /// 不确定性与敏感性分析 / uncertainty and sensitivity analysis; writes rank_stats.csv (and
    /// sobol.csv with --sobol)
    Sensitivity(SensitivityArgs),
    /// 层次分析法权重 / AHP weights, λmax, CI, RI and CR from a pairwise-comparison matrix (CR ≥ 0.1 is rejected)
    ///
    /// 每个准则的权重 (主特征向量), 然后 λmax、CI、RI、CR; CR ≥ 0.1 的矩阵被拒绝, 并指出最不一致的判断 /
    /// each criterion's weight (principal eigenvector), then λmax, CI, RI, CR; a matrix with
    /// CR ≥ 0.1 is rejected, naming the most inconsistent judgements.
    ///
    /// 矩阵文件 / the matrix file (CSV, UTF-8; lines starting with # are comments):
    ///
    ///   ,市场,技术,人才
    ///   市场,1,2,4
    ///   技术,1/2,1,2
    ///   人才,1/4,1/2,1
    ///
    /// - 首行: 准则名称, 首格忽略 / header row: the n criterion names (the first cell is ignored:
    ///   leave it empty or write e.g. `criterion`);
    /// - 其后每个准则一行, 按表头顺序, 行首为准则名称 / then one row per criterion, in the header's
    ///   order, starting with its name, then aᵢ₁ … aᵢₙ;
    /// - aᵢⱼ: 准则 i 相对 j 的重要程度 (Saaty 1–9 标度) / how much more important criterion i is
    ///   than j (Saaty's 1–9 scale), a decimal (0.5) or a fraction (1/3);
    /// - 须为正数, 对角线为 1, aⱼᵢ = 1/aᵢⱼ / positive, 1 on the diagonal, reciprocal
    ///   (|aᵢⱼ·aⱼᵢ − 1| ≤ 0.005, so 1/3 written 0.333 is accepted); at most 15 criteria.
    ///
    /// 每个错误都指明文件、行和列 / every error names the file, line and column.
    #[command(verbatim_doc_comment)]
    Ahp(AhpArgs),
    /// 产业选择 (赣州规划附件四) / industry selection (Ganzhou plan, Annex 4): priority and GE nine-box per industry
    ///
    /// 每个产业的吸引力、竞争力、发展优先级和 GE 九宫格 / per industry: attractiveness,
    /// competitiveness, development priority and GE nine-box zone.
    ///
    /// 无选项时复现规划表 3 / without options: the plan's Table 3
    /// (data/industry_selection/scores.csv), each printed priority checked against the rule.
    ///
    /// - 优先级 / priority = (吸引力 attractiveness + 竞争力 competitiveness) / 2, rounded half up
    ///   to two decimals; `agrees`: 是 yes (equal), 舍入内 within rounding (possible once the
    ///   two-decimal rounding of the scores is allowed for), 否 no.
    /// - 九宫格 / nine-box: each axis low < 10/3 ≤ medium < 20/3 ≤ high (our assumption; the plan
    ///   gives no cut-offs); high–high, high–medium, medium–high → 重点发展 invest; low–high,
    ///   medium–medium, high–low → 选择发展 selective; the rest → 维持收获 harvest.
    ///
    /// --scores FILE: 与 scores.csv 相同的列 / the columns of scores.csv: number, industry_zh,
    ///   industry_en, attractiveness, competitiveness (10-point scale), priority (optional; other
    ///   columns are ignored).
    ///
    /// --experts FILE: 专家对表 2 的 27 个二级指标打分, 宽表, 每位专家 × 产业一行 / several
    ///   experts' scores on the 27 indicators of Table 2, one row per expert × industry (lines
    ///   starting with # are comments):
    ///
    ///   expert,industry,产业政策前景,产业技术前景,进入退出壁垒,…
    ///   E1,PCB,8,7.5,6,…
    ///
    ///   指标列按 indicator_zh 或 indicator_en 命名, 顺序不限, 缺一不可
    ///   (data/industry_selection/indicators.csv) / indicator columns named by indicator_zh or
    ///   indicator_en, in any order, all 27 required; scores 0–10. Each indicator is averaged over
    ///   the industry's experts, then weighted up Table 2 (criterion weight × indicator weight) to
    ///   attractiveness and competitiveness; rows are ranked by priority.
    #[command(verbatim_doc_comment)]
    Industry(IndustryArgs),
}

#[derive(Args)]
pub struct AhpArgs {
    /// 两两比较判断矩阵 (CSV) / the pairwise-comparison matrix (CSV, layout above)
    #[arg(long)]
    matrix: PathBuf,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct IndustryArgs {
    /// 自己的评分表 (同 scores.csv) / your own scores table (the layout of scores.csv)
    #[arg(long, conflicts_with = "experts")]
    scores: Option<PathBuf>,
    /// 专家对二级指标的打分 (宽表) / experts' scores on the leaf indicators (wide CSV, layout above)
    #[arg(long)]
    experts: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
pub struct InputArgs {
    /// COINr iData CSV (uCode, uName, groups, denominators, indicators)
    #[arg(long)]
    data: PathBuf,
    /// COINr iMeta CSV (Level, iCode, Direction, Weight, Parent, Type, …)
    #[arg(long)]
    meta: PathBuf,
    /// PIPELINE.toml: steps in file order ([screen], [impute], [denominate], [treat], [normalise], [aggregate])
    #[arg(long)]
    config: PathBuf,
}

#[derive(Args)]
pub struct CoinrArgs {
    #[command(flatten)]
    input: InputArgs,
    /// 输出目录 / output directory
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    input: InputArgs,
    /// 重复次数 (Sobol: 基础样本量 N, 共 N·(d+2) 次) / replications (with --sobol: base sample N, N·(d+2) runs)
    #[arg(long, default_value_t = 1000)]
    n: usize,
    /// 随机种子 / random seed
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// 权重相对噪声 f: w·(1 + f·(2U − 1)) / relative weight noise
    #[arg(long, default_value_t = 0.0)]
    weight_noise: f64,
    /// 扰动权重的层级 / levels whose weights are perturbed, e.g. 1,2,3
    #[arg(long, value_delimiter = ',')]
    weight_levels: Vec<u8>,
    /// 备选方法 / method alternatives, e.g. aggregate=amean,gmean or normalise=minmax(1,100),zscore(10,2); repeatable
    #[arg(long)]
    alternatives: Vec<String>,
    /// Saltelli 设计与 Sobol 指数 / Saltelli design and Sobol indices (writes sobol.csv)
    #[arg(long)]
    sobol: bool,
    /// 研究其排名的聚合项 (默认顶层) / the aggregate whose ranks are studied (default: the top node)
    #[arg(long)]
    target: Option<String>,
    /// 记录失败的重复而不中止 / count failing replications instead of stopping
    #[arg(long)]
    skip_failed: bool,
    /// 输出目录 / output directory
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct BenchArgs {
    /// COINr 参考数据目录 (iData.csv, iMeta.csv) / folder with COINr's ASEM iData.csv and iMeta.csv
    /// [default: ../shared/reference/coinr relative to the repository root]
    #[arg(long)]
    coinr_dir: Option<PathBuf>,
    /// 重复次数 / replications
    #[arg(long, default_value_t = 1000)]
    n: usize,
    /// 随机种子 / random seed
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// 同时计算 Sobol 指数 (N·(d+2) 次) / also run the Saltelli design for Sobol indices
    #[arg(long)]
    sobol: bool,
}

pub fn run(cmd: IndexCmd) -> anyhow::Result<()> {
    match cmd {
        IndexCmd::Coinr(a) => coinr(a),
        IndexCmd::Sensitivity(a) => sensitivity(a),
        IndexCmd::Ahp(a) => ahp(a),
        IndexCmd::Industry(a) => industry_selection(a),
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("{}: 无法读取 / cannot read", path.display()))
}

fn build(meta_path: &Path, data_path: &Path, pipeline: Pipeline) -> anyhow::Result<Coin> {
    let meta = read_imeta(read(meta_path)?.as_bytes(), &meta_path.display().to_string())?;
    let data = read_idata(read(data_path)?.as_bytes(), &data_path.display().to_string(), &meta)?;
    Ok(Coin::build(meta.framework, data, pipeline)?)
}

fn load(input: &InputArgs) -> anyhow::Result<Coin> {
    let pipeline = Pipeline::from_toml(&read(&input.config)?, &input.config.display().to_string())?;
    build(&input.meta, &input.data, pipeline)
}

fn create(dir: &Path, name: &str) -> anyhow::Result<(PathBuf, BufWriter<File>)> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: 无法创建目录 / cannot create the directory", dir.display()))?;
    let p = dir.join(name);
    let f = File::create(&p).with_context(|| format!("{}: 无法写入 / cannot write", p.display()))?;
    Ok((p, BufWriter::new(f)))
}

/// One line per step, so the user sees what each step did.
fn print_reports(coin: &Coin) {
    for (step, rep) in coin.pipeline.steps.iter().zip(&coin.reports) {
        let line = match rep {
            StepReport::Screen(r) => {
                let dropped: Vec<&str> = r.units.iter().filter(|u| !u.kept).map(|u| coin.data.codes[u.unit].as_str()).collect();
                format!("筛除 / dropped {} 个单位 / units {:?}", dropped.len(), dropped)
            }
            StepReport::Impute(r) => format!("插补 / imputed {} 个值 / values, 仍缺 / left missing {}", r.imputed.len(), r.left_missing.len()),
            StepReport::Denominate(r) => format!("除以分母 / denominated {} 个指标 / indicators, 因分母缺失而缺值 / made missing {}", r.divided.len(), r.made_missing.len()),
            StepReport::Treat(r) => format!("缩尾 / winsorised {:?}; 对数变换 / log-transformed {:?}", r.winsorised(), r.logged()),
            StepReport::Normalise => "完成 / done".to_string(),
            StepReport::Aggregate => format!("{} 个单位 / units", coin.latest().units.len()),
        };
        eprintln!("{}: {line}", step.name());
    }
}

fn coinr(a: CoinrArgs) -> anyhow::Result<()> {
    let coin = load(&a.input)?;
    if coin.pipeline.aggregate().is_none() {
        bail!("{}: 没有 [aggregate] 步骤, 无法写出 aggregated.csv / no [aggregate] step, so there is no aggregated.csv to write", a.input.config.display());
    }
    print_reports(&coin);
    let (p1, mut w) = create(&a.out, "aggregated.csv")?;
    coin.write_aggregated_csv(&mut w)?;
    let (p2, mut w) = create(&a.out, "results.csv")?;
    coin.write_results_csv(&mut w)?;
    println!("已写出 / wrote {} and {}", p1.display(), p2.display());
    Ok(())
}

fn spec_of(a: &SensitivityArgs) -> anyhow::Result<SensitivitySpec> {
    Ok(SensitivitySpec {
        n: a.n,
        seed: a.seed,
        weight_noise: a.weight_noise,
        weight_levels: a.weight_levels.clone(),
        alternatives: a.alternatives.iter().map(|s| Alternatives::parse(s)).collect::<Result<_, _>>()?,
        sobol: a.sobol,
        target: a.target.clone(),
        skip_failed: a.skip_failed,
    })
}

fn write_sensitivity(r: &SensitivityResult, out: &Path) -> anyhow::Result<()> {
    let (p, mut w) = create(out, "rank_stats.csv")?;
    r.write_rank_stats_csv(&mut w).with_context(|| format!("{}: 写出失败 / write failed", p.display()))?;
    println!("已写出 / wrote {}", p.display());
    if r.sobol.is_some() {
        let (p, mut w) = create(out, "sobol.csv")?;
        r.write_sobol_csv(&mut w).with_context(|| format!("{}: 写出失败 / write failed", p.display()))?;
        println!("已写出 / wrote {}", p.display());
    }
    Ok(())
}

fn print_summary(r: &SensitivityResult) {
    eprintln!("目标 / target {}; 输入 / inputs {:?}; {} 次运行 / runs; 每次从层级 {} 起重新聚合 / re-aggregated from level {}", r.target, r.inputs, r.runs, r.reaggregated_from_level, r.reaggregated_from_level);
    if !r.failed.is_empty() {
        eprintln!("警告 / warning: {} 次重复失败, 已从统计中排除 / replications failed and are left out of the statistics; 第一个 / first: {}", r.failed.len(), r.failed[0].1);
    }
    for s in r.sobol.iter().flatten() {
        let f = |v: Option<f64>| v.map_or("—".to_string(), |x| format!("{x:.3}"));
        eprintln!("Sobol {}: S = {}, ST = {}", s.input, f(s.first_order), f(s.total));
    }
}

fn sensitivity(a: SensitivityArgs) -> anyhow::Result<()> {
    let spec = spec_of(&a)?;
    let coin = load(&a.input)?;
    let r = run_sensitivity(&coin, &spec)?;
    print_summary(&r);
    write_sensitivity(&r, &a.out)
}

/// Reads the matrix of `digecon index ahp` (layout in the command's help); the checks are
/// `digecon_index::ahp::parse_matrix`'s.
pub(crate) fn read_matrix(path: &Path) -> anyhow::Result<(Vec<String>, Vec<Vec<f64>>)> {
    Ok(digecon_index::ahp::parse_matrix(&path.display().to_string(), &read(path)?)?)
}

fn ahp(a: AhpArgs) -> anyhow::Result<()> {
    let (names, matrix) = read_matrix(&a.matrix)?;
    let criteria: Vec<&str> = names.iter().map(String::as_str).collect();
    let r = ahp_weights(&criteria, &matrix).with_context(|| a.matrix.display().to_string())?;
    let mut rows: Vec<Vec<String>> = r.criteria.iter().zip(&r.weights).map(|(c, w)| vec!["weight".into(), c.clone(), format!("{w:.6}")]).collect();
    for (q, v) in [("lambda_max", r.lambda_max), ("CI", r.ci), ("RI", r.ri), ("CR", r.cr)] {
        rows.push(vec![q.into(), String::new(), format!("{v:.6}")]);
    }
    rows.push(vec!["acceptable".into(), String::new(), format!("是 / yes (CR < {CR_LIMIT})")]);
    emit(a.format, &["quantity", "criterion", "value"], &rows)
}

fn band(b: Band) -> &'static str {
    match b {
        Band::Low => "低 / low",
        Band::Medium => "中 / medium",
        Band::High => "高 / high",
    }
}

fn nine_box_cells(b: &NineBox) -> [String; 3] {
    [band(b.attractiveness).into(), band(b.competitiveness).into(), b.zone.label().into()]
}

fn industry_selection(a: IndustryArgs) -> anyhow::Result<()> {
    if let Some(p) = &a.experts {
        return industry_from_experts(p, a.format);
    }
    let (rows, source) = match &a.scores {
        Some(p) => (industry::parse_scores_in(&p.display().to_string(), &read(p)?)?, p.display().to_string()),
        None => (industry::ganzhou_2021_scores(), "data/industry_selection/scores.csv".to_string()),
    };
    industry::check_table(&rows, &source)?;
    let (mut exact, mut within, mut off) = (Vec::new(), Vec::new(), Vec::new());
    let mut out = Vec::new();
    for r in &rows {
        // `computed` does not depend on the printed value; 0 stands in when there is none.
        let c = check_priority(&r.name_zh, r.attractiveness, r.competitiveness, r.priority.unwrap_or(0.0));
        let agrees = match r.priority {
            None => "",
            Some(_) if c.exact => {
                exact.push(r.name_zh.as_str());
                "是 / yes"
            }
            Some(_) if c.consistent => {
                within.push(r.name_zh.as_str());
                "舍入内 / within rounding"
            }
            Some(_) => {
                off.push(r.name_zh.as_str());
                "否 / no"
            }
        };
        let b = ge_nine_box(r.attractiveness, r.competitiveness, DEFAULT_CUTS)?;
        let mut row = vec![
            r.number.to_string(),
            r.name_zh.clone(),
            r.name_en.clone(),
            format!("{:.2}", r.attractiveness),
            format!("{:.2}", r.competitiveness),
            format!("{:.2}", c.computed),
            r.priority.map(|p| format!("{p:.2}")).unwrap_or_default(),
            agrees.into(),
        ];
        row.extend(nine_box_cells(&b));
        out.push(row);
    }
    if rows.iter().any(|r| r.priority.is_some()) {
        let list = |v: &[&str]| if v.is_empty() { String::new() } else { format!(" ({})", v.join("、")) };
        eprintln!(
            "印刷的优先级 / printed priorities: {} 个等于规则值 / equal the rule, {} 个在舍入范围内 / within rounding{}, {} 个不符 / disagree{}",
            exact.len(),
            within.len(),
            list(&within),
            off.len(),
            list(&off)
        );
    }
    emit(
        a.format,
        &["number", "industry_zh", "industry_en", "attractiveness", "competitiveness", "priority", "printed_priority", "agrees", "attractiveness_band", "competitiveness_band", "ge_zone"],
        &out,
    )
}

/// Reads the wide experts file (layout in the command's help); the checks are
/// `digecon_index::industry::parse_experts`'.
fn read_experts(path: &Path, model: &SelectionModel) -> anyhow::Result<Vec<ExpertScores>> {
    Ok(industry::parse_experts(&path.display().to_string(), &read(path)?, model)?)
}

fn industry_from_experts(path: &Path, format: Format) -> anyhow::Result<()> {
    let model = SelectionModel::ganzhou_2021();
    let mut scored = Vec::new();
    for x in read_experts(path, &model)? {
        let (a, c) = model.score(&x.scores).with_context(|| format!("{}: `{}`", path.display(), x.industry))?;
        scored.push((x, a, c, industry::priority(a, c)));
    }
    // Ranked like Table 3; a stable sort keeps the file's order for ties.
    scored.sort_by(|x, y| y.3.total_cmp(&x.3));
    let mut out = Vec::new();
    for (rank, (x, a, c, p)) in scored.iter().enumerate() {
        let b = ge_nine_box(*a, *c, DEFAULT_CUTS)?;
        let mut row = vec![(rank + 1).to_string(), x.industry.clone(), x.experts.len().to_string(), format!("{a:.2}"), format!("{c:.2}"), format!("{p:.2}")];
        row.extend(nine_box_cells(&b));
        out.push(row);
    }
    emit(format, &["rank", "industry", "experts", "attractiveness", "competitiveness", "priority", "attractiveness_band", "competitiveness_band", "ge_zone"], &out)
}

/// The repository root: the nearest ancestor of the working directory holding `crates/index`.
fn repo_root() -> Option<PathBuf> {
    let mut d = std::env::current_dir().ok()?;
    loop {
        if d.join("crates/index").is_dir() {
            return Some(d);
        }
        if !d.pop() {
            return None;
        }
    }
}

/// `digecon bench index`: COINr's published uncertainty analysis on its ASEM data — 1000
/// replications of ±25 % weight noise at levels 1–3 and arithmetic vs geometric mean.
pub fn bench(a: BenchArgs) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let dir = match a.coinr_dir {
        Some(d) => d,
        None => repo_root()
            .map(|r| r.join("../shared/reference/coinr"))
            .context("找不到仓库根目录, 请用 --coinr-dir 指定 / cannot find the repository root (a folder with crates/index); give --coinr-dir")?,
    };
    // [1, 100] rather than COINr's default [0, 100]: the geometric-mean alternative needs
    // positive values (COINr's own workaround, COINR_METHOD.md pitfall 1).
    let pipeline = Pipeline::minmax_amean(1.0, 100.0);
    let coin = build(&dir.join("iMeta.csv"), &dir.join("iData.csv"), pipeline)?;
    let t_build = t0.elapsed();
    let spec = SensitivitySpec {
        n: a.n,
        seed: a.seed,
        weight_noise: 0.25,
        weight_levels: vec![1, 2, 3],
        alternatives: vec![Alternatives::Aggregate(vec![AggMethod::AMean, AggMethod::GMean])],
        sobol: a.sobol,
        target: None,
        skip_failed: false,
    };
    let t1 = Instant::now();
    let r = run_sensitivity(&coin, &spec)?;
    let t_run = t1.elapsed();
    print_summary(&r);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    println!(
        "bench index: ASEM {} units, {} runs ({}), minmax [1,100], weights ±25 % at levels 1-3, amean|gmean; load + nominal build {:.2} ms, analysis {:.2} ms ({:.1} µs/run), total {:.2} ms",
        coin.latest().units.len(),
        r.runs,
        if a.sobol { "Saltelli design" } else { "Monte Carlo" },
        ms(t_build),
        ms(t_run),
        ms(t_run) * 1e3 / r.runs as f64,
        ms(t0.elapsed())
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    //! End to end through argument parsing, file reading and writing, on COINr's ASEM fixtures.
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(subcommand)]
        cmd: IndexCmd,
    }

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../index/tests/fixtures")
    }

    fn run_args(args: &[&str]) -> anyhow::Result<()> {
        let mut v = vec!["digecon-index"];
        v.extend_from_slice(args);
        run(Cli::try_parse_from(v)?.cmd)
    }

    fn csv_rows(p: &Path) -> Vec<Vec<String>> {
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_path(p).unwrap();
        r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect()
    }

    #[test]
    fn coinr_command_reproduces_coinr_outputs() {
        let f = fixtures();
        let out = tempfile::tempdir().unwrap();
        let (d, m, c) = (f.join("iData.csv"), f.join("iMeta.csv"), f.join("PIPELINE.toml"));
        run_args(&["coinr", "--data", d.to_str().unwrap(), "--meta", m.to_str().unwrap(), "--config", c.to_str().unwrap(), "--out", out.path().to_str().unwrap()]).unwrap();
        for (ours, theirs) in [("aggregated.csv", "expected_v1_minmax_amean/aggregated.csv"), ("results.csv", "expected_v1_minmax_amean/results.csv")] {
            let (a, b) = (csv_rows(&out.path().join(ours)), csv_rows(&f.join(theirs)));
            assert_eq!(a[0], b[0], "{ours}: header");
            assert_eq!(a.len(), b.len());
            for (r, e) in a.iter().zip(&b).skip(1) {
                for (k, (x, y)) in r.iter().zip(e).enumerate() {
                    match (x.parse::<f64>(), y.parse::<f64>()) {
                        (Ok(x), Ok(y)) if a[0][k].ends_with("_rank") => assert_eq!(x, y, "{ours} {} {}", r[0], a[0][k]),
                        (Ok(x), Ok(y)) => assert!((x - y).abs() <= 1e-9 * x.abs().max(y.abs()), "{ours} {} {}: {x} vs {y}", r[0], a[0][k]),
                        _ => assert_eq!(x, y, "{ours} {} {}", r[0], a[0][k]),
                    }
                }
            }
        }
    }

    #[test]
    fn sensitivity_command_is_deterministic() {
        let f = fixtures();
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("PIPELINE.toml");
        std::fs::write(&cfg, "[normalise]\nmethod = \"minmax\"\nrange = [1, 100]\n[aggregate]\nmethod = \"amean\"\n").unwrap();
        let (d, m) = (f.join("iData.csv"), f.join("iMeta.csv"));
        let go = |out: &Path| {
            run_args(&[
                "sensitivity", "--data", d.to_str().unwrap(), "--meta", m.to_str().unwrap(), "--config", cfg.to_str().unwrap(),
                "--n", "100", "--seed", "1", "--weight-noise", "0.25", "--weight-levels", "1,2,3",
                "--alternatives", "aggregate=amean,gmean", "--sobol", "--out", out.to_str().unwrap(),
            ])
            .unwrap()
        };
        let (o1, o2) = (dir.path().join("a"), dir.path().join("b"));
        go(&o1);
        go(&o2);
        for f in ["rank_stats.csv", "sobol.csv"] {
            let (a, b) = (std::fs::read(o1.join(f)).unwrap(), std::fs::read(o2.join(f)).unwrap());
            assert_eq!(a, b, "{f} is byte-identical for the same seed");
        }
        let rs = csv_rows(&o1.join("rank_stats.csv"));
        assert_eq!(rs[0], ["uCode", "nominal", "mean", "median", "q05", "q95"]);
        assert_eq!(rs.len(), 52);
        let so = csv_rows(&o1.join("sobol.csv"));
        assert_eq!(so.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), ["input", "weights", "aggregate"]);
    }

    #[test]
    fn errors_name_the_file() {
        let f = fixtures();
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("bad.toml");
        std::fs::write(&cfg, "[normalise]\nmethod = \"minmax\"\nrnage = [0, 100]\n").unwrap();
        let e = run_args(&[
            "coinr", "--data", f.join("iData.csv").to_str().unwrap(), "--meta", f.join("iMeta.csv").to_str().unwrap(),
            "--config", cfg.to_str().unwrap(), "--out", dir.path().to_str().unwrap(),
        ])
        .unwrap_err();
        let msg = format!("{e:#}");
        assert!(msg.contains("bad.toml") && msg.contains("rnage"), "{msg}");
    }
}
