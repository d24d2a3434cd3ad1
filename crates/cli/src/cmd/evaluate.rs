//! `digecon evaluate`: the city or county evaluation (digecon-evaluate) on the database's values.

use anyhow::{anyhow, Context};
use clap::{Args, ValueEnum};
use digecon_core::RegionLevel;



use super::db::DbArgs;
use crate::output::{emit, Format};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Scope {
    /// 设区市 / the 11 cities
    City,
    /// 县（市、区）/ the 100 counties
    County,
}

#[derive(Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 评价对象 / which regions
    #[arg(long, value_enum, default_value = "city")]
    scope: Scope,
    /// 年份（默认最新）/ year (default: the latest with values)
    #[arg(long)]
    year: Option<i32>,
    /// 输出梯队而非排名 / print the tiers instead of the ranking
    #[arg(long)]
    tiers: bool,
    /// 用 AHP 判断矩阵确定各维度权重 / weight the dimensions by an AHP pairwise-comparison matrix
    /// (the `digecon index ahp` layout; criteria = the scheme's dimension codes or Chinese names,
    /// each once; CR ≥ 0.1 is refused)
    #[arg(long, value_name = "FILE")]
    ahp: Option<std::path::PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub async fn evaluate(a: EvaluateArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let scope = match a.scope {
        Scope::City => RegionLevel::City,
        Scope::County => RegionLevel::County,
    };
    let schemes = digecon_app::evaluation::schemes(&store).await?;
    let scheme = digecon_app::evaluation::scheme(&schemes, scope)?;
    let ahp_scheme;
    let scheme = match &a.ahp {
        None => scheme,
        Some(path) => {
            ahp_scheme = ahp_weights(scheme, path)?;
            &ahp_scheme
        }
    };
    let e = digecon_app::evaluation::evaluate(&store, scheme, a.year).await?;
    let name = |code: &str| e.units.iter().find(|u| u.code == code).map_or(code.to_string(), |u| u.name.clone());
    let node = |code: &str| scheme.node(code).map_or(code.to_string(), |n| n.name_zh.clone());
    for x in &e.excluded {
        eprintln!("未参与计算 / left out: {} ({}) — {}", node(&x.code), x.code, x.reason);
    }
    let synthetic = e.units.iter().filter(|u| u.synthetic_inputs > 0).count();
    if synthetic > 0 {
        eprintln!("注意 / note: {synthetic} 个地区的评价使用了合成数据，不得用于考核 / {synthetic} regions are evaluated on synthetic values; not for assessment");
    }
    if a.tiers {
        let mut rows = Vec::new();
        for t in &e.tiers {
            for g in &t.groups {
                rows.push(vec![
                    t.subject_name.clone(),
                    g.tier.to_string(),
                    g.units.iter().map(|c| name(c)).collect::<Vec<_>>().join("、"),
                    format!("{:.2} – {:.2}", g.min, g.max),
                    t.rule.basis.clone(),
                ]);
            }
            if !t.untiered.is_empty() {
                rows.push(vec![t.subject_name.clone(), "—".into(), t.untiered.iter().map(|c| name(c)).collect::<Vec<_>>().join("、"), "无数据 / no value".into(), t.rule.basis.clone()]);
            }
        }
        return emit(a.format, &["subject", "tier", "regions", "range", "basis"], &rows);
    }
    let dims: Vec<String> = e.units.first().map(|u| u.dimensions.iter().map(|d| d.code.clone()).collect()).unwrap_or_default();
    let mut headers: Vec<String> = ["rank", "region_code", "region", "score", "tier", "rank_change", "rank_90"].iter().map(|s| s.to_string()).collect();
    headers.extend(dims.iter().cloned());
    headers.extend(["strengths", "weaknesses", "synthetic_inputs"].iter().map(|s| s.to_string()));
    let f = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
    let rows: Vec<Vec<String>> = e
        .units
        .iter()
        .map(|u| {
            let mut r = vec![
                u.rank.map(|r| r.to_string()).unwrap_or_default(),
                u.code.clone(),
                u.name.clone(),
                f(u.score),
                u.tier.map(|t| t.to_string()).unwrap_or_default(),
                u.rank_change.map(|c| format!("{c:+}")).unwrap_or_default(),
                u.rank_interval.map(|(lo, hi)| format!("{}–{}", short(lo), short(hi))).unwrap_or_default(),
            ];
            r.extend(u.dimensions.iter().map(|d| f(d.score)));
            r.push(u.strengths.iter().map(|c| node(c)).collect::<Vec<_>>().join("、"));
            r.push(u.weaknesses.iter().map(|c| node(c)).collect::<Vec<_>>().join("、"));
            r.push(format!("{}/{}", u.synthetic_inputs, u.inputs));
            r
        })
        .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    emit(a.format, &headers, &rows)
}

/// The scheme with its dimensions weighted by the AHP matrix in `path`; prints the weights and CR.
fn ahp_weights(scheme: &digecon_evaluate::Scheme, path: &std::path::Path) -> anyhow::Result<digecon_evaluate::Scheme> {
    let file = path.display().to_string();
    let (names, matrix) = super::index::read_matrix(path)?;
    let dims = scheme.dimensions();
    let expected = || dims.iter().map(|d| format!("{} ({})", d.code, d.name_zh)).collect::<Vec<_>>().join(", ");
    let mut codes = Vec::new();
    for name in &names {
        let Some(d) = dims.iter().find(|d| &d.code == name || &d.name_zh == name) else {
            anyhow::bail!("{file}: `{name}` 不是 `{}` 评价框架的维度 / is not a dimension of the `{}` scheme; expected each of: {}", scheme.scope, scheme.scope, expected());
        };
        if codes.contains(&d.code) {
            anyhow::bail!("{file}: 维度 `{}` 出现两次 / dimension `{}` appears twice", d.code, d.code);
        }
        codes.push(d.code.clone());
    }
    if codes.len() != dims.len() {
        anyhow::bail!("{file}: 矩阵须包含全部 {} 个维度 / the matrix must compare all {} dimensions: {}", dims.len(), dims.len(), expected());
    }
    let criteria: Vec<&str> = codes.iter().map(String::as_str).collect();
    let r = digecon_index::ahp::ahp_weights(&criteria, &matrix).with_context(|| file.clone())?;
    let weights: Vec<(String, f64)> = r.criteria.iter().cloned().zip(r.weights.iter().copied()).collect();
    eprintln!(
        "AHP 权重 / weights ({file}): {}; CR = {:.4}",
        weights.iter().map(|(c, w)| format!("{c} {w:.4}")).collect::<Vec<_>>().join(", "),
        r.cr
    );
    scheme.with_weights(&weights).map_err(|e| anyhow!("{file}: {e}"))
}

/// A percentile of ranks (R type 7 interpolates: 2.95) to two decimals, without trailing zeros.
fn short(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
