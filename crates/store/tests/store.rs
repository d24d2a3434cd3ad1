//! The storage layer on both backends: the default dataset loads with its documented values,
//! writes are transactional, every change is kept as a revision.

use digecon_store::testing::TestDb;
use digecon_core::{Observation, ObservationStatus, Period, Source};
use digecon_dataset::Dataset;
use digecon_store::{ObservationFilter, Store, StoreError};

async fn value(s: &Store, region: &str, indicator: &str, period: &str) -> Option<f64> {
    let f = ObservationFilter {
        indicator: Some(indicator.into()),
        region: Some(region.into()),
        period: Some(period.parse().unwrap()),
    };
    s.observations(&f).await.unwrap().first().map(|o| o.value)
}

async fn loaded(db: &TestDb) -> Store {
    let s = db.open().await;
    let ds = Dataset::embedded().unwrap_or_else(|e| panic!("{e}"));
    s.load_dataset(&ds, false, &mut |_, _, _| {}).await.unwrap();
    s
}

#[tokio::test]
async fn default_dataset_loads_with_documented_values() {
    for db in TestDb::both() {
        let s = loaded(&db).await;
        let l = db.label;
        // 000 白皮书: 数字经济增加值达 11874 亿元 … 同比增长 14.4%
        assert_eq!(value(&s, "360000", "DE_VA", "2022").await, Some(11874.0), "{l}");
        assert_eq!(value(&s, "360000", "DE_VA_GROWTH", "2022").await, Some(14.4), "{l}");
        // Table 1: 全部核心产业 11133.17 / 8798.52
        assert_eq!(value(&s, "360000", "CORE_REV", "2022").await, Some(11133.17), "{l}");
        assert_eq!(value(&s, "360000", "CORE_REV", "2021").await, Some(8798.52), "{l}");
        // 增加值排名前三的是南昌、吉安、赣州，增加值分别为 615.09 亿元、473.47 亿元、365.02 亿元
        assert_eq!(value(&s, "360100", "CORE_VA", "2022").await, Some(615.09), "{l}");
        assert_eq!(value(&s, "360800", "CORE_VA", "2022").await, Some(473.47), "{l}");
        assert_eq!(value(&s, "360700", "CORE_VA", "2022").await, Some(365.02), "{l}");

        let targets = s.targets(Some("jx-14fyp")).await.unwrap();
        let t = targets.iter().find(|t| t.indicator_code == "DE_VA" && t.target_year == 2025).expect("DE_VA 2025 target");
        assert_eq!((t.target_text.as_str(), t.stated_growth_text.as_str()), ("16000", "14"), "{l}");
        assert_eq!((t.base_year, t.base_value), (Some(2020), Some(8354.0)), "{l}");

        let targets = s.targets(Some("gz-2023-keypoints")).await.unwrap();
        let t = targets.iter().find(|t| t.indicator_code == "CORE_VA" && t.region_code == "360700").expect("Ganzhou CORE_VA target");
        assert_eq!((t.target_year, t.target_text.as_str()), (2023, "420"), "{l}");

        let tasks = s.tasks(Some("jx-2022-workplan")).await.unwrap();
        assert_eq!(tasks.len(), 97, "{l}");
        let t17 = tasks.iter().find(|t| t.number == 17).unwrap();
        assert!(t17.text.contains("100 个数字经济重点产业项目"), "{l}: {}", t17.text);
        let depts = s.departments().await.unwrap();
        let lead = depts.iter().find(|d| d.code == t17.lead_units[0]).unwrap();
        assert_eq!(lead.name_zh, "省发改委", "{l}");
        assert_eq!(s.tasks(Some("gz-2023-keypoints")).await.unwrap().len(), 25, "{l}");
        let projects = s.projects(Some("gz-14fyp")).await.unwrap();
        assert_eq!(projects.len(), 18, "{l}");
        assert_eq!(projects[5].milestones.iter().map(|m| m.year).collect::<Vec<_>>(), vec![2023, 2025], "{l}");

        // Names as printed (migration 0008): aliases, printed names and units, and a catalogue that
        // accepts an alias in an import row.
        let aliases = s.indicator_aliases().await.unwrap();
        assert_eq!(aliases["ONLINE_RETAIL"].names, vec!["网上零售额"], "{l}");
        assert_eq!(aliases["INTERPROV_BW"].units, vec!["Gpbs", "GB"], "{l}");
        assert!(!aliases.contains_key("DE_VA_GROWTH"), "{l}");
        let printed = s.target_printed(Some("jx-14fyp")).await.unwrap();
        let key = |code: &str| ("jx-14fyp".to_string(), "360000".to_string(), code.to_string(), 2025);
        assert_eq!(printed[&key("ONLINE_RETAIL")].name, "网上零售额", "{l}");
        assert_eq!(printed[&key("INTERPROV_BW")].unit, "Gpbs", "{l}");
        assert!(!printed.contains_key(&key("DE_VA")), "{l}");
        assert!(s.target_printed(Some("gz-14fyp")).await.unwrap().keys().all(|k| k.0 == "gz-14fyp"), "{l}");
        assert!(s.catalog().await.unwrap().names_indicator("ONLINE_RETAIL", "网上零售额"), "{l}");

        let c = s.counts().await.unwrap();
        assert_eq!(c.regions, 115, "{l}: 112 divisions + 3 zones");
        s.close().await;
    }
}

