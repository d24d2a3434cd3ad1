//! `digecon index …`: composite indices from COINr's input layout and their uncertainty /
//! sensitivity analysis; `digecon bench index`. Thin: files in, `digecon-index` computes, files out.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use digecon_index::sensitivity::{run_sensitivity, Alternatives, SensitivityResult, SensitivitySpec};
use digecon_index::{read_idata, read_imeta, AggMethod, Coin, Pipeline, StepReport};

#[derive(Subcommand)]
pub enum IndexCmd {
    /// 按 COINr 的 iData/iMeta 构建综合指数 / build a composite index from COINr's iData/iMeta;
    /// writes aggregated.csv and results.csv
    Coinr(CoinrArgs),
    /// 不确定性与敏感性分析 / uncertainty and sensitivity analysis; writes rank_stats.csv (and
    /// sobol.csv with --sobol)
    Sensitivity(SensitivityArgs),
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
