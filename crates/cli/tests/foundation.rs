//! The foundation commands end to end, as a user runs them: `init`, `export`, `wipe`, `import`,
//! `show`, `list`, on SQLite and on PostgreSQL; every class of bad input is rejected with
//! `file:line` and leaves the database unchanged.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use digecon_store::testing::TestDb;

struct Run {
    out: String,
    err: String,
    ok: bool,
}

fn digecon(dir: &Path, args: &[&str]) -> Run {
    let Output { status, stdout, stderr } = Command::new(env!("CARGO_BIN_EXE_digecon"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run digecon");
    Run { out: String::from_utf8(stdout).unwrap(), err: String::from_utf8(stderr).unwrap(), ok: status.success() }
}

/// `--db FILE` for a SQLite test database, `--database-url URL` for PostgreSQL.
fn db_args(db: &TestDb) -> Vec<String> {
    match db.url.strip_prefix("sqlite:") {
        Some(path) => vec!["--db".into(), path.into()],
        None => vec!["--database-url".into(), db.url.clone()],
    }
}

fn run(dir: &Path, db: &TestDb, args: &[&str]) -> Run {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    // Subcommand first (and `list` takes its positional argument next), then the database.
    let at = if args[0] == "list" { 2 } else { 1 };
    for (i, a) in db_args(db).into_iter().enumerate() {
        all.insert(at + i, a);
    }
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    digecon(dir, &refs)
}

fn export(dir: &Path, db: &TestDb) -> String {
    let r = run(dir, db, &["export", "--format", "csv"]);
    assert!(r.ok, "export failed: {}", r.err);
    r.out
}

const HEADER: &str =
    "region_code,region_name,indicator_code,indicator_name,unit,period,value,status,source_doc,source_quote,synthetic";

#[test]
fn init_export_wipe_import_round_trips_on_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    for db in TestDb::both() {
        let l = db.label;
        let r = run(dir.path(), &db, &["init"]);
        assert!(r.ok, "{l}: {}", r.err);
        assert!(r.out.contains("115 regions"), "{l}: {}", r.out);

        let r = run(dir.path(), &db, &["init"]);
        assert!(!r.ok, "{l}: a second init must refuse");
        assert!(r.err.contains("--force"), "{l}: {}", r.err);

        let first = export(dir.path(), &db);
        assert_eq!(first.lines().next(), Some(HEADER), "{l}");
        assert!(first.contains("360000,江西省,DE_VA,数字经济增加值,亿元,2022,11874,final,000_060bb66a7157f110.txt,"), "{l}");
        let file = dir.path().join(format!("export-{l}.csv"));
        std::fs::write(&file, &first).unwrap();

        let r = run(dir.path(), &db, &["wipe", "--observations"]);
        assert!(r.ok, "{l}: {}", r.err);
        assert_eq!(export(dir.path(), &db).lines().count(), 1, "{l}: only the header is left");

        let n = first.lines().count() - 1;
        let r = run(dir.path(), &db, &["import", file.to_str().unwrap()]);
        assert!(r.ok, "{l}: {}", r.err);
        assert!(r.out.contains(&format!("created {n},")), "{l}: {}", r.out);
        assert_eq!(export(dir.path(), &db), first, "{l}: export → wipe → import → export is identical");

        // Importing the same file again changes nothing.
        let r = run(dir.path(), &db, &["import", file.to_str().unwrap()]);
        assert!(r.out.contains(&format!("unchanged {n},")), "{l}: {}", r.out);

        let r = run(dir.path(), &db, &["show", "--indicator", "CORE_VA", "--region", "360700"]);
        assert!(r.ok && r.out.contains("365.02"), "{l}: {}{}", r.out, r.err);
        let r = run(dir.path(), &db, &["list", "tasks", "--plan", "jx-2022-workplan", "--format", "csv"]);
        assert!(r.ok, "{l}: {}", r.err);
        assert_eq!(r.out.lines().count(), 98, "{l}: header + 97 tasks");
        assert!(r.out.lines().any(|x| x.starts_with("jx-2022-workplan,17,") && x.ends_with(",360000-drc,360000-miit;360000-comms")), "{l}");

        // Names as printed: the indicators' aliases, the targets' printed name and unit, and an
        // import naming an indicator by an alias.
        let r = run(dir.path(), &db, &["list", "indicators", "--format", "csv"]);
        assert!(r.out.lines().any(|x| x.starts_with("ONLINE_RETAIL,网络零售额,") && x.ends_with(",网上零售额,")), "{l}: {}", r.out);
        assert!(r.out.lines().any(|x| x.starts_with("INTERPROV_BW,省际出口带宽,") && x.ends_with(",省际出口宽带,Gpbs;GB")), "{l}");
        let r = run(dir.path(), &db, &["list", "targets", "--plan", "jx-14fyp", "--format", "csv"]);
        assert!(r.out.lines().any(|x| x.starts_with("jx-14fyp,360000,ONLINE_RETAIL,2020,1582,1582,2025,3000左右,") && x.ends_with(",网上零售额,")), "{l}: {}", r.out);
        assert!(r.out.lines().any(|x| x.starts_with("jx-14fyp,360000,INTERPROV_BW,2020,34790,34790,2025,70000,") && x.ends_with(",,Gpbs")), "{l}");
        let file = dir.path().join(format!("alias-{l}.csv"));
        std::fs::write(&file, format!("{HEADER}\n360000,江西省,ONLINE_RETAIL,网上零售额,亿元,2030,1,provisional,test,,false\n")).unwrap();
        let r = run(dir.path(), &db, &["import", file.to_str().unwrap()]);
        assert!(r.ok && r.out.contains("created 1,"), "{l}: {}{}", r.out, r.err);
    }
}

/// One file per class of bad input: a good row, then the bad one on line 3.
fn bad_files() -> Vec<(&'static str, String, &'static str)> {
    let good = "360700,赣州市,DE_VA,数字经济增加值,亿元,2030,1,provisional,test,,false";
    let cases = [
        ("unknown-region", "999999,,DE_VA,,,2030,1,provisional,test,,false", "unknown region code `999999`"),
        ("unknown-indicator", "360700,,NO_SUCH,,,2030,1,provisional,test,,false", "unknown indicator code `NO_SUCH`"),
        ("bad-period", "360700,,DE_VA,,,2030-13,1,provisional,test,,false", "invalid period `2030-13`"),
        ("monthly-period-for-annual", "360700,,DE_VA,,,2030-03,1,provisional,test,,false", "period 2030-03 does not fit DE_VA"),
        ("non-numeric", "360100,,DE_VA,,,2030,12%,provisional,test,,false", "is not a number: `12%`"),
        ("duplicate", "360700,,DE_VA,,,2030,2,provisional,test,,false", "duplicate observation 360700 × DE_VA × 2030 (first at"),
        ("name-mismatch", "360100,赣州市,DE_VA,,,2030,1,provisional,test,,false", "region_name `赣州市` does not match 360100"),
        ("bad-status", "360100,,DE_VA,,,2030,1,draft,test,,false", "invalid status `draft`"),
        ("short-row", "360100,,DE_VA,,,2030,1", "this row has 7 fields, the header has 11"),
        // Hostile input (issue 12): a value no importer takes, and a NUL PostgreSQL would refuse raw.
        ("out-of-range", "360100,,DE_VA,,,2030,-9223372036854775809,provisional,test,,false", "`-9223372036854775809`: 数值超出范围 / -9223372036854776000 is outside ±10^12"),
        ("nul", "360100,,DE_VA,,,2030,1,provisional,te\0st,,false", "`source_doc` 含有控制字符 U+0000 (NUL)"),
    ];
    cases
        .into_iter()
        .map(|(name, bad, msg)| (name, format!("{HEADER}\n{good}\n{bad}\n"), msg))
        .collect()
}

#[test]
fn every_class_of_bad_input_names_file_and_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for db in TestDb::both() {
        let l = db.label;
        assert!(run(dir.path(), &db, &["init"]).ok, "{l}");
        let before = export(dir.path(), &db);
        for (name, content, msg) in bad_files() {
            let file = dir.path().join(format!("{name}.csv"));
            std::fs::write(&file, content).unwrap();
            let r = run(dir.path(), &db, &["import", file.to_str().unwrap()]);
            assert!(!r.ok, "{l} {name}: must fail");
            let want = format!("{}:3: ", file.display());
            assert!(r.err.contains(&want) && r.err.contains(msg), "{l} {name}: expected `{want}…{msg}` in\n{}", r.err);
            assert_eq!(export(dir.path(), &db), before, "{l} {name}: the database must be unchanged");
        }
        // A header with an unknown column is rejected as a whole.
        let file = dir.path().join("bad-header.csv");
        std::fs::write(&file, format!("{HEADER},extra\n")).unwrap();
        let r = run(dir.path(), &db, &["import", file.to_str().unwrap()]);
        assert!(!r.ok && r.err.contains(&format!("{}:1: ", file.display())) && r.err.contains("unknown column `extra`"), "{l}: {}", r.err);
    }
}

