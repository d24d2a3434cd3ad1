//! Value added: value-added rates by industry, the income approach, and digital-economy value added
//! (CAICT: digital industrialization + industrial digitalization). Every parameter is a data file
//! under `crates/measure/data/` with a `source` (or `basis = assumption`) per row.

use std::collections::HashMap;
use std::io::Read;

use crate::classification::Classification;
use digecon_core::Located;
use crate::money::Micro;

const VA_RATES_CSV: &str = include_str!("../data/va_rates.csv");
const ICT_SHARES_CSV: &str = include_str!("../data/ict_capital_shares.csv");
const PENETRATION_CSV: &str = include_str!("../data/caict_penetration_2020.csv");

/// One row of the value-added rate table.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct VaRate {
    /// GB/T 4754-2017 code prefix: 2 (大类), 3 (中类) or 4 (小类) digits; the longest match wins.
    pub code_prefix: String,
    /// Value added ÷ revenue.
    pub rate: f64,
    /// `indicative_midpoint`, `assumption`, `published`, …
    pub basis: String,
    pub source: String,
}

/// Value-added rates (VA ÷ revenue) by GB/T industry.
#[derive(Debug, Clone)]
pub struct VaRates {
    pub file: String,
    pub rows: Vec<VaRate>,
}

impl VaRates {
    /// `crates/measure/data/va_rates.csv`.
    pub fn shipped() -> Self {
        Self::from_reader("crates/measure/data/va_rates.csv", VA_RATES_CSV.as_bytes()).expect("shipped VA rates are valid")
    }

    pub fn from_reader(file: &str, r: impl Read) -> Result<Self, Located> {
        let mut rows: Vec<VaRate> = Vec::new();
        for (i, row) in csv::Reader::from_reader(r).deserialize::<VaRate>().enumerate() {
            let line = i as u64 + 2;
            let row = row.map_err(|e| Located::at(file, line, e.to_string()))?;
            let p = &row.code_prefix;
            if !(2..=4).contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Located::at(file, line, format!("code_prefix must be 2–4 digits: {p:?}")));
            }
            if !(row.rate.is_finite() && (0.0..=1.0).contains(&row.rate)) {
                return Err(Located::at(file, line, format!("rate must be in [0, 1]: {}", row.rate)));
            }
            if row.source.trim().is_empty() || row.basis.trim().is_empty() {
                return Err(Located::at(file, line, "every rate needs a basis and a source"));
            }
            if rows.iter().any(|r| r.code_prefix == row.code_prefix) {
                return Err(Located::at(file, line, format!("duplicate code_prefix {p}")));
            }
            rows.push(row);
        }
        Ok(Self { file: file.to_string(), rows })
    }

    /// The rate for a 4-digit code (longest matching prefix), if any.
    pub fn rate_for(&self, code: u16) -> Option<&VaRate> {
        let c = format!("{code:04}");
        self.rows.iter().filter(|r| c.starts_with(&r.code_prefix)).max_by_key(|r| r.code_prefix.len())
    }

    /// Rate per classification slot (`None` where the table has no rate: VA is then not computed
    /// for aggregates containing that slot, never guessed).
    pub fn per_slot(&self, table: &Classification) -> Vec<Option<f64>> {
        table.slots.iter().map(|s| self.rate_for(s.gb_code).map(|r| r.rate)).collect()
    }
}

/// Income-approach value added of one enterprise: 劳动者报酬 + 固定资产折旧 + 生产税净额 + 营业盈余.
pub fn income_va(labour_compensation: Micro, depreciation: Micro, net_production_taxes: Micro, operating_surplus: Micro) -> Micro {
    labour_compensation + depreciation + net_production_taxes + operating_surplus
}

/// A sector parameter: the ICT capital income share (or a penetration rate) of a sector.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SectorShare {
    pub sector: String,
    pub sector_name: String,
    /// `traditional` sectors are digitalized; `ict` sectors are digital industrialization and
    /// contribute nothing here (counting them would double count).
    pub role: String,
    pub share: f64,
    pub basis: String,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct SectorShares {
    pub file: String,
    pub rows: Vec<SectorShare>,
}

impl SectorShares {
    /// Per-section ICT capital income shares (GB/T 4754 门类 A–S): assumptions inside the range
    /// measurement.md gives; see the file.
    pub fn ict_capital_shares() -> Self {
        Self::from_reader("crates/measure/data/ict_capital_shares.csv", ICT_SHARES_CSV.as_bytes()).expect("shipped shares are valid")
    }

