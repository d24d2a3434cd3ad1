//! Compound-growth paths and the projection tables plans are built on (004 Annex 2:
//! 数字经济发展主要预期指标测算方法).
//!
//! A printed table is reproduced to its printed decimals with exact decimal arithmetic (the start
//! value and the rate as printed, no binary floating point), so `3645.0` at `7.5 %` gives exactly
//! `3918.4, 4212.3, 4528.2, 4867.8, 5232.9`. Columns whose indicator has a formula over other
//! columns (the share `CORE_VA / GDP * 100`) are recomputed from the printed columns.
//!
//! Tables are CSV (`table,plan_id,region_code,indicator_code,year,value,stated_growth_text,
//! source_doc,source_quote`), one row per cell, `value` as printed; [`EMBEDDED`] holds 004 Annex 2.

use std::collections::BTreeMap;

use digecon_core::{Indicator, Located, Period};
use digecon_dataset::{DataErrors, Table};
use serde::Serialize;

use crate::wording::{self, GrowthBand, WordingOptions};

/// The projection tables shipped with the crate: 004 Annex 2 (Ganzhou).
pub const EMBEDDED: &str = include_str!("../data/projections.csv");
pub const EMBEDDED_FILE: &str = "crates/track/data/projections.csv";

const COLUMNS: &[&str] =
    &["table", "plan_id", "region_code", "indicator_code", "year", "value", "stated_growth_text", "source_doc", "source_quote"];

/// A decimal as printed (`3918.4` = 39184 / 10¹).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Decimal {
    pub mantissa: i128,
    pub decimals: u32,
}

impl Decimal {
    pub fn parse(text: &str) -> Option<Decimal> {
        let t = text.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t),
        };
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) || int.len() + frac.len() > 30 {
            return None;
        }
        if t.contains('.') && frac.is_empty() {
            return None;
        }
        let m: i128 = format!("{int}{frac}").parse().ok()?;
        Some(Decimal { mantissa: if neg { -m } else { m }, decimals: frac.len() as u32 })
    }

    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.decimals as i32)
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.decimals as usize;
        let s = self.mantissa.unsigned_abs().to_string();
        let s = if s.len() <= d { format!("{}{s}", "0".repeat(d + 1 - s.len())) } else { s };
        let (i, fr) = s.split_at(s.len() - d);
        write!(f, "{}{i}{}{fr}", if self.mantissa < 0 { "-" } else { "" }, if d > 0 { "." } else { "" })
    }
}

/// `num / den` rounded half away from zero to `decimals` decimals; `None` on overflow.
fn round_ratio(num: i128, den: i128, decimals: u32) -> Option<Decimal> {
    let scaled = num.checked_mul(10i128.checked_pow(decimals)?)?;
    let (n, d) = if den < 0 { (-scaled, -den) } else { (scaled, den) };
    let q = if n >= 0 { (n.checked_mul(2)?.checked_add(d)?) / (d * 2) } else { -((-n).checked_mul(2)?.checked_add(d)? / (d * 2)) };
    Some(Decimal { mantissa: q, decimals })
}

/// The compound path from `start` at `rate` %/yr for `years` years, each value rounded to
/// `decimals` as a table prints it (the path itself is not rounded between years). Exact;
/// `None` if the numbers overflow 128-bit integers.
pub fn compound_exact(start: Decimal, rate: Decimal, years: u32, decimals: u32) -> Option<Vec<Decimal>> {
    // 1 + rate/100 = (100·10^d + m) / (100·10^d)
    let rd = 100i128.checked_mul(10i128.checked_pow(rate.decimals)?)?;
    let (fnum, fden) = (rd.checked_add(rate.mantissa)?, rd);
    let (mut num, mut den) = (start.mantissa, 10i128.checked_pow(start.decimals)?);
    let mut out = Vec::new();
    for _ in 0..years {
        num = num.checked_mul(fnum)?;
        den = den.checked_mul(fden)?;
        let g = gcd(num.abs(), den);
        if g > 1 {
            num /= g;
            den /= g;
        }
        out.push(round_ratio(num, den, decimals)?);
    }
    Some(out)
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs()
}

/// The compound path in floating point: `start × (1 + rate/100)^k` for k = 1..=years.
pub fn compound_path(start: f64, rate: f64, years: u32) -> Vec<f64> {
    (1..=years).map(|k| start * (1.0 + rate / 100.0).powi(k as i32)).collect()
}

