//! `digecon backup` / `restore` as an operator runs them, and the SQLite file a CLI command leaves
//! behind: complete on its own, without its `-wal`.

use std::path::Path;
use std::process::{Command, Output};

use digecon_store::testing::TestDb;

fn digecon(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let Output { status, stdout, stderr } =
        Command::new(env!("CARGO_BIN_EXE_digecon")).args(args).current_dir(dir).env_remove("RUST_BACKTRACE").output().expect("run digecon");
    (status.success(), String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap())
}

fn db_args(db: &TestDb) -> Vec<String> {
    match db.url.strip_prefix("sqlite:") {
        Some(path) => vec!["--db".into(), path.into()],
        None => vec!["--database-url".into(), db.url.clone()],
    }
}

fn with_db(args: &[&str], db: &TestDb) -> Vec<String> {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend(db_args(db));
    all
}

fn run(dir: &Path, args: Vec<String>) -> String {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, out, err) = digecon(dir, &refs);
    assert!(ok, "digecon {args:?}: {err}");
    out
}

const IMPORT: &str = "region_code,region_name,indicator_code,indicator_name,unit,period,value,status,source_doc,source_quote,synthetic\n\
360702,,DE_VA,,,2021,123.45,provisional,test.csv,backup test,true\n";

#[test]
fn the_sqlite_file_alone_is_complete_after_a_cli_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(d, vec!["init".into(), "--db".into(), "a.db".into()]);
    std::fs::write(d.join("obs.csv"), IMPORT).unwrap();
    run(d, vec!["import".into(), "--db".into(), "a.db".into(), "obs.csv".into()]);
    // No committed data left only in the write-ahead log.
    let wal = d.join("a.db-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0, "the WAL was checkpointed");
    // A copy of the .db file alone has the imported value.
    std::fs::create_dir(d.join("copy")).unwrap();
    std::fs::copy(d.join("a.db"), d.join("copy/a.db")).unwrap();
    let out = run(d, vec!["show".into(), "--db".into(), "copy/a.db".into(), "--indicator".into(), "DE_VA".into(), "--region".into(), "360702".into()]);
    assert!(out.contains("123.45"), "{out}");
}

#[test]
fn backup_and_restore_across_backends() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for source in TestDb::both() {
        run(d, with_db(&["init"], &source));
        std::fs::write(d.join("obs.csv"), IMPORT).unwrap();
        run(d, with_db(&["import", "obs.csv"], &source));
        let file = format!("backup-{}.db", source.label);
        let out = run(d, with_db(&["backup", "--out", &file], &source));
        assert!(out.contains("已备份 / backed up"), "{out}");
        let (ok, _, err) = digecon(d, &with_db(&["backup", "--out", &file], &source).iter().map(String::as_str).collect::<Vec<_>>());
        assert!(!ok && err.contains("exists"), "an existing file is not overwritten: {err}");
        let exported = run(d, with_db(&["export", "--format", "csv"], &source));
        assert!(exported.contains("123.45"));
        for target in TestDb::both() {
            let out = run(d, with_db(&["restore", &file], &target));
            assert!(out.contains("已恢复 / restored"), "{out}");
            assert_eq!(run(d, with_db(&["export", "--format", "csv"], &target)), exported, "{} → {}", source.label, target.label);
            // A database that holds data is only replaced with --force.
            let args = with_db(&["restore", &file], &target);
            let (ok, _, err) = digecon(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
            assert!(!ok && err.contains("--force"), "{err}");
            run(d, with_db(&["restore", &file, "--force"], &target));
        }
    }
}
