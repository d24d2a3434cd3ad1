//! The industry-selection model of the Ganzhou digital-economy plan (004, Annex 4 产业选择分析):
//! a two-dimension weighted indicator tree (Table 2), expert scores on a 10-point scale, the
//! development priority, and the GE nine-box.
//!
//! # The priority rule (reproducing Table 3)
//!
//! Table 3 gives, per industry, attractiveness A (产业吸引力), competitiveness C (区域竞争力) and the
//! development priority P (发展优先级), all to two decimals. The rule is the **unweighted mean
//! P = (A + C)/2, rounded half up to two decimals**:
//!
//! - it reproduces 17 of the 18 printed priorities exactly from the printed scores, including all
//!   eight rows where (A + C)/2 ends in 5 in the third decimal (8.185 → 8.19, 7.045 → 7.05, …);
//! - the 18th, 人工智能 (7.73 + 7.44)/2 = 7.585, is printed 7.58: consistent with the mean of the
//!   unrounded scores (A and C are themselves rounded, so the true mean lies in
//!   [7.580, 7.590)) and with no other simple rule: no fixed weighting wA + (1 − w)C reproduces
//!   all 18 rows (PCB needs w ≥ 0.5, 人工智能 w < 0.5), nor do round-half-even or truncation
//!   (they break PCB 8.185 → 8.19);
//! - [`check_priority`] therefore accepts a printed priority when it equals the rounded mean
//!   (`exact`) or lies within the rounding of its inputs (|2P − (A + C)| < 0.02, `consistent`).
//!
//! Table 2 gives no weights for the two dimensions; the equal weighting above is what Table 3
//! implies. The plan's text also speaks of three first-level criteria per dimension, but Table 2
//! lists four each; the data follow the table (`data/industry_selection/criteria.csv`).
//!
//! The seven industries the plan selects for priority development (信创、PCB 板、新型显示、人工智能、
//! 区块链、5G、时空大数据) are exactly the top seven by priority.
//!
//! # The GE nine-box
//!
//! Each axis is cut into low / medium / high (default: thirds of the 10-point scale, at 10/3 and
//! 20/3, our assumption since the plan does not state cut-offs). Zones follow the usual GE /
//! McKinsey reading, which the plan describes for two corners: high–high is
//! 保持优势、快速发展、集中精力投入 (invest), low attractiveness with high strength is 调整或固守
//! (selective): high–high, high–medium, medium–high invest; the diagonal is selective; the rest
//! harvest.

use crate::error::{IndexError, Result};

/// The two dimensions of Table 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// 产业吸引力
    Attractiveness,
    /// 区域竞争力
    Competitiveness,
}

/// A second-level indicator (二级指标).
#[derive(Debug, Clone, PartialEq)]
pub struct SubIndicator {
    pub name_zh: String,
    pub name_en: String,
    /// Weight within its criterion.
    pub weight: f64,
}

/// A first-level criterion (一级指标) with its indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub dimension: Dimension,
    pub name_zh: String,
    pub name_en: String,
    /// Weight within its dimension.
    pub weight: f64,
    pub indicators: Vec<SubIndicator>,
}

/// The weighted tree of Table 2.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectionModel {
    pub criteria: Vec<Criterion>,
}

/// One row of Table 3.
#[derive(Debug, Clone, PartialEq)]
pub struct IndustryScore {
    pub number: u32,
    pub name_zh: String,
    pub name_en: String,
    pub attractiveness: f64,
    pub competitiveness: f64,
    /// The printed priority, if any.
    pub priority: Option<f64>,
}

const CRITERIA_CSV: &str = include_str!("../../../data/industry_selection/criteria.csv");
const INDICATORS_CSV: &str = include_str!("../../../data/industry_selection/indicators.csv");
const SCORES_CSV: &str = include_str!("../../../data/industry_selection/scores.csv");

fn records(text: &str, source: &str, need: &[&str]) -> Result<Vec<(u64, Vec<String>)>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h: Vec<String> = r
        .headers()
        .map_err(|e| IndexError::at(source, 1, e.to_string()))?
        .iter()
        .map(String::from)
        .collect();
    let idx: Vec<usize> = need
        .iter()
        .map(|n| {
            h.iter().position(|c| c == n).ok_or_else(|| IndexError::at(source, 1, format!("缺少列 / missing column `{n}`")))
        })
        .collect::<Result<_>>()?;
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| IndexError::at(source, e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line());
        out.push((line, idx.iter().map(|&i| rec.get(i).unwrap_or("").trim().to_string()).collect()));
    }
    Ok(out)
}

