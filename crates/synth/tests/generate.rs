//! The generator and the checker on the shipped dataset: every documented statement holds for
//! several seeds, the white paper's tiers and totals are met by the documented and generated
//! values together, every value is flagged, and a seed fixes the output.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use digecon_core::{Observation, Period, RegionLevel};
use digecon_dataset::Dataset;
use digecon_synth::{check, generate, CheckKind, Inputs, Spec, Synthesis, GENERATOR, SYNTHETIC_DOC};

/// Seeds tested: the demo's, and a few others (about 1 s each in a debug build).
const SEEDS: [u64; 4] = [2022, 1, 17, 4242];

struct Fixture {
    ds: Dataset,
    spec: Spec,
    runs: BTreeMap<u64, Synthesis>,
}

fn inputs(ds: &Dataset) -> Inputs<'_> {
    Inputs { regions: &ds.regions, indicators: &ds.indicators, observations: &ds.observations, constraints: &ds.constraints }
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let ds = Dataset::embedded().unwrap();
        let spec = Spec::embedded().unwrap();
        let runs = SEEDS.iter().map(|&s| (s, generate(&inputs(&ds), &spec, s).unwrap_or_else(|e| panic!("seed {s}: {e}")))).collect();
        Fixture { ds, spec, runs }
    })
}

fn level_of(f: &Fixture, code: &str) -> RegionLevel {
    f.ds.regions.iter().find(|r| r.code == code).unwrap_or_else(|| panic!("region {code}")).level
}

/// Documented and generated values of `indicator` in `year` for every city, by city name.
fn city_values(f: &Fixture, seed: u64, indicator: &str, year: i32) -> BTreeMap<String, f64> {
    let cities: HashMap<&str, &str> = f.ds.regions.iter().filter(|r| r.level == RegionLevel::City).map(|r| (r.code.as_str(), r.name_zh.as_str())).collect();
    let mut out = BTreeMap::new();
    let all = f.ds.observations.iter().chain(&f.runs[&seed].observations);
    for o in all.filter(|o| o.indicator_code == indicator && o.period == Period::Year(year)) {
        if let Some(name) = cities.get(o.region_code.as_str()) {
            assert!(out.insert(name.to_string(), o.value).is_none(), "{name} {indicator} {year} twice");
        }
    }
    out
}

fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

#[test]
fn every_documented_statement_holds_for_every_seed() {
    let f = fixture();
    for (seed, s) in &f.runs {
        let report = check(&inputs(&f.ds), &f.spec, &s.observations);
        let bad: Vec<String> = report.violations().iter().map(|c| format!("{:?} {} | {}", c.kind, c.subject, c.detail)).collect();
        assert!(bad.is_empty(), "seed {seed}: {bad:#?}");
        // Each kind was actually checked, not passed for want of anything to check.
        let summary = report.summary();
        for (kind, at_least) in [(CheckKind::Bound, 100), (CheckKind::Rank, 20), (CheckKind::Sum, 290), (CheckKind::Formula, 1300), (CheckKind::Statement, 10)] {
            let (n, violated) = summary.get(&kind).copied().unwrap_or_default();
            assert!(n >= at_least && violated == 0, "seed {seed}: {kind:?} {n} checked, {violated} violated");
        }
        // The statements left out on purpose are listed, not dropped.
        assert_eq!(summary.get(&CheckKind::Excluded).map(|e| e.0), Some(f.spec.exclusions.len()), "seed {seed}");
        // Values for the 11 cities and the 100 counties, nothing else.
        let mut regions: BTreeMap<RegionLevel, HashSet<&str>> = BTreeMap::new();
        for o in &s.observations {
            regions.entry(level_of(f, &o.region_code)).or_default().insert(o.region_code.as_str());
        }
        let counts: Vec<(RegionLevel, usize)> = regions.iter().map(|(l, r)| (*l, r.len())).collect();
        assert_eq!(counts, [(RegionLevel::City, 11), (RegionLevel::County, 100)], "seed {seed}");
        assert!(s.observations.len() > 4000, "seed {seed}: {} values", s.observations.len());
    }
}

#[test]
fn core_value_added_2022_keeps_the_white_paper_tiers() {
    // 000: 南昌、吉安超 400 亿元为第一梯队，赣州、上饶、九江三个设区市超 200 亿元为第二梯队，其余设区市为第三梯队;
    // 增加值排名前三的是南昌、吉安、赣州，增加值分别为 615.09 亿元、473.47 亿元、365.02 亿元。
    let f = fixture();
    for seed in SEEDS {
        let v = city_values(f, seed, "CORE_VA", 2022);
        assert_eq!(v.len(), 11, "seed {seed}: {v:?}");
        assert_eq!((v["南昌市"], v["吉安市"], v["赣州市"]), (615.09, 473.47, 365.02), "seed {seed}: documented values untouched");
        for city in ["南昌市", "吉安市"] {
            assert!(v[city] > 400.0, "seed {seed}: {city} {}", v[city]);
        }
        for city in ["赣州市", "上饶市", "九江市"] {
            assert!(v[city] > 200.0 && v[city] <= 400.0, "seed {seed}: {city} {}", v[city]);
        }
        for city in ["景德镇市", "萍乡市", "新余市", "鹰潭市", "宜春市", "抚州市"] {
            assert!(v[city] > 0.0 && v[city] <= 200.0, "seed {seed}: {city} {}", v[city]);
        }
        assert!(v["上饶市"] < 365.02 && v["九江市"] < 365.02, "seed {seed}: 赣州 stays third: {v:?}");
        // The eight generated ones sum with the three documented ones to the province's 2678.7.
        assert_eq!(v.values().map(|x| cents(*x)).sum::<i64>(), cents(2678.7), "seed {seed}: {v:?}");
    }
}

