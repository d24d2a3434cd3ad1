//! Normalisation (COINr `Normalise`). Direction is applied first, as in COINr: the methods work
//! on y = direction · x, so a direction −1 indicator is reversed (its best value is its
//! smallest). Parameters that are values of the indicator (goalposts, targets, scaling bounds)
//! are always given in the indicator's own units; the direction decides which end is best.

use crate::data::{Dataset, UnitData};
use crate::error::{IndexError, Result};
use crate::framework::{Framework, Goalposts, Node};
use crate::stats;

/// A normalisation method.
#[derive(Debug, Clone, PartialEq)]
pub enum Normalisation {
    /// (y − min)/(max − min)·(upper − lower) + lower.
    MinMax { lower: f64, upper: f64 },
    /// (y − mean)/sd·sd′ + mean′ (sd with n − 1).
    ZScore { mean: f64, sd: f64 },
    /// (x − lower)/(upper − lower)·factor; direction −1: (upper − x)/(upper − lower)·factor.
    Scaled { lower: f64, upper: f64, factor: f64 },
    /// Rank of y, 1 = worst, ties share the lowest rank.
    Rank,
    /// Rank − 1 (Borda score: the number of units beaten).
    Borda,
    /// (rank − 1)/(n − 1), in [0, 1].
    PercentRank,
    /// 1 − (max − y)/(max − min).
    Dist2Max,
    /// 1 − (y[ref] − y)/(y[ref] − min), with `cap` limiting the result to 1.
    Dist2Ref { unit: String, cap: bool },
    /// Direction 1: (x − min)/(target − min); −1: (max − x)/(max − target); targets from the
    /// framework (iMeta `Target`); `cap` limits the result to 1.
    Dist2Target { cap: bool },
    /// y / max.
    FracMax,
    /// Direction 1: (x − l)/(u − l); −1: (u − x)/(u − l); clipped to [0, 1] if `truncate`, then
    /// × scale. `posts: None` takes each indicator's goalposts from the framework.
    Goalposts { posts: Option<Goalposts>, truncate: bool },
}

