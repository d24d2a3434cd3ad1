//! Writing a synthesis into a database, on SQLite and PostgreSQL: one transaction, the same seed
//! twice changes nothing, another seed replaces the earlier values, documented / filed / other
//! generators' values are kept (and reported), and a failing write leaves nothing behind.

use digecon_core::{Observation, ObservationStatus, Period, RegionLevel, Source};
use digecon_dataset::Dataset;
use digecon_store::testing::TestDb;
use digecon_store::{ObservationFilter, Store};
use digecon_synth::db::{self, DbError, StoredInputs};
use std::sync::OnceLock;

use digecon_synth::{generate, Inputs, Spec, Synthesis, SYNTHETIC_DOC};

async fn initialised(db: &TestDb) -> (Store, Dataset) {
    let store = db.open().await;
    let ds = Dataset::embedded().unwrap();
    store.load_dataset(&ds, false, &mut |_, _, _| {}).await.unwrap();
    (store, ds)
}

fn inputs(ds: &Dataset) -> Inputs<'_> {
    Inputs { regions: &ds.regions, indicators: &ds.indicators, observations: &ds.observations, constraints: &ds.constraints }
}

/// Seed 2022 generated from the shipped dataset (once: about 1 s in a debug build).
fn shipped_2022() -> &'static Synthesis {
    static S: OnceLock<Synthesis> = OnceLock::new();
    S.get_or_init(|| generate(&inputs(&Dataset::embedded().unwrap()), &Spec::embedded().unwrap(), 2022).unwrap())
}

async fn one(store: &Store, region: &str, indicator: &str, year: i32) -> Option<Observation> {
    let f = ObservationFilter { region: Some(region.into()), indicator: Some(indicator.into()), period: Some(Period::Year(year)) };
    store.observations(&f).await.unwrap().into_iter().next()
}

async fn all(store: &Store) -> Vec<Observation> {
    store.observations(&ObservationFilter::default()).await.unwrap()
}

