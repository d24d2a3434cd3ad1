//! `digecon synth` as a user runs it: `init` then `synth` twice on SQLite and PostgreSQL (the
//! second run changes nothing, documented values stay as they are), `--check-only` without a
//! database, a filed value that breaks a documented bound makes `synth` refuse and write nothing,
//! and `digecon demo` loads the synthetic regional data for every city and county.

use std::path::Path;
use std::process::{Command, Output};

use digecon_core::{Observation, Period, RegionLevel};
use digecon_store::testing::TestDb;
use digecon_store::{ObservationFilter, Store};

struct Run {
    out: String,
    err: String,
    ok: bool,
}

fn digecon(dir: &Path, args: &[String]) -> Run {
    let Output { status, stdout, stderr } = Command::new(env!("CARGO_BIN_EXE_digecon")).args(args).current_dir(dir).output().expect("run digecon");
    Run { out: String::from_utf8(stdout).unwrap(), err: String::from_utf8(stderr).unwrap(), ok: status.success() }
}

/// `digecon SUB --db … ARGS…`.
fn run(dir: &Path, db: &TestDb, sub: &str, args: &[&str]) -> Run {
    let mut all = vec![sub.to_string()];
    match db.url.strip_prefix("sqlite:") {
        Some(p) => all.extend(["--db".to_string(), p.to_string()]),
        None => all.extend(["--database-url".to_string(), db.url.clone()]),
    }
    all.extend(args.iter().map(|s| s.to_string()));
    digecon(dir, &all)
}

fn ok(r: Run, what: &str) -> String {
    assert!(r.ok, "{what}: {}\n{}", r.err, r.out);
    r.out
}

/// The cells of the table row whose first cell is `label` (comfy-table's `│ a ┆ b │`).
fn row(out: &str, label: &str) -> Vec<String> {
    let line = out.lines().find(|l| l.trim_start_matches('│').trim().starts_with(label)).unwrap_or_else(|| panic!("no row `{label}` in\n{out}"));
    line.trim().trim_matches('│').split('┆').map(|c| c.trim().to_string()).collect()
}

async fn all(store: &Store) -> Vec<Observation> {
    store.observations(&ObservationFilter::default()).await.unwrap()
}

async fn value(store: &Store, region: &str, indicator: &str, year: i32) -> Observation {
    let f = ObservationFilter { region: Some(region.into()), indicator: Some(indicator.into()), period: Some(Period::Year(year)) };
    store.observations(&f).await.unwrap().into_iter().next().unwrap_or_else(|| panic!("{region} {indicator} {year}"))
}