fn number(s: &str, source: &str, line: u64, column: &str) -> Result<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| IndexError::at_column(source, line, column, format!("应为数值 / expected a number, found `{s}`")))
}

impl SelectionModel {
    /// Parses the tree from `criteria.csv` (`dimension, criterion_zh, criterion_en, weight`) and
    /// `indicators.csv` (`criterion_zh, indicator_zh, indicator_en, weight`). Weights must sum to 1
    /// (within 1e-9) within each dimension and each criterion.
    pub fn from_csv(criteria_csv: &str, indicators_csv: &str) -> Result<SelectionModel> {
        let (cs, is) = ("criteria.csv", "indicators.csv");
        let mut criteria = Vec::new();
        for (line, r) in records(criteria_csv, cs, &["dimension", "criterion_zh", "criterion_en", "weight"])? {
            let dimension = match r[0].as_str() {
                "attractiveness" => Dimension::Attractiveness,
                "competitiveness" => Dimension::Competitiveness,
                d => {
                    return Err(IndexError::at_column(cs, line, "dimension", format!("应为 attractiveness 或 competitiveness / expected attractiveness or competitiveness, found `{d}`")))
                }
            };
            criteria.push(Criterion { dimension, name_zh: r[1].clone(), name_en: r[2].clone(), weight: number(&r[3], cs, line, "weight")?, indicators: vec![] });
        }
        for (line, r) in records(indicators_csv, is, &["criterion_zh", "indicator_zh", "indicator_en", "weight"])? {
            let c = criteria.iter_mut().find(|c| c.name_zh == r[0]).ok_or_else(|| IndexError::at_column(is, line, "criterion_zh", format!("一级指标 `{}` 不在 criteria.csv 中 / criterion `{}` is not in criteria.csv", r[0], r[0])))?;
            c.indicators.push(SubIndicator { name_zh: r[1].clone(), name_en: r[2].clone(), weight: number(&r[3], is, line, "weight")? });
        }
        let m = SelectionModel { criteria };
        for d in [Dimension::Attractiveness, Dimension::Competitiveness] {
            let s: f64 = m.criteria.iter().filter(|c| c.dimension == d).map(|c| c.weight).sum();
            if (s - 1.0).abs() > 1e-9 {
                return Err(IndexError::Invalid(format!("{cs}: {d:?} 的一级指标权重之和为 {s} / the criterion weights of {d:?} sum to {s}, expected 1")));
            }
        }
        for c in &m.criteria {
            let s: f64 = c.indicators.iter().map(|i| i.weight).sum();
            if (s - 1.0).abs() > 1e-9 {
                return Err(IndexError::Invalid(format!("{is}: `{}` 的二级指标权重之和为 {s} / the indicator weights under `{}` sum to {s}, expected 1", c.name_zh, c.name_zh)));
            }
        }
        Ok(m)
    }

    /// Table 2 of the Ganzhou plan (compiled in from `data/industry_selection/`).
    pub fn ganzhou_2021() -> SelectionModel {
        Self::from_csv(CRITERIA_CSV, INDICATORS_CSV).expect("the shipped Table 2 is valid")
    }

    /// The leaf indicators in tree order, each with its dimension and effective weight within
    /// the dimension (criterion weight × indicator weight).
    pub fn leaves(&self) -> Vec<(Dimension, &str, f64)> {
        self.criteria.iter().flat_map(|c| c.indicators.iter().map(move |i| (c.dimension, i.name_zh.as_str(), c.weight * i.weight))).collect()
    }

