//! COINr's example pipeline on the ASEM data, all steps, with the arithmetic mean and with
//! Copeland (fixtures: tests/fixtures/example_pipeline/README.md).
//!
//! The last four tests compare every indicator and aggregate column of digecon's `Aggregated`
//! dataset with COINr's output to 1e-9 (relative): `expected_example/`,
//! `expected_example_copeland/`, `expected_v4_minmax_copeland/` and `expected_example_winmax1/`
//! `aggregated.csv` (the last with winmax = 1, so that 11 columns take the log fallback), produced
//! with R 4.2.2 from COINr's own functions (how: the fixture README). All 60 columns of all four
//! are equal. The other tests check the facts behind that agreement (15 indicators winsorised, none
//! log-transformed; the indicator of issue 15 winsorised at 4 points; Copeland equal to a plain
//! transcription of COINr's outranking matrix), so a regression points at its step.

use digecon_index::treat::TreatStatus;
use digecon_index::{read_idata, read_imeta, Coin, Framework, Pipeline, StepReport};

const IDATA: &str = include_str!("fixtures/iData.csv");
const IMETA: &str = include_str!("fixtures/iMeta.csv");
const EXAMPLE: &str = include_str!("fixtures/example_pipeline/PIPELINE.toml");
const EXAMPLE_COPELAND: &str = include_str!("fixtures/example_pipeline/PIPELINE_copeland.toml");
const V1: &str = include_str!("fixtures/PIPELINE.toml");

fn coin(toml: &str) -> Coin {
    let meta = read_imeta(IMETA.as_bytes(), "iMeta.csv").unwrap();
    let data = read_idata(IDATA.as_bytes(), "iData.csv", &meta).unwrap();
    Coin::build(meta.framework, data, Pipeline::from_toml(toml, "PIPELINE.toml").unwrap()).unwrap()
}

fn treat_report(c: &Coin) -> &digecon_index::treat::TreatReport {
    c.reports.iter().find_map(|r| if let StepReport::Treat(t) = r { Some(t) } else { None }).expect("a treat step")
}

#[test]
fn example_pipeline_runs_coinr_steps_in_coinr_order() {
    let c = coin(EXAMPLE);
    let names: Vec<&str> = c.datasets.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]);
    // Imputing by EurAsia group fills every gap, so screening at 0.9 keeps all 51 units.
    assert_eq!(c.latest().units.len(), 51);
    assert!(c.latest().values.iter().flatten().all(|v| !v.is_nan()));
    assert_eq!(c.latest().columns.len(), 60, "49 indicators and 11 aggregates");
}

#[test]
fn treat_winsorises_15_indicators_and_logs_none() {
    // COINR_METHOD.md: "ASEM: 15 of 49 indicators are winsorised; no log transform is needed."
    let c = coin(EXAMPLE);
    let rep = treat_report(&c);
    assert!(rep.logged().is_empty(), "{:?}", rep.logged());
    // Which 15, and winsorise()'s final count `nwin` for each: COINr's run (make_expected_sourced.R).
    assert_eq!(
        rep.winsorised(),
        ["Flights", "Bord", "Gas", "Services", "FDI", "ForPort", "CostImpEx", "Tariff", "StMob", "CultServ", "Forest", "Poverty", "NGOs", "FemLab", "PubDebt"]
    );
    let coinr_nwin = [
        ("Services", 4), ("FDI", 2), ("ForPort", 3), ("Forest", 2), ("CostImpEx", 1), ("Tariff", 3), ("StMob", 2), ("CultServ", 3),
        ("Flights", 1), ("Bord", 3), ("Gas", 3), ("Poverty", 3), ("NGOs", 3), ("FemLab", 1), ("PubDebt", 1),
    ];
    for (code, nwin) in coinr_nwin {
        let col = rep.columns.iter().find(|c| c.code == code).unwrap();
        assert!(matches!(col.status, TreatStatus::Winsorised { points } if points >= 1), "{col:?}");
        assert_eq!(col.budget_used, nwin, "{code}");
    }
}

