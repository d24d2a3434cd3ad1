//! Seeded synthetic microdata for tests and benchmarks. Every value is `synthetic`: the generator
//! reproduces the shape of the data (counties weighted by city size, core and non-core industries,
//! starred codes with digital, non-digital, conflicting or missing scope keywords, a log-normal
//! revenue with a heavy right tail, a 2021–2022 panel with entries and exits), not any real
//! enterprise.

use std::io::{self, Write};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::classification::CodeKind;
use crate::regions::Regions;
use crate::rules::{Classifier, RuleOutcome};
use crate::uscc;

/// Generator settings.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub rows: u64,
    pub seed: u64,
    /// Fraction of rows made invalid on purpose (0 = none), cycling through [`BadKind`].
    pub bad_fraction: f64,
    /// Share of enterprises in core classes 01–04.
    pub core_share: f64,
    /// First of the two panel years.
    pub first_year: u16,
    /// Also write the four income-approach columns (filled for about 60 % of rows).
    pub income_columns: bool,
}

impl Default for SynthOptions {
    fn default() -> Self {
        Self { rows: 1000, seed: 1, bad_fraction: 0.0, core_share: 0.35, first_year: 2021, income_columns: true }
    }
}

/// Kinds of deliberately bad rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BadKind {
    UsccCheck,
    UnknownRegion,
    CodeNotFourDigits,
    UnknownCode,
    RevenueNotNumeric,
}

pub const BAD_KINDS: [BadKind; 5] =
    [BadKind::UsccCheck, BadKind::UnknownRegion, BadKind::CodeNotFourDigits, BadKind::UnknownCode, BadKind::RevenueNotNumeric];

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynthStats {
    pub rows: u64,
    pub enterprises: u64,
    /// (line number, kind) of every deliberately bad row.
    pub bad: Vec<(u64, BadKind)>,
}

pub const HEADER: &str = "uscc,name,region_code,industry_code,year,revenue,employees,above_scale,business_scope";
pub const INCOME_HEADER: &str = ",labour_compensation,depreciation,net_production_taxes,operating_surplus";

/// City weights (rough relative economic size; synthetic parameter, not data).
fn city_weight(city_code: &str) -> f64 {
    match city_code {
        "360100" => 30.0, // 南昌
        "360700" => 16.0, // 赣州
        "360400" => 12.0, // 九江
        "361100" | "360900" => 10.0,
        "360800" => 8.0,
        "361000" => 5.0,
        "360300" | "360500" | "360600" => 4.0,
        "360200" => 3.0,
        _ => 5.0,
    }
}

const TRADE_NAMES: [&str; 24] = [
    "华信", "恒达", "金瑞", "联创", "中科", "赣电", "鑫源", "博远", "天成", "瑞丰", "宏图", "华腾", "启明", "星海", "新锐", "力拓",
    "卓越", "润泽", "合力", "绿源", "晶辉", "同创", "智远", "东方",
];
const GENERIC_SCOPE: [&str; 4] = [
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    "货物进出口",
    "企业管理咨询",
    "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
];

struct Pick {
    code: u16,
    /// For starred/shared codes: (keyword for the chosen outcome, keyword for another outcome).
    scope_extra: String,
    core_major: Option<u8>,
}

struct Gen<'a> {
    rng: ChaCha8Rng,
    classifier: &'a Classifier,
    county_cdf: Vec<f64>,
    core_by_major: [Vec<usize>; 4],
    noncore_groups: Vec<(f64, Vec<u16>)>,
}

fn cdf(weights: &[f64]) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    weights
        .iter()
        .map(|w| {
            acc += w / total;
            acc
        })
        .collect()
}