    /// Scores one industry from several experts' scores (`experts × leaves`, each in [0, 10],
    /// in [`SelectionModel::leaves`] order): each leaf is averaged over the experts, then
    /// weighted up the tree. Returns (attractiveness, competitiveness).
    pub fn score(&self, expert_scores: &[Vec<f64>]) -> Result<(f64, f64)> {
        let leaves = self.leaves();
        if expert_scores.is_empty() {
            return Err(IndexError::Invalid("没有专家打分 / no expert scores".into()));
        }
        for (e, s) in expert_scores.iter().enumerate() {
            if s.len() != leaves.len() {
                return Err(IndexError::Invalid(format!("专家 {} 给了 {} 个分数, 应为 {} / expert {} gave {} scores, expected {}", e + 1, s.len(), leaves.len(), e + 1, s.len(), leaves.len())));
            }
            if let Some((k, v)) = s.iter().enumerate().find(|(_, v)| !(0.0..=10.0).contains(*v)) {
                return Err(IndexError::Invalid(format!("专家 {} 对 `{}` 的分数 {v} 不在 0–10 / expert {} scored `{}` {v}, outside 0–10", e + 1, leaves[k].1, e + 1, leaves[k].1)));
            }
        }
        let (mut a, mut c) = (0.0, 0.0);
        for (k, (d, _, w)) in leaves.iter().enumerate() {
            let mean = expert_scores.iter().map(|s| s[k]).sum::<f64>() / expert_scores.len() as f64;
            match d {
                Dimension::Attractiveness => a += w * mean,
                Dimension::Competitiveness => c += w * mean,
            }
        }
        Ok((a, c))
    }
}

/// Table 3 of the Ganzhou plan (compiled in from `data/industry_selection/scores.csv`).
pub fn ganzhou_2021_scores() -> Vec<IndustryScore> {
    parse_scores(SCORES_CSV).expect("the shipped Table 3 is valid")
}

/// Parses a scores table (`number, industry_zh, industry_en, attractiveness, competitiveness`,
/// optional `priority`).
pub fn parse_scores(text: &str) -> Result<Vec<IndustryScore>> {
    let s = "scores.csv";
    let has_priority = text.lines().next().is_some_and(|h| h.split(',').any(|c| c == "priority"));
    let mut need = vec!["number", "industry_zh", "industry_en", "attractiveness", "competitiveness"];
    if has_priority {
        need.push("priority");
    }
    records(text, s, &need)?
        .into_iter()
        .map(|(line, r)| {
            Ok(IndustryScore {
                number: number(&r[0], s, line, "number")? as u32,
                name_zh: r[1].clone(),
                name_en: r[2].clone(),
                attractiveness: number(&r[3], s, line, "attractiveness")?,
                competitiveness: number(&r[4], s, line, "competitiveness")?,
                priority: if has_priority && !r[5].is_empty() { Some(number(&r[5], s, line, "priority")?) } else { None },
            })
        })
        .collect()
}

/// Checks a scores table before the model uses it: at least one industry, and every score on the
/// model's 0–10 scale (a table on another scale would land every industry in one box). `source`
/// names the table in the problem.
pub fn check_table(rows: &[IndustryScore], source: &str) -> Result<()> {
    if rows.is_empty() {
        return Err(IndexError::file(source, "没有产业 / no industries"));
    }
    for r in rows {
        for (column, v) in [("attractiveness", r.attractiveness), ("competitiveness", r.competitiveness)] {
            if !(0.0..=10.0).contains(&v) {
                return Err(IndexError::file(
                    source,
                    format!("{} `{}`: 列 / column `{column}`: {v} 不在 0–10 / outside the model's 0–10 scale", r.number, r.name_zh),
                ));
            }
        }
    }
    Ok(())
}

/// [`parse_scores`] of a user's table: its problems placed in `source_name`, not `scores.csv`.
pub fn parse_scores_in(source_name: &str, text: &str) -> Result<Vec<IndustryScore>> {
    parse_scores(text).map_err(|e| match e {
        IndexError::Input(l) => IndexError::Input(l.in_file(source_name)),
        e => e,
    })
}

/// The development priority: the unweighted mean of the two scores (see the module docs).
pub fn priority(attractiveness: f64, competitiveness: f64) -> f64 {
    (attractiveness + competitiveness) / 2.0
}

fn hundredths(v: f64) -> i64 {
    (v * 100.0).round() as i64
}

/// How a printed priority compares with the rule.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorityCheck {
    pub name: String,
    pub printed: f64,
    /// (A + C)/2 of the printed scores, exact in decimal.
    pub mean: f64,
    /// The mean rounded half up to two decimals (decimal arithmetic, no binary rounding).
    pub computed: f64,
    /// `printed == computed`.
    pub exact: bool,
    /// The printed value is possible once the two-decimal rounding of A and C is allowed for.
    pub consistent: bool,
}

