//! `digecon progress` and `digecon check-plans` as a user runs them, on SQLite and PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use digecon_store::testing::TestDb;

struct Run {
    out: String,
    err: String,
    ok: bool,
}

fn digecon(dir: &Path, db: &TestDb, args: &[&str]) -> Run {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    match db.url.strip_prefix("sqlite:") {
        Some(path) => all.splice(1..1, ["--db".to_string(), path.to_string()]),
        None => all.splice(1..1, ["--database-url".to_string(), db.url.clone()]),
    };
    let Output { status, stdout, stderr } =
        Command::new(env!("CARGO_BIN_EXE_digecon")).args(&all).current_dir(dir).env_remove("RUST_BACKTRACE").output().expect("run digecon");
    Run { out: String::from_utf8(stdout).unwrap(), err: String::from_utf8(stderr).unwrap(), ok: status.success() }
}

const HEADER: &str = "plan,region_code,indicator_name,unit,base_year,base_value,target_year,target_text,target_kind,latest_period,latest_value,expected_value,progress,status,rule";

/// CSV rows as fields.
fn rows(csv_text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(csv_text.as_bytes()).records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
}

#[test]
fn progress_and_check_plans_on_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    for db in TestDb::both() {
        let l = db.label;
        let r = digecon(dir.path(), &db, &["init"]);
        assert!(r.ok, "{l}: {}", r.err);
        // The figures for China, the world and other areas are in the database with their phrases.
        let r = digecon(dir.path(), &db, &["list", "references", "--format", "csv"]);
        assert!(r.ok, "{l}: {}", r.err);
        let refs = rows(&r.out);
        assert_eq!(refs.len(), 147, "{l}");
        assert_eq!(&refs[0][..8], ["national_average", "全国", "DE_VA_GDP_SHARE", "数字经济占GDP的比重", "%", "2022", "", "41.5"], "{l}");
        assert_eq!(refs[0][10], "全国数字经济占GDP的比重为41.5%", "{l}");
        assert_eq!(refs.iter().filter(|x| x[8] == "forecast").count(), 57, "{l}");

        let r = digecon(dir.path(), &db, &["progress", "--as-of", "2022", "--plan", "jx-14fyp", "--format", "csv"]);
        assert!(r.ok, "{l}: {}", r.err);
        assert_eq!(r.out.lines().next(), Some(HEADER), "{l}");
        let rs = rows(&r.out);
        assert_eq!(rs.len(), 70, "{l}: 19 table rows + 11 goals of 发展目标 + 40 goals of the text");
        // A goal of 发展目标 without any value yet: 60%以上县(市、区)建成新型智慧城市.
        let sc = rs.iter().find(|x| x[2] == "建成新型智慧城市的县（市、区）比例").unwrap();
        assert_eq!((sc[7].as_str(), sc[9].as_str()), ("60%以上", ""), "{l}: {sc:?}");
        // 数字经济增加值: 8354 → 16000 at 14 %; expected 2022 = 8354 × 1.14² = 10856.8584; (11874 − 8354) / 2502.8584 = 1.406.
        let de = rs.iter().find(|x| x[2] == "数字经济增加值").unwrap();
        assert_eq!(
            de[..14],
            ["jx-14fyp", "360000", "数字经济增加值", "亿元", "2020", "8354", "2025", "16000", "reach", "2022", "11874", "10856.8584", "1.406", "on_track"],
            "{l}"
        );
        assert!(de[14].contains("compound at the stated 14 %/yr"), "{l}: {}", de[14]);
        // 规模以上电子信息制造业营业收入 >10000: achieved with 10269.
        let eim = rs.iter().find(|x| x[2] == "规模以上电子信息制造业营业收入").unwrap();
        assert_eq!((eim[7].as_str(), eim[8].as_str(), eim[10].as_str(), eim[13].as_str()), (">10000", "above", "10269", "achieved"), "{l}");

        // --region keeps one region's targets; the table format prints the same rows.
        let r = digecon(dir.path(), &db, &["progress", "--as-of", "2022", "--region", "360700", "--format", "csv"]);
        assert!(r.ok, "{l}: {}", r.err);
        let rs = rows(&r.out);
        assert_eq!(rs.len(), 74 + 68, "{l}: gz-2023-keypoints and gz-14fyp");
        assert!(rs.iter().all(|x| x[1] == "360700"), "{l}");
        let r = digecon(dir.path(), &db, &["progress", "--as-of", "2022", "--plan", "jx-2022-workplan"]);
        assert!(r.ok && r.out.contains("首次突破万亿元大关") && r.out.contains("achieved"), "{l}: {}", r.err);

        // A reference series turns 超全国平均水平 into a judgement; --forecast adds its columns.
        let refs = dir.path().join(format!("refs-{l}.csv"));
        std::fs::write(&refs, "reference,indicator_code,period,value,source_doc,source_quote\nnational_average,PROD_EQUIP_DIGITAL_RATE,2022,45,test,hand-made\n").unwrap();
        let r = digecon(dir.path(), &db, &["progress", "--as-of", "2022", "--plan", "jx-14fyp", "--reference", refs.to_str().unwrap(), "--forecast", "--format", "csv"]);
        assert!(r.ok, "{l}: {}", r.err);
        assert!(r.out.lines().next().unwrap().ends_with(",forecast,forecast_interval,warning"), "{l}");
        let rs = rows(&r.out);
        let pe = rs.iter().find(|x| x[2] == "生产设备数字化率").unwrap();
        assert_eq!((pe[10].as_str(), pe[11].as_str(), pe[13].as_str()), ("47.2", "45", "achieved"), "{l}");
        let sw = rs.iter().find(|x| x[2] == "软件和信息技术服务业营业收入").unwrap();
        assert!(sw[17].contains("not enough history"), "{l}: {:?}", sw);

        // check (alias check-plans) finds the documents' contradictions, each naming its statements.
        for cmd in ["check", "check-plans"] {
            let r = digecon(dir.path(), &db, &[cmd, "--format", "csv"]);
            assert!(r.ok, "{l}: {}", r.err);
            let rs = rows(&r.out);
            let mut found: Vec<(String, String, String, String)> = rs.iter().map(|x| (x[0].clone(), x[2].clone(), x[3].clone(), x[4].clone())).collect();
            found.sort();
            let s = |a: &str, b: &str, y: &str, c: &str| (a.to_string(), b.to_string(), y.to_string(), c.to_string());
            let mut expected = vec![
                s("", "5G基站占移动基站比重", "2022", "derived"),
                s("", "开设智能科学与技术专业的院校数量", "2020", "stated_twice"),
                s("", "产业数字化增加值增速", "2022", "derived"),
                s("", "关键工序数控化率", "2022", "stated_twice"),
                s("", "数字经济增加值占GDP比重提升幅度", "2022", "derived"),
                s("", "数字经济产业项目实际利用外资占比（本年累计）", "2022-10", "derived"),
                s("", "生态环境视频监控接入路数", "2022", "derived"),
                s("", "数字经济核心产业增加值", "2020", "stated_twice"),
                s("", "营收超百亿元企业营收占数字经济核心产业营收比重", "2022", "derived"),
                s("gz-14fyp", "数字经济核心产业增加值", "2023", "projection_vs_target"),
                s("gz-14fyp", "数字经济核心产业增加值", "2024", "projection_growth_band"),
                s("gz-2023-keypoints", "城市家庭千兆光纤网络覆盖率", "2023", "implausible_goal"),
                s("gz-2023-keypoints", "数字经济核心产业营业收入增速", "2023", "growth_vs_level"),
                s("gz-2023-keypoints", "数字经济核心产业增加值增速", "2023", "growth_vs_level"),
                s("gz-2023-keypoints", "新增企业上云数量", "2023", "below_base"),
                s("jx-14fyp", "移动物联网终端数", "2025", "stated_growth"),
                s("jx-14fyp", "网络零售额", "2025", "stated_growth"),
                s("jx-14fyp", "软件和信息技术服务业营业收入", "2025", "stated_growth"),
            ];
            expected.sort();
            assert_eq!(found, expected, "{l} {cmd}");
            // Both statements of a figure printed twice, with documents and phrases.
            let twice = rs.iter().find(|x| x[4] == "stated_twice" && x[3] == "2020").unwrap();
            assert!(twice[6].contains("360700 CORE_VA 2020 = 241.2（004 “2020年，赣州市数字经济核心产业增加值为241.2亿元") && twice[6].contains("= 241.0（004 “2020 241.0"), "{l}: {}", twice[6]);
        }

        // Bad input: a date before the base year, an unknown plan or region, a bad period.
        let r = digecon(dir.path(), &db, &["progress", "--as-of", "2019", "--plan", "jx-14fyp"]);
        assert!(!r.ok && r.err.contains("as-of 2019 is before the base year 2020 of target jx-14fyp 360000 DE_VA"), "{l}: {}", r.err);
        let r = digecon(dir.path(), &db, &["progress", "--as-of", "2022", "--plan", "nope"]);
        assert!(!r.ok && r.err.contains("unknown plan `nope`"), "{l}: {}", r.err);
        let r = digecon(dir.path(), &db, &["progress", "--as-of", "2022", "--region", "999999"]);
        assert!(!r.ok && r.err.contains("unknown region code `999999`"), "{l}: {}", r.err);
        let r = digecon(dir.path(), &db, &["progress", "--as-of", "2022-13"]);
        assert!(!r.ok && r.err.contains("invalid period `2022-13`"), "{l}: {}", r.err);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

#[test]
fn an_unparseable_target_text_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let data: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "data"].iter().collect();
    let copy = dir.path().join("data");
    copy_dir(&data, &copy);
    let targets = copy.join("targets.csv");
    let text = std::fs::read_to_string(&targets).unwrap();
    let bad = text.replacen("2022,大幅提升,", "2022,争取更好,", 1);
    assert_ne!(bad, text);
    std::fs::write(&targets, bad).unwrap();
    let db = TestDb::sqlite();
    let r = digecon(dir.path(), &db, &["init", "--data", copy.to_str().unwrap()]);
    assert!(r.ok, "{}", r.err);
    let r = digecon(dir.path(), &db, &["progress", "--as-of", "2022"]);
    assert!(!r.ok);
    assert!(r.err.contains("无法解析目标 / cannot parse target `争取更好` (indicator CLOUD_ENTERPRISES)"), "{}", r.err);
    let r = digecon(dir.path(), &db, &["check-plans"]);
    assert!(!r.ok && r.err.contains("`争取更好`"), "{}", r.err);
}