/// Rounds half away from zero to `decimals` (for comparing a computed value with a printed one).
pub fn round_to(v: f64, decimals: u32) -> f64 {
    let f = 10f64.powi(decimals as i32);
    (v * f).round() / f
}

/// One printed cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    pub year: i32,
    pub value: Decimal,
    pub source_quote: String,
}

/// One column of a projection table: an indicator over the years.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    pub indicator_code: String,
    /// The growth assumption as printed (`年均增速 16%-17%`), empty if none.
    pub stated_growth_text: String,
    pub stated_growth: Option<GrowthBand>,
    /// In year order, consecutive.
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProjectionTable {
    pub id: String,
    pub plan_id: String,
    pub region_code: String,
    pub source_doc: String,
    pub columns: Vec<Column>,
}

impl ProjectionTable {
    pub fn column(&self, indicator: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.indicator_code == indicator)
    }
}

/// Reads projection tables from CSV text; every problem is reported with file and line.
pub fn parse_tables(file: &str, text: &str) -> Result<Vec<ProjectionTable>, DataErrors> {
    let mut errors = Vec::new();
    let Some(table) = Table::read(file, text, COLUMNS, &[], &mut errors) else {
        return Err(DataErrors(errors));
    };
    let mut tables: BTreeMap<String, ProjectionTable> = BTreeMap::new();
    let mut cols: BTreeMap<(String, String), (Column, u64)> = BTreeMap::new();
    for row in table.rows() {
        let (Some(id), Some(plan), Some(region), Some(ind), Some(year)) = (
            row.code("table", &mut errors),
            row.code("plan_id", &mut errors),
            row.code("region_code", &mut errors),
            row.code("indicator_code", &mut errors),
            row.int("year", &mut errors),
        ) else {
            continue;
        };
        let Some(value) = Decimal::parse(row.raw("value")) else {
            errors.push(row.error(format!("无效的数值 / invalid number `{}`", row.raw("value"))));
            continue;
        };
        let growth_text = row.text("stated_growth_text");
        let band = match wording::parse_stated_growth(&growth_text, &WordingOptions::default()) {
            Ok(b) => b,
            Err(e) => {
                errors.push(row.error(e.to_string()));
                continue;
            }
        };
        let doc = row.text("source_doc");
        let t = tables.entry(id.clone()).or_insert_with(|| ProjectionTable {
            id: id.clone(),
            plan_id: plan.clone(),
            region_code: region.clone(),
            source_doc: doc.clone(),
            columns: Vec::new(),
        });
        if t.plan_id != plan || t.region_code != region {
            errors.push(row.error(format!("表 `{id}` 的规划或地区前后不一 / table `{id}` changes its plan or region")));
            continue;
        }
        let (col, _) = cols.entry((id.clone(), ind.clone())).or_insert_with(|| {
            (Column { indicator_code: ind.clone(), stated_growth_text: growth_text.clone(), stated_growth: band.clone(), cells: Vec::new() }, row.line)
        });
        if col.stated_growth_text != growth_text {
            errors.push(row.error(format!("`{ind}` 的增速假设前后不一 / the growth assumption of `{ind}` differs between rows")));
        }
        if col.cells.iter().any(|c| c.year == year as i32) {
            errors.push(row.error(format!("重复的年份 / duplicate year {year} for `{ind}`")));
            continue;
        }
        col.cells.push(Cell { year: year as i32, value, source_quote: row.text("source_quote") });
    }
    for ((id, _), (mut col, line)) in cols {
        col.cells.sort_by_key(|c| c.year);
        if let Some(w) = col.cells.windows(2).find(|w| w[1].year != w[0].year + 1) {
            errors.push(Located::at(file, line, format!("`{}` 缺 {} 年 / `{}` has no value for {}", col.indicator_code, w[0].year + 1, col.indicator_code, w[0].year + 1)));
        }
        if let Some(t) = tables.get_mut(&id) {
            t.columns.push(col);
        }
    }
    if errors.is_empty() {
        Ok(tables.into_values().collect())
    } else {
        Err(DataErrors(errors))
    }
}

/// The files whose rows hold document numbers, for the fact ledger (`digecon_dataset::facts`):
/// `data_files` (paths relative to `data/`) and the projection tables, which live here.
pub fn fact_sources(data_files: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut files = data_files;
    files.push(("projections.csv".into(), EMBEDDED.to_string()));
    files
}