/// Checks a two-decimal priority against the rule, in integer hundredths so that 8.185 rounds up
/// as a person would, not down as its binary approximation 8.18499… would.
pub fn check_priority(name: &str, attractiveness: f64, competitiveness: f64, printed: f64) -> PriorityCheck {
    let sum = hundredths(attractiveness) + hundredths(competitiveness);
    let computed_h = (sum + 1).div_euclid(2); // half up: an odd sum ends in .5 hundredths
    let p = hundredths(printed);
    PriorityCheck {
        name: name.into(),
        printed,
        mean: sum as f64 / 200.0,
        computed: computed_h as f64 / 100.0,
        exact: p == computed_h,
        consistent: (2 * p - sum).abs() < 2,
    }
}

/// Low / medium / high on one axis of the GE matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Band {
    Low,
    Medium,
    High,
}

/// The three zones of the GE matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeZone {
    /// 重点投入、快速发展 (invest / grow).
    Invest,
    /// 选择发展、调整或固守 (selective).
    Selective,
    /// 维持收获或退出 (harvest / divest).
    Harvest,
}

impl GeZone {
    pub fn label(&self) -> &'static str {
        match self {
            GeZone::Invest => "重点发展 / invest",
            GeZone::Selective => "选择发展 / selective",
            GeZone::Harvest => "维持收获 / harvest",
        }
    }
}

/// A GE nine-box placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NineBox {
    pub attractiveness: Band,
    pub competitiveness: Band,
    pub zone: GeZone,
}

/// Cut-offs of the nine-box on a 10-point scale: [low/medium, medium/high); a value equal to a
/// cut-off goes to the upper band.
pub const DEFAULT_CUTS: (f64, f64) = (10.0 / 3.0, 20.0 / 3.0);

/// Places an industry in the GE nine-box.
pub fn ge_nine_box(attractiveness: f64, competitiveness: f64, cuts: (f64, f64)) -> Result<NineBox> {
    if cuts.0.partial_cmp(&cuts.1) != Some(std::cmp::Ordering::Less) {
        return Err(IndexError::Invalid(format!("九宫格分界须递增 / the nine-box cut-offs must increase, got {cuts:?}")));
    }
    let band = |v: f64| if v >= cuts.1 { Band::High } else if v >= cuts.0 { Band::Medium } else { Band::Low };
    let (a, c) = (band(attractiveness), band(competitiveness));
    let score = a as i32 + c as i32; // Low 0, Medium 1, High 2
    let zone = match score {
        3 | 4 => GeZone::Invest,
        2 => GeZone::Selective,
        _ => GeZone::Harvest,
    };
    Ok(NineBox { attractiveness: a, competitiveness: c, zone })
}

/// Several experts' scores of one industry, in the model's leaf order.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpertScores {
    pub industry: String,
    /// Each expert with the line of their row.
    pub experts: Vec<(String, u64)>,
    pub scores: Vec<Vec<f64>>,
}

