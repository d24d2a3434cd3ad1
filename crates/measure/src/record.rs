//! One enterprise-year row of microdata: header mapping and validation.
//!
//! Columns (money in 万元): `uscc,name,region_code,industry_code,year,revenue,employees,
//! above_scale,business_scope`, optionally `labour_compensation,depreciation,
//! net_production_taxes,operating_surplus`. Chinese headers are accepted as aliases.

use crate::classification::Classification;
use crate::money::{parse_micro, DecimalError, Micro};
use crate::regions::{parse_code6, Regions};
use crate::uscc;

/// Column names and their Chinese aliases.
const REQUIRED: [(&str, &[&str]); 9] = [
    ("uscc", &["统一社会信用代码"]),
    ("name", &["企业名称", "单位名称"]),
    ("region_code", &["区划代码", "行政区划代码"]),
    ("industry_code", &["行业代码"]),
    ("year", &["年份"]),
    ("revenue", &["营业收入"]),
    ("employees", &["从业人员", "从业人员期末人数"]),
    ("above_scale", &["是否规上", "规模以上"]),
    ("business_scope", &["经营范围"]),
];
const INCOME: [(&str, &[&str]); 4] = [
    ("labour_compensation", &["劳动者报酬"]),
    ("depreciation", &["固定资产折旧"]),
    ("net_production_taxes", &["生产税净额"]),
    ("operating_surplus", &["营业盈余"]),
];

/// Positions of the columns in the input.
#[derive(Debug, Clone)]
pub struct Columns {
    pub uscc: usize,
    pub name: usize,
    pub region_code: usize,
    pub industry_code: usize,
    pub year: usize,
    pub revenue: usize,
    pub employees: usize,
    pub above_scale: usize,
    pub business_scope: usize,
    pub income: Option<[usize; 4]>,
    /// The header as read, for the rejects file.
    pub header: Vec<String>,
    /// Header columns that are not used (reported to the user, not silently ignored).
    pub ignored: Vec<String>,
}

impl Columns {
    /// Maps a header row. Errors name every missing or duplicated column.
    pub fn from_header<'a>(header: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let header: Vec<String> =
            header.into_iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_string()).collect();
        let find = |name: &str, aliases: &[&str]| -> Result<Option<usize>, String> {
            let hits: Vec<usize> = header
                .iter()
                .enumerate()
                .filter(|(_, h)| h.eq_ignore_ascii_case(name) || aliases.contains(&h.as_str()))
                .map(|(i, _)| i)
                .collect();
            match hits.as_slice() {
                [] => Ok(None),
                [one] => Ok(Some(*one)),
                _ => Err(format!("列 {name} 出现多次 / column {name} appears more than once")),
            }
        };
        let mut req = [0usize; 9];
        let mut missing = Vec::new();
        for (i, (name, aliases)) in REQUIRED.iter().enumerate() {
            match find(name, aliases)? {
                Some(p) => req[i] = p,
                None => missing.push(*name),
            }
        }
        if !missing.is_empty() {
            return Err(format!("缺少必需列 / missing required columns: {}", missing.join(", ")));
        }
        let mut inc = [None; 4];
        for (i, (name, aliases)) in INCOME.iter().enumerate() {
            inc[i] = find(name, aliases)?;
        }
        let income = match inc {
            [Some(a), Some(b), Some(c), Some(d)] => Some([a, b, c, d]),
            [None, None, None, None] => None,
            _ => {
                return Err("收入法四项（劳动者报酬、固定资产折旧、生产税净额、营业盈余）须同时提供 / the four income-approach columns must all be present or all absent".into())
            }
        };
        let used: Vec<usize> = req.iter().copied().chain(income.into_iter().flatten()).collect();
        let ignored = header.iter().enumerate().filter(|(i, _)| !used.contains(i)).map(|(_, h)| h.clone()).collect();
        Ok(Self {
            uscc: req[0],
            name: req[1],
            region_code: req[2],
            industry_code: req[3],
            year: req[4],
            revenue: req[5],
            employees: req[6],
            above_scale: req[7],
            business_scope: req[8],
            income,
            header,
            ignored,
        })
    }
}

/// A validated row; text fields borrow from the record.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub uscc: &'a [u8],
    pub name: &'a str,
    /// Compact county index (see [`Regions::counties`]).
    pub county: u16,
    pub industry_code: u16,
    pub year: u16,
    pub revenue: Micro,
    pub employees: Option<u32>,
    pub above_scale: Option<bool>,
    /// Matched as bytes (UTF-8 keywords cannot match across character boundaries).
    pub business_scope: &'a [u8],
    /// Sum of the four income components when all four are filled.
    pub income_va: Option<Micro>,
    /// Some but not all four components filled: kept, income VA not computed, warned.
    pub income_incomplete: bool,
}

/// Years accepted as plausible data years.
pub const YEARS: std::ops::RangeInclusive<u16> = 1949..=2100;

fn show(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.into_owned()
    }
}