#[tokio::test]
async fn same_seed_is_idempotent_and_another_seed_replaces_on_both_backends() {
    for tdb in TestDb::both() {
        let l = tdb.label;
        let (store, ds) = initialised(&tdb).await;
        let spec = Spec::embedded().unwrap();
        let documented = all(&store).await;
        assert_eq!(documented.len(), ds.observations.len(), "{l}");

        // Dry run: the summary, nothing stored.
        let dry = db::synthesize(&store, &spec, 2022, true).await.unwrap();
        assert!(dry.written.dry_run && dry.written.total().created > 4000, "{l}");
        assert_eq!(db::stored_count(&store).await.unwrap(), 0, "{l}: dry run wrote nothing");

        let first = db::synthesize(&store, &spec, 2022, false).await.unwrap();
        let n = first.synthesis.observations.len() as u64;
        // Generating from the database gives exactly what the shipped dataset gives.
        assert_eq!(&first.synthesis, shipped_2022(), "{l}");
        assert!(first.report.is_ok(), "{l}");
        let t = first.written.total();
        assert_eq!((t.created, t.updated, t.unchanged, t.skipped, first.written.removed), (n, 0, 0, 0, 0), "{l}");
        let city = first.written.by_level[&RegionLevel::City];
        let county = first.written.by_level[&RegionLevel::County];
        assert_eq!(city.written() + county.written(), n, "{l}");
        assert_eq!(first.written.by_level.len(), 2, "{l}: cities and counties only");
        assert_eq!(db::stored_count(&store).await.unwrap(), n, "{l}");
        let stored = all(&store).await;
        assert_eq!(stored.len() as u64, documented.len() as u64 + n, "{l}");
        // Every documented value is as it was, and every stored synthetic value is the generated one.
        for d in &documented {
            assert!(stored.contains(d), "{l}: {d:?} changed");
        }
        let generated: Vec<&Observation> = stored.iter().filter(|o| o.synthetic).collect();
        assert_eq!(generated.len() as u64, n, "{l}");
        for o in &first.synthesis.observations {
            assert!(generated.contains(&o), "{l}: {o:?} not stored as generated");
        }
        let de = one(&store, "360000", "DE_VA", 2022).await.unwrap();
        assert_eq!((de.value, de.synthetic, de.source.doc.as_str()), (11874.0, false, "000_060bb66a7157f110.txt"), "{l}");
        let nc = one(&store, "360100", "DE_VA", 2022).await.unwrap();
        assert!(nc.synthetic && nc.source.doc == SYNTHETIC_DOC && nc.value > 3000.0, "{l}: {nc:?}");

        // A value of this generator the synthesis does not contain (left by an earlier spec) is removed.
        let leftover = Observation { period: Period::Year(2019), ..nc.clone() };
        store.upsert_observations(std::slice::from_ref(&leftover), "tester", "test", false).await.unwrap();
        let cleaned = db::synthesize(&store, &spec, 2022, false).await.unwrap();
        assert_eq!((cleaned.written.removed, cleaned.written.total().unchanged), (1, n), "{l}");
        assert_eq!(one(&store, "360100", "DE_VA", 2019).await, None, "{l}");
        let gone = store.revisions("360100", "DE_VA", Period::Year(2019)).await.unwrap();
        assert_eq!((gone[1].old_value, gone[1].new_value, gone[1].changed_by.as_str()), (Some(nc.value), None, "digecon synth --seed 2022"), "{l}");

        // The same seed again: nothing changes, no revision is added.
        let revisions = store.revisions("360100", "DE_VA", Period::Year(2022)).await.unwrap();
        assert_eq!(revisions.len(), 1, "{l}: created once");
        assert_eq!((revisions[0].old_value, revisions[0].new_value, revisions[0].changed_by.as_str()), (None, Some(nc.value), "digecon synth --seed 2022"), "{l}");
        let again = db::synthesize(&store, &spec, 2022, false).await.unwrap();
        let t = again.written.total();
        assert_eq!((t.created, t.updated, t.unchanged, t.skipped, again.written.removed), (0, 0, n, 0, 0), "{l}");
        assert_eq!(all(&store).await, stored, "{l}: the database is as it was");
        assert_eq!(store.revisions("360100", "DE_VA", Period::Year(2022)).await.unwrap().len(), 1, "{l}");

        // Another seed replaces the earlier values (the same cells), keeping the history.
        let other = db::synthesize(&store, &spec, 7, false).await.unwrap();
        let t = other.written.total();
        assert_eq!((t.created, t.skipped, other.written.removed, t.created + t.updated + t.unchanged), (0, 0, 0, n), "{l}");
        assert!(t.updated > n * 9 / 10, "{l}: every quote names the seed, most values differ: {t:?}");
        assert_eq!(db::stored_count(&store).await.unwrap(), n, "{l}");
        let nc7 = one(&store, "360100", "DE_VA", 2022).await.unwrap();
        assert!(nc7.source.quote.contains("seed=7") && nc7.value != nc.value, "{l}: {nc7:?}");
        let revisions = store.revisions("360100", "DE_VA", Period::Year(2022)).await.unwrap();
        assert_eq!(revisions.len(), 2, "{l}");
        assert_eq!((revisions[1].old_value, revisions[1].new_value, revisions[1].changed_by.as_str()), (Some(nc.value), Some(nc7.value), "digecon synth --seed 7"), "{l}");
        assert_eq!(one(&store, "360000", "DE_VA", 2022).await.unwrap(), de, "{l}");
        store.close().await;
    }
}