/// The embedded tables (004 Annex 2).
pub fn embedded() -> Vec<ProjectionTable> {
    parse_tables(EMBEDDED_FILE, EMBEDDED).expect("the embedded projection tables are checked by the tests")
}

/// One year of a reproduced column: what the rule gives at the printed decimals, and what is printed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reproduced {
    pub year: i32,
    pub computed: Option<Decimal>,
    pub printed: Decimal,
}

impl Reproduced {
    pub fn matches(&self) -> bool {
        self.computed.is_some_and(|c| c.to_f64() == self.printed.to_f64())
    }
}

/// Reproduces a column as the compound path from its first printed value at `rate` (as printed,
/// e.g. `7.5`), each year rounded to that year's printed decimals.
pub fn reproduce_compound(col: &Column, rate: Decimal) -> Vec<Reproduced> {
    let Some(first) = col.cells.first() else { return Vec::new() };
    col.cells
        .iter()
        .map(|c| {
            let k = (c.year - first.year) as u32;
            let computed = if k == 0 {
                Some(first.value)
            } else {
                compound_exact(first.value, rate, k, c.value.decimals).and_then(|v| v.last().copied())
            };
            Reproduced { year: c.year, computed, printed: c.value }
        })
        .collect()
}

/// Recomputes a column whose indicator has a formula over other columns of the table (from their
/// printed values), rounded to the printed decimals. `None` if the indicator has no formula or the
/// formula reads an indicator the table does not have.
pub fn reproduce_formula(table: &ProjectionTable, col: &Column, indicator: &Indicator) -> Option<Vec<Reproduced>> {
    let f = indicator.formula.as_ref()?;
    if f.references().iter().any(|r| table.column(r).is_none()) {
        return None;
    }
    Some(
        col.cells
            .iter()
            .map(|c| {
                let mut lookup = |code: &str, p: Period| {
                    table.column(code)?.cells.iter().find(|x| Period::Year(x.year) == p).map(|x| x.value.to_f64())
                };
                let computed = f.eval(Period::Year(c.year), &mut lookup).ok().and_then(|v| {
                    let r = round_to(v, c.value.decimals);
                    Decimal::parse(&format!("{r:.*}", c.value.decimals as usize))
                });
                Reproduced { year: c.year, computed, printed: c.value }
            })
            .collect(),
    )
}

/// Year-on-year growth of a printed column as an interval: the printed values stand for anything
/// within half a unit of their last digit, so growth lies between (lo, hi) in %.
pub fn printed_growth(prev: Decimal, next: Decimal) -> (f64, f64, f64) {
    let half = |d: Decimal| 0.5 / 10f64.powi(d.decimals as i32);
    let (p, n) = (prev.to_f64(), next.to_f64());
    let mid = (n / p - 1.0) * 100.0;
    let lo = ((n - half(next)) / (p + half(prev)) - 1.0) * 100.0;
    let hi = ((n + half(next)) / (p - half(prev)) - 1.0) * 100.0;
    (mid, lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn decimals_print_as_read() {
        for s in ["3645.0", "0.05", "-4.1", "241", "0"] {
            assert_eq!(d(s).to_string(), s);
        }
        assert!(Decimal::parse("1.").is_none() && Decimal::parse("a").is_none() && Decimal::parse("").is_none());
    }

    #[test]
    fn exact_compound_rounds_half_away_from_zero() {
        // 100 × 1.05 = 105, × 1.05 = 110.25 → 110.3 (an exact half; binary floating point gives 110.25000000000001 or less).
        let v = compound_exact(d("100"), d("5"), 2, 1).unwrap();
        assert_eq!(v.iter().map(|x| x.to_string()).collect::<Vec<_>>(), ["105.0", "110.3"]);
        // 3645.0 × 1.075 = 3918.375 exactly → 3918.4.
        assert_eq!(compound_exact(d("3645.0"), d("7.5"), 1, 1).unwrap()[0].to_string(), "3918.4");
    }

    #[test]
    fn printed_growth_is_an_interval() {
        let (mid, lo, hi) = printed_growth(d("279.6"), d("324.3"));
        assert!(lo < mid && mid < hi);
        assert!(lo < 16.0 && hi > 16.0, "{lo} {hi}");
        let (_, _, hi) = printed_growth(d("376.2"), d("432.7"));
        assert!(hi < 16.0, "{hi}");
    }
}
