//! Small statistics used by the pipeline, with R's conventions where COINr relies on them
//! (sd with n − 1, type-2 skewness/kurtosis, ranks with ties "min", quantile type 7).
//! Missing values are `NaN` and are ignored unless said otherwise.

/// Values that are present (not `NaN`).
pub fn present(x: &[f64]) -> impl Iterator<Item = f64> + '_ {
    x.iter().copied().filter(|v| !v.is_nan())
}

/// Number of present values.
pub fn count(x: &[f64]) -> usize {
    present(x).count()
}

/// Mean of present values; `None` if there are none.
pub fn mean(x: &[f64]) -> Option<f64> {
    let (s, n) = present(x).fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| s / n as f64)
}

/// Sample standard deviation (n − 1) of present values; `None` with fewer than two.
pub fn sd(x: &[f64]) -> Option<f64> {
    let m = mean(x)?;
    let (ss, n) = present(x).fold((0.0, 0usize), |(s, n), v| (s + (v - m) * (v - m), n + 1));
    (n > 1).then(|| (ss / (n - 1) as f64).sqrt())
}

/// Median of present values (the mean of the two middle values for an even count).
pub fn median(x: &[f64]) -> Option<f64> {
    quantile7(x, 0.5)
}

/// Minimum and maximum of present values.
pub fn min_max(x: &[f64]) -> Option<(f64, f64)> {
    present(x).fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Quantile of present values by R's default definition (type 7): with sorted values
/// x₁ … xₙ and h = (n − 1)·p, the result is x⌊h⌋₊₁ + (h − ⌊h⌋)(x⌊h⌋₊₂ − x⌊h⌋₊₁).
pub fn quantile7(x: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = present(x).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    Some(quantile7_sorted(&v, p))
}

/// [`quantile7`] on values already sorted ascending and free of `NaN`.
pub fn quantile7_sorted(v: &[f64], p: f64) -> f64 {
    let h = (v.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

/// Skewness and excess kurtosis by the type-2 (G1, G2) formulas COINr's outlier test uses.
/// Skewness is `None` with fewer than 3 values, kurtosis with fewer than 4; both are `None` when
/// all values are equal (R gives `NaN` there).
pub fn skew_kurt(x: &[f64]) -> (Option<f64>, Option<f64>) {
    let Some(m) = mean(x) else { return (None, None) };
    let n = count(x) as f64;
    let (mut s2, mut s3, mut s4) = (0.0, 0.0, 0.0);
    for v in present(x) {
        let d = v - m;
        let d2 = d * d;
        s2 += d2;
        s3 += d2 * d;
        s4 += d2 * d2;
    }
    if s2 == 0.0 {
        return (None, None);
    }
    let skew = (n >= 3.0)
        .then(|| n.sqrt() * s3 / s2.powf(1.5) * (n * (n - 1.0)).sqrt() / (n - 2.0));
    let kurt = (n >= 4.0).then(|| {
        let r = n * s4 / (s2 * s2);
        ((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
    });
    (skew, kurt)
}

/// Ranks with ties sharing the lowest (best) place, `NaN` kept as `NaN` (R's
/// `rank(x, ties.method = "min", na.last = "keep")`). `descending = true` gives rank 1 to the
/// largest value, as in results tables; `false` gives rank 1 to the smallest, as in `n_rank`.
pub fn rank_min(x: &[f64], descending: bool) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).filter(|&i| !x[i].is_nan()).collect();
    let mut out = vec![f64::NAN; x.len()];
    rank_min_into(x, descending, &mut idx, &mut out);
    out
}

/// [`rank_min`] with caller-provided buffers (the Monte Carlo loop ranks thousands of times).
/// `idx` is overwritten; `out` must have `x.len()` elements.
pub fn rank_min_into(x: &[f64], descending: bool, idx: &mut Vec<usize>, out: &mut [f64]) {
    idx.clear();
    idx.extend((0..x.len()).filter(|&i| !x[i].is_nan()));
    for (o, v) in out.iter_mut().zip(x) {
        if v.is_nan() {
            *o = f64::NAN;
        }
    }
    if descending {
        idx.sort_by(|&a, &b| x[b].total_cmp(&x[a]));
    } else {
        idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    }
    let mut place = 1usize;
    for k in 0..idx.len() {
        // Exact equality: COINr ranks the doubles it has, so only equal doubles tie.
        if k > 0 && x[idx[k]] != x[idx[k - 1]] {
            place = k + 1;
        }
        out[idx[k]] = place as f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const NA: f64 = f64::NAN;

    #[test]
    fn ranks_share_the_best_place_and_keep_missing() {
        let r = rank_min(&[3.0, 5.0, NA, 5.0, 1.0], true);
        assert_eq!(r[0], 3.0);
        assert_eq!(r[1], 1.0);
        assert!(r[2].is_nan());
        assert_eq!(r[3], 1.0);
        assert_eq!(r[4], 4.0);
        let a = rank_min(&[3.0, 5.0, NA, 5.0, 1.0], false);
        assert_eq!((a[0], a[1], a[3], a[4]), (2.0, 3.0, 3.0, 1.0));
    }

    #[test]
    fn quantile_type7_interpolates() {
        // sorted 1 2 3 4: h = 3·0.05 = 0.15 → 1 + 0.15·1; h = 3·0.95 = 2.85 → 3 + 0.85·1
        let x = [4.0, 1.0, 3.0, 2.0, NA];
        assert!((quantile7(&x, 0.05).unwrap() - 1.15).abs() < 1e-12);
        assert!((quantile7(&x, 0.95).unwrap() - 3.85).abs() < 1e-12);
        assert_eq!(median(&x), Some(2.5));
    }

    #[test]
    fn mean_sd_ignore_missing() {
        let x = [2.0, NA, 4.0, 6.0];
        assert_eq!(mean(&x), Some(4.0));
        assert_eq!(sd(&x), Some(2.0)); // (4 + 0 + 4) / 2 = 4
    }

    #[test]
    fn skew_kurt_type2_by_hand() {
        // x = 1 2 3 10: mean 4, d = −3 −2 −1 6; Σd² = 50, Σd³ = −27 −8 −1 + 216 = 180,
        // Σd⁴ = 81 + 16 + 1 + 1296 = 1394.
        // g1 = √4·180/50^1.5 = 360/353.5534 = 1.018234; G1 = g1·√12/2 = 1.763633
        // r = 4·1394/2500 = 2.2304; G2 = ((5)(−0.7696) + 6)·3/(2·1) = (2.152)·1.5 = 3.228
        let (s, k) = skew_kurt(&[1.0, 2.0, 3.0, 10.0]);
        assert!((s.unwrap() - 1.763633).abs() < 1e-6, "{s:?}");
        assert!((k.unwrap() - 3.228).abs() < 1e-9, "{k:?}");
        assert_eq!(skew_kurt(&[2.0, 2.0, 2.0, 2.0]), (None, None));
        let (s3, k3) = skew_kurt(&[1.0, 2.0, 4.0]);
        assert!(s3.is_some() && k3.is_none());
    }
}