/// Copies the repository's `data/` directory so a test can break one file of it.
fn copy_dataset(to: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    fn walk(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let p = e.unwrap().path();
            let dest = to.join(p.file_name().unwrap());
            if p.is_dir() {
                walk(&p, &dest);
            } else {
                std::fs::copy(&p, &dest).unwrap();
            }
        }
    }
    let dest = to.join("data");
    walk(&from, &dest);
    dest
}

#[test]
fn a_malformed_dataset_is_rejected_with_file_and_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let data = copy_dataset(dir.path());
    // Break the 5th data row (line 6) of regions.csv: an unknown parent.
    let regions = data.join("regions.csv");
    let text = std::fs::read_to_string(&regions).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let cols: Vec<&str> = lines[5].split(',').collect();
    let mut cols: Vec<String> = cols.into_iter().map(str::to_string).collect();
    cols[4] = "369900".into();
    lines[5] = cols.join(",");
    std::fs::write(&regions, lines.join("\n") + "\n").unwrap();
    // And give a task an unknown unit.
    let tasks = data.join("tasks.csv");
    let text = std::fs::read_to_string(&tasks).unwrap().replacen(",省科技厅,", ",省未知厅,", 1);
    std::fs::write(&tasks, text).unwrap();

    let db = TestDb::sqlite();
    let r = run(dir.path(), &db, &["init", "--data", data.to_str().unwrap()]);
    assert!(!r.ok);
    assert!(r.err.contains("regions.csv:6: ") && r.err.contains("unknown parent_code `369900`"), "{}", r.err);
    assert!(r.err.contains("tasks.csv:2: ") && r.err.contains("unknown unit `省未知厅`"), "{}", r.err);
    let path = db.url.strip_prefix("sqlite:").unwrap();
    assert!(!Path::new(path).exists(), "no database file is created for a bad dataset");
}