    /// The shipped parameter set called `name` (`ict`: [`Self::ict_capital_shares`], `caict2020`:
    /// [`Self::caict_penetration_2020`]); any other name is none of them (a file, say).
    pub fn shipped(name: &str) -> Option<Self> {
        match name {
            "ict" => Some(Self::ict_capital_shares()),
            "caict2020" => Some(Self::caict_penetration_2020()),
            _ => None,
        }
    }

    /// CAICT 2020 penetration rates by the three sectors (1/2/3), published figures.
    pub fn caict_penetration_2020() -> Self {
        Self::from_reader("crates/measure/data/caict_penetration_2020.csv", PENETRATION_CSV.as_bytes())
            .expect("shipped penetration rates are valid")
    }

    pub fn from_reader(file: &str, r: impl Read) -> Result<Self, Located> {
        let mut rows: Vec<SectorShare> = Vec::new();
        for (i, row) in csv::Reader::from_reader(r).deserialize::<SectorShare>().enumerate() {
            let line = i as u64 + 2;
            let row = row.map_err(|e| Located::at(file, line, e.to_string()))?;
            if !(row.share.is_finite() && (0.0..=1.0).contains(&row.share)) {
                return Err(Located::at(file, line, format!("share must be in [0, 1]: {}", row.share)));
            }
            if !matches!(row.role.as_str(), "traditional" | "ict") {
                return Err(Located::at(file, line, format!("role must be traditional|ict: {}", row.role)));
            }
            if row.source.trim().is_empty() || row.basis.trim().is_empty() {
                return Err(Located::at(file, line, "every share needs a basis and a source"));
            }
            if rows.iter().any(|r| r.sector == row.sector) {
                return Err(Located::at(file, line, format!("duplicate sector {}", row.sector)));
            }
            rows.push(row);
        }
        Ok(Self { file: file.to_string(), rows })
    }

    pub fn get(&self, sector: &str) -> Option<&SectorShare> {
        self.rows.iter().find(|r| r.sector == sector)
    }
}

/// Industrial digitalization (产业数字化) of one region and year, by the income-share method:
/// `ID = adj · Σ_j share_j · VA_j` over traditional sectors j. `sector_va` must be the value added
/// of each sector (亿元 or 万元, any unit: the result has the same unit).
#[derive(Debug, Clone, PartialEq)]
pub struct IndustrialDigitalization {
    pub total: f64,
    /// (sector, share, sector VA, contribution)
    pub parts: Vec<(String, f64, f64, f64)>,
}

/// Why digital-economy value added could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeVaError {
    #[error("部门 {0} 无参数 / no share for sector {0} in the parameter table")]
    NoShare(String),
    #[error("部门 {0} 重复 / sector {0} given twice")]
    Duplicate(String),
    #[error("调整系数须为正数 / the regional adjustment must be positive and finite")]
    BadAdjustment,
}

pub fn industrial_digitalization(
    sector_va: &[(String, f64)],
    shares: &SectorShares,
    adjustment: f64,
) -> Result<IndustrialDigitalization, DeVaError> {
    if !(adjustment.is_finite() && adjustment > 0.0) {
        return Err(DeVaError::BadAdjustment);
    }
    let mut seen = HashMap::new();
    let mut parts = Vec::new();
    let mut total = 0.0;
    for (sector, va) in sector_va {
        if seen.insert(sector.as_str(), ()).is_some() {
            return Err(DeVaError::Duplicate(sector.clone()));
        }
        let s = shares.get(sector).ok_or_else(|| DeVaError::NoShare(sector.clone()))?;
        let share = if s.role == "ict" { 0.0 } else { s.share };
        let c = adjustment * share * va;
        total += c;
        parts.push((sector.clone(), share, *va, c));
    }
    Ok(IndustrialDigitalization { total, parts })
}

/// Digital-economy value added = digital industrialization (core 01–04 value added) + industrial
/// digitalization.
#[derive(Debug, Clone, PartialEq)]
pub struct DigitalEconomyVa {
    pub digital_industrialization: f64,
    pub industrial_digitalization: f64,
    pub total: f64,
    /// Share of industrial digitalization in the total, %.
    pub industrial_digitalization_share: f64,
}

