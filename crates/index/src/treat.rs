//! Outlier treatment (COINr `Treat` defaults): the skew/kurtosis test, the winsorisation loop,
//! then a log transform of the original data for columns that still fail.
//!
//! Per column, as COINr's `Treat` with `winsorise`, `log_CT` and `check_SkewKurt` does it:
//!
//! 1. The column passes if |skew| < `skew` or kurtosis < `kurtosis` (type-2 G1/G2, missing
//!    values dropped). A passing column is left as it is; one whose test has no value (fewer than
//!    3 or 4 values, or all equal) too ([`TreatStatus::Untested`]).
//! 2. While it fails and the budget is below `winmax`: if skew ≥ 0 every point equal to the
//!    maximum is set to the largest value below it, otherwise every point equal to the minimum
//!    to the smallest value above it; then the test is run again. The budget is the number of
//!    points the latest upper-tail step moved plus the number the latest lower-tail step moved —
//!    not a running total: a point moved once joins the next tie and is moved again with it, so
//!    on one tail the budget is the number of distinct points winsorised so far.
//! 3. If the winsorised column passes, it is kept. Otherwise the **original** column (not the
//!    winsorised one) gets the fallback: `log(x − min + 0.01·(max − min))` (`log_CT`), with no
//!    further test.

use crate::data::{Dataset, UnitData};
use crate::error::{IndexError, Result};
use crate::stats;

/// What is applied to a column that still fails after winsorising.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFallback {
    /// log(x − min + 0.01·(max − min)) of the original column (COINr `log_CT`, the default).
    LogCt,
    /// As [`LogFallback::LogCt`] for skew ≥ 0; for negative skew −log(max + 0.01·(max − min) − x)
    /// (COINr `log_CT_plus`).
    LogCtPlus,
    /// Keep the original column (reported as failing).
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TreatSpec {
    /// Maximum number of points winsorised per column (default 5).
    pub winmax: usize,
    /// The column passes if |skew| < this … (default 2).
    pub skew: f64,
    /// … or excess kurtosis < this (default 3.5).
    pub kurtosis: f64,
    pub fallback: LogFallback,
    /// Indicators left untreated.
    pub exclude: Vec<String>,
}

impl Default for TreatSpec {
    fn default() -> Self {
        TreatSpec { winmax: 5, skew: 2.0, kurtosis: 3.5, fallback: LogFallback::LogCt, exclude: vec![] }
    }
}