/// `digecon facts` on the built-in dataset and on an edited copy of `data/`: the ledger's counts,
/// the reasons of what is left out, and a failing exit once a fact is neither held nor left out.
#[test]
fn facts_accounts_for_every_number_of_the_documents() {
    let Some(seeds) = digecon_dataset::seeds_dir_for_test("digecon facts") else { return };
    let run = |args: &[&str]| {
        let Output { status, stdout, stderr } =
            Command::new(env!("CARGO_BIN_EXE_digecon")).arg("facts").arg("--seeds").arg(&seeds).args(args).output().expect("run digecon");
        Run { out: String::from_utf8(stdout).unwrap(), err: String::from_utf8(stderr).unwrap(), ok: status.success() }
    };
    let r = run(&["--format", "csv"]);
    assert!(r.ok, "{}", r.err);
    let summary = rows(&r.out);
    let total = summary.last().unwrap();
    assert_eq!(total[0], "合计 / total");
    assert_eq!(&total[1..5], ["1439", "1320", "119", "0"], "{:?}", summary);
    assert_eq!(total[6], "91.7%");

    let left = rows(&run(&["--show", "left-out", "--format", "csv"]).out);
    assert_eq!(left.len(), 119);
    assert!(left.iter().all(|x| x[2] == "left_out" && x[3].contains("facts_left_out.csv:")), "every one names its reason and row");
    // A held number says which row holds it: 11874 by the white paper's observation.
    let held = run(&["--show", "held", "--doc", "000", "--format", "csv"]);
    assert!(rows(&held.out).iter().any(|x| x[1].contains("【11874】") && x[3].starts_with("observations/000_whitepaper.csv:")), "{}", held.out);

    // An edited data/ without one left-out row: that statement's numbers are unaccounted, and named.
    let tmp = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    copy_dir(&data, tmp.path());
    let lo = tmp.path().join("facts_left_out.csv");
    let text = std::fs::read_to_string(&lo).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.contains("4500米")).collect();
    std::fs::write(&lo, kept.join("\n") + "\n").unwrap();
    let r = run(&["--data", tmp.path().to_str().unwrap(), "--show", "unaccounted", "--format", "csv"]);
    assert!(!r.ok);
    assert!(r.err.contains("2 个数字既未收录也未列明原因") && r.err.contains("2 numbers are neither held nor left out"), "{}", r.err);
    let un = rows(&r.out);
    assert_eq!(un.iter().map(|x| x[1].split('【').nth(1).unwrap().split('】').next().unwrap()).collect::<Vec<_>>(), ["4500", "5"]);
}
