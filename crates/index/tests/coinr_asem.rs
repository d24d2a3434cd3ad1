//! COINr compatibility on its ASEM example (fixtures: see tests/fixtures/PROVENANCE.md).

use digecon_index::sensitivity::{run_sensitivity, Alternatives, SensitivitySpec};
use digecon_index::{read_idata, read_imeta, AggMethod, Coin, Normalisation, Pipeline, Step};

const IDATA: &str = include_str!("fixtures/iData.csv");
const IMETA: &str = include_str!("fixtures/iMeta.csv");
const EXPECTED_AGG: &str = include_str!("fixtures/expected_v1_minmax_amean/aggregated.csv");
const EXPECTED_RES: &str = include_str!("fixtures/expected_v1_minmax_amean/results.csv");
const PIPELINE: &str = include_str!("fixtures/PIPELINE.toml");

fn coin(p: Pipeline) -> Coin {
    let meta = read_imeta(IMETA.as_bytes(), "iMeta.csv").unwrap();
    let data = read_idata(IDATA.as_bytes(), "iData.csv", &meta).unwrap();
    Coin::build(meta.framework, data, p).unwrap()
}

fn table(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    (h, rows)
}

fn same_number(ours: &str, theirs: &str, what: &str) {
    if theirs.is_empty() || theirs == "NA" {
        assert!(ours.is_empty(), "{what}: expected missing, got {ours}");
        return;
    }
    let (a, b): (f64, f64) = (ours.parse().unwrap_or_else(|_| panic!("{what}: `{ours}`")), theirs.parse().unwrap());
    let scale = a.abs().max(b.abs());
    assert!((a - b).abs() <= 1e-9 * scale, "{what}: ours {a}, COINr {b}");
}

#[test]
fn aggregated_equals_coinr_to_1e9_relative() {
    let c = coin(Pipeline::from_toml(PIPELINE, "PIPELINE.toml").unwrap());
    let mut out = Vec::new();
    c.write_aggregated_csv(&mut out).unwrap();
    let (h, rows) = table(std::str::from_utf8(&out).unwrap());
    let (eh, erows) = table(EXPECTED_AGG);
    assert_eq!(h, eh, "same columns in the same order");
    assert_eq!(rows.len(), 51);
    assert_eq!(rows.len(), erows.len());
    let mut missing = 0;
    for (r, e) in rows.iter().zip(&erows) {
        assert_eq!(r[0], e[0], "same unit order");
        for k in 1..h.len() {
            same_number(&r[k], &e[k], &format!("{} {}", e[0], h[k]));
            missing += usize::from(e[k].is_empty());
        }
    }
    assert_eq!(missing, 63, "the 63 missing raw values stay missing in the indicator columns");
}

#[test]
fn normalised_equals_coinr() {
    let c = coin(Pipeline::minmax_amean(0.0, 100.0));
    let n = c.dataset("Normalised").unwrap();
    let (eh, erows) = table(include_str!("fixtures/expected_v1_minmax_amean/normalised.csv"));
    for e in &erows {
        let u = c.data.codes.iter().position(|x| x == &e[0]).unwrap();
        for (k, code) in eh.iter().enumerate().skip(1) {
            let v = n.value(u, code).unwrap();
            same_number(&if v.is_nan() { String::new() } else { v.to_string() }, &e[k], &format!("{} {code}", e[0]));
        }
    }
}

#[test]
fn results_ranks_identical() {
    let c = coin(Pipeline::minmax_amean(0.0, 100.0));
    let mut out = Vec::new();
    c.write_results_csv(&mut out).unwrap();
    let (h, rows) = table(std::str::from_utf8(&out).unwrap());
    let (eh, erows) = table(EXPECTED_RES);
    assert_eq!(h, eh);
    for (r, e) in rows.iter().zip(&erows) {
        assert_eq!((&r[0], &r[1]), (&e[0], &e[1]), "same row order");
        for k in 2..h.len() {
            if h[k].ends_with("_rank") {
                assert_eq!(r[k], e[k], "{} {}", e[0], h[k]);
            } else {
                same_number(&r[k], &e[k], &format!("{} {}", e[0], h[k]));
            }
        }
    }
}

