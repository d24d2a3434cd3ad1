//! `digecon report`: the white paper and the city/county profiles, from the database, in HTML,
//! DOCX, PDF and XLSX.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use digecon_app::report::{self as app_report, ProfileBuilder, Profiles, ReportRequest};
use digecon_core::RegionLevel;
use digecon_report::paper::{Document, Format};

use super::db::DbArgs;

#[derive(Subcommand)]
pub enum ReportCmd {
    /// 年度白皮书 / the annual white paper
    Whitepaper(WhitepaperArgs),
    /// 一地一档：设区市或县的概况 / a city's or county's profile (一地一档)
    Profile(ProfileArgs),
    /// 输出内置模板（可复制修改）/ print a shipped template to copy and edit
    Template {
        #[arg(value_parser = ["whitepaper", "profile"])]
        kind: String,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FormatArg {
    Html,
    Docx,
    Pdf,
    Xlsx,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Html => Format::Html,
            FormatArg::Docx => Format::Docx,
            FormatArg::Pdf => Format::Pdf,
            FormatArg::Xlsx => Format::Xlsx,
        }
    }
}

#[derive(Args)]
pub struct Common {
    #[command(flatten)]
    db: DbArgs,
    /// 年份；默认为有数据的最近一年 / the year (default: the latest year with values)
    #[arg(long)]
    year: Option<i32>,
    /// 输出目录 / output directory
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// 格式（可重复或逗号分隔）；默认全部 / formats (repeatable or comma-separated); default: all four
    #[arg(long, value_enum, value_delimiter = ',')]
    format: Vec<FormatArg>,
    /// 自定义模板（TOML）；默认用内置模板 / a template of your own (TOML; start from `digecon report template …`)
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
}

impl Common {
    fn formats(&self) -> Vec<Format> {
        if self.format.is_empty() { Format::ALL.to_vec() } else { self.format.iter().map(|f| (*f).into()).collect() }
    }

    fn template(&self) -> anyhow::Result<Option<(String, String)>> {
        self.template
            .as_ref()
            .map(|p| std::fs::read_to_string(p).map(|t| (p.display().to_string(), t)).with_context(|| format!("读取模板 / reading {}", p.display())))
            .transpose()
    }
}

#[derive(Args)]
pub struct WhitepaperArgs {
    #[command(flatten)]
    common: Common,
    /// 地区代码；默认为全省 / region code (default: the province)
    #[arg(long)]
    region: Option<String>,
}

#[derive(Args)]
pub struct ProfileArgs {
    #[command(flatten)]
    common: Common,
    /// 地区代码 / region code (e.g. 360700)
    #[arg(long, required_unless_present = "all", conflicts_with = "all")]
    region: Option<String>,
    /// 全部设区市（或 --level county：全部县）/ every city (or with --level county, every county)
    #[arg(long)]
    all: bool,
    /// 与 --all 合用：city、county 或 all（设区市和县）/ with --all: city, county or all (cities and counties)
    #[arg(long, default_value = "city", value_parser = ["city", "county", "all"])]
    level: String,
}

fn write_all(doc: &Document, formats: &[Format], dir: &Path, stem: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for f in formats {
        let bytes = app_report::render(doc, *f).with_context(|| format!("生成 {stem}.{} / writing {stem}.{}", f.extension(), f.extension()))?;
        let p = dir.join(format!("{stem}.{}", f.extension()));
        std::fs::write(&p, bytes).with_context(|| format!("写入 / writing {}", p.display()))?;
        written.push(p);
    }
    Ok(written)
}

fn summary(doc: &Document) -> String {
    let synthetic = doc.sources.iter().filter(|s| matches!(s.kind, digecon_report::paper::doc::SourceKind::Synthetic { .. })).count();
    let figures = doc.blocks.iter().filter(|b| matches!(b, digecon_report::paper::doc::Block::Figure(_))).count();
    let tables = doc.blocks.iter().filter(|b| matches!(b, digecon_report::paper::doc::Block::Table(_))).count();
    format!("{figures} 图 figures, {tables} 表 tables, {} 来源 sources ({synthetic} 合成 synthetic), {} 缺口 gaps", doc.sources.len(), doc.gaps.len())
}