#[tokio::test]
async fn refuses_to_load_into_a_non_empty_database_unless_replacing() {
    for db in TestDb::both() {
        let s = loaded(&db).await;
        let ds = Dataset::embedded().unwrap();
        let before = s.counts().await.unwrap();
        let err = s.load_dataset(&ds, false, &mut |_, _, _| {}).await.unwrap_err();
        assert!(matches!(err, StoreError::NotEmpty(_)), "{}: {err}", db.label);
        s.load_dataset(&ds, true, &mut |_, _, _| {}).await.unwrap();
        assert_eq!(s.counts().await.unwrap(), before, "{}", db.label);
        s.close().await;
    }
}

fn obs(region: &str, indicator: &str, period: &str, value: f64) -> Observation {
    Observation {
        region_code: region.into(),
        indicator_code: indicator.into(),
        period: period.parse::<Period>().unwrap(),
        value,
        status: ObservationStatus::Provisional,
        source: Source { doc: "test".into(), quote: String::new() },
        synthetic: false,
    }
}

#[tokio::test]
async fn changes_are_revisions_and_imports_are_all_or_nothing() {
    for db in TestDb::both() {
        let s = loaded(&db).await;
        let l = db.label;
        // Create, then change, then re-send unchanged.
        let a = obs("360700", "DE_VA", "2024", 100.0);
        let sum = s.upsert_observations(&[a.clone()], "tester", "first", false).await.unwrap();
        assert_eq!((sum.created, sum.updated, sum.unchanged), (1, 0, 0), "{l}");
        let b = obs("360700", "DE_VA", "2024", 101.5);
        let f = ObservationFilter { indicator: Some("DE_VA".into()), region: Some("360000".into()), period: Some("2022".parse().unwrap()) };
        let published = s.observations(&f).await.unwrap().remove(0);
        let sum = s.upsert_observations(&[b.clone(), published], "tester", "second", true).await.unwrap();
        assert_eq!((sum.created, sum.updated, sum.unchanged), (0, 1, 1), "{l}: dry run counts");
        assert_eq!(value(&s, "360700", "DE_VA", "2024").await, Some(100.0), "{l}: dry run writes nothing");
        let sum = s.upsert_observations(&[b.clone()], "tester", "corrected", false).await.unwrap();
        assert_eq!(sum.updated, 1, "{l}");
        let revs = s.revisions("360700", "DE_VA", "2024".parse().unwrap()).await.unwrap();
        assert_eq!(revs.len(), 2, "{l}");
        assert_eq!((revs[0].old_value, revs[0].new_value), (None, Some(100.0)), "{l}");
        assert_eq!((revs[1].old_value, revs[1].new_value, revs[1].reason.as_str()), (Some(100.0), Some(101.5), "corrected"), "{l}");

        // A batch with one bad row (unknown region: the foreign key refuses it) writes nothing.
        let good = obs("360100", "DE_VA", "2024", 5.0);
        let bad = obs("999999", "DE_VA", "2024", 5.0);
        assert!(s.upsert_observations(&[good, bad], "tester", "bad batch", false).await.is_err(), "{l}");
        assert_eq!(value(&s, "360100", "DE_VA", "2024").await, None, "{l}: rolled back");

        // Deletion keeps the history.
        let n = s
            .delete_observations(&ObservationFilter { region: Some("360700".into()), period: Some("2024".parse().unwrap()), ..Default::default() }, "tester", "cleanup")
            .await
            .unwrap();
        assert_eq!(n, 1, "{l}");
        let revs = s.revisions("360700", "DE_VA", "2024".parse().unwrap()).await.unwrap();
        assert_eq!((revs[2].old_value, revs[2].new_value), (Some(101.5), None), "{l}");
        s.close().await;
    }
}