/// What to do when an indicator's values are all equal (max = min, or sd = 0) for methods that
/// divide by the spread (minmax, z-score, distance to max).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ZeroRange {
    /// Stop with an error naming the indicator (default; COINr returns NaN with a warning).
    Error,
    /// Give every present value of that indicator this score.
    Value(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct NormaliseSpec {
    pub method: Normalisation,
    pub zero_range: ZeroRange,
}

impl NormaliseSpec {
    /// COINr's default: minmax to [0, 100], zero range an error.
    pub fn minmax(lower: f64, upper: f64) -> Self {
        NormaliseSpec { method: Normalisation::MinMax { lower, upper }, zero_range: ZeroRange::Error }
    }
}

fn parse_args(text: &str) -> Result<(String, Vec<f64>)> {
    let t = text.trim();
    let (name, args) = match t.find('(') {
        None => (t, ""),
        Some(i) if t.ends_with(')') => (&t[..i], &t[i + 1..t.len() - 1]),
        Some(_) => return Err(IndexError::Invalid(format!("方法写法无效 / malformed method `{t}`: expected name or name(a, b, …)"))),
    };
    let mut v = Vec::new();
    for a in args.split(',').map(str::trim).filter(|a| !a.is_empty()) {
        v.push(a.parse::<f64>().map_err(|_| IndexError::Invalid(format!("`{t}`: 参数应为数值 / argument `{a}` is not a number")))?);
    }
    Ok((name.trim().to_string(), v))
}

pub(crate) fn split_method(text: &str) -> Result<(String, Vec<f64>)> {
    parse_args(text)
}

impl Normalisation {
    /// Parses `minmax`, `minmax(1,100)`, `zscore(10,2)`, `scaled(0,10,100)`, `rank`, `borda`,
    /// `prank`, `dist2max`, `dist2targ`, `fracmax`, `goalposts`, `goalposts(l,u,a)` (COINr's `n_`
    /// prefix is accepted). `dist2ref` needs a unit and is only set through the configuration.
    pub fn parse(text: &str) -> Result<Normalisation> {
        let (name, a) = parse_args(text)?;
        let name = name.strip_prefix("n_").unwrap_or(&name).to_string();
        let want = |n: usize, dflt: &[f64]| -> Result<Vec<f64>> {
            match a.len() {
                0 => Ok(dflt.to_vec()),
                k if k == n => Ok(a.clone()),
                k => Err(IndexError::Invalid(format!("`{text}`: 需要 {n} 个参数, 给了 {k} / expects {n} arguments, got {k}"))),
            }
        };
        let none = |m: Normalisation| -> Result<Normalisation> {
            if a.is_empty() {
                Ok(m)
            } else {
                Err(IndexError::Invalid(format!("`{text}`: 该方法没有参数 / this method takes no arguments")))
            }
        };
        Ok(match name.as_str() {
            "minmax" => {
                let v = want(2, &[0.0, 100.0])?;
                Normalisation::MinMax { lower: v[0], upper: v[1] }
            }
            "zscore" => {
                let v = want(2, &[0.0, 1.0])?;
                Normalisation::ZScore { mean: v[0], sd: v[1] }
            }
            "scaled" => {
                let v = want(3, &[0.0, 100.0, 100.0])?;
                Normalisation::Scaled { lower: v[0], upper: v[1], factor: v[2] }
            }
            "rank" => none(Normalisation::Rank)?,
            "borda" => none(Normalisation::Borda)?,
            "prank" | "percent_rank" => none(Normalisation::PercentRank)?,
            "dist2max" => none(Normalisation::Dist2Max)?,
            "dist2targ" | "dist2target" => none(Normalisation::Dist2Target { cap: false })?,
            "fracmax" => none(Normalisation::FracMax)?,
            "goalposts" => match a.len() {
                0 => Normalisation::Goalposts { posts: None, truncate: true },
                3 => Normalisation::Goalposts { posts: Some(Goalposts { lower: a[0], upper: a[1], scale: a[2] }), truncate: true },
                k => return Err(IndexError::Invalid(format!("`{text}`: goalposts 需要 0 或 3 个参数 / takes 0 or 3 arguments, got {k}"))),
            },
            other => {
                return Err(IndexError::Invalid(format!(
                    "未知的标准化方法 / unknown normalisation `{other}`: expected minmax, zscore, scaled, rank, borda, prank, dist2max, dist2ref, dist2targ, fracmax or goalposts"
                )))
            }
        })
    }

    /// Short name (as in the configuration).
    pub fn name(&self) -> &'static str {
        match self {
            Normalisation::MinMax { .. } => "minmax",
            Normalisation::ZScore { .. } => "zscore",
            Normalisation::Scaled { .. } => "scaled",
            Normalisation::Rank => "rank",
            Normalisation::Borda => "borda",
            Normalisation::PercentRank => "prank",
            Normalisation::Dist2Max => "dist2max",
            Normalisation::Dist2Ref { .. } => "dist2ref",
            Normalisation::Dist2Target { .. } => "dist2targ",
            Normalisation::FracMax => "fracmax",
            Normalisation::Goalposts { .. } => "goalposts",
        }
    }
}

fn err(code: &str, m: impl std::fmt::Display) -> IndexError {
    IndexError::step("normalise", format!("指标 / indicator `{code}`: {m}"))
}

fn zero_range(code: &str, x: &[f64], policy: ZeroRange, what: &str) -> Result<Vec<f64>> {
    match policy {
        ZeroRange::Error => Err(err(code, format!("所有值相等, {what}为 0 / all values are equal, so the {what} is 0 (set zero_range to a score to allow it)"))),
        ZeroRange::Value(v) => Ok(x.iter().map(|&a| if a.is_nan() { a } else { v }).collect()),
    }
}

