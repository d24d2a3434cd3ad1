//! Tiers (梯队): grouping regions by a value, either by stated thresholds ("超 400 亿元为第一梯队")
//! or by natural breaks (Jenks: the grouping into k classes with the least total within-class sum
//! of squared deviations, found exactly by dynamic programming). Tier 1 is the top tier.

use crate::error::{IndexError, Result};

/// How a value is compared with a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// value > threshold (超, 以上 in the strict sense).
    Above,
    /// value ≥ threshold.
    AtLeast,
}

/// One region's tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    pub name: String,
    pub value: f64,
    /// 1 = top tier.
    pub tier: usize,
}

fn check_values(items: &[(&str, f64)]) -> Result<()> {
    if let Some((n, v)) = items.iter().find(|(_, v)| !v.is_finite()) {
        return Err(IndexError::Invalid(format!("`{n}` 的值无效 / `{n}` has no usable value ({v})")));
    }
    Ok(())
}

/// Tiers by thresholds in descending order: with `[400, 200]` and [`Cut::Above`], tier 1 is
/// > 400, tier 2 is > 200, tier 3 the rest.
pub fn tiers_by_thresholds(items: &[(&str, f64)], thresholds: &[f64], cut: Cut) -> Result<Vec<Tier>> {
    check_values(items)?;
    if thresholds.is_empty() || thresholds.windows(2).any(|w| w[0] <= w[1]) || thresholds.iter().any(|t| !t.is_finite()) {
        return Err(IndexError::Invalid(format!("门槛须为严格递减的有限数 / thresholds must be finite and strictly decreasing, got {thresholds:?}")));
    }
    Ok(items
        .iter()
        .map(|&(name, value)| {
            let passed = |t: f64| match cut {
                Cut::Above => value > t,
                Cut::AtLeast => value >= t,
            };
            let tier = thresholds.iter().position(|&t| passed(t)).map_or(thresholds.len() + 1, |p| p + 1);
            Tier { name: name.into(), value, tier }
        })
        .collect())
}

/// The result of natural breaks.
#[derive(Debug, Clone, PartialEq)]
pub struct NaturalBreaks {
    pub tiers: Vec<Tier>,
    /// The lowest value of each tier, tier 1 first.
    pub lower_bounds: Vec<f64>,
    /// Goodness of variance fit: 1 − (within-class squared deviations)/(total squared deviations).
    pub gvf: f64,
}

/// Natural breaks (Jenks) into `k` tiers. Equal values are never split between tiers, so `k`
/// may not exceed the number of distinct values.
pub fn tiers_by_natural_breaks(items: &[(&str, f64)], k: usize) -> Result<NaturalBreaks> {
    check_values(items)?;
    let mut v: Vec<f64> = items.iter().map(|x| x.1).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let distinct = 1 + v.windows(2).filter(|w| w[0] != w[1]).count();
    if k == 0 || n == 0 || k > distinct {
        return Err(IndexError::Invalid(format!("无法分为 {k} 个梯队: 只有 {distinct} 个不同的值 / cannot make {k} tiers from {distinct} distinct values")));
    }
    // Prefix sums for the squared deviation of any run v[i..j].
    let (mut s1, mut s2) = (vec![0.0; n + 1], vec![0.0; n + 1]);
    for i in 0..n {
        s1[i + 1] = s1[i] + v[i];
        s2[i + 1] = s2[i] + v[i] * v[i];
    }
    let ssd = |i: usize, j: usize| {
        let m = (j - i) as f64;
        let s = s1[j] - s1[i];
        (s2[j] - s2[i] - s * s / m).max(0.0)
    };
    let can_break = |i: usize| i > 0 && i < n && v[i - 1] != v[i];
    // best[c][j]: least cost of splitting v[..j] into c + 1 classes; from[c][j]: start of the last.
    let inf = f64::INFINITY;
    let mut best = vec![vec![inf; n + 1]; k];
    let mut from = vec![vec![0usize; n + 1]; k];
    for (j, b) in best[0].iter_mut().enumerate().skip(1) {
        *b = ssd(0, j);
    }
    for c in 1..k {
        for j in 1..=n {
            for i in 1..j {
                if can_break(i) && best[c - 1][i] < inf {
                    let cost = best[c - 1][i] + ssd(i, j);
                    if cost < best[c][j] {
                        best[c][j] = cost;
                        from[c][j] = i;
                    }
                }
            }
        }
    }
    let mut starts = vec![0usize; k];
    let mut j = n;
    for c in (1..k).rev() {
        starts[c] = from[c][j];
        j = starts[c];
    }
    // Class c (ascending) starts at v[starts[c]]; tier 1 is the highest class.
    let lower_bounds: Vec<f64> = starts.iter().rev().map(|&s| v[s]).collect();
    let tiers = items
        .iter()
        .map(|&(name, value)| Tier { name: name.into(), value, tier: lower_bounds.iter().position(|&lb| value >= lb).unwrap() + 1 })
        .collect();
    let total = ssd(0, n);
    let gvf = if total > 0.0 { 1.0 - best[k - 1][n] / total } else { 1.0 };
    Ok(NaturalBreaks { tiers, lower_bounds, gvf })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_strict_and_inclusive() {
        let items = [("a", 401.0), ("b", 400.0), ("c", 200.5), ("d", 10.0)];
        let t: Vec<usize> = tiers_by_thresholds(&items, &[400.0, 200.0], Cut::Above).unwrap().iter().map(|t| t.tier).collect();
        assert_eq!(t, [1, 2, 2, 3]);
        let t: Vec<usize> = tiers_by_thresholds(&items, &[400.0, 200.0], Cut::AtLeast).unwrap().iter().map(|t| t.tier).collect();
        assert_eq!(t, [1, 1, 2, 3]);
        assert!(tiers_by_thresholds(&items, &[200.0, 400.0], Cut::Above).is_err());
        assert!(tiers_by_thresholds(&[("x", f64::NAN)], &[1.0], Cut::Above).is_err());
    }

    #[test]
    fn natural_breaks_by_hand() {
        // 1 2 3 | 10 11 | 30: within-class SSD 2 + 0.5 + 0 = 2.5 is the least for k = 3
        // (e.g. 1 2 | 3 10 11 | 30 gives 0.5 + 38 = 38.5). Total SSD: mean 9.5,
        // 72.25 + 56.25 + 42.25 + 0.25 + 2.25 + 420.25 = 593.5 → GVF = 1 − 2.5/593.5.
        let items = [("a", 10.0), ("b", 1.0), ("c", 30.0), ("d", 2.0), ("e", 11.0), ("f", 3.0)];
        let nb = tiers_by_natural_breaks(&items, 3).unwrap();
        let t: Vec<usize> = nb.tiers.iter().map(|t| t.tier).collect();
        assert_eq!(t, [2, 3, 1, 3, 2, 3]);
        assert_eq!(nb.lower_bounds, [30.0, 10.0, 1.0]);
        assert!((nb.gvf - (1.0 - 2.5 / 593.5)).abs() < 1e-12);
    }

    #[test]
    fn natural_breaks_never_split_ties() {
        let items = [("a", 5.0), ("b", 5.0), ("c", 5.0), ("d", 1.0)];
        let nb = tiers_by_natural_breaks(&items, 2).unwrap();
        assert_eq!(nb.tiers.iter().map(|t| t.tier).collect::<Vec<_>>(), [1, 1, 1, 2]);
        assert!(tiers_by_natural_breaks(&items, 3).unwrap_err().to_string().contains("2 distinct values"));
    }
}