#[tokio::test]
async fn opening_a_missing_sqlite_file_without_create_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nope.db");
    let err = Store::open_sqlite(&p, false).await.unwrap_err();
    assert!(matches!(err, StoreError::NoSuchFile(_)));
    assert!(!p.exists(), "no empty file left behind");
    let err = Store::open_url("mysql://x", false).await.unwrap_err();
    assert!(err.to_string().contains("mysql://x"));
}

/// 撤回 and the notice of a return (migration 0007): a county submits, withdraws (back to a
/// draft, recorded as `withdraw`), submits again; its city returns it and the county has a notice
/// carrying the city's comment, read once for the unit.
#[tokio::test]
async fn a_withdrawn_submission_is_a_draft_and_a_return_notifies_the_filer() {
    use digecon_collect::{Action, FilingState};
    use digecon_core::{Actor, Role};
    use std::collections::BTreeMap;
    for db in TestDb::both() {
        let s = loaded(&db).await;
        let county = Actor { username: "zg".into(), role: Role::County, region_code: Some("360702".into()), department_code: None };
        let city = Actor { username: "gz".into(), role: Role::City, region_code: Some("360700".into()), department_code: None };
        let province = Actor { username: "prov".into(), role: Role::ProvinceOffice, region_code: None, department_code: None };
        let p: Period = "2023".parse().unwrap();
        let at = chrono::Utc::now();
        let none = BTreeMap::new();
        // 2023's window has closed: the provincial office opens it for the county first.
        s.filing_action("JXDE-A-COUNTY", "360702", p, Action::Reopen, &province, "补报 / late filing", &none, at).await.unwrap();
        let values: Vec<(String, String, f64)> = [("GDP", 380.0), ("EIM_REV", 50.0), ("ITSW_REV", 20.0), ("DI_VA", 25.0), ("ID_VA", 140.0), ("DE_VA", 165.0), ("DE_VA_GDP_SHARE", 43.42)]
            .into_iter()
            .map(|(i, v)| ("360702".to_string(), i.to_string(), v))
            .collect();
        s.save_filing_values("JXDE-A-COUNTY", p, &values, &county, "test", at, false).await.unwrap();
        let f = s.filing_action("JXDE-A-COUNTY", "360702", p, Action::Submit, &county, "", &none, at).await.unwrap();
        assert_eq!(f.state, FilingState::Submitted);
        let f = s.filing_action("JXDE-A-COUNTY", "360702", p, Action::Withdraw, &county, "", &none, at).await.unwrap();
        assert_eq!((f.state, f.submitted_at.as_deref()), (FilingState::Draft, None));
        let events = s.filing_detail("JXDE-A-COUNTY", "360702", p).await.unwrap().unwrap().events;
        assert_eq!(events.last().unwrap().action, Action::Withdraw);
        s.filing_action("JXDE-A-COUNTY", "360702", p, Action::Submit, &county, "", &none, at).await.unwrap();
        s.filing_action("JXDE-A-COUNTY", "360702", p, Action::Return, &city, "请核对GDP", &none, at).await.unwrap();
        let notices = s.notices_for(&["360702".to_string()], 50).await.unwrap();
        let kinds: Vec<(&str, &str)> = notices.iter().map(|n| (n.kind.as_str(), n.message.as_str())).collect();
        assert_eq!(kinds, [("returned", "请核对GDP"), ("reopened", "补报 / late filing")]);
        assert!(s.mark_notice_read(notices[0].id, "zg", "2026-01-01T00:00:00.000Z").await.unwrap());
        assert!(s.mark_notice_read(notices[0].id, "zg2", "2026-01-02T00:00:00.000Z").await.unwrap());
        let n = s.notice(notices[0].id).await.unwrap().unwrap();
        assert_eq!((n.read_by.as_deref(), n.read_at.as_deref()), (Some("zg"), Some("2026-01-01T00:00:00.000Z")), "the first reader is kept");
        assert!(!s.mark_notice_read(999_999, "zg", "x").await.unwrap());
    }
}

