//! Backup while filers write, restore into either backend: every table of the restored database
//! equals the backup, and the backup is one consistent moment (each filing's values are the last
//! ones of its audit trail).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use chrono::TimeZone;
use digecon_core::{Actor, Role};
use digecon_dataset::Dataset;
use digecon_store::backup::TABLES;
use digecon_store::collect::AuditFilter;
use digecon_store::testing::TestDb;
use digecon_store::Store;

const COUNTIES: &[&str] = &[
    "360102", "360103", "360104", "360111", "360112", "360113", "360121", "360123", "360124", "360202", "360203", "360222", "360281",
    "360302", "360313", "360321", "360322", "360323", "360402", "360403",
];

fn filer(code: &str) -> Actor {
    Actor { username: format!("f{code}"), role: Role::County, region_code: Some(code.into()), department_code: None }
}

/// Every filing's stored values are the last new value of its audit trail.
async fn consistent(s: &Store, label: &str) {
    let audit = s.audit(&AuditFilter { form: Some("JXDE-M".into()), ..Default::default() }).await.unwrap();
    let mut last = std::collections::BTreeMap::new();
    for e in &audit {
        if let (Some(ind), Some(v)) = (&e.indicator_code, e.new_value) {
            last.insert((e.filer_code.clone(), ind.clone()), v);
        }
    }
    assert!(!last.is_empty(), "{label}: something was filed");
    for ((f, ind), v) in &last {
        let stored = s.filing_detail("JXDE-M", f, "2023-03".parse().unwrap()).await.unwrap().unwrap().values[ind];
        assert_eq!(stored, *v, "{label}: {f} {ind}");
    }
}

#[tokio::test]
async fn a_backup_taken_while_twenty_filers_write_restores_whole_into_either_backend() {
    for source_db in TestDb::both() {
        let l = source_db.label;
        let source = source_db.open().await;
        source.load_dataset(&Dataset::embedded().unwrap(), false, &mut |_, _, _| {}).await.unwrap();
        // Twenty filers save their county's filing over and over while the backup is taken.
        let stop = Arc::new(AtomicBool::new(false));
        let saves = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for (i, code) in COUNTIES.iter().enumerate() {
            let (s, stop, saves, code) = (source.clone(), stop.clone(), saves.clone(), code.to_string());
            tasks.push(tokio::spawn(async move {
                let at = chrono::Utc.with_ymd_and_hms(2023, 4, 5, 12, 0, 0).unwrap();
                let mut k = 0.0;
                while !stop.load(Ordering::SeqCst) {
                    k += 1.0;
                    let v = (i as f64 + 1.0) * 1000.0 + k;
                    let entries: Vec<(String, String, f64)> = ["EIM_REV_YTD", "SW_REV_YTD", "BS_5G_OPEN_M", "DE_KEY_PROJECTS_INV_YTD"]
                        .iter()
                        .map(|ind| (code.clone(), ind.to_string(), v))
                        .collect();
                    s.save_filing_values("JXDE-M", "2023-03".parse().unwrap(), &entries, &filer(&code), "backup test", at, false).await.unwrap();
                    saves.fetch_add(1, Ordering::SeqCst);
                }
            }));
        }
        while saves.load(Ordering::SeqCst) < 40 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("backup.db");
        let summary = source.backup_to(&file).await.unwrap_or_else(|e| panic!("{l}: {e}"));
        let after_backup = saves.load(Ordering::SeqCst);
        while saves.load(Ordering::SeqCst) < after_backup + 40 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        stop.store(true, Ordering::SeqCst);
        for t in tasks {
            t.await.unwrap();
        }
        assert!(summary.rows["filing_value_changes"] > 0, "{l}: {summary}");
        assert_ne!(
            summary.rows["filing_value_changes"],
            source.table_counts().await.unwrap().rows["filing_value_changes"],
            "{l}: the filers went on after the backup"
        );
        // The backup is one moment: each filing's values are the last of its own audit trail.
        let backup = Store::open_sqlite(&file, false).await.unwrap();
        consistent(&backup, l).await;
        // Restored into either backend, every table equals the backup.
        for target_db in TestDb::both() {
            let target = target_db.open().await;
            let restored = target.restore_from(&file, false).await.unwrap_or_else(|e| panic!("{l} → {}: {e}", target_db.label));
            assert_eq!(restored, summary, "{l} → {}", target_db.label);
            for t in TABLES {
                assert_eq!(target.table_rows(t).await.unwrap(), backup.table_rows(t).await.unwrap(), "{l} → {}: table {t}", target_db.label);
            }
            consistent(&target, target_db.label).await;
            // Restoring over data needs `replace`; then it lands whole again.
            assert!(target.restore_from(&file, false).await.is_err(), "a non-empty database is refused");
            assert_eq!(target.restore_from(&file, true).await.unwrap(), summary);
            // New rows after a restore get new ids (PostgreSQL's identity sequences follow).
            let entries = vec![("360102".to_string(), "EIM_REV_YTD".to_string(), 1.5)];
            let at = chrono::Utc.with_ymd_and_hms(2023, 4, 6, 12, 0, 0).unwrap();
            target.save_filing_values("JXDE-M", "2023-03".parse().unwrap(), &entries, &filer("360102"), "after restore", at, false).await.unwrap();
            target.close().await;
        }
        backup.close().await;
    }
}

#[tokio::test]
async fn the_table_list_is_the_whole_schema() {
    for db in TestDb::both() {
        let s = db.open().await;
        let mut listed: Vec<&str> = TABLES.iter().chain(digecon_store::backup::NOT_BACKED_UP).copied().collect();
        listed.sort();
        let mut schema = s.schema_tables().await.unwrap();
        schema.sort();
        assert_eq!(schema, listed, "{}", db.label);
    }
}