#[test]
fn worked_examples_of_the_method_note() {
    let c = coin(Pipeline::minmax_amean(0.0, 100.0));
    let deu = c.data.codes.iter().position(|x| x == "DEU").unwrap();
    let agg = c.dataset("Aggregated").unwrap();
    // NEET (direction −1, min 0.6, max 42.1), DEU = 6.3: (42.1 − 6.3)/(42.1 − 0.6)·100 = 86.265
    assert!((agg.value(deu, "NEET").unwrap() - 35.8 / 41.5 * 100.0).abs() < 1e-9);
    // Index = (Conn 81.157 + Sust 69.299)/2 = 75.228, rank 1
    let e = c.explain("DEU", "Index").unwrap();
    assert!((e.value - 75.2278).abs() < 1e-4);
    let parts: f64 = e.children.iter().map(|k| k.contribution.unwrap()).sum();
    assert!((parts - e.value).abs() < 1e-12, "contributions add up to the score");
    assert_eq!(e.children[0].child.code, "Conn");
    assert!((e.children[0].child.value - 81.157).abs() < 1e-3);
    let r = c.results().unwrap();
    assert_eq!((r.rows[0].code.as_str(), r.rows[0].ranks[0]), ("DEU", 1.0));
    // Effective weight of a ConEcFin indicator: 1/5 · 1/5 · 1/2 = 0.02
    let f = &c.framework;
    assert!((f.effective_weights()[f.find("Goods").unwrap()] - 0.02).abs() < 1e-15);
}

#[test]
fn screening_first_winsorises_15_indicators_without_log() {
    // Not COINr's example pipeline (that one denominates, imputes, then screens: see
    // tests/coinr_example.rs): the same steps with screening first, so that 5 units are dropped
    // (46 of 51 stay) before the group means are taken. Treat still winsorises 15 indicators and
    // log-transforms none here.
    let t = r#"
[screen]
by = "na"
threshold = 0.9
[denominate]
[impute]
method = "mean_by_group"
group = "EurAsia_group"
[treat]
method = "winsorise"
winmax = 5
skew = 2.0
kurtosis = 3.5
[normalise]
method = "minmax"
range = [0, 100]
[aggregate]
method = "amean"
"#;
    let c = coin(Pipeline::from_toml(t, "PIPELINE.toml").unwrap());
    assert_eq!(c.latest().units.len(), 46);
    let names: Vec<&str> = c.datasets.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Raw", "Screened", "Denominated", "Imputed", "Treated", "Normalised", "Aggregated"]);
    let digecon_index::StepReport::Treat(rep) = &c.reports[3] else { panic!() };
    assert_eq!(rep.winsorised().len(), 15, "{:?}", rep.winsorised());
    assert!(rep.logged().is_empty());
    // No value is missing after imputation, so no aggregate is missing either.
    assert!(c.latest().values.iter().flatten().all(|v| !v.is_nan()));
}

#[test]
fn geometric_mean_on_minmax_0_100_is_an_explicit_error() {
    let mut p = Pipeline::minmax_amean(0.0, 100.0);
    p.steps[1] = Step::Aggregate(digecon_index::AggregateSpec::uniform(AggMethod::GMean));
    let meta = read_imeta(IMETA.as_bytes(), "iMeta.csv").unwrap();
    let data = read_idata(IDATA.as_bytes(), "iData.csv", &meta).unwrap();
    let e = Coin::build(meta.framework, data, p).unwrap_err().to_string();
    assert!(e.contains("geometric mean of 0"), "{e}");
}

fn ua_spec(seed: u64, sobol: bool) -> SensitivitySpec {
    SensitivitySpec {
        n: 200,
        seed,
        weight_noise: 0.25,
        weight_levels: vec![1, 2, 3],
        alternatives: vec![Alternatives::Aggregate(vec![AggMethod::AMean, AggMethod::GMean])],
        sobol,
        target: None,
        skip_failed: false,
    }
}