/// Upgrading a database that already holds filings to migration 0007 (notices; `withdraw` allowed
/// in filing_events — on SQLite by rebuilding the table under the value changes' foreign keys):
/// the history written before is kept entry for entry, the foreign keys still hold, and the new
/// steps work on the old filings. The older database is made by taking 0007 back out of one
/// filled by the real code paths (saves, submissions, a return, corrections, an approval).
#[tokio::test]
async fn migration_0007_upgrades_a_database_holding_filings() {
    use digecon_collect::{Action, FilingState};
    use digecon_core::{Actor, Role};
    use digecon_store::collect::AuditFilter;
    use sqlx::Connection;
    use std::collections::BTreeMap;
    for db in TestDb::both() {
        let l = db.label;
        let s = loaded(&db).await;
        let county = |code: &str| Actor { username: format!("c{code}"), role: Role::County, region_code: Some(code.into()), department_code: None };
        let city = Actor { username: "gz".into(), role: Role::City, region_code: Some("360700".into()), department_code: None };
        let province = Actor { username: "prov".into(), role: Role::ProvinceOffice, region_code: None, department_code: None };
        let p: Period = "2023".parse().unwrap();
        let at = chrono::Utc::now();
        let none = BTreeMap::new();
        for (code, gdp) in [("360702", 380.0_f64), ("360703", 210.0)] {
            s.filing_action("JXDE-A-COUNTY", code, p, Action::Reopen, &province, "补报", &none, at).await.unwrap();
            let values: Vec<(String, String, f64)> = [("GDP", gdp), ("EIM_REV", 50.0), ("ITSW_REV", 20.0), ("DI_VA", 25.0), ("ID_VA", 140.0), ("DE_VA", 165.0), ("DE_VA_GDP_SHARE", (165.0 / gdp * 10000.0).round() / 100.0)]
                .into_iter()
                .map(|(i, v)| (code.to_string(), i.to_string(), v))
                .collect();
            s.save_filing_values("JXDE-A-COUNTY", p, &values, &county(code), "first", at, false).await.unwrap();
            s.filing_action("JXDE-A-COUNTY", code, p, Action::Submit, &county(code), "", &none, at).await.unwrap();
        }
        // One is returned, corrected (a value change) and submitted again; the other approved by the city.
        s.filing_action("JXDE-A-COUNTY", "360702", p, Action::Return, &city, "请核对GDP", &none, at).await.unwrap();
        let fix = vec![("360702".to_string(), "GDP".to_string(), 385.5), ("360702".to_string(), "DE_VA_GDP_SHARE".to_string(), 42.8)];
        s.save_filing_values("JXDE-A-COUNTY", p, &fix, &county("360702"), "核对后更正", at, false).await.unwrap();
        s.filing_action("JXDE-A-COUNTY", "360702", p, Action::Submit, &county("360702"), "", &none, at).await.unwrap();
        s.filing_action("JXDE-A-COUNTY", "360703", p, Action::Approve, &city, "", &none, at).await.unwrap();
        let before = s.audit(&AuditFilter::default()).await.unwrap();
        assert!(before.len() >= 14, "{l}: {} audit entries", before.len());
        s.close().await;

        // Take 0007 back out: what an older digecon left behind.
        let downgrade: &[&'static str] = if l == "sqlite" {
            &[
                "DROP TABLE notices",
                "PRAGMA defer_foreign_keys = ON",
                "CREATE TABLE fe_old AS SELECT * FROM filing_events",
                "DROP TABLE filing_events",
                "CREATE TABLE filing_events (id INTEGER PRIMARY KEY, filing_id BIGINT NOT NULL REFERENCES filings (id), at TEXT NOT NULL, actor TEXT NOT NULL, actor_role TEXT NOT NULL, \
                 action TEXT NOT NULL CHECK (action IN ('save', 'submit', 'approve', 'return', 'reopen')), from_state TEXT, to_state TEXT NOT NULL, comment TEXT NOT NULL)",
                "INSERT INTO filing_events SELECT * FROM fe_old",
                "DROP TABLE fe_old",
                "CREATE INDEX filing_events_by_filing ON filing_events (filing_id)",
                "DELETE FROM _sqlx_migrations WHERE version = 7",
            ]
        } else {
            &[
                "DROP TABLE notices",
                "ALTER TABLE filing_events DROP CONSTRAINT filing_events_action_check",
                "ALTER TABLE filing_events ADD CONSTRAINT filing_events_action_check CHECK (action IN ('save', 'submit', 'approve', 'return', 'reopen'))",
                "DELETE FROM _sqlx_migrations WHERE version = 7",
            ]
        };
        let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap_or_else(|e| panic!("{l}: {e}"));
        let mut tx = conn.begin().await.unwrap();
        for sql in downgrade {
            sqlx::query(*sql).execute(&mut *tx).await.unwrap_or_else(|e| panic!("{l}: {sql}: {e}"));
        }
        tx.commit().await.unwrap();
        let refused = sqlx::query("UPDATE filing_events SET action = 'withdraw' WHERE id = (SELECT MIN(id) FROM filing_events)").execute(&mut conn).await;
        assert!(refused.is_err(), "{l}: the older schema refuses `withdraw`");
        conn.close().await.unwrap();

        // Opening migrates; nothing written before is lost or changed.
        let s = db.open().await;
        let after = s.audit(&AuditFilter::default()).await.unwrap();
        assert_eq!(after, before, "{l}: the audit trail survives the upgrade");
        if l == "sqlite" {
            let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
            let broken = sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut conn).await.unwrap();
            assert!(broken.is_empty(), "sqlite: {} foreign-key violations after the rebuild", broken.len());
            conn.close().await.unwrap();
        }
        // The new steps on the old filings: the resubmitted one withdrawn, then returned with a notice.
        let f = s.filing_action("JXDE-A-COUNTY", "360702", p, Action::Withdraw, &county("360702"), "", &none, at).await.unwrap();
        assert_eq!(f.state, FilingState::Draft, "{l}");
        s.filing_action("JXDE-A-COUNTY", "360702", p, Action::Submit, &county("360702"), "", &none, at).await.unwrap();
        s.filing_action("JXDE-A-COUNTY", "360702", p, Action::Return, &city, "再核对", &none, at).await.unwrap();
        let notices = s.notices_for(&["360702".to_string()], 10).await.unwrap();
        assert_eq!(notices.first().map(|n| n.message.as_str()), Some("再核对"), "{l}");
        s.close().await;
    }
}