#[test]
fn treat_with_winmax_1_logs_11_indicators_as_coinr_does() {
    // COINr with winmax = 1 (make_expected_sourced.R): 4 indicators pass after one winsorised point,
    // 11 fall back to log_CT of the original column.
    let c = coin(&EXAMPLE.replace("winmax = 5", "winmax = 1"));
    let rep = treat_report(&c);
    assert_eq!(rep.winsorised(), ["Flights", "CostImpEx", "FemLab", "PubDebt"]);
    assert_eq!(
        rep.logged(),
        ["Bord", "Gas", "Services", "FDI", "ForPort", "Tariff", "StMob", "CultServ", "Forest", "Poverty", "NGOs"]
    );
}

#[test]
fn services_is_winsorised_at_four_points_as_coinr_does() {
    // Issue 15: digecon log-transformed an indicator that COINr winsorises at 4 points. It is
    // Services: four single-point steps at the top, the budget 1, 2, 3, 4 (a running total of
    // moves, 1 + 2 + 3 = 6, stopped after three and fell back to the log).
    let c = coin(EXAMPLE);
    let rep = treat_report(&c);
    let s = rep.columns.iter().find(|x| x.code == "Services").unwrap();
    assert_eq!(s.status, TreatStatus::Winsorised { points: 4 });
    assert_eq!(s.budget_used, 4);
    assert!(s.skew_before.unwrap() > 2.0 && s.kurtosis_before.unwrap() > 3.5);
    assert!(s.skew_after.unwrap().abs() < 2.0 || s.kurtosis_after.unwrap() < 3.5);
    // By the rule, recomputed from the screened data: the four largest values become the fifth
    // largest (Services has no ties at the top), every other value is unchanged.
    let before = c.dataset("Screened").unwrap().column("Services").unwrap();
    let after = c.dataset("Treated").unwrap().column("Services").unwrap();
    let mut sorted = before.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    assert!(sorted[3] > sorted[4], "no tie at the fifth place");
    for (&b, &a) in before.iter().zip(after) {
        assert_eq!(a, if b > sorted[4] { sorted[4] } else { b });
    }
}

/// Copeland scores of every aggregate, transcribed from COINr's `outrankMatrix`/`a_copeland`
/// for equal weights (as in the ASEM iMeta): with k children, each weight is fl(1/k) and a sum
/// of m of them is fl(m·fl(1/k)) — R's long-double sum, rounded — so
/// o[i][j] = m_beat·w + (m_tie·w)/2 for i < j, o[j][i] = 1 − o[i][j], score = Σ sign(o − ½).
fn copeland_by_coinr_matrix(fw: &Framework, normalised: &digecon_index::Dataset) -> Vec<(String, Vec<f64>)> {
    let n = normalised.units.len();
    let mut cols: Vec<(String, Vec<f64>)> = fw.indicators().iter().map(|i| (i.code.clone(), normalised.column(&i.code).unwrap().to_vec())).collect();
    for level in 2..=fw.max_level() {
        for p in fw.at_level(level) {
            let kids = fw.children(p);
            let weights = fw.weights();
            assert!(kids.iter().all(|&c| weights[c] == 1.0), "the transcription is for equal weights");
            let w = 1.0 / kids.len() as f64;
            let x: Vec<&Vec<f64>> = kids.iter().map(|&c| &cols.iter().find(|(code, _)| *code == fw.nodes()[c].code).unwrap().1).collect();
            let mut o = vec![vec![0.0f64; n]; n];
            for i in 0..n {
                for j in 0..n {
                    if i < j {
                        let beat = x.iter().filter(|col| col[i] > col[j]).count() as f64;
                        let tie = x.iter().filter(|col| col[i] == col[j]).count() as f64;
                        o[i][j] = beat * w + (tie * w) / 2.0;
                    } else if i > j {
                        o[i][j] = 1.0 - o[j][i];
                    }
                }
            }
            let score: Vec<f64> = (0..n)
                .map(|i| (0..n).filter(|&j| j != i).map(|j| if o[i][j] > 0.5 { 1.0 } else if o[i][j] < 0.5 { -1.0 } else { 0.0 }).sum())
                .collect();
            cols.push((fw.nodes()[p].code.clone(), score));
        }
    }
    cols
}