/// Reads the wide experts file of `digecon index industry --experts`: `expert, industry`, then
/// one column per leaf indicator of `model` (its Chinese or English name), scores 0–10; every
/// problem at file, line and column.
pub fn parse_experts(source_name: &str, text: &str, model: &SelectionModel) -> Result<Vec<ExpertScores>> {
    let file = source_name.to_string();
    let recs = crate::ahp::csv_records(&file, text)?;
    let Some(((hline, header), rows)) = recs.split_first() else {
        return Err(IndexError::file(file, "文件为空 / empty file: expected a header row `expert,industry,<the 27 indicators of Table 2>`"));
    };
    let hline = *hline;
    let leaves: Vec<(&str, &str)> = model.criteria.iter().flat_map(|c| c.indicators.iter().map(|i| (i.name_zh.as_str(), i.name_en.as_str()))).collect();
    let (mut expert_col, mut industry_col) = (None, None);
    let mut leaf_col: Vec<Option<usize>> = vec![None; leaves.len()];
    for (k, h) in header.iter().enumerate() {
        if h.is_empty() {
            return Err(crate::ahp::cell(&file, hline, k + 1, "列名为空 / empty column name".into()));
        }
        let slot = match h.as_str() {
            "expert" => &mut expert_col,
            "industry" => &mut industry_col,
            _ => match leaves.iter().position(|(zh, en)| h == zh || h == en) {
                Some(l) => &mut leaf_col[l],
                None => {
                    return Err(crate::ahp::cell(
                        &file,
                        hline,
                        k + 1,
                        format!("未知列 `{h}`: 应为 expert、industry 或表 2 的二级指标 / unknown column `{h}`: expected expert, industry or an indicator of Table 2 (its indicator_zh or indicator_en)"),
                    ))
                }
            },
        };
        if let Some(p) = slot.replace(k) {
            return Err(crate::ahp::cell(&file, hline, k + 1, format!("`{h}` 与第 {0} 列重复 / `{h}` repeats column {0}", p + 1)));
        }
    }
    let (Some(expert_col), Some(industry_col)) = (expert_col, industry_col) else {
        return Err(IndexError::at(file, hline, "缺少 expert 或 industry 列 / missing the column `expert` or `industry`"));
    };
    let missing: Vec<&str> = leaves.iter().zip(&leaf_col).filter(|(_, c)| c.is_none()).map(|(l, _)| l.0).collect();
    if !missing.is_empty() {
        return Err(IndexError::at(file, hline, format!("缺少 {} 个指标列 / missing {} indicator columns: {}", missing.len(), missing.len(), missing.join(", "))));
    }
    let leaf_col: Vec<usize> = leaf_col.into_iter().flatten().collect();
    let mut out: Vec<ExpertScores> = Vec::new();
    for (line, cells) in rows {
        let line = *line;
        if cells.len() != header.len() {
            let column = if cells.len() > header.len() { header.len() + 1 } else { cells.len() + 1 };
            return Err(crate::ahp::cell(&file, line, column, format!("本行有 {} 个单元格, 表头有 {} 列 / the row has {} cells, the header {}", cells.len(), header.len(), cells.len(), header.len())));
        }
        let (expert, name) = (&cells[expert_col], &cells[industry_col]);
        for (k, what) in [(expert_col, "expert"), (industry_col, "industry")] {
            if cells[k].is_empty() {
                return Err(crate::ahp::cell(&file, line, k + 1, format!("`{what}` 为空 / `{what}` is empty")));
            }
        }
        let scores = leaf_col
            .iter()
            .zip(&leaves)
            .map(|(&k, (zh, _))| {
                let s = &cells[k];
                s.parse::<f64>()
                    .ok()
                    .filter(|v| (0.0..=10.0).contains(v))
                    .ok_or_else(|| crate::ahp::cell(&file, line, k + 1, format!("`{zh}` 应为 0–10 的分数 / expected a score from 0 to 10, found `{s}`")))
            })
            .collect::<Result<Vec<f64>>>()?;
        let i = match out.iter().position(|x| &x.industry == name) {
            Some(i) => i,
            None => {
                out.push(ExpertScores { industry: name.clone(), experts: vec![], scores: vec![] });
                out.len() - 1
            }
        };
        if let Some((_, first)) = out[i].experts.iter().find(|(e, _)| e == expert) {
            return Err(crate::ahp::cell(&file, line, expert_col + 1, format!("专家 `{expert}` 已在第 {first} 行为 `{name}` 打分 / expert `{expert}` already scored `{name}` at line {first}")));
        }
        out[i].experts.push((expert.clone(), line));
        out[i].scores.push(scores);
    }
    if out.is_empty() {
        return Err(IndexError::file(file, "没有打分行 / no score rows after the header"));
    }
    Ok(out)
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_checked_against_the_model_scale() {
        let mut rows = ganzhou_2021_scores();
        assert_eq!(check_table(&rows, "scores.csv"), Ok(()));
        assert_eq!(check_table(&[], "x.csv").unwrap_err().to_string(), "x.csv: 没有产业 / no industries");
        rows[0].competitiveness = 70.0;
        let e = check_table(&rows, "mine.csv").unwrap_err().to_string();
        assert!(e.starts_with("mine.csv: 1 `") && e.ends_with("列 / column `competitiveness`: 70 不在 0–10 / outside the model's 0–10 scale"), "{e}");
        let e = parse_scores_in("mine.csv", "number,industry_zh,industry_en,attractiveness,competitiveness\n1,a,b,x,2\n").unwrap_err();
        assert_eq!(e.to_string(), "mine.csv:2:attractiveness: 应为数值 / expected a number, found `x`");
    }

    #[test]
    fn table2_weights() {
        let m = SelectionModel::ganzhou_2021();
        assert_eq!(m.criteria.len(), 8);
        assert_eq!(m.leaves().len(), 27);
        // 市场容量: 0.4 × 0.3 = 0.12 of attractiveness; 产业链完善程度: 0.5 × 0.6 = 0.3 of competitiveness.
        let l = m.leaves();
        let w = |n: &str| l.iter().find(|x| x.1 == n).unwrap().2;
        assert!((w("市场容量") - 0.12).abs() < 1e-12);
        assert!((w("产业链完善程度") - 0.3).abs() < 1e-12);
        let total: f64 = l.iter().filter(|x| x.0 == Dimension::Attractiveness).map(|x| x.2).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bad_weights_are_rejected() {
        let c = "dimension,criterion_zh,criterion_en,weight\nattractiveness,x,x,0.5\ncompetitiveness,y,y,1\n";
        let i = "criterion_zh,indicator_zh,indicator_en,weight\nx,a,a,1\ny,b,b,1\n";
        assert!(SelectionModel::from_csv(c, i).unwrap_err().to_string().contains("sum to 0.5"));
        let c = "dimension,criterion_zh,criterion_en,weight\nattractiveness,x,x,1\ncompetitiveness,y,y,1\n";
        let i = "criterion_zh,indicator_zh,indicator_en,weight\nx,a,a,1\nz,b,b,1\n";
        assert!(SelectionModel::from_csv(c, i).unwrap_err().to_string().starts_with("indicators.csv:3:criterion_zh"));
    }

    #[test]
    fn expert_scores_by_hand() {
        let m = SelectionModel::ganzhou_2021();
        let n = m.leaves().len();
        // Two experts (made-up scores for the test): expert 1 gives 8 everywhere, expert 2 gives 6
        // everywhere except 市场容量 = 10. Mean: 7, and 市场容量 9. Attractiveness =
        // 7 + 0.12·(9 − 7) = 7.24; competitiveness = 7.
        let e1 = vec![8.0; n];
        let mut e2 = vec![6.0; n];
        let k = m.leaves().iter().position(|x| x.1 == "市场容量").unwrap();
        e2[k] = 10.0;
        let (a, c) = m.score(&[e1, e2]).unwrap();
        assert!((a - 7.24).abs() < 1e-12 && (c - 7.0).abs() < 1e-12, "{a} {c}");
        assert!(m.score(&[vec![11.0; n]]).is_err());
        assert!(m.score(&[vec![5.0; 3]]).is_err());
    }

    #[test]
    fn priority_rounding_is_decimal_half_up() {
        let p = check_priority("PCB", 8.27, 8.10, 8.19);
        assert!(p.exact && p.consistent && p.computed == 8.19 && p.mean == 8.185);
        let p = check_priority("人工智能", 7.73, 7.44, 7.58);
        assert!(!p.exact && p.consistent && p.computed == 7.59);
        assert!(!check_priority("x", 7.73, 7.44, 7.60).consistent);
        assert_eq!(priority(8.0, 7.0), 7.5);
    }

    #[test]
    fn nine_box() {
        let b = ge_nine_box(8.27, 8.10, DEFAULT_CUTS).unwrap();
        assert_eq!((b.attractiveness, b.competitiveness, b.zone), (Band::High, Band::High, GeZone::Invest));
        assert_eq!(ge_nine_box(7.49, 6.60, DEFAULT_CUTS).unwrap().zone, GeZone::Invest); // high, medium
        assert_eq!(ge_nine_box(6.04, 5.28, DEFAULT_CUTS).unwrap().zone, GeZone::Selective); // medium, medium
        assert_eq!(ge_nine_box(2.0, 9.0, DEFAULT_CUTS).unwrap().zone, GeZone::Selective); // low, high
        assert_eq!(ge_nine_box(2.0, 5.0, DEFAULT_CUTS).unwrap().zone, GeZone::Harvest);
        assert!(ge_nine_box(1.0, 1.0, (5.0, 5.0)).is_err());
    }
}
