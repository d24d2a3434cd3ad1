//! Aggregation level by level (COINr `Aggregate`): each aggregate is a weighted mean (or
//! Copeland score) of its children, with weights relative within the group.
//!
//! Scores are held node-major in one buffer (`node · n_units + unit`), so the Monte Carlo loop can
//! copy the unchanged lower levels and recompute only the levels whose inputs changed.

use crate::error::{IndexError, Result};
use crate::framework::Framework;
use crate::normalise::split_method;

/// An aggregation function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AggMethod {
    /// Σwx / Σw over present values (missing values and their weights are dropped).
    AMean,
    /// exp(Σw·ln x / Σw) over present values; values ≤ 0 follow [`ZeroPolicy`].
    GMean,
    /// Σw / Σ(w/x) over present values; zeros follow [`ZeroPolicy`].
    HMean,
    /// (Σw·x^p / Σw)^(1/p) over present values (COINr instead returns NA when any value is
    /// missing; here missing values are dropped as in the other means).
    GenMean(f64),
    /// Σⱼ sign(oᵢⱼ − ½), oᵢⱼ = weight share of children where i beats j plus half the share of
    /// ties, computed as COINr's `a_copeland` does (missing values and rounding: the `copeland`
    /// function of this module).
    Copeland,
}

impl AggMethod {
    /// Parses `amean`, `gmean`, `hmean`, `genmean(p)`, `copeland` (COINr's `a_` prefix accepted).
    pub fn parse(text: &str) -> Result<AggMethod> {
        let (name, a) = split_method(text)?;
        let name = name.strip_prefix("a_").unwrap_or(&name).to_string();
        let m = match (name.as_str(), a.as_slice()) {
            ("amean", []) => AggMethod::AMean,
            ("gmean", []) => AggMethod::GMean,
            ("hmean", []) => AggMethod::HMean,
            ("copeland", []) => AggMethod::Copeland,
            ("genmean", [p]) => AggMethod::GenMean(*p),
            ("genmean", _) => return Err(IndexError::Invalid(format!("`{text}`: genmean 需要一个参数 p / genmean takes one argument p, e.g. genmean(2)"))),
            ("amean" | "gmean" | "hmean" | "copeland", _) => {
                return Err(IndexError::Invalid(format!("`{text}`: 该方法没有参数 / this method takes no arguments")))
            }
            (other, _) => {
                return Err(IndexError::Invalid(format!(
                    "未知的聚合方法 / unknown aggregation `{other}`: expected amean, gmean, hmean, genmean(p) or copeland"
                )))
            }
        };
        if let AggMethod::GenMean(p) = m {
            if p == 0.0 || !p.is_finite() {
                return Err(IndexError::Invalid(format!("`{text}`: p 须为非零有限数 (p → 0 即 gmean) / p must be finite and non-zero (use gmean for p → 0)")));
            }
        }
        Ok(m)
    }

    pub fn label(&self) -> String {
        match self {
            AggMethod::AMean => "amean".into(),
            AggMethod::GMean => "gmean".into(),
            AggMethod::HMean => "hmean".into(),
            AggMethod::GenMean(p) => format!("genmean({p})"),
            AggMethod::Copeland => "copeland".into(),
        }
    }
}

