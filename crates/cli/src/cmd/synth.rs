//! `digecon synth`: seeded synthetic values for every city and county that keep every documented
//! statement true, checked before they are written. An adapter: the use case is
//! `digecon_app::synth` (generation, the check and the write in `digecon-synth`).

use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use clap::Args;
use digecon_app::synth::{self as app, SynthFailure};
use digecon_core::{format_value, RegionLevel};
use digecon_store::Store;
use digecon_synth::db::{DbError, LevelCounts, Outcome, WriteSummary};
use digecon_synth::{CheckKind, CheckReport};

use super::db::DbArgs;
use crate::output::{emit, Format};

#[derive(Args)]
pub struct SynthArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 随机种子（同一种子生成同样的值）/ seed (the same seed gives the same values)
    #[arg(long, default_value_t = 2022)]
    seed: u64,
    /// 只生成并核对，不用数据库（内置数据集）/ generate and check only, without a database (the built-in dataset)
    #[arg(long, conflicts_with = "dry_run")]
    check_only: bool,
    /// 生成、核对并试写，然后回滚 / generate, check and write, then roll back
    #[arg(long)]
    dry_run: bool,
    /// 列出每一项核对 / list every check, not only the summary
    #[arg(long)]
    list_checks: bool,
}

fn kind_label(k: CheckKind) -> &'static str {
    match k {
        CheckKind::Unchanged => "文件值未被替换 / documented values unchanged",
        CheckKind::Flagged => "合成标记 / flagged synthetic",
        CheckKind::Bound => "界限 / bounds",
        CheckKind::Rank => "名次 / ranks",
        CheckKind::Sum => "下级合计 / sums",
        CheckKind::Formula => "公式 / formulas",
        CheckKind::Statement => "上级陈述 / statements",
        CheckKind::Excluded => "有意排除（仅列出）/ excluded (listed only)",
        CheckKind::OutOfScope => "无法核对（仅列出）/ out of scope (listed only)",
    }
}

fn level_label(l: RegionLevel) -> &'static str {
    match l {
        RegionLevel::Province => "省 / province",
        RegionLevel::City => "设区市 / cities",
        RegionLevel::County => "县（市、区）/ counties",
        RegionLevel::Zone => "功能区 / zones",
    }
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn print_report(report: &CheckReport, list_all: bool) -> anyhow::Result<()> {
    println!("核对 / check:");
    let rows: Vec<Vec<String>> = report.summary().into_iter().map(|(kind, (n, bad))| vec![kind_label(kind).to_string(), n.to_string(), bad.to_string()]).collect();
    emit(Format::Table, &["核对 / check", "核对 / checked", "违反 / violated"], &rows)?;
    for c in &report.checks {
        if list_all || !c.ok || c.kind == CheckKind::Excluded {
            let mark = if c.ok { "" } else { "违反 / VIOLATED " };
            println!("  {mark}[{}] {} | {}", c.kind.as_str(), c.subject, c.detail);
        }
    }
    Ok(())
}

fn violations(report: &CheckReport) -> String {
    report.violations().iter().map(|c| format!("  [{}] {} | {}", c.kind.as_str(), c.subject, c.detail)).collect::<Vec<_>>().join("\n")
}

fn print_written(w: &WriteSummary) -> anyhow::Result<()> {
    println!("{}", if w.dry_run { "试写，已回滚 / dry run, rolled back:" } else { "已写入 / written:" });
    let row = |label: &str, c: &LevelCounts| vec![label.to_string(), c.written().to_string(), c.created.to_string(), c.updated.to_string(), c.unchanged.to_string(), c.skipped.to_string()];
    let mut rows: Vec<Vec<String>> = w.by_level.iter().map(|(l, c)| row(level_label(*l), c)).collect();
    rows.push(row("合计 / total", &w.total()));
    emit(Format::Table, &["层级 / level", "写入 / written", "新增 / new", "更新 / updated", "未变 / unchanged", "跳过 / skipped"], &rows)?;
    if w.removed > 0 {
        println!("删除不再生成的旧合成值 / removed earlier synthetic values no longer generated: {}", w.removed);
    }
    if !w.skipped.is_empty() {
        println!("已有其他来源的值，保留不写 / kept values from other sources, not overwritten ({}):", w.skipped.len());
        for s in &w.skipped {
            println!(
                "  {} {} {} = {} ({}{}); 未写合成值 / synthetic {} not written",
                s.region_code,
                s.indicator_code,
                s.period,
                format_value(s.kept_value),
                s.kept_source_doc,
                if s.kept_synthetic { ", synthetic" } else { "" },
                format_value(s.generated_value)
            );
        }
    }
    Ok(())
}

pub async fn synth(a: SynthArgs) -> anyhow::Result<()> {
    if a.check_only {
        let c = app::check_only(a.seed).map_err(|e| match e {
            SynthFailure::Dataset(e) => anyhow::Error::new(e).context("内置数据集 / the built-in dataset"),
            e => anyhow!(e),
        })?;
        let report = &c.report;
        println!("合成地区数据（种子 {}，内置数据集，未写入）/ synthetic regional data (seed {}, built-in dataset, not written): {} 个值 / values", a.seed, a.seed, c.values);
        print_report(report, a.list_checks)?;
        println!("用时 / time: 生成 generate {}, 核对 check {}", ms(c.generate), ms(c.check));
        if !report.is_ok() {
            bail!("{} 处违反文件陈述 / {} documented statement(s) violated", report.violations().len(), report.violations().len());
        }
        return Ok(());
    }
    let store = a.db.open(false).await?;
    let out = match app::synthesize(&store, a.seed, a.dry_run).await {
        Ok(out) => out,
        Err(SynthFailure::Db(DbError::Violations(report))) => {
            eprintln!("{}", violations(&report));
            bail!("{}", DbError::Violations(report));
        }
        Err(e @ SynthFailure::Spec(_)) => return Err(anyhow!(e)),
        Err(e) => return Err(anyhow!(e)).with_context(|| format!("合成数据 / synthetic data in {}", a.db.describe())),
    };
    print_outcome(&out, a.seed, a.list_checks)
}

fn print_outcome(out: &Outcome, seed: u64, list_all: bool) -> anyhow::Result<()> {
    println!("合成地区数据（种子 {seed}）/ synthetic regional data (seed {seed}): {} 个值 / values", out.synthesis.observations.len());
    print_report(&out.report, list_all)?;
    print_written(&out.written)?;
    let t = &out.timings;
    println!(
        "用时 / time: 读取 read {}, 生成 generate {}, 核对 check {}, 写入 write {}, 合计 total {}",
        ms(t.read),
        ms(t.generate),
        ms(t.check),
        ms(t.write),
        ms(t.total())
    );
    Ok(())
}

/// The demo's regional values: generated, checked and written unless the database already holds
/// this generator's values. Returns the line to print, if anything was written.
pub async fn load_demo(store: &Store, seed: u64) -> anyhow::Result<Option<String>> {
    let Some(v) = app::load_demo(store, seed).await.map_err(|e| anyhow!("{e}"))? else { return Ok(None) };
    Ok(Some(format!(
        "已载入合成地区数据 / loaded synthetic regional data (seed {seed}): {} city and {} county values, {} checks passed, {} kept from other sources",
        v.city, v.county, v.checked, v.kept
    )))
}
