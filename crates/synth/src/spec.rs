//! What to generate and how: `data/evaluation/synthetic.csv` (one row per indicator and region
//! level, in the order values are drawn) and `data/evaluation/synthetic_exclusions.csv` (documented
//! statements the generator leaves out, each with the reason). Read with the dataset crate's
//! `Table`/`Row`, so every problem is reported as `file:line: message`.

use std::collections::BTreeSet;

use digecon_core::{Located, Period, RegionLevel};
use digecon_dataset::Table;

pub const SPEC_FILE: &str = "evaluation/synthetic.csv";
pub const EXCLUSIONS_FILE: &str = "evaluation/synthetic_exclusions.csv";

/// How a generated indicator's value comes about besides the catalogue's formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Derive {
    /// Drawn (no formula), or computed from the catalogue formula when the indicator has one.
    None,
    /// `rank_change:X`: the region's rank of X among its siblings last year minus this year
    /// (positive = moved up; ranks 1 = highest, ties share the best place).
    RankChange(String),
    /// `parent_share:X`: X of the region / X of its parent × 100, the parent's X being the sum
    /// of its children where the parent has no value of its own.
    ParentShare(String),
}

/// One row of `synthetic.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecRow {
    pub line: u64,
    pub level: RegionLevel,
    pub indicator: String,
    /// The years whose values are wanted; the years their formulas need are added.
    pub years: Vec<i32>,
    pub derive: Derive,
    /// Indicator whose values weight the allocation of a parent total (or give a ratio
    /// estimate where no total is known).
    pub proxy: Option<String>,
    /// The value expected when nothing else is known.
    pub typical: Option<f64>,
    /// Draws are log-uniform in [μ / spread, μ · spread] (within what the statements allow).
    pub spread: f64,
    /// Typical growth (%) from one year to the next, used to back-cast an earlier year.
    pub growth: f64,
    /// Spread of the year-to-year draws.
    pub yoy_spread: f64,
    /// Bounds by definition (a rate ≤ 100, a count ≥ 1 …).
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Decimals stored (the grid values are drawn on).
    pub decimals: u32,
    pub basis: String,
}

impl SpecRow {
    /// The smallest step of a stored value.
    pub fn grid(&self) -> f64 {
        10f64.powi(-(self.decimals as i32))
    }
}

/// A documented statement the generator leaves out.
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    pub region_code: String,
    pub indicator_code: String,
    pub period: Period,
    pub reason: String,
}

/// The generator's specification.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub rows: Vec<SpecRow>,
    pub exclusions: Vec<Exclusion>,
}