impl<'a> Gen<'a> {
    fn new(regions: &'a Regions, classifier: &'a Classifier, seed: u64) -> Self {
        let t = &classifier.table;
        let weights: Vec<f64> = (0..regions.counties.len())
            .map(|c| {
                let city = &regions.regions[regions.county_city[c]].code;
                let n_in_city = regions.county_city.iter().filter(|&&x| x == regions.county_city[c]).count() as f64;
                let urban = if regions.regions[regions.counties[c]].name_zh.ends_with('区') { 2.0 } else { 1.0 };
                city_weight(city) / n_in_city * urban
            })
            .collect();
        let mut core_by_major: [Vec<usize>; 4] = Default::default();
        for (s, _) in t.slots.iter().enumerate() {
            let major = &t.slot_classes(s).2.code;
            let m: usize = major.parse::<usize>().expect("numeric major") - 1;
            core_by_major[m].push(s);
        }
        // Non-core codes by section group (share of enterprises, synthetic parameter).
        let groups: [(f64, std::ops::RangeInclusive<u16>); 5] =
            [(0.07, 100..=1299), (0.40, 1300..=4699), (0.08, 4700..=5099), (0.25, 5100..=5299), (0.20, 5300..=9699)];
        let noncore_groups = groups
            .iter()
            .map(|(w, r)| (*w, r.clone().filter(|&c| matches!(t.kind(c), CodeKind::NonCore { .. })).collect::<Vec<u16>>()))
            .collect();
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            classifier,
            county_cdf: cdf(&weights),
            core_by_major,
            noncore_groups,
        }
    }

    fn pick_cdf(&mut self, cdf: &[f64]) -> usize {
        let u: f64 = self.rng.random();
        cdf.partition_point(|&x| x < u).min(cdf.len() - 1)
    }

    fn normal(&mut self) -> f64 {
        // Box–Muller.
        let u1: f64 = self.rng.random::<f64>().max(f64::MIN_POSITIVE);
        let u2: f64 = self.rng.random();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    fn keyword_for(&mut self, code: u16, want: impl Fn(RuleOutcome) -> bool) -> Option<String> {
        let rules: Vec<&crate::rules::Rule> =
            self.classifier.rules.iter().filter(|r| r.gb_code == code && want(r.outcome)).collect();
        if rules.is_empty() {
            return None;
        }
        let r = rules[self.rng.random_range(0..rules.len())];
        Some(r.keywords[self.rng.random_range(0..r.keywords.len())].clone())
    }

    fn pick_industry(&mut self, core_share: f64) -> Pick {
        if self.rng.random_bool(core_share) {
            // Shares of core enterprises by major class (synthetic parameter).
            let m = self.pick_cdf(&[0.50, 0.60, 0.85, 1.0]);
            let slots = &self.core_by_major[m];
            let slot = slots[self.rng.random_range(0..slots.len())];
            let code = self.classifier.table.slots[slot].gb_code;
            let mut scope_extra = String::new();
            if matches!(self.classifier.table.kind(code), CodeKind::Partial(_)) {
                let u: f64 = self.rng.random();
                let digital = self.keyword_for(code, |o| o == RuleOutcome::Core(slot));
                let other = self.keyword_for(code, |o| o != RuleOutcome::Core(slot));
                scope_extra = match (u, digital, other) {
                    (u, Some(d), _) if u < 0.55 => d,
                    (u, _, Some(o)) if u < 0.80 => o,
                    (u, Some(d), Some(o)) if u < 0.90 => format!("{d}、{o}"),
                    _ => String::new(),
                };
            }
            Pick { code, scope_extra, core_major: Some(m as u8 + 1) }
        } else {
            let w: Vec<f64> = self.noncore_groups.iter().map(|g| g.0).collect();
            let g = self.pick_cdf(&cdf(&w));
            let codes = &self.noncore_groups[g].1;
            let code = codes[self.rng.random_range(0..codes.len())];
            Pick { code, scope_extra: String::new(), core_major: None }
        }
    }
}

/// GB 11714 organisation-code check digit of 8 characters (digits here).
fn org_check(body: &[u8; 8]) -> u8 {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let s: u32 = body.iter().zip(W).map(|(&b, w)| u32::from(b - b'0') * w).sum();
    match 11 - s % 11 {
        10 => b'X',
        11 => b'0',
        c => b'0' + c as u8,
    }
}

/// A valid USCC for enterprise `id` registered in `county_code` (unique per id below 10^8).
pub fn make_uscc(id: u64, county_code: &str) -> String {
    // A bijection of 0..10^8 so consecutive ids do not look consecutive.
    let x = (id % 100_000_000) * 7_919 % 100_000_000;
    let mut body = [0u8; 8];
    body.copy_from_slice(format!("{x:08}").as_bytes());
    let mut s = Vec::with_capacity(18);
    s.extend_from_slice(b"91");
    s.extend_from_slice(county_code.as_bytes());
    s.extend_from_slice(&body);
    s.push(org_check(&body));
    let c = uscc::check_char(&s).expect("generated characters are in the alphabet");
    s.push(c);
    String::from_utf8(s).expect("ASCII")
}

fn money(v: f64) -> String {
    format!("{v:.2}")
}

