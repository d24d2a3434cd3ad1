//! `digecon evaluate` as a user runs it, after `init` and `synth`: the city ranking with 进位 and
//! the white paper's core-industry tiers, on SQLite and PostgreSQL; a clear error without data.

use std::path::Path;
use std::process::{Command, Output};

use digecon_store::testing::TestDb;

fn digecon(dir: &Path, db: &TestDb, args: &[&str]) -> (bool, String, String) {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    match db.url.strip_prefix("sqlite:") {
        Some(p) => all.extend(["--db".to_string(), p.to_string()]),
        None => all.extend(["--database-url".to_string(), db.url.clone()]),
    }
    let Output { status, stdout, stderr } = Command::new(env!("CARGO_BIN_EXE_digecon")).args(&all).current_dir(dir).output().expect("run digecon");
    (status.success(), String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap())
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect()
}

#[tokio::test]
async fn evaluate_cities_after_synth_on_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    for db in TestDb::both() {
        let l = db.label;
        assert!(digecon(dir.path(), &db, &["init"]).0, "{l} init");
        // Documented values only: the county scheme has nothing to separate 100 counties with.
        let (ok, _, err) = digecon(dir.path(), &db, &["evaluate", "--scope", "county", "--year", "2021"]);
        assert!(!ok && err.contains("2021") && err.contains("county"), "{l}: {err}");
        assert!(digecon(dir.path(), &db, &["synth", "--seed", "2022"]).0, "{l} synth");
        let (ok, out, err) = digecon(dir.path(), &db, &["evaluate", "--year", "2022", "--format", "csv"]);
        assert!(ok, "{l}: {err}");
        assert!(err.contains("11 regions are evaluated on synthetic values"), "{l}: {err}");
        let rows = csv_rows(&out);
        assert_eq!(rows.len(), 11, "{l}");
        let ranks: Vec<u32> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
        assert_eq!(ranks, (1..=11).collect::<Vec<_>>(), "{l}");
        // Every city has a rank change against 2021, and the changes sum to zero.
        let changes: i64 = rows.iter().map(|r| r[5].parse::<i64>().unwrap_or_else(|_| panic!("{l}: {r:?}"))).sum();
        assert_eq!(changes, 0, "{l}");
        // Each city's 90 % rank interval under ±25 % weights holds its rank.
        for r in &rows {
            let rank: f64 = r[0].parse().unwrap();
            let (lo, hi) = r[6].split_once('–').unwrap_or_else(|| panic!("{l}: {r:?}"));
            assert!(lo.parse::<f64>().unwrap() <= rank && rank <= hi.parse::<f64>().unwrap(), "{l}: {r:?}");
        }
        // 赣州: 28 of its 29 inputs come from its own work plan (003).
        assert_eq!(rows.iter().find(|r| r[1] == "360700").unwrap().last().unwrap(), "1/29", "{l}");
        let (ok, out, _) = digecon(dir.path(), &db, &["evaluate", "--year", "2022", "--tiers", "--format", "csv"]);
        assert!(ok, "{l}");
        // The white paper's tiers: members as sets (order within a tier follows the values).
        let tier = |n: &str| -> Vec<String> {
            let rows = csv_rows(&out);
            let r = rows.iter().find(|r| r[0] == "数字经济核心产业增加值" && r[1] == n).unwrap_or_else(|| panic!("{l}: no tier {n} in\n{out}"));
            let mut m: Vec<String> = r[2].split('、').map(String::from).collect();
            m.sort();
            m
        };
        let sorted = |v: &[&str]| {
            let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
            v.sort();
            v
        };
        assert_eq!(tier("1"), sorted(&["南昌市", "吉安市"]), "{l}");
        assert_eq!(tier("2"), sorted(&["赣州市", "上饶市", "九江市"]), "{l}");
        assert_eq!(tier("3").len(), 6, "{l}");
    }
}

/// `--ahp`: dimension weights from a pairwise-comparison matrix. Judgements in the ratios of the
/// shipped weights (20:20:20:15:15:10) reproduce the default ranking exactly; other judgements
/// change it; an inconsistent matrix and a name that is not a dimension are refused, named.
#[tokio::test]
async fn evaluate_with_ahp_dimension_weights() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::sqlite();
    assert!(digecon(dir.path(), &db, &["init"]).0);
    assert!(digecon(dir.path(), &db, &["synth"]).0);
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let same = write(
        "same.csv",
        ",TOTAL,DIG_IND,IND_DIG,INFRA,GOV,WORK\nTOTAL,1,1,1,4/3,4/3,2\nDIG_IND,1,1,1,4/3,4/3,2\nIND_DIG,1,1,1,4/3,4/3,2\nINFRA,3/4,3/4,3/4,1,1,3/2\nGOV,3/4,3/4,3/4,1,1,3/2\nWORK,1/2,1/2,1/2,2/3,2/3,1\n",
    );
    let (_, default, _) = digecon(dir.path(), &db, &["evaluate", "--format", "csv"]);
    let (ok, with_ahp, err) = digecon(dir.path(), &db, &["evaluate", "--format", "csv", "--ahp", &same]);
    assert!(ok, "{err}");
    assert_eq!(with_ahp, default);
    assert!(err.contains("TOTAL 0.2000") && err.contains("WORK 0.1000") && err.contains("CR = 0.0000"), "{err}");
    // 数字治理与服务 five times as important as each other dimension: weight 5/10 = 0.5.
    let gov = write(
        "gov.csv",
        ",数字经济总量,数字产业化,产业数字化,数字基础设施及应用,数字治理与服务,工作推进\n数字经济总量,1,1,1,1,1/5,1\n数字产业化,1,1,1,1,1/5,1\n产业数字化,1,1,1,1,1/5,1\n数字基础设施及应用,1,1,1,1,1/5,1\n数字治理与服务,5,5,5,5,1,5\n工作推进,1,1,1,1,1/5,1\n",
    );
    let (ok, changed, err) = digecon(dir.path(), &db, &["evaluate", "--format", "csv", "--ahp", &gov]);
    assert!(ok && err.contains("GOV 0.5000"), "{err}");
    assert_ne!(changed, default);
    // Reciprocal but inconsistent (A > B > C > A): refused with CR and the judgements named.
    let cyc = write(
        "cyc.csv",
        ",TOTAL,DIG_IND,IND_DIG,INFRA,GOV,WORK\nTOTAL,1,9,1/9,1,1,1\nDIG_IND,1/9,1,9,1,1,1\nIND_DIG,9,1/9,1,1,1,1\nINFRA,1,1,1,1,1,1\nGOV,1,1,1,1,1,1\nWORK,1,1,1,1,1,1\n",
    );
    let (ok, _, err) = digecon(dir.path(), &db, &["evaluate", "--ahp", &cyc]);
    assert!(!ok && err.contains("cyc.csv") && err.contains("CR"), "{err}");
    let (ok, _, err) = digecon(dir.path(), &db, &["evaluate", "--ahp", &write("bad.csv", ",TOTAL,推进\nTOTAL,1,2\n推进,1/2,1\n")]);
    assert!(!ok && err.contains("`推进` 不是 `city` 评价框架的维度"), "{err}");
}