/// What the geometric and harmonic means (and the generalised mean with p < 0) do with a zero.
/// COINr stops the whole aggregation; the choice is explicit here, never a silent NaN.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ZeroPolicy {
    /// Stop with an error naming the unit, the child and the aggregate (default).
    Error,
    /// Leave zeros out, as if missing.
    Skip,
    /// Replace zeros by this positive value.
    Epsilon(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AggregateSpec {
    /// One method for every level, or one per level from 2 to the top (length L − 1).
    pub methods: Vec<AggMethod>,
    pub zeros: ZeroPolicy,
    /// An aggregate is missing when the share of its children with values is below this.
    pub dat_thresh: Option<f64>,
}

impl AggregateSpec {
    pub fn uniform(method: AggMethod) -> Self {
        AggregateSpec { methods: vec![method], zeros: ZeroPolicy::Error, dat_thresh: None }
    }

    /// The method that computes the aggregates at `level` (≥ 2).
    pub fn method_for(&self, level: u8) -> AggMethod {
        if self.methods.len() == 1 {
            self.methods[0]
        } else {
            self.methods[level as usize - 2]
        }
    }

    pub(crate) fn check(&self, fw: &Framework) -> Result<()> {
        let need = fw.max_level() as usize - 1;
        if self.methods.len() != 1 && self.methods.len() != need {
            return Err(IndexError::step(
                "aggregate",
                format!("给了 {} 个方法, 应为 1 个或每层一个 ({need}) / {} methods given, expected 1 or one per level ({need})", self.methods.len(), self.methods.len()),
            ));
        }
        if let ZeroPolicy::Epsilon(e) = self.zeros {
            if !(e > 0.0 && e.is_finite()) {
                return Err(IndexError::step("aggregate", format!("epsilon 须为正数 / epsilon must be positive, got {e}")));
            }
        }
        if let Some(t) = self.dat_thresh {
            if !(0.0..=1.0).contains(&t) {
                return Err(IndexError::step("aggregate", format!("dat_thresh 须在 [0, 1] / must be in [0, 1], got {t}")));
            }
        }
        Ok(())
    }
}

/// Reusable buffers for [`aggregate_levels`].
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    sw: Vec<f64>,
    acc: Vec<f64>,
    present: Vec<u32>,
}

fn zero_error(units: &[String], u: usize, fw: &Framework, child: usize, parent: usize, x: f64, what: &str) -> IndexError {
    IndexError::step(
        "aggregate",
        format!(
            "{what}遇到 {x} / {what_en} of {x}: 单位 / unit `{}`, `{}` 在 / under `{}` (层级 / level {}); 可设 zeros = \"skip\" 或 \"epsilon\", 或标准化到 [1, 100] / set zeros = \"skip\" or \"epsilon\", or normalise to [1, 100]",
            units[u],
            fw.nodes()[child].code,
            fw.nodes()[parent].code,
            fw.nodes()[parent].level,
            what_en = if what.starts_with('几') { "geometric mean" } else { "harmonic/generalised mean" }
        ),
    )
}

/// Computes the aggregates at levels `from_level ..= max` into `scores` (node-major,
/// `n_units` per node), reading their children's scores from the same buffer. Levels below
/// `from_level` must already be filled. `units` (codes) are used only in error messages.
pub fn aggregate_levels(
    fw: &Framework,
    weights: &[f64],
    spec: &AggregateSpec,
    units: &[String],
    scores: &mut [f64],
    from_level: u8,
    scratch: &mut Scratch,
) -> Result<()> {
    aggregate_levels_cached(fw, weights, spec, units, scores, from_level, scratch, None)
}

/// Natural logs of the indicator scores (node-major, indicators only; `NaN` where the value is
/// missing or ≤ 0), so that Monte Carlo replications of a geometric mean do not recompute them.
pub(crate) fn indicator_logs(fw: &Framework, scores: &[f64], n: usize) -> Vec<f64> {
    scores[..fw.n_indicators() * n].iter().map(|&x| if x > 0.0 { x.ln() } else { f64::NAN }).collect()
}