/// What happened to one column.
#[derive(Debug, Clone, PartialEq)]
pub enum TreatStatus {
    /// Passed the test as it was.
    Passed,
    /// Winsorised: the number of values changed. The loop's budget `winmax` is COINr's count:
    /// the points moved by the latest step at the upper tail plus those moved by the latest step
    /// at the lower tail (a moved point joins the next tie, so on one tail this is the number of
    /// distinct points winsorised; tied points count once each).
    Winsorised { points: usize },
    /// Still failing after winsorising; the original column was log-transformed.
    Log { fallback: LogFallback },
    /// Still failing and left as it was (`fallback = none`).
    Failing,
    /// The test has no value (too few points or all equal); left as it was.
    Untested { reason: String },
    /// Excluded by the user.
    Excluded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TreatedColumn {
    pub code: String,
    pub status: TreatStatus,
    pub skew_before: Option<f64>,
    pub kurtosis_before: Option<f64>,
    pub skew_after: Option<f64>,
    pub kurtosis_after: Option<f64>,
    /// Changed values: unit index, old value, new value.
    pub changes: Vec<(usize, f64, f64)>,
    /// The winsorisation budget spent when the loop stopped (COINr's `nwin`: points moved by the
    /// latest upper-tail step plus those moved by the latest lower-tail step); 0 if not winsorised.
    pub budget_used: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TreatReport {
    pub columns: Vec<TreatedColumn>,
}

impl TreatReport {
    /// Codes of winsorised columns.
    pub fn winsorised(&self) -> Vec<&str> {
        self.columns.iter().filter(|c| matches!(c.status, TreatStatus::Winsorised { .. })).map(|c| c.code.as_str()).collect()
    }
    /// Codes of log-transformed columns.
    pub fn logged(&self) -> Vec<&str> {
        self.columns.iter().filter(|c| matches!(c.status, TreatStatus::Log { .. })).map(|c| c.code.as_str()).collect()
    }
}

/// R's three-valued `|skew| < s | kurt < k`: `None` when the answer is NA.
fn passes(skew: Option<f64>, kurt: Option<f64>, spec: &TreatSpec) -> Option<bool> {
    let a = skew.map(|s| s.abs() < spec.skew);
    let b = kurt.map(|k| k < spec.kurtosis);
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// Treats one column (missing values stay missing). Returns the new column and its report.
pub fn treat_column(code: &str, x: &[f64], spec: &TreatSpec) -> Result<(Vec<f64>, TreatedColumn)> {
    let (s0, k0) = stats::skew_kurt(x);
    let mut col = TreatedColumn {
        code: code.into(),
        status: TreatStatus::Passed,
        skew_before: s0,
        kurtosis_before: k0,
        skew_after: s0,
        kurtosis_after: k0,
        changes: vec![],
        budget_used: 0,
    };
    match passes(s0, k0, spec) {
        Some(true) => return Ok((x.to_vec(), col)),
        None => {
            col.status = TreatStatus::Untested {
                reason: "偏度/峰度无值(点太少或全部相等) / skew or kurtosis undefined (too few points or all equal)".into(),
            };
            return Ok((x.to_vec(), col));
        }
        Some(false) => {}
    }
    let mut y = x.to_vec();
    let (mut s, mut k) = (s0, k0);
    // COINr's budget: the points at the extreme moved by the latest step on the upper tail plus
    // those moved by the latest step on the lower tail. A point moved again joins the next tie,
    // so on one tail this is the number of distinct points winsorised so far (1, 2, 3, … for
    // 1, 2, 3, … steps without original ties), not a running total of moves.
    let (mut last_hi, mut last_lo) = (0usize, 0usize);
    while passes(s, k, spec) == Some(false) && last_hi + last_lo < spec.winmax {
        // `passes` gave Some(false), so the skew has a value; its sign picks the tail.
        let high = s.is_some_and(|v| v >= 0.0);
        let (lo, hi) = stats::min_max(&y).expect("a failing column has values");
        let extreme = if high { hi } else { lo };
        let next = if high {
            stats::present(&y).filter(|&v| v < extreme).fold(f64::NEG_INFINITY, f64::max)
        } else {
            stats::present(&y).filter(|&v| v > extreme).fold(f64::INFINITY, f64::min)
        };
        if !next.is_finite() {
            // Every value sits at the extreme: the column is constant and cannot fail the test.
            break;
        }
        let mut moved = 0usize;
        for v in y.iter_mut() {
            if *v == extreme {
                *v = next;
                moved += 1;
            }
        }
        if high {
            last_hi = moved;
        } else {
            last_lo = moved;
        }
        (s, k) = stats::skew_kurt(&y);
    }
    col.budget_used = last_hi + last_lo;
    match passes(s, k, spec) {
        Some(true) => {
            for (r, (&a, &b)) in x.iter().zip(&y).enumerate() {
                if a != b && !a.is_nan() {
                    col.changes.push((r, a, b));
                }
            }
            col.status = TreatStatus::Winsorised { points: col.changes.len() };
            col.skew_after = s;
            col.kurtosis_after = k;
            return Ok((y, col));
        }
        None => {
            // The test has no value after winsorising (the column became constant). COINr returns
            // the column untreated when the budget is spent, and stops with an error otherwise
            // (`while (NA)`); here it is returned untreated and reported either way.
            col.status = TreatStatus::Untested {
                reason: "winsorising left skew or kurtosis undefined; column left as it was / 缩尾后偏度/峰度无值, 保持原值".into(),
            };
            return Ok((x.to_vec(), col));
        }
        Some(false) => {}
    }
    if spec.fallback == LogFallback::None {
        col.status = TreatStatus::Failing;
        return Ok((x.to_vec(), col));
    }
    let (lo, hi) = stats::min_max(x).expect("a failing column has values");
    let a = 0.01 * (hi - lo);
    // COINr's log_CT_plus takes the log_CT branch only for a skew above zero.
    let negative = spec.fallback == LogFallback::LogCtPlus && !s0.is_some_and(|v| v > 0.0);
    let z: Vec<f64> = x
        .iter()
        .map(|&v| if v.is_nan() { v } else if negative { -(hi + a - v).ln() } else { (v - lo + a).ln() })
        .collect();
    if z.iter().any(|v| v.is_infinite()) {
        return Err(IndexError::step("treat", format!("`{code}`: 对数变换无值 / log transform undefined (zero range)")));
    }
    for (r, (&a, &b)) in x.iter().zip(&z).enumerate() {
        if !a.is_nan() {
            col.changes.push((r, a, b));
        }
    }
    (col.skew_after, col.kurtosis_after) = stats::skew_kurt(&z);
    col.status = TreatStatus::Log { fallback: spec.fallback };
    Ok((z, col))
}

/// Treats every indicator column of `ds` except the excluded ones.
pub fn treat(ds: &Dataset, _data: &UnitData, spec: &TreatSpec) -> Result<(Dataset, TreatReport)> {
    for e in &spec.exclude {
        if !ds.columns.contains(e) {
            return Err(IndexError::step("treat", format!("排除的指标 `{e}` 不存在 / excluded indicator `{e}` does not exist")));
        }
    }
    let mut out = ds.clone();
    out.name = "Treated".into();
    let mut rep = TreatReport::default();
    for (ci, code) in ds.columns.iter().enumerate() {
        if spec.exclude.contains(code) {
            let (s, k) = stats::skew_kurt(&ds.values[ci]);
            rep.columns.push(TreatedColumn {
                code: code.clone(),
                status: TreatStatus::Excluded,
                skew_before: s,
                kurtosis_before: k,
                skew_after: s,
                kurtosis_after: k,
                changes: vec![],
                budget_used: 0,
            });
            continue;
        }
        let (v, mut c) = treat_column(code, &ds.values[ci], spec)?;
        for ch in &mut c.changes {
            ch.0 = ds.units[ch.0];
        }
        out.values[ci] = v;
        rep.columns.push(c);
    }
    Ok((out, rep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passing_column_is_untouched() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let (y, c) = treat_column("x", &x, &TreatSpec::default()).unwrap();
        assert_eq!(y, x);
        assert_eq!(c.status, TreatStatus::Passed);
    }

    #[test]
    fn winsorises_the_top_point() {
        // 1…9 and 100: skew and kurtosis are both far above the thresholds. Setting 100 to the
        // next-largest value 9 gives 1…9, 9, which passes (|skew| < 2).
        let mut x: Vec<f64> = (1..=9).map(f64::from).collect();
        x.push(100.0);
        let (y, c) = treat_column("x", &x, &TreatSpec::default()).unwrap();
        assert_eq!(y[9], 9.0);
        assert_eq!(c.status, TreatStatus::Winsorised { points: 1 });
        assert_eq!(c.changes, vec![(9, 100.0, 9.0)]);
        assert!(c.skew_before.unwrap() > 3.0 && c.skew_after.unwrap().abs() < 2.0);
    }

    #[test]
    fn winsorises_the_bottom_for_negative_skew_and_counts_ties() {
        // −100, −100, then 1…18: negative skew; both −100 go to 1 in one step (count 2).
        let mut x = vec![-100.0, -100.0];
        x.extend((1..=18).map(f64::from));
        let (y, c) = treat_column("x", &x, &TreatSpec::default()).unwrap();
        assert_eq!((y[0], y[1]), (1.0, 1.0));
        assert_eq!(c.status, TreatStatus::Winsorised { points: 2 });
    }

    fn spread_outliers() -> Vec<f64> {
        let mut x = vec![1.0; 20];
        x.extend([100.0, 200.0, 400.0, 800.0]);
        x
    }

    #[test]
    fn winsorising_counts_tied_points() {
        // 1 ×20, 100, 300, 800, 800: the two tied 800s go to 300 in one step and count 2.
        let mut x = vec![1.0; 20];
        x.extend([100.0, 300.0, 800.0, 800.0]);
        // winmax 2: the budget is spent by the tied pair; still failing (skew 2.27, kurt 3.64),
        // so the original is log-transformed.
        let spec = TreatSpec { winmax: 2, ..Default::default() };
        assert_eq!(treat_column("x", &x, &spec).unwrap().1.status, TreatStatus::Log { fallback: LogFallback::LogCt });
        // winmax 3: one more step, the three 300s → 100 (count 5), which passes.
        let spec = TreatSpec { winmax: 3, ..Default::default() };
        let (y, c) = treat_column("x", &x, &spec).unwrap();
        assert_eq!(c.status, TreatStatus::Winsorised { points: 3 });
        assert_eq!(&y[20..], &[100.0, 100.0, 100.0, 100.0]);
    }

    #[test]
    fn winsorising_stops_as_soon_as_the_column_passes() {
        // 800 → 400 (still failing: skew 2.63, kurt 5.98), then both 400 → 200, which passes.
        let (y, c) = treat_column("x", &spread_outliers(), &TreatSpec::default()).unwrap();
        assert_eq!(c.status, TreatStatus::Winsorised { points: 2 });
        assert_eq!(&y[20..], &[100.0, 200.0, 200.0, 200.0]);
    }

    #[test]
    fn falls_back_to_log_of_the_original() {
        // With winmax 1 the column still fails after 800 → 400; log_CT of the *original* data:
        // log(x − 1 + 0.01·799) = log(x + 6.99).
        let x = spread_outliers();
        let spec = TreatSpec { winmax: 1, ..Default::default() };
        let (y, c) = treat_column("x", &x, &spec).unwrap();
        assert_eq!(c.status, TreatStatus::Log { fallback: LogFallback::LogCt });
        assert!((y[0] - 7.99f64.ln()).abs() < 1e-12);
        assert!((y[23] - 806.99f64.ln()).abs() < 1e-12);
        let spec = TreatSpec { winmax: 1, fallback: LogFallback::None, ..Default::default() };
        let (y, c) = treat_column("x", &x, &spec).unwrap();
        assert_eq!((y, c.status), (x.clone(), TreatStatus::Failing));
    }

    #[test]
    fn log_ct_plus_reflects_negative_skew() {
        let x: Vec<f64> = spread_outliers().iter().map(|v| -v).collect();
        let spec = TreatSpec { winmax: 1, fallback: LogFallback::LogCtPlus, ..Default::default() };
        let (y, c) = treat_column("x", &x, &spec).unwrap();
        assert_eq!(c.status, TreatStatus::Log { fallback: LogFallback::LogCtPlus });
        // −log(max + 0.01·799 − x) = −log(6.99 − x)
        assert!((y[0] + 7.99f64.ln()).abs() < 1e-12);
        assert!((y[23] + 806.99f64.ln()).abs() < 1e-12);
    }

    /// `i % 7` for i = 1…30 (values 0…6), then 30, 40, 50, 60.
    fn four_steps() -> Vec<f64> {
        let mut x: Vec<f64> = (1..=30).map(|i| f64::from(i % 7)).collect();
        x.extend([30.0, 40.0, 50.0, 60.0]);
        x
    }

    #[test]
    fn budget_counts_distinct_points_not_moves() {
        // Hand-checked with the type-2 formulas: 60 → 50 (skew 2.59, kurt 5.59, fails), both 50 →
        // 40 (2.43, 4.56, fails), the three 40 → 30 (2.28, 3.82, fails), the four 30 → 6 (−0.07,
        // −1.40, passes). COINr's budget after each step is 1, 2, 3, 4 (< 5 each time), so the
        // fourth step runs; a running total of moves (1, 3, 6) would stop after the third and
        // log-transform the column.
        let x = four_steps();
        let (y, c) = treat_column("x", &x, &TreatSpec::default()).unwrap();
        assert_eq!(c.status, TreatStatus::Winsorised { points: 4 });
        assert_eq!(c.budget_used, 4);
        assert_eq!(&y[30..], &[6.0, 6.0, 6.0, 6.0]);
        assert_eq!(&y[..30], &x[..30]);
        assert!((c.skew_after.unwrap() - -0.0701).abs() < 1e-4, "{:?}", c.skew_after);
        // winmax 4: still four steps (the budget is 3 before the fourth).
        let spec = TreatSpec { winmax: 4, ..Default::default() };
        assert_eq!(treat_column("x", &x, &spec).unwrap().1.status, TreatStatus::Winsorised { points: 4 });
        // winmax 3: the budget reaches 3 after the third step while it still fails → log_CT of the
        // original: log(x − 0 + 0.01·60) = log(x + 0.6).
        let spec = TreatSpec { winmax: 3, ..Default::default() };
        let (y, c) = treat_column("x", &x, &spec).unwrap();
        assert_eq!(c.status, TreatStatus::Log { fallback: LogFallback::LogCt });
        assert_eq!(c.budget_used, 3);
        assert!((y[33] - 60.6f64.ln()).abs() < 1e-12);
        assert!((y[6] - 0.6f64.ln()).abs() < 1e-12); // 7 % 7 = 0
    }

    #[test]
    fn the_tail_follows_the_sign_of_skew_at_every_step() {
        // 10…14 six times, then −20, 0, 60: skew +; 60 → 14 (upper, 1 point) leaves skew −4.45;
        // then the lower tail: −20 → 0 (1 point; skew −2.69, kurt 8.03, fails), then both 0 → 10
        // (2 points), which passes (skew 0.05). Budget: upper 1 + lower 2 = 3.
        let mut x: Vec<f64> = (0..30).map(|i| 10.0 + f64::from(i % 5)).collect();
        x.extend([-20.0, 0.0, 60.0]);
        assert!(stats::skew_kurt(&x).0.unwrap() > 0.0);
        let (y, c) = treat_column("x", &x, &TreatSpec::default()).unwrap();
        assert_eq!(c.status, TreatStatus::Winsorised { points: 3 });
        assert_eq!(c.budget_used, 3);
        assert_eq!(&y[30..], &[10.0, 10.0, 14.0]);
        // winmax 2: the budget is 1 + 1 = 2 after the second step, which still fails → log.
        let spec = TreatSpec { winmax: 2, ..Default::default() };
        let (_, c) = treat_column("x", &x, &spec).unwrap();
        assert_eq!((c.status, c.budget_used), (TreatStatus::Log { fallback: LogFallback::LogCt }, 2));
    }

    #[test]
    fn coinr_test_suite_cases() {
        // COINr's tests/testthat/test-treat.R: c(1:10, 100) with winmax 5 → 100 becomes 10 and
        // passes; c(1:20, 100, 200) with winmax 1 still fails after winsorising.
        let mut x: Vec<f64> = (1..=10).map(f64::from).collect();
        x.push(100.0);
        let (y, c) = treat_column("x", &x, &TreatSpec::default()).unwrap();
        assert_eq!(y[10], 10.0);
        assert_eq!(&y[..10], &x[..10]);
        assert_eq!(c.status, TreatStatus::Winsorised { points: 1 });
        let mut x: Vec<f64> = (1..=20).map(f64::from).collect();
        x.extend([100.0, 200.0]);
        let spec = TreatSpec { winmax: 1, fallback: LogFallback::None, ..Default::default() };
        let (y, c) = treat_column("x", &x, &spec).unwrap();
        assert_eq!((y, c.status), (x, TreatStatus::Failing));
    }

    #[test]
    fn missing_values_stay_missing_and_are_not_counted() {
        let mut x = four_steps();
        x.insert(3, f64::NAN);
        x.push(f64::NAN);
        let (y, c) = treat_column("x", &x, &TreatSpec::default()).unwrap();
        assert_eq!(c.status, TreatStatus::Winsorised { points: 4 });
        assert!(y[3].is_nan() && y[35].is_nan());
        assert_eq!(&y[31..35], &[6.0, 6.0, 6.0, 6.0]);
    }

    #[test]
    fn a_test_without_value_after_winsorising_leaves_the_column() {
        // 0 ×20 and 1: fails (skew 4.58, kurt 21); 1 → 0 makes it constant, so the test has no value:
        // COINr returns such a column untreated.
        let mut x = vec![0.0; 20];
        x.push(1.0);
        assert_eq!(passes(stats::skew_kurt(&x).0, stats::skew_kurt(&x).1, &TreatSpec::default()), Some(false));
        let (y, c) = treat_column("x", &x, &TreatSpec::default()).unwrap();
        assert_eq!(y, x);
        assert!(matches!(c.status, TreatStatus::Untested { .. }), "{:?}", c.status);
    }

    #[test]
    fn untestable_columns_are_reported() {
        let (y, c) = treat_column("x", &[3.0, 3.0, 3.0, 3.0, f64::NAN], &TreatSpec::default()).unwrap();
        assert!(y[4].is_nan());
        assert!(matches!(c.status, TreatStatus::Untested { .. }));
    }
}