fn lookup<'a>(files: &'a [(&str, &'a str)], name: &str) -> Option<&'a str> {
    files.iter().find(|(p, _)| *p == name).map(|(_, c)| *c)
}

impl Spec {
    /// The specification shipped in `data/evaluation/` (compiled into the dataset crate).
    pub fn embedded() -> Result<Spec, Vec<Located>> {
        let files: Vec<(&str, &str)> = digecon_dataset::EMBEDDED.to_vec();
        let missing = |f: &str| Located::at(f, 0, "文件缺失 / file missing");
        let spec = lookup(&files, SPEC_FILE).ok_or_else(|| vec![missing(SPEC_FILE)])?;
        let excl = lookup(&files, EXCLUSIONS_FILE).ok_or_else(|| vec![missing(EXCLUSIONS_FILE)])?;
        Spec::parse(spec, excl)
    }

    /// Parses `synthetic.csv` and `synthetic_exclusions.csv` from their text.
    pub fn parse(spec_csv: &str, exclusions_csv: &str) -> Result<Spec, Vec<Located>> {
        let mut errors = Vec::new();
        let mut rows = Vec::new();
        let cols = ["level", "indicator", "years", "derive", "proxy", "typical", "spread", "growth", "yoy_spread", "lower", "upper", "decimals", "basis"];
        if let Some(t) = Table::read(SPEC_FILE, spec_csv, &cols, &[], &mut errors) {
            for r in t.rows() {
                let level = r.parse::<RegionLevel>("level", &mut errors);
                let indicator = r.code("indicator", &mut errors);
                let years: Option<Vec<i32>> = r.list("years", &mut errors).and_then(|ys| {
                    ys.iter()
                        .map(|y| match y.parse::<Period>() {
                            Ok(Period::Year(y)) => Some(y),
                            _ => {
                                errors.push(r.error(format!("`years`: `{y}` 不是年份 / is not a year")));
                                None
                            }
                        })
                        .collect()
                });
                let derive = match r.raw("derive") {
                    "" => Some(Derive::None),
                    d => match d.split_once(':') {
                        Some(("rank_change", x)) if !x.is_empty() => Some(Derive::RankChange(x.into())),
                        Some(("parent_share", x)) if !x.is_empty() => Some(Derive::ParentShare(x.into())),
                        _ => {
                            errors.push(r.error(format!("`derive`: `{d}` 应为空、rank_change:代码 或 parent_share:代码 / expected empty, `rank_change:CODE` or `parent_share:CODE`")));
                            None
                        }
                    },
                };
                let proxy = match r.raw("proxy") {
                    "" => Some(None),
                    _ => r.code("proxy", &mut errors).map(Some),
                };
                let typical = r.number_opt("typical", &mut errors);
                let spread = r.number_opt("spread", &mut errors).map(|s| s.unwrap_or(1.0));
                let growth = r.number_opt("growth", &mut errors).map(|s| s.unwrap_or(0.0));
                let yoy_spread = r.number_opt("yoy_spread", &mut errors).map(|s| s.unwrap_or(1.0));
                let lower = r.number_opt("lower", &mut errors);
                let upper = r.number_opt("upper", &mut errors);
                let decimals = r.int("decimals", &mut errors);
                for (name, v) in [("spread", spread), ("yoy_spread", yoy_spread)] {
                    if v.is_some_and(|s| s < 1.0) {
                        errors.push(r.error(format!("`{name}` 须 ≥ 1 / must be ≥ 1")));
                    }
                }
                if decimals.is_some_and(|d| !(0..=6).contains(&d)) {
                    errors.push(r.error("`decimals` 须在 0–6 之间 / must be 0–6"));
                }
                if let (Some(Some(lo)), Some(Some(hi))) = (lower, upper) {
                    if lo > hi {
                        errors.push(r.error(format!("`lower` {lo} > `upper` {hi}")));
                    }
                }
                if let (Some(level), Some(indicator), Some(years), Some(derive), Some(proxy), Some(typical), Some(spread), Some(growth), Some(yoy_spread), Some(lower), Some(upper), Some(decimals)) =
                    (level, indicator, years, derive, proxy, typical, spread, growth, yoy_spread, lower, upper, decimals)
                {
                    rows.push(SpecRow {
                        line: r.line,
                        level,
                        indicator,
                        years,
                        derive,
                        proxy,
                        typical,
                        spread,
                        growth,
                        yoy_spread,
                        lower,
                        upper,
                        decimals: decimals as u32,
                        basis: r.text("basis"),
                    });
                }
            }
        }
        let mut seen = BTreeSet::new();
        for r in &rows {
            if !seen.insert((r.level, r.indicator.clone())) {
                errors.push(Located::at(SPEC_FILE, r.line, format!("`{}` 在 {} 级重复 / appears twice for level {}", r.indicator, r.level, r.level)));
            }
        }
        let mut exclusions = Vec::new();
        if let Some(t) = Table::read(EXCLUSIONS_FILE, exclusions_csv, &["region_code", "indicator_code", "period", "reason"], &[], &mut errors) {
            for r in t.rows() {
                let (Some(region_code), Some(indicator_code), Some(period), Some(reason)) =
                    (r.code("region_code", &mut errors), r.code("indicator_code", &mut errors), r.parse::<Period>("period", &mut errors), r.required_text("reason", &mut errors))
                else {
                    continue;
                };
                exclusions.push(Exclusion { region_code, indicator_code, period, reason });
            }
        }
        if errors.is_empty() {
            Ok(Spec { rows, exclusions })
        } else {
            Err(errors)
        }
    }

    /// The row for `indicator` at `level`.
    pub fn row(&self, level: RegionLevel, indicator: &str) -> Option<&SpecRow> {
        self.rows.iter().find(|r| r.level == level && r.indicator == indicator)
    }

    /// The levels generated, in the order of their first row (cities before counties: a county's
    /// parent values must exist first).
    pub fn levels(&self) -> Vec<RegionLevel> {
        let mut out = Vec::new();
        for r in &self.rows {
            if !out.contains(&r.level) {
                out.push(r.level);
            }
        }
        out
    }

    /// The exclusion of a documented statement, if any.
    pub fn excluded(&self, region: &str, indicator: &str, period: Period) -> Option<&Exclusion> {
        self.exclusions.iter().find(|e| e.region_code == region && e.indicator_code == indicator && e.period == period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "level,indicator,years,derive,proxy,typical,spread,growth,yoy_spread,lower,upper,decimals,basis\n";
    const EXCL: &str = "region_code,indicator_code,period,reason\n360000,ID_VA_GROWTH,2022,nominal vs real\n";

    #[test]
    fn parses_rows_and_exclusions() {
        let s = Spec::parse(&format!("{HEADER}city,GDP,2021;2022,,,,1.5,8,1.05,0.01,,2,size\ncity,DE_VA_RANK_CHG_PROV,2022,rank_change:DE_VA,,,,,,,,0,rank\n"), EXCL).unwrap();
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.rows[0].years, [2021, 2022]);
        assert_eq!((s.rows[0].spread, s.rows[0].growth, s.rows[0].lower, s.rows[0].grid()), (1.5, 8.0, Some(0.01), 0.01));
        assert_eq!(s.rows[1].derive, Derive::RankChange("DE_VA".into()));
        assert!(s.excluded("360000", "ID_VA_GROWTH", Period::Year(2022)).is_some());
        assert_eq!(s.levels(), [RegionLevel::City]);
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = Spec::parse(&format!("{HEADER}city,GDP,2021,,,,0.5,8,1.05,0.01,,2,x\ncity,GDP,20x1,oops,,,1,,,,,9,x\n"), EXCL).unwrap_err();
        let text: Vec<String> = e.iter().map(|e| e.to_string()).collect();
        assert!(text.iter().any(|t| t.starts_with("evaluation/synthetic.csv:2:") && t.contains("spread")), "{text:?}");
        assert!(text.iter().any(|t| t.starts_with("evaluation/synthetic.csv:3:") && t.contains("20x1")), "{text:?}");
        assert!(text.iter().any(|t| t.starts_with("evaluation/synthetic.csv:3:") && t.contains("derive")), "{text:?}");
        assert!(text.iter().any(|t| t.starts_with("evaluation/synthetic.csv:3:") && t.contains("decimals")), "{text:?}");
    }
}
