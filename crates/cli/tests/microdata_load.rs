//! `digecon microdata load`: aggregates stored as observations, consistent across levels,
//! flagged synthetic when the input is; published figures are never overwritten silently.

use std::path::Path;
use std::process::Command;

use digecon_store::testing::TestDb;
use digecon_store::ObservationFilter;

fn digecon(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_digecon")).args(args).current_dir(dir).env_remove("RUST_BACKTRACE").output().unwrap();
    (o.status.success(), String::from_utf8_lossy(&o.stdout).into(), String::from_utf8_lossy(&o.stderr).into())
}

#[tokio::test]
async fn microdata_aggregates_become_observations() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = TestDb::sqlite();
    let path = db.url.strip_prefix("sqlite:").unwrap().to_string();
    assert!(digecon(d, &["init", "--db", &path]).0);

    // Years the documents do not cover: nothing published to collide with.
    let (ok, _, err) = digecon(d, &["microdata", "synth", "--rows", "3000", "--seed", "7", "--first-year", "2018", "--out", "s.csv"]);
    assert!(ok, "{err}");
    let (ok, out, err) = digecon(d, &["microdata", "load", "--input", "s.csv", "--db", &path, "--synthetic"]);
    assert!(ok, "{err}");
    assert!(out.contains("updated 0"), "{out}");

    let store = db.open().await;
    let get = |indicator: &str, region: Option<&str>| ObservationFilter {
        indicator: Some(indicator.into()),
        region: region.map(Into::into),
        period: Some("2019".parse().unwrap()),
    };
    let all = store.observations(&get("CORE_REV", None)).await.unwrap();
    let province = all.iter().find(|o| o.region_code == "360000").expect("a provincial total");
    assert!(all.iter().all(|o| o.synthetic && o.source.doc == "microdata:s.csv"));
    let tree = digecon_core::RegionTree::new(&store.regions().await.unwrap());
    let cities: f64 = all.iter().filter(|o| tree.level(&o.region_code) == Some(digecon_core::RegionLevel::City)).map(|o| o.value).sum();
    let counties: f64 = all.iter().filter(|o| tree.level(&o.region_code) == Some(digecon_core::RegionLevel::County)).map(|o| o.value).sum();
    assert!((province.value - cities).abs() < 1e-6 && (province.value - counties).abs() < 1e-6, "{} {cities} {counties}", province.value);
    let classes: f64 = {
        let mut s = 0.0;
        for c in ["CORE_REV_01", "CORE_REV_02", "CORE_REV_03", "CORE_REV_04"] {
            s += store.observations(&get(c, Some("360000"))).await.unwrap().first().map_or(0.0, |o| o.value);
        }
        s
    };
    assert!((province.value - classes).abs() < 1e-6, "the four major classes add up to the core total");

    // 2021–2022 collide with the white paper's published figures: refused, nothing written.
    let before = store.counts().await.unwrap();
    let (ok, _, _) = digecon(d, &["microdata", "synth", "--rows", "500", "--seed", "8", "--out", "t.csv"]);
    assert!(ok);
    let (ok, _, err) = digecon(d, &["microdata", "load", "--input", "t.csv", "--db", &path, "--synthetic"]);
    assert!(!ok);
    assert!(err.contains("360000 CORE_REV 2022 = 11133.17 (000_060bb66a7157f110.txt)"), "{err}");
    assert_eq!(store.counts().await.unwrap(), before);
}