#[tokio::test]
async fn documented_filed_and_other_generators_values_are_kept_and_reported_on_both_backends() {
    for tdb in TestDb::both() {
        let l = tdb.label;
        let (store, _) = initialised(&tdb).await;
        let spec = Spec::embedded().unwrap();
        let synthesis = shipped_2022();
        let at = |region: &str, indicator: &str| synthesis.observations.iter().find(|o| o.region_code == region && o.indicator_code == indicator && o.period == Period::Year(2022)).unwrap().clone();
        // A filed value (章贡区 GDP), a microdata aggregate flagged synthetic (景德镇 CORE_REV), both at generated keys.
        let filed = Observation {
            value: 1000.0,
            status: ObservationStatus::Final,
            source: Source { doc: "filing:JXDE-Y/360702/2022".into(), quote: "数字经济年报".into() },
            synthetic: false,
            ..at("360702", "GDP")
        };
        let microdata = Observation {
            value: 321.0,
            status: ObservationStatus::Provisional,
            source: Source { doc: "microdata:m.csv".into(), quote: "digecon microdata load".into() },
            synthetic: true,
            ..at("360200", "CORE_REV")
        };
        store.upsert_observations(&[filed.clone(), microdata.clone()], "tester", "test", false).await.unwrap();

        let regions = store.regions().await.unwrap();
        let w = db::write(&store, &regions, &synthesis.observations, "tester", false).await.unwrap();
        let n = synthesis.observations.len() as u64;
        let t = w.total();
        assert_eq!((t.created, t.updated, t.unchanged, t.skipped), (n - 2, 0, 0, 2), "{l}");
        assert_eq!((w.by_level[&RegionLevel::City].skipped, w.by_level[&RegionLevel::County].skipped), (1, 1), "{l}");
        let mut skipped: Vec<(String, f64, f64, bool)> = w.skipped.iter().map(|s| (s.kept_source_doc.clone(), s.kept_value, s.generated_value, s.kept_synthetic)).collect();
        skipped.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(skipped, [
            ("filing:JXDE-Y/360702/2022".to_string(), 1000.0, at("360702", "GDP").value, false),
            ("microdata:m.csv".to_string(), 321.0, at("360200", "CORE_REV").value, true),
        ], "{l}");
        assert_eq!(one(&store, "360702", "GDP", 2022).await.unwrap(), filed, "{l}");
        assert_eq!(one(&store, "360200", "CORE_REV", 2022).await.unwrap(), microdata, "{l}");
        assert_eq!(db::stored_count(&store).await.unwrap(), n - 2, "{l}");

        // `synthesize` reads the database: the filed value is a fixed point the generator builds
        // around (章贡区's siblings then add up to 赣州 with it), so it is not even generated; the
        // other generator's value is ignored as an input and kept.
        let out = db::synthesize(&store, &spec, 2022, false).await.unwrap();
        assert!(out.report.is_ok(), "{l}");
        assert!(!out.synthesis.observations.iter().any(|o| o.region_code == "360702" && o.indicator_code == "GDP" && o.period == Period::Year(2022)), "{l}");
        let t = out.written.total();
        assert_eq!((t.skipped, out.written.skipped[0].kept_source_doc.as_str()), (1, "microdata:m.csv"), "{l}");
        assert_eq!(one(&store, "360702", "GDP", 2022).await.unwrap(), filed, "{l}");
        let ganzhou_counties: Vec<String> = regions.iter().filter(|r| r.parent_code.as_deref() == Some("360700")).map(|r| r.code.clone()).collect();
        let gdp = store.observations(&ObservationFilter { indicator: Some("GDP".into()), region: None, period: Some(Period::Year(2022)) }).await.unwrap();
        let county_sum: f64 = gdp.iter().filter(|o| ganzhou_counties.contains(&o.region_code)).map(|o| o.value).sum();
        let city = gdp.iter().find(|o| o.region_code == "360700").unwrap().value;
        assert_eq!((county_sum * 100.0).round(), (city * 100.0).round(), "{l}: 赣州's counties with the filed value add up to 赣州");
        store.close().await;
    }
}

#[tokio::test]
async fn a_failing_write_leaves_the_database_as_it_was_on_both_backends() {
    for tdb in TestDb::both() {
        let l = tdb.label;
        let (store, _) = initialised(&tdb).await;
        let before = all(&store).await;
        let regions = store.regions().await.unwrap();
        let mut obs = shipped_2022().observations.clone();
        // The last value names an indicator the database does not have: the insert fails after thousands succeeded.
        let mut bad = obs.last().unwrap().clone();
        bad.indicator_code = "NO_SUCH_INDICATOR".into();
        obs.push(bad);
        let e = db::write(&store, &regions, &obs, "tester", false).await.unwrap_err();
        assert!(matches!(e, DbError::Store(_)), "{l}: {e}");
        assert_eq!(all(&store).await, before, "{l}: nothing written");
        assert_eq!(db::stored_count(&store).await.unwrap(), 0, "{l}");
        // A value that is not this generator's is refused before anything is written.
        let mut not_ours = obs[0].clone();
        not_ours.synthetic = false;
        let e = db::write(&store, &regions, &[not_ours], "tester", false).await.unwrap_err();
        assert!(matches!(e, DbError::NotSynthetic(_)) && e.to_string().contains("nothing was written"), "{l}: {e}");
        assert_eq!(all(&store).await, before, "{l}");
        store.close().await;
    }
}

#[tokio::test]
async fn a_database_without_a_dataset_is_refused() {
    let tdb = TestDb::sqlite();
    let store = tdb.open().await;
    let e = db::synthesize(&store, &Spec::embedded().unwrap(), 2022, false).await.unwrap_err();
    assert!(e.to_string().contains("digecon init"), "{e}");
    assert!(StoredInputs::read(&store).await.is_err());
}