/// Normalises one column. `ref_row` is the row of the reference unit for `Dist2Ref`.
pub fn normalise_column(node: &Node, x: &[f64], spec: &NormaliseSpec, ref_row: Option<usize>) -> Result<Vec<f64>> {
    let code = &node.code;
    let dir = f64::from(node.direction);
    let y: Vec<f64> = x.iter().map(|&v| dir * v).collect();
    let map = |f: &dyn Fn(f64) -> f64| -> Vec<f64> { y.iter().map(|&v| if v.is_nan() { v } else { f(v) }).collect() };
    let Some((lo, hi)) = stats::min_max(&y) else {
        return Err(err(code, "没有任何数值 / has no values"));
    };
    let out = match &spec.method {
        Normalisation::MinMax { lower, upper } => {
            if hi == lo {
                return zero_range(code, x, spec.zero_range, "极差 / range");
            }
            map(&|v| (v - lo) / (hi - lo) * (upper - lower) + lower)
        }
        Normalisation::ZScore { mean, sd } => {
            let m = stats::mean(&y).unwrap();
            let Some(s) = stats::sd(&y) else { return Err(err(code, "只有一个值, 标准差无值 / one value only, no standard deviation")) };
            if s == 0.0 {
                return zero_range(code, x, spec.zero_range, "标准差 / standard deviation");
            }
            map(&|v| (v - m) / s * sd + mean)
        }
        Normalisation::Scaled { lower, upper, factor } => {
            if upper == lower {
                return Err(err(code, "scaled 的上下限相等 / lower and upper are equal"));
            }
            x.iter()
                .map(|&v| if dir > 0.0 { (v - lower) / (upper - lower) * factor } else { (upper - v) / (upper - lower) * factor })
                .collect()
        }
        Normalisation::Rank | Normalisation::Borda | Normalisation::PercentRank => {
            let r = stats::rank_min(&y, false);
            match spec.method {
                Normalisation::Rank => r,
                Normalisation::Borda => r.iter().map(|v| v - 1.0).collect(),
                _ => {
                    let n = stats::count(&y);
                    if n < 2 {
                        return Err(err(code, "百分位排名需要至少 2 个值 / percentile rank needs at least 2 values"));
                    }
                    r.iter().map(|v| (v - 1.0) / (n - 1) as f64).collect()
                }
            }
        }
        Normalisation::Dist2Max => {
            if hi == lo {
                return zero_range(code, x, spec.zero_range, "极差 / range");
            }
            map(&|v| 1.0 - (hi - v) / (hi - lo))
        }
        Normalisation::Dist2Ref { unit, cap } => {
            let r = ref_row.ok_or_else(|| err(code, format!("参照单位 `{unit}` 不在数据中 / reference unit `{unit}` is not in the data")))?;
            let yr = y[r];
            if yr.is_nan() {
                return Err(err(code, format!("参照单位 `{unit}` 缺值 / the reference unit `{unit}` has no value")));
            }
            if yr == lo {
                return Err(err(code, format!("参照单位 `{unit}` 的值等于最小值, 分母为 0 / the reference unit has the minimum value, so the denominator is 0")));
            }
            map(&|v| {
                let s = 1.0 - (yr - v) / (yr - lo);
                if *cap { s.min(1.0) } else { s }
            })
        }
        Normalisation::Dist2Target { cap } => {
            let t = node.target.ok_or_else(|| err(code, "缺少目标值 (iMeta Target) / no target (iMeta column Target)"))?;
            let (xlo, xhi) = stats::min_max(x).unwrap();
            let (num, den): (Box<dyn Fn(f64) -> f64>, f64) =
                if dir > 0.0 { (Box::new(move |v| v - xlo), t - xlo) } else { (Box::new(move |v| xhi - v), xhi - t) };
            if den == 0.0 {
                return Err(err(code, format!("目标值 {t} 等于最差值, 分母为 0 / the target {t} equals the worst value, so the denominator is 0")));
            }
            x.iter()
                .map(|&v| {
                    if v.is_nan() {
                        return v;
                    }
                    let s = num(v) / den;
                    if *cap { s.min(1.0) } else { s }
                })
                .collect()
        }
        Normalisation::FracMax => {
            if hi == 0.0 {
                return Err(err(code, "最大值为 0 / the maximum is 0"));
            }
            map(&|v| v / hi)
        }
        Normalisation::Goalposts { posts, truncate } => {
            let g = posts.or(node.goalposts).ok_or_else(|| {
                err(code, "缺少门槛值 (goalposts 或 iMeta goalpost_lower/goalpost_upper) / no goalposts (config `goalposts` or iMeta goalpost_lower/goalpost_upper)")
            })?;
            if g.upper == g.lower {
                return Err(err(code, "上下门槛相等 / lower and upper goalposts are equal"));
            }
            x.iter()
                .map(|&v| {
                    if v.is_nan() {
                        return v;
                    }
                    let s = if dir > 0.0 { (v - g.lower) / (g.upper - g.lower) } else { (g.upper - v) / (g.upper - g.lower) };
                    (if *truncate { s.clamp(0.0, 1.0) } else { s }) * g.scale
                })
                .collect()
        }
    };
    Ok(out)
}