fn copeland_equals_transcription(c: &Coin) -> usize {
    let agg = c.dataset("Aggregated").unwrap();
    let expected = copeland_by_coinr_matrix(&c.framework, c.dataset("Normalised").unwrap());
    let mut checked = 0;
    for (code, col) in &expected {
        let ours = agg.column(code).unwrap();
        for (k, (&a, &b)) in ours.iter().zip(col).enumerate() {
            assert!(a == b || (a.is_nan() && b.is_nan()), "{code} unit {}: ours {a}, COINr's matrix {b}", c.data.codes[agg.units[k]]);
        }
        checked += 1;
    }
    checked
}

#[test]
fn copeland_on_the_example_pipeline_equals_coinr_outranking_matrix() {
    let c = coin(EXAMPLE_COPELAND);
    assert_eq!(copeland_equals_transcription(&c), 60);
    // Scores are integers within ±(n − 1).
    let agg = c.dataset("Aggregated").unwrap();
    for code in ["Physical", "Conn", "Sust", "Index"] {
        assert!(agg.column(code).unwrap().iter().all(|&v| v.fract() == 0.0 && v.abs() <= 50.0), "{code}");
    }
}

#[test]
fn copeland_with_missing_values_equals_coinr_outranking_matrix() {
    // Raw data (63 missing values) → minmax → Copeland: the missing comparisons count for the
    // later unit of each pair, as in COINr's matrix.
    let c = coin(&V1.replace("method = \"amean\"", "method = \"copeland\""));
    assert_eq!(c.dataset("Normalised").unwrap().values.iter().flatten().filter(|v| v.is_nan()).count(), 63);
    assert_eq!(copeland_equals_transcription(&c), 60);
}

/// Compares digecon's `Aggregated` with COINr's `aggregated.csv` for a pipeline (fixture README).
fn compare_with_coinr(toml: &str, dir: &str) -> usize {
    // (the files go beside PIPELINE.toml in tests/fixtures/example_pipeline/)
    let path = format!("{}/tests/fixtures/example_pipeline/{dir}/aggregated.csv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e} — run make_expected.R with COINr (README.md)"));
    let c = coin(toml);
    let mut out = Vec::new();
    c.write_aggregated_csv(&mut out).unwrap();
    let read = |t: &str| {
        let mut r = csv::Reader::from_reader(t.as_bytes());
        let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<Vec<String>> = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
        (h, rows)
    };
    let (h, rows) = read(std::str::from_utf8(&out).unwrap());
    let (eh, erows) = read(&text);
    assert_eq!(rows.len(), erows.len(), "same units");
    let mut matching = 0;
    let mut differing = Vec::new();
    let mut largest = 0.0f64;
    for (k, code) in h.iter().enumerate().skip(1) {
        let ek = eh.iter().position(|x| x == code).unwrap_or_else(|| panic!("COINr has no column {code}"));
        let same = rows.iter().zip(&erows).all(|(r, e)| {
            assert_eq!(r[0], e[0], "same unit order");
            match (r[k].parse::<f64>(), e[ek].parse::<f64>()) {
                (Ok(a), Ok(b)) => {
                    let rel = (a - b).abs() / a.abs().max(b.abs()).max(1.0);
                    largest = largest.max(rel);
                    rel <= 1e-9
                }
                _ => r[k].is_empty() && (e[ek].is_empty() || e[ek] == "NA"),
            }
        });
        if same {
            matching += 1;
        } else {
            differing.push(code.clone());
        }
    }
    assert!(differing.is_empty(), "{matching} of {} columns equal COINr's to 1e-9; differing: {differing:?}", h.len() - 1);
    eprintln!("{dir}: {matching} columns equal COINr's; largest relative difference {largest:e}");
    matching
}

#[test]
fn example_pipeline_equals_coinr_to_1e9() {
    assert_eq!(compare_with_coinr(EXAMPLE, "expected_example"), 60);
}

#[test]
fn example_pipeline_copeland_equals_coinr_to_1e9() {
    assert_eq!(compare_with_coinr(EXAMPLE_COPELAND, "expected_example_copeland"), 60);
}

#[test]
fn minmax_copeland_equals_coinr_to_1e9() {
    assert_eq!(compare_with_coinr(&V1.replace("method = \"amean\"", "method = \"copeland\""), "expected_v4_minmax_copeland"), 60);
}

#[test]
fn example_pipeline_with_winmax_1_equals_coinr_to_1e9() {
    assert_eq!(compare_with_coinr(&EXAMPLE.replace("winmax = 5", "winmax = 1"), "expected_example_winmax1"), 60);
}