/// [`aggregate_levels`] with optional precomputed indicator logs (see [`indicator_logs`]); the
/// result is bit-identical, since the same `ln` is taken once instead of per replication.
#[allow(clippy::too_many_arguments)]
pub(crate) fn aggregate_levels_cached(
    fw: &Framework,
    weights: &[f64],
    spec: &AggregateSpec,
    units: &[String],
    scores: &mut [f64],
    from_level: u8,
    scratch: &mut Scratch,
    logs: Option<&[f64]>,
) -> Result<()> {
    let n = units.len();
    scratch.sw.resize(n, 0.0);
    scratch.acc.resize(n, 0.0);
    scratch.present.resize(n, 0);
    for level in from_level.max(2)..=fw.max_level() {
        let method = spec.method_for(level);
        for p in fw.at_level(level) {
            let kids = fw.children(p);
            let (before, rest) = scores.split_at_mut(p * n);
            let out = &mut rest[..n];
            if method == AggMethod::Copeland {
                copeland(fw, p, kids, weights, before, n, out)?;
            } else {
                mean_into(fw, p, kids, weights, method, spec.zeros, units, before, n, out, scratch, logs)?;
            }
            if let Some(t) = spec.dat_thresh {
                for u in 0..n {
                    let k = kids.iter().filter(|&&c| !before[c * n + u].is_nan()).count();
                    if (k as f64) / (kids.len() as f64) < t {
                        out[u] = f64::NAN;
                    }
                }
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn mean_into(
    fw: &Framework,
    p: usize,
    kids: &[usize],
    weights: &[f64],
    method: AggMethod,
    zeros: ZeroPolicy,
    units: &[String],
    lower: &[f64],
    n: usize,
    out: &mut [f64],
    s: &mut Scratch,
    logs: Option<&[f64]>,
) -> Result<()> {
    let (sw, acc) = (&mut s.sw[..n], &mut s.acc[..n]);
    sw.fill(0.0);
    acc.fill(0.0);
    for &c in kids {
        let w = weights[c];
        let col = &lower[c * n..c * n + n];
        match method {
            AggMethod::AMean => {
                for u in 0..n {
                    let x = col[u];
                    if !x.is_nan() {
                        sw[u] += w;
                        acc[u] += w * x;
                    }
                }
            }
            AggMethod::GMean if c < fw.n_indicators() && logs.is_some() => {
                let l = &logs.unwrap()[c * n..c * n + n];
                for u in 0..n {
                    let x = col[u];
                    if x > 0.0 {
                        sw[u] += w;
                        acc[u] += w * l[u];
                    } else if !x.is_nan() {
                        match zeros {
                            _ if x < 0.0 => return Err(zero_error(units, u, fw, c, p, x, "几何平均")),
                            ZeroPolicy::Error => return Err(zero_error(units, u, fw, c, p, x, "几何平均")),
                            ZeroPolicy::Skip => {}
                            ZeroPolicy::Epsilon(e) => {
                                sw[u] += w;
                                acc[u] += w * e.ln();
                            }
                        }
                    }
                }
            }
            AggMethod::GMean => {
                for u in 0..n {
                    let mut x = col[u];
                    if x.is_nan() {
                        continue;
                    }
                    if x <= 0.0 {
                        match zeros {
                            _ if x < 0.0 => return Err(zero_error(units, u, fw, c, p, x, "几何平均")),
                            ZeroPolicy::Error => return Err(zero_error(units, u, fw, c, p, x, "几何平均")),
                            ZeroPolicy::Skip => continue,
                            ZeroPolicy::Epsilon(e) => x = e,
                        }
                    }
                    sw[u] += w;
                    acc[u] += w * x.ln();
                }
            }
            AggMethod::HMean => {
                for u in 0..n {
                    let mut x = col[u];
                    if x.is_nan() {
                        continue;
                    }
                    if x == 0.0 {
                        match zeros {
                            ZeroPolicy::Error => return Err(zero_error(units, u, fw, c, p, x, "调和平均")),
                            ZeroPolicy::Skip => continue,
                            ZeroPolicy::Epsilon(e) => x = e,
                        }
                    }
                    sw[u] += w;
                    acc[u] += w / x;
                }
            }
            AggMethod::GenMean(pw) => {
                for u in 0..n {
                    let mut x = col[u];
                    if x.is_nan() {
                        continue;
                    }
                    if x == 0.0 && pw < 0.0 {
                        match zeros {
                            ZeroPolicy::Error => return Err(zero_error(units, u, fw, c, p, x, "广义平均")),
                            ZeroPolicy::Skip => continue,
                            ZeroPolicy::Epsilon(e) => x = e,
                        }
                    }
                    let xp = x.powf(pw);
                    if xp.is_nan() {
                        return Err(IndexError::step(
                            "aggregate",
                            format!("广义平均无值 / generalised mean undefined: `{}`^{pw} for unit `{}` under `{}`", fw.nodes()[c].code, units[u], fw.nodes()[p].code),
                        ));
                    }
                    sw[u] += w;
                    acc[u] += w * xp;
                }
            }
            AggMethod::Copeland => unreachable!("handled by copeland()"),
        }
    }
    for u in 0..n {
        out[u] = if sw[u] == 0.0 {
            let any = kids.iter().any(|&c| !lower[c * n + u].is_nan());
            if any && !matches!(method, AggMethod::GMean | AggMethod::HMean | AggMethod::GenMean(_)) {
                return Err(IndexError::step(
                    "aggregate",
                    format!("单位 `{}` 在 `{}` 下有值的下级权重之和为 0 / the children of `{}` with values have zero total weight for unit `{}`", units[u], fw.nodes()[p].code, fw.nodes()[p].code, units[u]),
                ));
            }
            // No present (or, with zeros = skip, no usable) child: the aggregate is missing.
            f64::NAN
        } else {
            match method {
                AggMethod::AMean => acc[u] / sw[u],
                AggMethod::GMean => (acc[u] / sw[u]).exp(),
                AggMethod::HMean => sw[u] / acc[u],
                AggMethod::GenMean(pw) => {
                    let v = (acc[u] / sw[u]).powf(1.0 / pw);
                    if v.is_nan() {
                        return Err(IndexError::step(
                            "aggregate",
                            format!("广义平均无值 / generalised mean undefined for unit `{}` under `{}`", units[u], fw.nodes()[p].code),
                        ));
                    }
                    v
                }
                AggMethod::Copeland => unreachable!(),
            }
        };
    }
    Ok(())
}

/// The sum of `values` rounded once to the nearest double (Shewchuk's exact partials, then a
/// correctly rounded total). R's `sum()` accumulates in long double and rounds at the end, which
/// gives this same double whenever the 64-bit accumulation is exact — always so for a few
/// weights of similar size, as in an outranking matrix. `partials` is scratch space.
pub(crate) fn rounded_sum(partials: &mut Vec<f64>, values: impl IntoIterator<Item = f64>) -> f64 {
    partials.clear();
    for mut x in values {
        // Invariant: `partials` are non-overlapping, increasing in magnitude, and sum exactly
        // to the values seen so far.
        let mut kept = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        partials.truncate(kept);
        partials.push(x);
    }
    // Add the partials from the largest down until one addition is inexact; then fix a tie that
    // round-half-even would have broken the wrong way because of the partials still below.
    let Some(mut k) = partials.len().checked_sub(1) else { return 0.0 };
    let mut hi = partials[k];
    let mut lo = 0.0;
    while k > 0 {
        let x = hi;
        k -= 1;
        let y = partials[k];
        hi = x + y;
        lo = y - (hi - x);
        if lo != 0.0 {
            break;
        }
    }
    if k > 0 && ((lo < 0.0 && partials[k - 1] < 0.0) || (lo > 0.0 && partials[k - 1] > 0.0)) {
        let y = lo * 2.0;
        let x = hi + y;
        if y == x - hi {
            hi = x;
        }
    }
    hi
}

/// Copeland scores the way COINr's `a_copeland` computes them from its `outrankMatrix`, double
/// for double:
///
/// - the children's weights are divided by their sum (one rounded sum);
/// - for each pair of units i before j (in dataset order, COINr's `uCode` order),
///   oᵢⱼ = Σ w (children where i > j) + ½ Σ w (children where i = j), each Σ rounded once and
///   the addition in doubles; a child missing for either unit adds nothing;
/// - oⱼᵢ = 1 − oᵢⱼ (in doubles). So the weight of the children with a missing value counts for
///   the later unit of the pair, and an exact tie whose sums round below ½ costs the earlier
///   unit a point while the later one gets 0 (e.g. seven equal weights, one win, five ties);
/// - unit i scores Σⱼ sign(oᵢⱼ − ½).
///
/// A unit without any child value takes part like the others (it loses to every later unit and
/// beats every earlier one), as in COINr; `dat_thresh` can make its own score missing.
fn copeland(fw: &Framework, p: usize, kids: &[usize], weights: &[f64], lower: &[f64], n: usize, out: &mut [f64]) -> Result<()> {
    let mut partials = Vec::with_capacity(kids.len());
    let total = rounded_sum(&mut partials, kids.iter().map(|&c| weights[c]));
    if !(total > 0.0 && total.is_finite()) {
        return Err(IndexError::step(
            "aggregate",
            format!("`{}` 的下级权重之和须为正 / the weights of the children of `{}` must have a positive sum (Copeland)", fw.nodes()[p].code, fw.nodes()[p].code),
        ));
    }
    let w: Vec<f64> = kids.iter().map(|&c| weights[c] / total).collect();
    out.fill(0.0);
    let sign = |o: f64| if o > 0.5 { 1.0 } else if o < 0.5 { -1.0 } else { 0.0 };
    for i in 0..n {
        for j in i + 1..n {
            let cmp = |want: std::cmp::Ordering| {
                kids.iter().zip(&w).filter_map(move |(&c, &wc)| (lower[c * n + i].partial_cmp(&lower[c * n + j]) == Some(want)).then_some(wc))
            };
            let beat = rounded_sum(&mut partials, cmp(std::cmp::Ordering::Greater));
            let tie = rounded_sum(&mut partials, cmp(std::cmp::Ordering::Equal));
            let o_ij = beat + tie / 2.0;
            out[i] += sign(o_ij);
            out[j] += sign(1.0 - o_ij);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::NodeSpec;
    const NA: f64 = f64::NAN;

    /// Three units, indicators a, b (weights 1, 3) under P, c under Q, P and Q under I.
    fn setup() -> (Framework, Vec<String>) {
        let f = Framework::new(vec![
            NodeSpec::indicator("a", "P", 1, 1.0),
            NodeSpec::indicator("b", "P", 1, 3.0),
            NodeSpec::indicator("c", "Q", 1, 1.0),
            NodeSpec::aggregate("P", 2, Some("I"), 1.0),
            NodeSpec::aggregate("Q", 2, Some("I"), 1.0),
            NodeSpec::aggregate("I", 3, None, 1.0),
        ])
        .unwrap();
        (f, vec!["U1".into(), "U2".into(), "U3".into()])
    }

    fn agg(spec: &AggregateSpec, lvl1: [[f64; 3]; 3]) -> Result<Vec<f64>> {
        let (f, units) = setup();
        let mut s = vec![NA; 6 * 3];
        for (i, col) in lvl1.iter().enumerate() {
            s[i * 3..i * 3 + 3].copy_from_slice(col);
        }
        aggregate_levels(&f, &f.weights(), spec, &units, &mut s, 2, &mut Scratch::default())?;
        Ok(s)
    }

    fn close(a: f64, b: f64) {
        assert!((a.is_nan() && b.is_nan()) || (a - b).abs() < 1e-12, "{a} vs {b}");
    }

    const DATA: [[f64; 3]; 3] = [[2.0, 8.0, NA], [4.0, 2.0, 6.0], [5.0, 1.0, 3.0]];

    #[test]
    fn arithmetic_drops_missing_and_rescales_weights() {
        let s = agg(&AggregateSpec::uniform(AggMethod::AMean), DATA).unwrap();
        // P: U1 (2·1 + 4·3)/4 = 3.5; U2 (8 + 6)/4 = 3.5; U3 only b: 6. Q = c.
        close(s[9], 3.5);
        close(s[10], 3.5);
        close(s[11], 6.0);
        // I = (P + Q)/2: U1 (3.5 + 5)/2 = 4.25; U2 2.25; U3 4.5
        close(s[15], 4.25);
        close(s[16], 2.25);
        close(s[17], 4.5);
    }

    #[test]
    fn geometric_harmonic_generalised() {
        let s = agg(&AggregateSpec::uniform(AggMethod::GMean), DATA).unwrap();
        // P for U1: exp((ln 2 + 3 ln 4)/4) = 2^(7/4)
        close(s[9], 2f64.powf(1.75));
        // U3: only b = 6
        close(s[11], 6.0);
        let s = agg(&AggregateSpec::uniform(AggMethod::HMean), DATA).unwrap();
        // P for U1: 4 / (1/2 + 3/4) = 3.2
        close(s[9], 3.2);
        let s = agg(&AggregateSpec::uniform(AggMethod::GenMean(2.0)), DATA).unwrap();
        // P for U1: √((4 + 3·16)/4) = √13
        close(s[9], 13f64.sqrt());
        // genmean(1) is the arithmetic mean
        let s = agg(&AggregateSpec::uniform(AggMethod::GenMean(1.0)), DATA).unwrap();
        close(s[15], 4.25);
    }

    #[test]
    fn zeros_in_geometric_mean_are_an_explicit_choice() {
        let mut d = DATA;
        d[0][1] = 0.0;
        let e = agg(&AggregateSpec::uniform(AggMethod::GMean), d).unwrap_err().to_string();
        assert!(e.contains("`U2`") && e.contains("`a`") && e.contains("`P`") && e.contains("geometric mean of 0"), "{e}");
        let mut sp = AggregateSpec::uniform(AggMethod::GMean);
        sp.zeros = ZeroPolicy::Skip;
        close(agg(&sp, d).unwrap()[10], 2.0); // only b = 2 left
        sp.zeros = ZeroPolicy::Epsilon(0.5);
        // exp((ln 0.5 + 3 ln 2)/4) = 2^(2/4)
        close(agg(&sp, d).unwrap()[10], 2f64.sqrt());
        d[0][1] = -1.0;
        assert!(agg(&sp, d).unwrap_err().to_string().contains("-1"));
        let e = agg(&AggregateSpec::uniform(AggMethod::HMean), { let mut d = DATA; d[0][1] = 0.0; d }).unwrap_err();
        assert!(e.to_string().contains("harmonic"));
    }

    #[test]
    fn copeland_counts_pairwise_wins() {
        let sp = AggregateSpec { methods: vec![AggMethod::Copeland, AggMethod::AMean], zeros: ZeroPolicy::Error, dat_thresh: None };
        let s = agg(&sp, DATA).unwrap();
        // P (a w 1, b w 3 → shares ¼, ¾): U1 (2, 4), U2 (8, 2), U3 (–, 6).
        // o₁₂ = ¾ (b) → U1 +1, U2 −1.  o₁₃ = 0 (a missing, b 4 < 6) → U1 −1, U3 +1.
        // o₂₃ = 0 (a missing, b 2 < 6) → U2 −1, U3 +1.  Scores 0, −2, 2.
        close(s[9], 0.0);
        close(s[10], -2.0);
        close(s[11], 2.0);
    }

    /// Copeland under one parent P over `cols` (indicator-major, one value per unit), with
    /// `weights` for the indicators.
    fn copeland1(weights: &[f64], cols: &[&[f64]]) -> Vec<f64> {
        let n = cols[0].len();
        let mut specs: Vec<NodeSpec> = weights.iter().enumerate().map(|(k, &w)| NodeSpec::indicator(&format!("i{k}"), "P", 1, w)).collect();
        specs.push(NodeSpec::aggregate("P", 2, None, 1.0));
        let f = Framework::new(specs).unwrap();
        let units: Vec<String> = (0..n).map(|u| format!("U{u}")).collect();
        let mut s: Vec<f64> = cols.iter().flat_map(|c| c.iter().copied()).collect();
        s.extend(std::iter::repeat_n(NA, n));
        aggregate_levels(&f, &f.weights(), &AggregateSpec::uniform(AggMethod::Copeland), &units, &mut s, 2, &mut Scratch::default()).unwrap();
        s[weights.len() * n..].to_vec()
    }

    #[test]
    fn copeland_ties_count_half() {
        // Weights 1 and 1, a beat and a loss: o = ½ exactly → 0 points each.
        assert_eq!(copeland1(&[1.0, 1.0], &[&[1.0, 2.0], &[2.0, 1.0]]), [0.0, 0.0]);
        // Weights 1, 1, 1: X beats Y on a, ties on b, loses on c: o = ⅓ + ⅙, which rounds to ½
        // in doubles → 0 each. Weights 1, 2, 1: o = ¼ + ½·½ = ½ → 0 each.
        let cols: [&[f64]; 3] = [&[2.0, 1.0], &[5.0, 5.0], &[1.0, 2.0]];
        assert_eq!(copeland1(&[1.0, 1.0, 1.0], &cols), [0.0, 0.0]);
        assert_eq!(copeland1(&[1.0, 2.0, 1.0], &cols), [0.0, 0.0]);
        // Weights 1, 3, 1: o = ⅕ + ½·⅗ = ½ → 0; weights 2, 1, 1: o = ½ + ⅛ > ½ → X +1, Y −1.
        assert_eq!(copeland1(&[1.0, 3.0, 1.0], &cols), [0.0, 0.0]);
        assert_eq!(copeland1(&[2.0, 1.0, 1.0], &cols), [1.0, -1.0]);
    }

    #[test]
    fn copeland_weights_decide() {
        // X beats Y on a, loses on b: the heavier child wins the pair.
        let cols: [&[f64]; 2] = [&[2.0, 1.0], &[1.0, 2.0]];
        assert_eq!(copeland1(&[3.0, 1.0], &cols), [1.0, -1.0]);
        assert_eq!(copeland1(&[1.0, 3.0], &cols), [-1.0, 1.0]);
        // Three units, equal weights, a clear order on both children: 2, 0, −2.
        assert_eq!(copeland1(&[1.0, 1.0], &[&[3.0, 2.0, 1.0], &[30.0, 20.0, 10.0]]), [2.0, 0.0, -2.0]);
    }

    #[test]
    fn copeland_missing_values_count_for_the_later_unit() {
        // Weights 1 and 3 (shares ¼, ¾). X = (2, –), Y = (1, 5): o_XY = ¼ (a only; b missing adds
        // nothing) → X −1; o_YX = 1 − ¼ = ¾ → Y +1.
        assert_eq!(copeland1(&[1.0, 3.0], &[&[2.0, 1.0], &[NA, 5.0]]), [-1.0, 1.0]);
        // Same two units in the other order: Y = (1, 5) first, X = (2, –) second.
        // o_YX = 0 (a 1 < 2, b missing) → Y −1; o_XY = 1 → X +1.
        assert_eq!(copeland1(&[1.0, 3.0], &[&[1.0, 2.0], &[5.0, NA]]), [-1.0, 1.0]);
        // A unit with no value at all is still scored: it loses to later units and beats
        // earlier ones (o = 0 before, 1 − 0 after). Z = (–, –) in the middle of X and Y.
        assert_eq!(copeland1(&[1.0, 1.0], &[&[2.0, NA, 1.0], &[2.0, NA, 1.0]]), [0.0, 0.0, 0.0]);
        // X vs Z: o = 0 → X −1, Z +1; X vs Y: X +1; Z vs Y: o = 0 → Z −1, Y +1; Y: −1 + 1 = 0.
    }

    #[test]
    fn copeland_rounding_is_that_of_coinr() {
        // Seven equal weights (each 1/7 in doubles). X beats Y on one child, ties on five, loses
        // on one: exactly ½, but fl(1/7) + fl(5·fl(1/7))/2 = 0.49999999999999994 < ½, so X gets
        // −1, while o_YX = 1 − 0.49999999999999994 rounds to ½ → Y gets 0 (COINr's matrix).
        let x = [3.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        let y = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 3.0];
        let cols: Vec<[f64; 2]> = x.iter().zip(&y).map(|(&a, &b)| [a, b]).collect();
        let refs: Vec<&[f64]> = cols.iter().map(|c| &c[..]).collect();
        let w = 1.0 / 7.0;
        assert_eq!(w + (5.0 * w) / 2.0, 0.49999999999999994);
        assert_eq!(1.0 - 0.49999999999999994, 0.5);
        assert_eq!(copeland1(&[1.0; 7], &refs), [-1.0, 0.0]);
        // Swapping the two units moves the lost point to the other unit.
        let cols: Vec<[f64; 2]> = x.iter().zip(&y).map(|(&a, &b)| [b, a]).collect();
        let refs: Vec<&[f64]> = cols.iter().map(|c| &c[..]).collect();
        assert_eq!(copeland1(&[1.0; 7], &refs), [-1.0, 0.0]);
    }

    #[test]
    fn rounded_sum_is_exact_then_rounded_once() {
        let mut p = Vec::new();
        assert_eq!(rounded_sum(&mut p, []), 0.0);
        assert_eq!(rounded_sum(&mut p, [0.1, 0.2, 0.3]), 0.6);
        assert_eq!(rounded_sum(&mut p, [1e16, 1.0, -1e16]), 1.0);
        // 1 + 2⁻⁵³ + 2⁻¹⁰⁰: a double-only sum drops both small terms; the exact sum is just above
        // the half-way point, so it rounds up.
        assert_eq!(rounded_sum(&mut p, [1.0, 2f64.powi(-53), 2f64.powi(-100)]), 1.0 + f64::EPSILON);
        assert_eq!(rounded_sum(&mut p, [1.0, 2f64.powi(-53)]), 1.0);
        let w = 1.0 / 7.0;
        assert_eq!(rounded_sum(&mut p, [w; 5]), 5.0 * w);
    }

    #[test]
    fn data_threshold_and_all_missing() {
        let mut sp = AggregateSpec::uniform(AggMethod::AMean);
        sp.dat_thresh = Some(0.75);
        let s = agg(&sp, DATA).unwrap();
        close(s[11], NA); // U3 has 1 of 2 children under P
        close(s[17], NA); // so I for U3 has 1 of 2 children (Q) too
        close(s[15], 4.25); // U1 complete
        let d = [[NA, 8.0, 1.0], [NA, 2.0, 6.0], [5.0, 1.0, 3.0]];
        let s = agg(&AggregateSpec::uniform(AggMethod::AMean), d).unwrap();
        close(s[9], NA); // U1 has no value under P
        close(s[15], 5.0);
    }

    #[test]
    fn per_level_methods_and_parsing() {
        let sp = AggregateSpec { methods: vec![AggMethod::AMean, AggMethod::GMean], zeros: ZeroPolicy::Error, dat_thresh: None };
        let s = agg(&sp, DATA).unwrap();
        close(s[15], (3.5f64 * 5.0).sqrt());
        assert_eq!(AggMethod::parse("a_genmean(0.5)").unwrap(), AggMethod::GenMean(0.5));
        assert!(AggMethod::parse("genmean(0)").is_err());
        assert!(AggMethod::parse("median").is_err());
        let (f, _) = setup();
        let bad = AggregateSpec { methods: vec![AggMethod::AMean; 3], zeros: ZeroPolicy::Error, dat_thresh: None };
        assert!(bad.check(&f).is_err());
    }

    #[test]
    fn cached_logs_give_identical_results() {
        let (f, units) = setup();
        let mut d = DATA;
        d[0][1] = 0.0;
        for zeros in [ZeroPolicy::Skip, ZeroPolicy::Epsilon(0.5)] {
            let sp = AggregateSpec { methods: vec![AggMethod::GMean], zeros, dat_thresh: None };
            let mut a = vec![NA; 18];
            for (i, col) in d.iter().enumerate() {
                a[i * 3..i * 3 + 3].copy_from_slice(col);
            }
            let mut b = a.clone();
            let logs = indicator_logs(&f, &a, 3);
            aggregate_levels(&f, &f.weights(), &sp, &units, &mut a, 2, &mut Scratch::default()).unwrap();
            aggregate_levels_cached(&f, &f.weights(), &sp, &units, &mut b, 2, &mut Scratch::default(), Some(&logs)).unwrap();
            assert_eq!(a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), b.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
        }
        let sp = AggregateSpec::uniform(AggMethod::GMean);
        let mut b = vec![NA; 18];
        for (i, col) in d.iter().enumerate() {
            b[i * 3..i * 3 + 3].copy_from_slice(col);
        }
        let logs = indicator_logs(&f, &b, 3);
        assert!(aggregate_levels_cached(&f, &f.weights(), &sp, &units, &mut b, 2, &mut Scratch::default(), Some(&logs)).is_err());
    }
}