#[tokio::test]
async fn synth_twice_is_stable_and_leaves_documented_values_alone_on_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    for db in TestDb::both() {
        let l = db.label;
        ok(run(dir.path(), &db, "init", &[]), l);
        let store = db.open().await;
        let documented = all(&store).await;
        assert_eq!(documented.len(), 589, "{l}");

        let first = ok(run(dir.path(), &db, "synth", &[]), l);
        assert!(first.contains("(seed 2022): 4140 个值 / values"), "{l}: {first}");
        // Every kind of statement checked, none violated.
        for kind in ["界限 / bounds", "名次 / ranks", "下级合计 / sums", "公式 / formulas", "上级陈述 / statements"] {
            let r = row(&first, kind);
            assert!(r[1].parse::<u32>().unwrap() > 0 && r[2] == "0", "{l}: {r:?}");
        }
        assert_eq!(row(&first, "公式 / formulas")[1], "1391", "{l}");
        // level, written, new, updated, unchanged, skipped
        assert_eq!(row(&first, "设区市 / cities")[1..], ["1040", "1040", "0", "0", "0"], "{l}");
        assert_eq!(row(&first, "县（市、区）/ counties")[1..], ["3100", "3100", "0", "0", "0"], "{l}");
        assert_eq!(row(&first, "合计 / total")[1..], ["4140", "4140", "0", "0", "0"], "{l}");
        assert!(first.contains("用时 / time:") && first.contains("合计 total"), "{l}: {first}");
        let after_first = all(&store).await;
        assert_eq!(after_first.len(), 589 + 4140, "{l}");
        assert_eq!(after_first.iter().filter(|o| o.synthetic && o.source.doc == "synthetic").count(), 4140, "{l}");

        let second = ok(run(dir.path(), &db, "synth", &["--seed", "2022"]), l);
        assert_eq!(row(&second, "合计 / total")[1..], ["4140", "0", "0", "4140", "0"], "{l}: {second}");
        assert_eq!(all(&store).await, after_first, "{l}: the second run changed nothing");

        // The documented values are all there, as loaded.
        for d in &documented {
            assert!(after_first.contains(d), "{l}: {d:?}");
        }
        let de = value(&store, "360000", "DE_VA", 2022).await;
        assert_eq!((de.value, de.synthetic, de.source.doc.as_str()), (11874.0, false, "000_060bb66a7157f110.txt"), "{l}");
        let gz = value(&store, "360700", "CORE_VA", 2022).await;
        assert_eq!((gz.value, gz.synthetic), (365.02, false), "{l}");
        // The cities' generated and documented DE_VA add up to the province's.
        let cities: Vec<String> = store.regions().await.unwrap().into_iter().filter(|r| r.level == RegionLevel::City).map(|r| r.code).collect();
        let de_cities: Vec<&Observation> = after_first.iter().filter(|o| o.indicator_code == "DE_VA" && o.period == Period::Year(2022) && cities.contains(&o.region_code)).collect();
        assert_eq!(de_cities.len(), 11, "{l}");
        assert_eq!(de_cities.iter().map(|o| (o.value * 100.0).round() as i64).sum::<i64>(), 1_187_400, "{l}");

        // A filed value that breaks a documented bound (九江 CORE_VA 2022 must be > 200, which the white
        // paper states twice: in 前言 and in 一（二）): synth refuses, prints both violations, and the
        // database stays as it was.
        std::fs::write(
            dir.path().join("filed.csv"),
            "region_code,region_name,indicator_code,indicator_name,unit,period,value,status,source_doc,source_quote,synthetic\n\
             360400,九江市,CORE_VA,数字经济核心产业增加值,亿元,2022,190,final,filing:TEST,九江填报,false\n",
        )
        .unwrap();
        ok(run(dir.path(), &db, "import", &["filed.csv"]), l);
        let before = all(&store).await;
        let refused = run(dir.path(), &db, "synth", &["--seed", "7"]);
        assert!(!refused.ok, "{l}: {}", refused.out);
        assert!(refused.err.contains("[bound] 九江市 360400 CORE_VA 2022 > 200") && refused.err.contains("值 / value 190"), "{l}: {}", refused.err);
        assert!(refused.err.contains("2 documented statement(s) violated; nothing was written"), "{l}: {}", refused.err);
        assert_eq!(all(&store).await, before, "{l}: nothing written");
        store.close().await;
    }
}

#[test]
fn check_only_needs_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let r = digecon(dir.path(), &["synth".into(), "--check-only".into(), "--seed".into(), "17".into()]);
    let out = ok(r, "check-only");
    assert!(out.contains("(seed 17, built-in dataset, not written): 4140 个值 / values"), "{out}");
    for kind in ["界限 / bounds", "名次 / ranks", "下级合计 / sums", "公式 / formulas", "上级陈述 / statements"] {
        assert_eq!(row(&out, kind)[2], "0", "{kind}: {out}");
    }
    assert_eq!(row(&out, "下级合计 / sums")[1], "299", "{out}");
    // The statements left out on purpose are printed with the value the data imply.
    assert!(out.contains("[excluded] 江西省 360000 ID_VA_GROWTH 2022 | yoy(ID_VA) = 7.3"), "{out}");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "no database file was created");
}

#[tokio::test]
async fn demo_loads_synthetic_values_for_every_city_and_county() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::sqlite();
    let path = db.url.strip_prefix("sqlite:").unwrap().to_string();
    let demo = || digecon(dir.path(), &["demo".into(), "--db".into(), path.clone(), "--no-serve".into()]);
    let out = ok(demo(), "demo");
    assert!(out.contains("已载入合成地区数据 / loaded synthetic regional data (seed 2022): 1040 city and 3100 county values"), "{out}");
    let store = db.open().await;
    let regions = store.regions().await.unwrap();
    for code in ["DE_VA", "CORE_VA", "GDP"] {
        let f = ObservationFilter { indicator: Some(code.into()), region: None, period: Some(Period::Year(2022)) };
        let have: Vec<String> = store.observations(&f).await.unwrap().into_iter().map(|o| o.region_code).collect();
        for r in regions.iter().filter(|r| matches!(r.level, RegionLevel::City | RegionLevel::County)) {
            assert!(have.contains(&r.code), "{code} 2022 missing for {} {}", r.code, r.name_zh);
        }
    }
    let n = all(&store).await.len();
    store.close().await;
    // A second start keeps what is there.
    let again = ok(demo(), "demo again");
    assert!(!again.contains("已载入合成地区数据"), "{again}");
    let store = db.open().await;
    assert_eq!(all(&store).await.len(), n);
}