#[test]
fn sensitivity_is_deterministic_for_a_seed() {
    let c = coin(Pipeline::minmax_amean(1.0, 100.0));
    let a = run_sensitivity(&c, &ua_spec(1, false)).unwrap();
    let b = run_sensitivity(&c, &ua_spec(1, false)).unwrap();
    assert_eq!(a, b);
    let mut w1 = Vec::new();
    let mut w2 = Vec::new();
    a.write_rank_stats_csv(&mut w1).unwrap();
    b.write_rank_stats_csv(&mut w2).unwrap();
    assert_eq!(w1, w2, "byte-identical rank_stats.csv");
    let other = run_sensitivity(&c, &ua_spec(2, false)).unwrap();
    assert_ne!(a.shifts, other.shifts);
    assert_eq!(a.runs, 200);
    assert_eq!(a.reaggregated_from_level, 2);
    // nominal ranks are those of the nominal build
    let che = a.rank_stats.iter().find(|r| r.unit == "CHE").unwrap();
    let r = c.results().unwrap();
    let nominal = r.rows.iter().find(|x| x.code == "CHE").unwrap().ranks[0];
    assert_eq!(che.nominal, nominal);
    for s in &a.rank_stats {
        assert!(s.q05 <= s.median && s.median <= s.q95, "{s:?}");
        assert!(s.q05 >= 1.0 && s.q95 <= 51.0);
    }
}

#[test]
fn sobol_indices_are_deterministic_and_sensible() {
    let c = coin(Pipeline::minmax_amean(1.0, 100.0));
    let a = run_sensitivity(&c, &ua_spec(7, true)).unwrap();
    assert_eq!(a, run_sensitivity(&c, &ua_spec(7, true)).unwrap());
    assert_eq!(a.runs, 200 * 4);
    let s = a.sobol.as_ref().unwrap();
    assert_eq!(s.iter().map(|x| x.input.as_str()).collect::<Vec<_>>(), ["weights", "aggregate"]);
    // As in COINr's published run, the aggregation choice dominates the rank shifts.
    let (w, g) = (&s[0], &s[1]);
    assert!(g.total.unwrap() > w.total.unwrap(), "{s:?}");
    assert!(g.first_order.unwrap() > 0.5, "{s:?}");
}

#[test]
fn failing_replications_stop_the_analysis_unless_skipped() {
    // On [0, 100] every geometric-mean replication meets a zero.
    let c = coin(Pipeline::minmax_amean(0.0, 100.0));
    let e = run_sensitivity(&c, &ua_spec(1, false)).unwrap_err().to_string();
    assert!(e.contains("failed") && e.contains("geometric mean of 0"), "{e}");
    let mut s = ua_spec(1, false);
    s.skip_failed = true;
    let r = run_sensitivity(&c, &s).unwrap();
    assert!(!r.failed.is_empty() && r.failed.len() < 200);
}

#[test]
fn normalisation_alternatives_and_unchanged_levels() {
    let c = coin(Pipeline::minmax_amean(1.0, 100.0));
    // Only method alternatives, no weight noise: nothing is re-aggregated per replication, and
    // a replication choosing the nominal methods reproduces the nominal ranks exactly.
    let s = SensitivitySpec {
        n: 50,
        seed: 3,
        weight_noise: 0.0,
        weight_levels: vec![],
        alternatives: vec![Alternatives::Normalise(vec![Normalisation::MinMax { lower: 1.0, upper: 100.0 }, Normalisation::Rank])],
        sobol: false,
        target: Some("Conn".into()),
        skip_failed: false,
    };
    let r = run_sensitivity(&c, &s).unwrap();
    assert_eq!(r.reaggregated_from_level, 5);
    assert_eq!(r.target, "Conn");
    assert!(r.shifts.contains(&0.0) && r.shifts.iter().any(|&y| y > 0.0));
}