pub fn digital_economy_va(digital_industrialization: f64, id: &IndustrialDigitalization) -> DigitalEconomyVa {
    let total = digital_industrialization + id.total;
    DigitalEconomyVa {
        digital_industrialization,
        industrial_digitalization: id.total,
        total,
        industrial_digitalization_share: if total != 0.0 { id.total / total * 100.0 } else { f64::NAN },
    }
}

/// A long CSV's rows with their line numbers (the header is line 1), and the position of each
/// named column; a missing column names the file.
fn columns_of(file: &str, text: &str, names: &[&str]) -> Result<(Vec<usize>, Vec<(u64, csv::StringRecord)>), Located> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().map_err(|e| Located::at(file, 1, e.to_string()))?.clone();
    let cols = names
        .iter()
        .map(|n| h.iter().position(|c| c == *n).ok_or_else(|| Located::at(file, 1, format!("缺少列 / missing column {n}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i as u64 + 2;
        rows.push((line, rec.map_err(|e| Located::at(file, line, e.to_string()))?));
    }
    Ok((cols, rows))
}

fn number(file: &str, line: u64, s: &str) -> Result<f64, Located> {
    digecon_core::parse_decimal(s).ok_or_else(|| Located::at(file, line, format!("数值无效 / bad value `{s}`")))
}

/// Core-industry value added by (region, period): the rows of `indicator` for all core classes
/// together (`class_code` `DE_CORE`) in the long CSV `digecon microdata aggregate` writes.
pub fn core_va_from_csv(file: &str, text: &str, indicator: &str) -> Result<std::collections::BTreeMap<(String, String), f64>, Located> {
    let (c, rows) = columns_of(file, text, &["indicator", "region_code", "period", "value", "class_code"])?;
    let mut out = std::collections::BTreeMap::new();
    for (line, r) in &rows {
        if &r[c[0]] == indicator && &r[c[4]] == "DE_CORE" {
            out.insert((r[c[1]].to_string(), r[c[2]].to_string()), number(file, *line, &r[c[3]])?);
        }
    }
    Ok(out)
}

/// Value added by sector of each (region, period): columns `region_code, period, sector, value`.
pub fn sector_va_from_csv(file: &str, text: &str) -> Result<std::collections::BTreeMap<(String, String), Vec<(String, f64)>>, Located> {
    let (c, rows) = columns_of(file, text, &["region_code", "period", "sector", "value"])?;
    let mut out: std::collections::BTreeMap<(String, String), Vec<(String, f64)>> = Default::default();
    for (line, r) in &rows {
        out.entry((r[c[0]].to_string(), r[c[1]].to_string())).or_default().push((r[c[2]].to_string(), number(file, *line, &r[c[3]])?));
    }
    Ok(out)
}

/// One output row: (region, indicator code, period, value, unit).
pub type DeVaRow = (String, &'static str, String, f64, &'static str);

/// Digital-economy value added of every (region, period) with sector value added: digital
/// industrialization from `core`, industrial digitalization by `shares` and `adjustment`, their
/// total and the share of the latter (`DE_…` indicators, 万元 and %). A (region, period) without
/// core value added is an error naming it.
pub fn digital_economy_rows(
    core: &std::collections::BTreeMap<(String, String), f64>,
    sectors: &std::collections::BTreeMap<(String, String), Vec<(String, f64)>>,
    shares: &SectorShares,
    adjustment: f64,
) -> Result<Vec<DeVaRow>, String> {
    let mut out = Vec::new();
    for (key, sv) in sectors {
        let id = industrial_digitalization(sv, shares, adjustment).map_err(|e| format!("{} {}: {e}", key.0, key.1))?;
        let di = *core.get(key).ok_or_else(|| format!("无 {} {} 的核心产业增加值 / no core value added for region {} period {}", key.0, key.1, key.0, key.1))?;
        let de = digital_economy_va(di, &id);
        for (ind, v, unit) in [
            ("DE_DIGITAL_INDUSTRIALIZATION_VA", de.digital_industrialization, "万元"),
            ("DE_INDUSTRIAL_DIGITALIZATION_VA", de.industrial_digitalization, "万元"),
            ("DE_VA", de.total, "万元"),
            ("DE_INDUSTRIAL_DIGITALIZATION_SHARE", de.industrial_digitalization_share, "%"),
        ] {
            out.push((key.0.clone(), ind, key.1.clone(), v, unit));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_parameter_sets_by_name() {
        assert_eq!(SectorShares::shipped("ict").unwrap().file, "crates/measure/data/ict_capital_shares.csv");
        assert_eq!(SectorShares::shipped("caict2020").unwrap().file, "crates/measure/data/caict_penetration_2020.csv");
        assert!(SectorShares::shipped("shares.csv").is_none());
    }

    #[test]
    fn rates_cover_every_core_code_and_use_the_longest_prefix() {
        let t = Classification::nbs2021();
        let r = VaRates::shipped();
        let per = r.per_slot(&t);
        let missing: Vec<u16> = t.slots.iter().zip(&per).filter(|(_, r)| r.is_none()).map(|(s, _)| s.gb_code).collect();
        assert!(missing.is_empty(), "no VA rate for {missing:?}");
        assert_eq!(r.rate_for(3911).unwrap().rate, 0.20);
        assert_eq!(r.rate_for(6311).unwrap().rate, 0.525);
        let more = VaRates::from_reader("t", "code_prefix,rate,basis,source\n39,0.2,a,s\n3911,0.3,a,s\n".as_bytes()).unwrap();
        assert_eq!(more.rate_for(3911).unwrap().rate, 0.3);
        assert_eq!(more.rate_for(3912).unwrap().rate, 0.2);
        assert!(more.rate_for(1310).is_none());
    }

    #[test]
    fn income_va_is_the_sum_of_four_components() {
        // 300 + 50 + 80 + (−30) = 400 万元
        assert_eq!(income_va(300_000_000, 50_000_000, 80_000_000, -30_000_000), 400_000_000);
    }

    #[test]
    fn de_va_by_income_shares() {
        // Hand-computed: CAICT penetration 2020 on sector VA 1000 / 40000 / 50000 亿元:
        // 0.089·1000 + 0.210·40000 + 0.407·50000 = 89 + 8400 + 20350 = 28839 亿元.
        let shares = SectorShares::caict_penetration_2020();
        let va = [("1".to_string(), 1000.0), ("2".to_string(), 40000.0), ("3".to_string(), 50000.0)];
        let id = industrial_digitalization(&va, &shares, 1.0).unwrap();
        assert!((id.total - 28839.0).abs() < 1e-9);
        let de = digital_economy_va(2678.7, &id);
        assert!((de.total - 31517.7).abs() < 1e-9);
        // ICT section I contributes nothing; C at 0.05: 0.05·20000 = 1000; ×1.2 adjustment = 1200.
        let s = SectorShares::ict_capital_shares();
        let id = industrial_digitalization(&[("C".into(), 20000.0), ("I".into(), 5000.0)], &s, 1.2).unwrap();
        assert!((id.total - 1200.0).abs() < 1e-9);
        assert_eq!(
            industrial_digitalization(&[("Z".into(), 1.0)], &s, 1.0),
            Err(DeVaError::NoShare("Z".into()))
        );
    }

    #[test]
    fn digital_economy_rows_from_the_two_files() {
        let core = "region_code,indicator,class_code,period,value\n360700,CORE_VA,DE_CORE,2022,100\n360700,CORE_VA,01,2022,60\n";
        let sectors = "region_code,period,sector,value\n360700,2022,1,50\n360700,2022,2,200\n360700,2022,3,300\n";
        let core = core_va_from_csv("core.csv", core, "CORE_VA").unwrap();
        assert_eq!(core.len(), 1, "all core classes together only");
        let sectors = sector_va_from_csv("sectors.csv", sectors).unwrap();
        let rows = digital_economy_rows(&core, &sectors, &SectorShares::caict_penetration_2020(), 1.0).unwrap();
        let de = rows.iter().find(|r| r.1 == "DE_VA").unwrap();
        let id = rows.iter().find(|r| r.1 == "DE_INDUSTRIAL_DIGITALIZATION_VA").unwrap();
        assert!((de.3 - (100.0 + id.3)).abs() < 1e-9);
        // Bad numbers and missing columns name file and line.
        let e = sector_va_from_csv("s.csv", "region_code,period,sector,value\n360700,2022,1,1e3\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("s.csv", 2));
        let e = core_va_from_csv("c.csv", "region_code,period\n", "CORE_VA").unwrap_err();
        assert!(e.message.contains("missing column indicator"), "{}", e.message);
        // A region without core value added is named.
        let other = sector_va_from_csv("s.csv", "region_code,period,sector,value\n360100,2022,1,1\n").unwrap();
        assert!(digital_economy_rows(&core, &other, &SectorShares::caict_penetration_2020(), 1.0).unwrap_err().contains("360100"));
    }
}