#[test]
fn city_digital_economy_2022_adds_up_to_the_province() {
    let f = fixture();
    for seed in SEEDS {
        let v = city_values(f, seed, "DE_VA", 2022);
        assert_eq!(v.len(), 11, "seed {seed}");
        assert_eq!(v["赣州市"], 1785.6, "seed {seed}: documented (003)");
        assert_eq!(v.values().map(|x| cents(*x)).sum::<i64>(), cents(11874.0), "seed {seed}: {v:?}");
        // 南昌市领跑全省，是全省唯一数字经济增加值突破3000亿元的设区市; 其余设区市均在2000亿元以下; 超1000亿元设区市新增吉安.
        assert!(v["南昌市"] > 3000.0 && v.iter().all(|(c, x)| c == "南昌市" || *x < 2000.0), "seed {seed}: {v:?}");
        assert!(v["吉安市"] > 1000.0, "seed {seed}: {v:?}");
        // Each city's counties add up to it, to the cent.
        let s = &f.runs[&seed];
        for r in f.ds.regions.iter().filter(|r| r.level == RegionLevel::City) {
            let sum: i64 = s
                .observations
                .iter()
                .filter(|o| o.indicator_code == "DE_VA" && o.period == Period::Year(2022))
                .filter(|o| f.ds.regions.iter().any(|c| c.code == o.region_code && c.level == RegionLevel::County && c.parent_code.as_deref() == Some(r.code.as_str())))
                .map(|o| cents(o.value))
                .sum();
            assert_eq!(sum, cents(v[&r.name_zh]), "seed {seed}: counties of {}", r.name_zh);
        }
    }
}

#[test]
fn every_value_is_flagged_synthetic_and_never_at_a_documented_key() {
    let f = fixture();
    let documented: HashSet<(&str, &str, Period)> = f.ds.observations.iter().map(|o| (o.region_code.as_str(), o.indicator_code.as_str(), o.period)).collect();
    for (seed, s) in &f.runs {
        for o in &s.observations {
            assert!(o.synthetic, "seed {seed}: {o:?}");
            assert_eq!(o.source.doc, SYNTHETIC_DOC, "seed {seed}: {o:?}");
            assert!(o.source.quote.starts_with(&format!("{GENERATOR} seed={seed}")), "seed {seed}: {}", o.source.quote);
            assert!(!documented.contains(&(o.region_code.as_str(), o.indicator_code.as_str(), o.period)), "seed {seed}: {o:?} is documented");
            assert!(o.value.is_finite(), "seed {seed}: {o:?}");
        }
    }
}

#[test]
fn a_seed_fixes_the_output_and_another_seed_changes_it() {
    let f = fixture();
    let again = generate(&inputs(&f.ds), &f.spec, 2022).unwrap();
    assert_eq!(again, f.runs[&2022], "same seed, same synthesis (values, quotes, implied totals)");
    let (a, b) = (&f.runs[&2022].observations, &f.runs[&1].observations);
    let keys = |s: &[Observation]| s.iter().map(|o| (o.region_code.clone(), o.indicator_code.clone(), o.period)).collect::<Vec<_>>();
    assert_eq!(keys(a), keys(b), "the same cells for every seed");
    // Drawn values differ (computed ranks and changes may coincide).
    let values = |s: &[Observation], code: &str, level: RegionLevel| -> Vec<f64> {
        s.iter().filter(|o| o.indicator_code == code && o.period == Period::Year(2022) && level_of(f, &o.region_code) == level).map(|o| o.value).collect()
    };
    let (x, y) = (values(a, "GDP", RegionLevel::City), values(b, "GDP", RegionLevel::City));
    assert_eq!(x.len(), 11);
    assert!(x.iter().zip(&y).all(|(p, q)| p != q), "city GDP 2022: {x:?} vs {y:?}");
    let (x, y) = (values(a, "DE_VA", RegionLevel::County), values(b, "DE_VA", RegionLevel::County));
    let differ = x.iter().zip(&y).filter(|(p, q)| p != q).count();
    assert!(x.len() == 100 && differ >= 95, "county DE_VA 2022: {differ} of {} differ", x.len());
}