pub async fn run(c: ReportCmd) -> anyhow::Result<()> {
    match c {
        ReportCmd::Template { kind } => {
            let (_, text) = app_report::shipped(&kind).expect("value_parser limits the kinds");
            print!("{text}");
            Ok(())
        }
        ReportCmd::Whitepaper(a) => {
            let started = Instant::now();
            let store = a.common.db.open(false).await?;
            let req = ReportRequest { region: a.region.clone(), year: a.common.year, template: a.common.template()? };
            let doc = app_report::whitepaper(&store, req).await?;
            std::fs::create_dir_all(&a.common.out).with_context(|| format!("创建目录 / creating {}", a.common.out.display()))?;
            let stem = format!("whitepaper-{}{}", a.region.as_ref().map(|r| format!("{r}-")).unwrap_or_default(), doc.year);
            let files = write_all(&doc, &a.common.formats(), &a.common.out, &stem)?;
            println!("已生成白皮书 / wrote the white paper ({}) in {:.1} s:", summary(&doc), started.elapsed().as_secs_f64());
            for f in files {
                println!("  {}", f.display());
            }
            Ok(())
        }
        ReportCmd::Profile(a) => {
            let started = Instant::now();
            let store = a.common.db.open(false).await?;
            let which = match &a.region {
                Some(r) => Profiles::One(r.clone()),
                None => Profiles::Levels(match a.level.as_str() {
                    "county" => vec![RegionLevel::County],
                    "all" => vec![RegionLevel::City, RegionLevel::County],
                    _ => vec![RegionLevel::City],
                }),
            };
            let builder = ProfileBuilder::new(&store, a.common.year, a.common.template()?, which).await?;
            std::fs::create_dir_all(&a.common.out).with_context(|| format!("创建目录 / creating {}", a.common.out.display()))?;
            let regions = builder.regions().to_vec();
            let formats = a.common.formats();
            let bar = indicatif::ProgressBar::new(regions.len() as u64);
            if regions.len() == 1 {
                bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
            }
            let year = builder.year();
            let out = a.common.out.clone();
            // Profiles are independent: build and write them on every core.
            let results: Vec<anyhow::Result<(String, String)>> = std::thread::scope(|s| {
                let chunks: Vec<Vec<String>> = {
                    let n = std::thread::available_parallelism().map_or(1, |n| n.get()).min(regions.len().max(1));
                    let mut c = vec![Vec::new(); n];
                    for (i, r) in regions.iter().enumerate() {
                        c[i % n].push(r.clone());
                    }
                    c
                };
                let handles: Vec<_> = chunks
                    .into_iter()
                    .map(|chunk| {
                        let (builder, formats, out, bar) = (&builder, &formats, &out, &bar);
                        s.spawn(move || {
                            chunk
                                .into_iter()
                                .map(|r| {
                                    let doc = builder.build(&r)?;
                                    write_all(&doc, formats, out, &format!("profile-{r}-{year}"))?;
                                    bar.inc(1);
                                    Ok((r, summary(&doc)))
                                })
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles.into_iter().flat_map(|h| h.join().expect("a profile thread panicked")).collect()
            });
            bar.finish_and_clear();
            let mut failed = 0;
            for r in &results {
                match r {
                    Ok((code, s)) if regions.len() == 1 => println!("已生成 / wrote profile-{code}-{year}.* ({s})"),
                    Ok(_) => {}
                    Err(e) => {
                        failed += 1;
                        eprintln!("{e:#}");
                    }
                }
            }
            println!(
                "已生成 {} 份概况 / wrote {} profiles × {} formats to {} in {:.1} s",
                results.len() - failed,
                results.len() - failed,
                formats.len(),
                out.display(),
                started.elapsed().as_secs_f64()
            );
            if failed > 0 {
                anyhow::bail!("{failed} 份概况未生成 / profiles failed");
            }
            Ok(())
        }
    }
}
