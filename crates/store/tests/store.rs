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
