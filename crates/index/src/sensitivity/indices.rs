//! What the replications' ranks add up to: each replication's mean absolute rank shift, rank
//! statistics per unit, and first-order and total Sobol indices (Saltelli / Jansen estimators).

use super::{RankStats, SobolIndex};
use crate::stats;

/// One replication's ranks, or why it failed.
type Ranks = std::result::Result<Vec<f64>, String>;

/// Mean absolute rank shift from the nominal ranks of every replication (`NaN` for failed ones).
pub(super) fn shifts(results: &[Ranks], nominal: &[f64]) -> Vec<f64> {
    results
        .iter()
        .map(|r| match r {
            Err(_) => f64::NAN,
            Ok(rk) => {
                let (s, k) = rk.iter().zip(nominal).filter(|(a, b)| !a.is_nan() && !b.is_nan()).fold((0.0, 0usize), |(s, k), (a, b)| (s + (a - b).abs(), k + 1));
                if k == 0 { f64::NAN } else { s / k as f64 }
            }
        })
        .collect()
}

/// Rank statistics of every unit over the uncertainty-analysis replications, in unit-code order.
pub(super) fn rank_stats(results: &[Ranks], codes: &[String], nominal: &[f64]) -> Vec<RankStats> {
    let mut order: Vec<usize> = (0..codes.len()).collect();
    order.sort_by(|&a, &b| codes[a].cmp(&codes[b]));
    order
        .iter()
        .map(|&u| {
            let mut v: Vec<f64> = results.iter().filter_map(|r| r.as_ref().ok()).map(|rk| rk[u]).filter(|x| !x.is_nan()).collect();
            v.sort_by(f64::total_cmp);
            let q = |p: f64| if v.is_empty() { f64::NAN } else { stats::quantile7_sorted(&v, p) };
            RankStats {
                unit: codes[u].clone(),
                nominal: nominal[u],
                mean: if v.is_empty() { f64::NAN } else { v.iter().sum::<f64>() / v.len() as f64 },
                median: q(0.5),
                q05: q(0.05),
                q95: q(0.95),
            }
        })
        .collect()
}

/// Sobol indices of each input from the shifts of the A, B and A_B^i blocks (`nn` rows each).
pub(super) fn sobol(shifts: &[f64], nn: usize, inputs: &[(&str, usize)]) -> Vec<SobolIndex> {
    let (ya, yb) = (&shifts[..nn], &shifts[nn..2 * nn]);
    let both: Vec<f64> = ya.iter().chain(yb).copied().collect();
    let v = stats::sd(&both).map(|s| s * s).filter(|&v| v > 0.0);
    inputs
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let yab = &shifts[(2 + i) * nn..(3 + i) * nn];
            let (mut s1, mut st, mut k) = (0.0, 0.0, 0usize);
            for j in 0..nn {
                if ya[j].is_nan() || yb[j].is_nan() || yab[j].is_nan() {
                    continue;
                }
                s1 += yb[j] * (yab[j] - ya[j]);
                st += (ya[j] - yab[j]).powi(2);
                k += 1;
            }
            let (first_order, total) = match v {
                Some(v) if k > 0 => (Some(s1 / k as f64 / v), Some(st / (2.0 * k as f64 * v))),
                _ => (None, None),
            };
            SobolIndex { input: name.to_string(), first_order, total }
        })
        .collect()
}