/// Validates one record. On failure returns every problem found, joined by "；".
#[inline]
pub fn parse_row<'a>(
    rec: &[&'a [u8]],
    cols: &Columns,
    regions: &Regions,
    table: &Classification,
) -> Result<Row<'a>, String> {
    if rec.len() != cols.header.len() {
        return Err(format!(
            "字段数为 {}，表头为 {} / the row has {} fields, the header {}",
            rec.len(),
            cols.header.len(),
            rec.len(),
            cols.header.len()
        ));
    }
    let mut errs: Vec<String> = Vec::new();
    let uscc_b = rec[cols.uscc];
    if let Err(e) = uscc::validate(uscc_b) {
        errs.push(format!("{e}: {}", show(uscc_b)));
    }
    let name = match std::str::from_utf8(rec[cols.name]) {
        Ok(s) if !s.trim().is_empty() => s,
        Ok(_) => {
            errs.push("企业名称为空 / name is empty".into());
            ""
        }
        Err(_) => {
            errs.push("企业名称不是 UTF-8 编码（GBK 文件请先转为 UTF-8）/ name is not UTF-8 (convert GBK files to UTF-8)".into());
            ""
        }
    };
    let rc = rec[cols.region_code].trim_ascii();
    let county = match parse_code6(rc) {
        None => {
            errs.push(format!("行政区划代码须为 6 位数字 / region code must be 6 digits: {}", show(rc)));
            0
        }
        Some(c) => match regions.county_index(c) {
            Some(i) => i,
            None => {
                let known = regions.get(std::str::from_utf8(rc).unwrap_or(""));
                errs.push(match known {
                    Some(r) => format!(
                        "区划代码 {} 是{}级（{}），须为县级 / region code {} is {} level, county level required",
                        r.code, r.level, r.name_zh, r.code, r.level
                    ),
                    None => format!("区划代码 {} 不是已知的县级区划 / region code {} is not a known county-level division", show(rc), show(rc)),
                });
                0
            }
        },
    };
    let ic = rec[cols.industry_code].trim_ascii();
    let industry_code = if ic.len() == 4 && ic.iter().all(u8::is_ascii_digit) {
        let c = ic.iter().fold(0u16, |a, &d| a * 10 + u16::from(d - b'0'));
        if !table.is_known(c) {
            errs.push(format!(
                "行业代码 {c:04} 不是已知的 GB/T 4754-2017 小类 / industry code {c:04} is not a known GB/T 4754-2017 small class"
            ));
        }
        c
    } else {
        errs.push(format!(
            "行业代码须为 4 位数字的 GB/T 4754-2017 小类代码（不带门类字母）/ industry code must be a 4-digit GB/T 4754-2017 small class (no section letter): {}",
            show(ic)
        ));
        0
    };
    let yb = rec[cols.year].trim_ascii();
    let year = match std::str::from_utf8(yb).ok().filter(|s| s.len() == 4).and_then(|s| s.parse::<u16>().ok()) {
        Some(y) if YEARS.contains(&y) => y,
        _ => {
            errs.push(format!("年份须为 1949–2100 的 4 位数字 / year must be a 4-digit year in 1949–2100: {}", show(yb)));
            0
        }
    };
    let revenue = match parse_micro(rec[cols.revenue]) {
        Ok(v) if v < 0 => {
            errs.push(format!("{}: {}", DecimalError::Negative.message("营业收入", "revenue"), show(rec[cols.revenue])));
            0
        }
        Ok(v) => v,
        Err(e) => {
            errs.push(format!("{}: {}", e.message("营业收入", "revenue"), show(rec[cols.revenue])));
            0
        }
    };
    let eb = rec[cols.employees].trim_ascii();
    let employees = if eb.is_empty() {
        None
    } else {
        match std::str::from_utf8(eb).ok().and_then(|s| s.parse::<u32>().ok()) {
            Some(n) => Some(n),
            None => {
                errs.push(format!("从业人员须为非负整数 / employees must be a non-negative integer: {}", show(eb)));
                None
            }
        }
    };
    let ab = rec[cols.above_scale].trim_ascii();
    let above_scale = match ab {
        b"" => None,
        b"1" | b"true" | b"TRUE" | b"True" | b"Y" | b"y" | b"yes" => Some(true),
        b"0" | b"false" | b"FALSE" | b"False" | b"N" | b"n" | b"no" => Some(false),
        _ if ab == "是".as_bytes() => Some(true),
        _ if ab == "否".as_bytes() => Some(false),
        _ => {
            errs.push(format!("是否规上应为 1/0、是/否 或 true/false / above_scale must be 1/0, 是/否 or true/false: {}", show(ab)));
            None
        }
    };
    let mut income_va = None;
    let mut income_incomplete = false;
    if let Some(ix) = cols.income {
        let mut sum: Micro = 0;
        let mut filled = 0;
        for (k, &i) in ix.iter().enumerate() {
            match parse_micro(rec[i]) {
                Ok(v) => {
                    sum += v;
                    filled += 1;
                }
                Err(DecimalError::Empty) => {}
                Err(e) => errs.push(format!("{}: {}", e.message(INCOME[k].1[0], INCOME[k].0), show(rec[i]))),
            }
        }
        if filled == 4 {
            income_va = Some(sum);
        } else if filled > 0 {
            income_incomplete = true;
        }
    }
    if !errs.is_empty() {
        return Err(errs.join("；"));
    }
    Ok(Row {
        uscc: uscc_b,
        name,
        county,
        industry_code,
        year,
        revenue,
        employees,
        above_scale,
        business_scope: rec[cols.business_scope],
        income_va,
        income_incomplete,
    })
}
