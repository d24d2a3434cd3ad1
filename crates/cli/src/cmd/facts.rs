//! `digecon facts`: the fact ledger — every number of the source documents and what the dataset
//! does with it (held, left out with a reason, structural, unaccounted). Exits non-zero while any
//! number is unaccounted, so a dataset edit that drops a fact fails in CI.

use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, ValueEnum};
use digecon_app::facts::DataSource;

use crate::output::{emit, Format};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Show {
    /// 仅汇总 / the counts only
    Summary,
    /// 未说明的数字 / numbers neither held nor left out
    Unaccounted,
    /// 未收录的数字及原因 / numbers left out, with the reason
    LeftOut,
    /// 已收录的数字及收录行 / numbers held, with the row that holds each
    Held,
    /// 非事实数字（年份、名称、编号）/ numbers that are not facts (years, names, labels) and the rule
    Structural,
    /// 全部 / every number
    All,
}

#[derive(Args)]
pub struct FactsArgs {
    /// 源文件目录 / the source documents [default: $DIGECON_SEEDS or ../shared/seeds found from here]
    #[arg(long, value_name = "DIR")]
    seeds: Option<PathBuf>,
    /// 数据目录（默认内置数据集）/ a data/ directory to check instead of the built-in dataset
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// 只看某文件（前缀，如 000）/ only documents whose name starts with this
    #[arg(long, value_name = "PREFIX")]
    doc: Option<String>,
    #[arg(long, value_enum, default_value = "summary")]
    show: Show,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn facts(a: FactsArgs) -> anyhow::Result<()> {
    let Some(seeds) = a.seeds.clone().or_else(digecon_dataset::seeds_dir) else {
        bail!("找不到源文件目录，请用 --seeds 指定 / the source documents are not found: pass --seeds DIR");
    };
    let source = match &a.data {
        Some(d) => DataSource::Dir(d),
        None => DataSource::Embedded,
    };
    let mut ledger = digecon_app::facts::ledger(&seeds, source)?;
    if let Some(p) = &a.doc {
        ledger.numbers.retain(|n| n.doc.starts_with(p.as_str()));
    }
    if a.show == Show::Summary {
        let mut rows: Vec<Vec<String>> = ledger
            .by_document()
            .into_iter()
            .map(|(doc, c)| counts_row(doc, &c))
            .collect();
        rows.push(counts_row("合计 / total".into(), &ledger.total()));
        emit(a.format, &["document", "facts", "held", "left_out", "unaccounted", "structural", "coverage"], &rows)?;
    } else {
        let rows: Vec<Vec<String>> = ledger
            .numbers
            .iter()
            .filter(|n| a.show == Show::All || n.class.key() == show_key(a.show))
            .map(|n| {
                let why = match &n.class {
                    digecon_dataset::facts::Class::Structural(rule) => rule.to_string(),
                    digecon_dataset::facts::Class::Held(origin) => origin.clone(),
                    digecon_dataset::facts::Class::LeftOut(reason) => reason.clone(),
                    digecon_dataset::facts::Class::Unaccounted => String::new(),
                };
                vec![
                    format!("{}:{}", n.doc, n.line),
                    format!("…{}【{}】{}…", n.before, n.text, n.after),
                    n.class.key().to_string(),
                    why,
                ]
            })
            .collect();
        emit(a.format, &["where", "number", "class", "by"], &rows)?;
    }
    for (origin, doc, quote) in &ledger.quotes_not_found {
        eprintln!("{origin}: 引文不在 {doc} 中 / quote not found in {doc}: {quote}");
    }
    for origin in &ledger.left_out_unused {
        eprintln!("{origin}: 此行未列出任何未收录的数字 / this left-out row covers no number that is left out (held, or not a fact)");
    }
    let total = ledger.total();
    if !ledger.left_out_unused.is_empty() {
        bail!("{} 条未收录说明已无对象 / {} left-out rows are stale", ledger.left_out_unused.len(), ledger.left_out_unused.len());
    }
    if !ledger.quotes_not_found.is_empty() {
        bail!("{} 条引文不在源文件中 / {} quotes are not in their documents", ledger.quotes_not_found.len(), ledger.quotes_not_found.len());
    }
    if total.unaccounted > 0 {
        bail!(
            "{} 个数字既未收录也未列明原因（--show unaccounted 查看）/ {} numbers are neither held nor left out with a reason (see --show unaccounted)",
            total.unaccounted,
            total.unaccounted
        );
    }
    Ok(())
}

fn show_key(s: Show) -> &'static str {
    match s {
        Show::Unaccounted => "unaccounted",
        Show::LeftOut => "left_out",
        Show::Held => "held",
        Show::Structural => "structural",
        Show::Summary | Show::All => "",
    }
}

fn counts_row(doc: String, c: &digecon_dataset::facts::Counts) -> Vec<String> {
    vec![
        doc,
        c.facts().to_string(),
        c.held.to_string(),
        c.left_out.to_string(),
        c.unaccounted.to_string(),
        c.structural.to_string(),
        format!("{:.1}%", 100.0 * c.coverage()),
    ]
}