/// Writes `opts.rows` rows of CSV (header first). `progress` receives rows written so far.
pub fn generate(
    opts: &SynthOptions,
    regions: &Regions,
    classifier: &Classifier,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> io::Result<SynthStats> {
    let mut g = Gen::new(regions, classifier, opts.seed);
    let mut stats = SynthStats::default();
    let mut line_buf = String::with_capacity(512);
    writeln!(out, "{HEADER}{}", if opts.income_columns { INCOME_HEADER } else { "" })?;
    let bad_every = if opts.bad_fraction > 0.0 { (1.0 / opts.bad_fraction).round().max(1.0) as u64 } else { 0 };
    let mut id = 0u64;
    while stats.rows < opts.rows {
        id += 1;
        stats.enterprises += 1;
        let county = g.pick_cdf(&g.county_cdf.clone());
        let county_region = &regions.regions[regions.counties[county]];
        let county_code = county_region.code.clone();
        let pick = g.pick_industry(opts.core_share);
        let uscc_s = make_uscc(id, &county_code);
        let place = county_region.name_zh.trim_end_matches(['县', '区', '市']);
        let trade = TRADE_NAMES[g.rng.random_range(0..TRADE_NAMES.len())];
        let kind = match pick.core_major {
            Some(1) => "电子科技",
            Some(2) => "数码",
            Some(3) => "信息技术",
            Some(4) => "数字科技",
            _ => ["实业", "商贸", "建设工程", "农业发展", "制造"][g.rng.random_range(0..5)],
        };
        let name = format!("{place}{trade}{kind}有限公司");
        let gb_name = classifier.table.gb_name(pick.code).unwrap_or("").replace('、', "");
        let mut scope = gb_name;
        if !pick.scope_extra.is_empty() {
            scope.push('；');
            scope.push_str(&pick.scope_extra);
        }
        for p in GENERIC_SCOPE.iter().take(1 + g.rng.random_range(0..GENERIC_SCOPE.len())) {
            scope.push('；');
            scope.push_str(p);
        }
        // Log-normal revenue (万元): manufacturing larger and more dispersed than services.
        let (mu, sigma) = if (1300..4400).contains(&pick.code) { (8000f64.ln(), 1.8) } else { (2500f64.ln(), 1.6) };
        let rev0 = (mu + sigma * g.normal()).exp();
        let in_first = g.rng.random_bool(0.85);
        let in_second = !in_first || g.rng.random_bool(0.9);
        let growth = (0.08 + 0.25 * g.normal()).exp();
        for (k, present) in [in_first, in_second].into_iter().enumerate() {
            if !present || stats.rows >= opts.rows {
                continue;
            }
            let year = opts.first_year + k as u16;
            let rev = if k == 0 { rev0 } else { rev0 * growth };
            let line = stats.rows + 2;
            let bad = if bad_every > 0 && (stats.rows + 1) % bad_every == 0 {
                let b = BAD_KINDS[stats.bad.len() % BAD_KINDS.len()];
                stats.bad.push((line, b));
                Some(b)
            } else {
                None
            };
            let mut u = uscc_s.clone();
            let mut region = county_code.clone();
            let mut code = format!("{:04}", pick.code);
            let mut revenue = money(rev);
            match bad {
                Some(BadKind::UsccCheck) => {
                    let last = u.pop().expect("18 chars");
                    u.push(if last == '0' { '1' } else { '0' });
                }
                Some(BadKind::UnknownRegion) => region = "369999".into(),
                Some(BadKind::CodeNotFourDigits) => code = code[..3].to_string(),
                Some(BadKind::UnknownCode) => code = "9999".into(),
                Some(BadKind::RevenueNotNumeric) => revenue = format!("\"{},{:03}\"", (rev as u64) / 1000, (rev as u64) % 1000),
                None => {}
            }
            let employees = ((rev / 120.0) * (0.3 * g.normal()).exp()).max(1.0).round() as u64;
            let above = u8::from(rev >= 2000.0);
            line_buf.clear();
            use std::fmt::Write as _;
            let _ = write!(line_buf, "{u},{name},{region},{code},{year},{revenue},{employees},{above},{scope}");
            if opts.income_columns {
                if g.rng.random_bool(0.6) {
                    let va = rev * 0.25 * (0.2 * g.normal()).exp();
                    let surplus = va * (0.28 + 0.1 * g.normal());
                    let _ = write!(
                        line_buf,
                        ",{},{},{},{}",
                        money(va * 0.45),
                        money(va * 0.15),
                        money(va * 0.12),
                        money(surplus)
                    );
                } else {
                    line_buf.push_str(",,,,");
                }
            }
            line_buf.push('\n');
            out.write_all(line_buf.as_bytes())?;
            stats.rows += 1;
            if stats.rows % 65_536 == 0 {
                progress(stats.rows);
            }
        }
    }
    progress(stats.rows);
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_usccs_are_valid() {
        for id in [1, 2, 99_999_999, 12_345] {
            let u = make_uscc(id, "360102");
            assert_eq!(u.len(), 18);
            assert_eq!(uscc::validate(u.as_bytes()), Ok(()), "{u}");
        }
        assert_ne!(make_uscc(1, "360102"), make_uscc(2, "360102"));
    }

    #[test]
    fn org_check_digit_example() {
        // GB 11714 weights 3,7,9,10,5,8,4,2 on 12345678: 3+14+27+40+25+48+28+16 = 201;
        // 201 mod 11 = 3; 11 − 3 = 8.
        assert_eq!(org_check(b"12345678"), b'8');
    }

    #[test]
    fn same_seed_same_bytes() {
        let r = Regions::jiangxi();
        let c = Classifier::nbs2021();
        let opts = SynthOptions { rows: 300, seed: 7, bad_fraction: 0.05, ..Default::default() };
        let mut a = Vec::new();
        let mut b = Vec::new();
        let sa = generate(&opts, &r, &c, &mut a, &mut |_| {}).unwrap();
        generate(&opts, &r, &c, &mut b, &mut |_| {}).unwrap();
        assert_eq!(a, b);
        assert_eq!(sa.rows, 300);
        assert_eq!(a.iter().filter(|&&x| x == b'\n').count(), 301);
        assert_eq!(sa.bad.len(), 15);
    }
}