#[test]
fn formula_text_is_neutralised_on_export_and_a_gbk_file_is_read_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    for db in TestDb::both() {
        let l = db.label;
        assert!(run(dir.path(), &db, &["init"]).ok, "{l}");
        let file = dir.path().join("gbk.csv");
        // 南昌市 and 数字经济 in GBK, as a Chinese office's Excel saves "CSV".
        let mut gbk = format!("{HEADER}\n360100,").into_bytes();
        gbk.extend([0xC4, 0xCF, 0xB2, 0xFD, 0xCA, 0xD0]);
        gbk.extend(b",DE_VA,,,2030,1.5,provisional,=1/0,");
        gbk.extend([0xCA, 0xFD, 0xD7, 0xD6, 0xBE, 0xAD, 0xBC, 0xC3]);
        gbk.extend(b",false\n");
        assert!(digecon_core::text::decode(&gbk).unwrap().text.contains("南昌市,DE_VA,,,2030,1.5,provisional,=1/0,数字经济"));
        std::fs::write(&file, &gbk).unwrap();
        let r = run(dir.path(), &db, &["import", file.to_str().unwrap()]);
        assert!(r.ok, "{l}: {}", r.err);
        assert!(r.out.contains("read as GBK (GB18030)") && r.out.contains("新增 created 1"), "{l}: {}", r.out);
        let exported = export(dir.path(), &db);
        assert!(exported.contains(",1.5,provisional,'=1/0,数字经济,false"), "{l}: {exported}");
        // The export reads back unchanged.
        let back = dir.path().join("back.csv");
        std::fs::write(&back, &exported).unwrap();
        let r = run(dir.path(), &db, &["import", back.to_str().unwrap()]);
        assert!(r.ok && r.out.contains("更新 updated 0"), "{l}: {} {}", r.out, r.err);
        // Limits: a file over --max-file-mb is refused before it is read.
        let r = run(dir.path(), &db, &["import", back.to_str().unwrap(), "--max-file-mb", "0"]);
        assert!(!r.ok && r.err.contains("文件超过 0 MiB 上限") && r.err.contains("--max-file-mb"), "{l}: {}", r.err);
    }
}