/// Normalises every indicator column of `ds`.
pub fn normalise(ds: &Dataset, data: &UnitData, fw: &Framework, spec: &NormaliseSpec) -> Result<Dataset> {
    let ref_row = match &spec.method {
        Normalisation::Dist2Ref { unit, .. } => ds.units.iter().position(|&u| &data.codes[u] == unit),
        _ => None,
    };
    let mut out = ds.clone();
    out.name = "Normalised".into();
    for (ci, code) in ds.columns.iter().enumerate() {
        let i = fw.find(code).ok_or_else(|| IndexError::step("normalise", format!("`{code}` 不在框架中 / not in the framework")))?;
        out.values[ci] = normalise_column(&fw.nodes()[i], &ds.values[ci], spec, ref_row)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::NodeSpec;
    const NA: f64 = f64::NAN;

    fn node(dir: i8) -> Node {
        let f = Framework::new(vec![NodeSpec::indicator("x", "P", dir, 1.0), NodeSpec::aggregate("P", 2, None, 1.0)]).unwrap();
        f.nodes()[0].clone()
    }
    fn run(dir: i8, m: Normalisation, x: &[f64]) -> Vec<f64> {
        normalise_column(&node(dir), x, &NormaliseSpec { method: m, zero_range: ZeroRange::Error }, Some(1)).unwrap()
    }
    fn same(a: &[f64], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-12, "{a:?} vs {b:?}");
        }
    }
    const X: [f64; 5] = [2.0, 4.0, NA, 4.0, 10.0];

    #[test]
    fn minmax_any_range_and_direction() {
        same(&run(1, Normalisation::MinMax { lower: 0.0, upper: 100.0 }, &X), &[0.0, 25.0, NA, 25.0, 100.0]);
        same(&run(1, Normalisation::MinMax { lower: 1.0, upper: 100.0 }, &X), &[1.0, 25.75, NA, 25.75, 100.0]);
        // direction −1: (max − x)/(max − min)·100
        same(&run(-1, Normalisation::MinMax { lower: 0.0, upper: 100.0 }, &X), &[100.0, 75.0, NA, 75.0, 0.0]);
        // the worked NEET example of COINR_METHOD.md: (42.1 − 6.3)/(42.1 − 0.6)·100 = 86.2651
        let neet = run(-1, Normalisation::MinMax { lower: 0.0, upper: 100.0 }, &[0.6, 6.3, 42.1]);
        assert!((neet[1] - 86.265_060_240_963_86).abs() < 1e-9);
    }

    #[test]
    fn zscore_mean_sd() {
        // mean 5, sd √(9+1+1+25)/3 = √12
        let s = 12f64.sqrt();
        same(&run(1, Normalisation::ZScore { mean: 0.0, sd: 1.0 }, &X), &[-3.0 / s, -1.0 / s, NA, -1.0 / s, 5.0 / s]);
        same(&run(-1, Normalisation::ZScore { mean: 10.0, sd: 2.0 }, &X), &[10.0 + 6.0 / s, 10.0 + 2.0 / s, NA, 10.0 + 2.0 / s, 10.0 - 10.0 / s]);
    }

    #[test]
    fn rank_borda_prank_with_ties() {
        same(&run(1, Normalisation::Rank, &X), &[1.0, 2.0, NA, 2.0, 4.0]);
        same(&run(-1, Normalisation::Rank, &X), &[4.0, 2.0, NA, 2.0, 1.0]);
        same(&run(1, Normalisation::Borda, &X), &[0.0, 1.0, NA, 1.0, 3.0]);
        same(&run(1, Normalisation::PercentRank, &X), &[0.0, 1.0 / 3.0, NA, 1.0 / 3.0, 1.0]);
    }

    #[test]
    fn distances() {
        same(&run(1, Normalisation::Dist2Max, &X), &[0.0, 0.25, NA, 0.25, 1.0]);
        same(&run(-1, Normalisation::Dist2Max, &X), &[1.0, 0.75, NA, 0.75, 0.0]);
        // reference = row 1 (value 4): 1 − (4 − x)/(4 − 2)
        same(&run(1, Normalisation::Dist2Ref { unit: "r".into(), cap: false }, &X), &[0.0, 1.0, NA, 1.0, 4.0]);
        same(&run(1, Normalisation::Dist2Ref { unit: "r".into(), cap: true }, &X), &[0.0, 1.0, NA, 1.0, 1.0]);
        // direction −1, reference 4: y = −x, min y = −10: 1 − (−4 − y)/(−4 + 10)
        same(&run(-1, Normalisation::Dist2Ref { unit: "r".into(), cap: false }, &X), &[4.0 / 3.0, 1.0, NA, 1.0, 0.0]);
        same(&run(1, Normalisation::FracMax, &X), &[0.2, 0.4, NA, 0.4, 1.0]);
    }

    #[test]
    fn distance_to_target() {
        let mut n = node(1);
        n.target = Some(6.0);
        let s = NormaliseSpec { method: Normalisation::Dist2Target { cap: false }, zero_range: ZeroRange::Error };
        // (x − 2)/(6 − 2)
        same(&normalise_column(&n, &X, &s, None).unwrap(), &[0.0, 0.5, NA, 0.5, 2.0]);
        let s = NormaliseSpec { method: Normalisation::Dist2Target { cap: true }, zero_range: ZeroRange::Error };
        same(&normalise_column(&n, &X, &s, None).unwrap(), &[0.0, 0.5, NA, 0.5, 1.0]);
        let mut n = node(-1);
        n.target = Some(3.0);
        // (10 − x)/(10 − 3)
        same(&normalise_column(&n, &X, &s, None).unwrap(), &[1.0, 6.0 / 7.0, NA, 6.0 / 7.0, 0.0]);
        n.target = None;
        assert!(normalise_column(&n, &X, &s, None).unwrap_err().to_string().contains("Target"));
    }

    #[test]
    fn goalposts_and_scaled() {
        let g = Some(Goalposts { lower: 3.0, upper: 8.0, scale: 100.0 });
        same(&run(1, Normalisation::Goalposts { posts: g, truncate: true }, &X), &[0.0, 20.0, NA, 20.0, 100.0]);
        same(&run(1, Normalisation::Goalposts { posts: g, truncate: false }, &X), &[-20.0, 20.0, NA, 20.0, 140.0]);
        same(&run(-1, Normalisation::Goalposts { posts: g, truncate: true }, &X), &[100.0, 80.0, NA, 80.0, 0.0]);
        same(&run(1, Normalisation::Scaled { lower: 0.0, upper: 20.0, factor: 100.0 }, &X), &[10.0, 20.0, NA, 20.0, 50.0]);
        same(&run(-1, Normalisation::Scaled { lower: 0.0, upper: 20.0, factor: 100.0 }, &X), &[90.0, 80.0, NA, 80.0, 50.0]);
    }

    #[test]
    fn zero_range_is_an_explicit_choice() {
        let flat = [5.0, 5.0, NA];
        let e = normalise_column(&node(1), &flat, &NormaliseSpec::minmax(0.0, 100.0), None).unwrap_err().to_string();
        assert!(e.contains("`x`") && e.contains("all values are equal"), "{e}");
        let s = NormaliseSpec { method: Normalisation::MinMax { lower: 0.0, upper: 100.0 }, zero_range: ZeroRange::Value(50.0) };
        same(&normalise_column(&node(1), &flat, &s, None).unwrap(), &[50.0, 50.0, NA]);
        let s = NormaliseSpec { method: Normalisation::ZScore { mean: 0.0, sd: 1.0 }, zero_range: ZeroRange::Error };
        assert!(normalise_column(&node(1), &flat, &s, None).is_err());
    }

    #[test]
    fn parses_method_text() {
        assert_eq!(Normalisation::parse("n_minmax(1, 100)").unwrap(), Normalisation::MinMax { lower: 1.0, upper: 100.0 });
        assert_eq!(Normalisation::parse("zscore").unwrap(), Normalisation::ZScore { mean: 0.0, sd: 1.0 });
        assert!(Normalisation::parse("rank(2)").is_err());
        assert!(Normalisation::parse("softmax").unwrap_err().to_string().contains("softmax"));
    }
}
