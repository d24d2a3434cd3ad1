//! `PIPELINE.toml`: one table per step, run in the order the tables appear; absent steps are
//! skipped.
//!
//! ```toml
//! [screen]
//! by = "na"                 # na | zeros | na_and_zeros
//! threshold = 0.9           # data availability below this drops the unit (default 2/3)
//! nonzero_threshold = 0.05
//! force_include = []        # unit codes
//! force_exclude = []
//!
//! [impute]
//! method = "mean_by_group"  # mean | median | mean_by_group | median_by_group
//! group = "EurAsia_group"
//! empty_group = "error"     # error | leave
//!
//! [denominate]              # iMeta `Denominator` column, plus overrides
//! denominators = { Flights = "Population" }
//! scale_factor = 1.0
//!
//! [treat]
//! method = "winsorise"      # winsorise | none
//! winmax = 5
//! skew = 2.0
//! kurtosis = 3.5
//! fallback = "log_ct"       # log_ct | log_ct_plus | none
//! exclude = []
//!
//! [normalise]
//! method = "minmax"         # minmax | zscore | scaled | rank | borda | prank | dist2max |
//!                           # dist2ref | dist2targ | fracmax | goalposts
//! range = [0, 100]          # minmax
//! zero_range = "error"      # or a score given to every unit of a constant indicator
//!
//! [aggregate]
//! method = "amean"          # amean | gmean | hmean | genmean | copeland, or one per level
//! zeros = "error"           # error | skip | epsilon (gmean, hmean, genmean with p < 0)
//! ```

use serde::Deserialize;

use crate::aggregate::{AggMethod, AggregateSpec, ZeroPolicy};
use crate::denominate::DenominateSpec;
use crate::error::{IndexError, Result};
use crate::framework::Goalposts;
use crate::impute::{EmptyGroup, ImputeMethod, ImputeSpec};
use crate::normalise::{Normalisation, NormaliseSpec, ZeroRange};
use crate::pipeline::{Pipeline, Step};
use crate::screen::{ScreenBy, ScreenSpec};
use crate::treat::{LogFallback, TreatSpec};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    screen: Option<ScreenCfg>,
    impute: Option<ImputeCfg>,
    denominate: Option<DenominateCfg>,
    treat: Option<TreatCfg>,
    normalise: Option<NormaliseCfg>,
    aggregate: Option<AggregateCfg>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreenCfg {
    by: String,
    threshold: Option<f64>,
    nonzero_threshold: Option<f64>,
    #[serde(default)]
    force_include: Vec<String>,
    #[serde(default)]
    force_exclude: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImputeCfg {
    method: String,
    group: Option<String>,
    empty_group: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DenominateCfg {
    by: Option<String>,
    #[serde(default)]
    denominators: toml::Table,
    scale_factor: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TreatCfg {
    method: Option<String>,
    winmax: Option<usize>,
    skew: Option<f64>,
    kurtosis: Option<f64>,
    fallback: Option<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrText {
    Num(f64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NormaliseCfg {
    method: String,
    range: Option<[f64; 2]>,
    mean_sd: Option<[f64; 2]>,
    scaled: Option<[f64; 3]>,
    reference: Option<String>,
    cap: Option<bool>,
    goalposts: Option<[f64; 3]>,
    truncate: Option<bool>,
    zero_range: Option<NumOrText>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AggregateCfg {
    method: OneOrMany,
    p: Option<f64>,
    zeros: Option<String>,
    epsilon: Option<f64>,
    dat_thresh: Option<f64>,
}

fn choice<'a>(source: &str, key: &str, value: &'a str, allowed: &[&str]) -> Result<&'a str> {
    if allowed.contains(&value) {
        Ok(value)
    } else {
        Err(IndexError::Config {
            source_name: source.into(),
            message: format!("`{key}` = \"{value}\" 无效 / invalid: expected one of {}", allowed.join(", ")),
        })
    }
}

fn cfg_err(source: &str, m: impl Into<String>) -> IndexError {
    IndexError::Config { source_name: source.into(), message: m.into() }
}

/// Forbids a parameter that the chosen method does not use (so nothing is silently ignored).
fn unused<T>(source: &str, v: &Option<T>, key: &str, method: &str) -> Result<()> {
    match v {
        Some(_) => Err(cfg_err(source, format!("`{key}` 不适用于 / does not apply to method `{method}`"))),
        None => Ok(()),
    }
}

impl Pipeline {
    /// Parses a `PIPELINE.toml` text; `source` names the file in errors (TOML errors carry the
    /// line and column).
    pub fn from_toml(text: &str, source: &str) -> Result<Pipeline> {
        let order: toml::Table = toml::from_str(text).map_err(|e| cfg_err(source, e.to_string()))?;
        let file: File = toml::from_str(text).map_err(|e| cfg_err(source, e.to_string()))?;
        let mut file = file;
        let mut steps = Vec::new();
        for key in order.keys() {
            let step = match key.as_str() {
                "screen" => Step::Screen(screen(source, file.screen.take().unwrap())?),
                "impute" => Step::Impute(impute(source, file.impute.take().unwrap())?),
                "denominate" => Step::Denominate(denominate(source, file.denominate.take().unwrap())?),
                "treat" => match treat(source, file.treat.take().unwrap())? {
                    Some(t) => Step::Treat(t),
                    None => continue,
                },
                "normalise" => Step::Normalise(normalise(source, file.normalise.take().unwrap())?),
                "aggregate" => Step::Aggregate(aggregate(source, file.aggregate.take().unwrap())?),
                // deny_unknown_fields has already rejected any other key.
                other => unreachable!("unknown step {other}"),
            };
            steps.push(step);
        }
        Ok(Pipeline { steps })
    }
}

fn screen(source: &str, c: ScreenCfg) -> Result<ScreenSpec> {
    let by = match choice(source, "screen.by", &c.by, &["na", "zeros", "na_and_zeros"])? {
        "na" => ScreenBy::Missing,
        "zeros" => ScreenBy::Zeros,
        _ => ScreenBy::MissingAndZeros,
    };
    let mut s = ScreenSpec::new(by);
    if let Some(t) = c.threshold {
        s.threshold = t;
    }
    if let Some(t) = c.nonzero_threshold {
        s.nonzero_threshold = t;
    }
    for (k, v) in [("threshold", s.threshold), ("nonzero_threshold", s.nonzero_threshold)] {
        if !(0.0..=1.0).contains(&v) {
            return Err(cfg_err(source, format!("screen.{k} 须在 [0, 1] / must be in [0, 1], got {v}")));
        }
    }
    s.force_include = c.force_include;
    s.force_exclude = c.force_exclude;
    Ok(s)
}

fn impute(source: &str, c: ImputeCfg) -> Result<ImputeSpec> {
    let m = choice(source, "impute.method", &c.method, &["mean", "median", "mean_by_group", "median_by_group"])?;
    let group = |g: Option<String>| g.ok_or_else(|| cfg_err(source, format!("impute.method = \"{m}\" 需要 group / needs `group` (a group column of iData)")));
    let method = match m {
        "mean" => ImputeMethod::Mean,
        "median" => ImputeMethod::Median,
        "mean_by_group" => ImputeMethod::MeanByGroup(group(c.group.clone())?),
        _ => ImputeMethod::MedianByGroup(group(c.group.clone())?),
    };
    if matches!(m, "mean" | "median") {
        unused(source, &c.group, "group", m)?;
    }
    let empty_group = match c.empty_group.as_deref().map(|v| choice(source, "impute.empty_group", v, &["error", "leave"])).transpose()? {
        Some("leave") => EmptyGroup::Leave,
        _ => EmptyGroup::Error,
    };
    Ok(ImputeSpec { method, empty_group })
}

fn denominate(source: &str, c: DenominateCfg) -> Result<DenominateSpec> {
    let by = c.by.as_deref().map(|v| choice(source, "denominate.by", v, &["imeta", "config"])).transpose()?;
    let use_framework = by != Some("config");
    let mut overrides = Vec::new();
    for (k, v) in c.denominators {
        let d = v.as_str().ok_or_else(|| cfg_err(source, format!("denominate.denominators.{k} 应为列名字符串 / must be a column name (string)")))?;
        overrides.push((k, d.to_string()));
    }
    if !use_framework && overrides.is_empty() {
        return Err(cfg_err(source, "denominate.by = \"config\" 需要 denominators / needs `denominators`"));
    }
    Ok(DenominateSpec { use_framework, overrides, scale_factor: c.scale_factor.unwrap_or(1.0) })
}

fn treat(source: &str, c: TreatCfg) -> Result<Option<TreatSpec>> {
    if choice(source, "treat.method", c.method.as_deref().unwrap_or("winsorise"), &["winsorise", "none"])? == "none" {
        return Ok(None);
    }
    let d = TreatSpec::default();
    let fallback = match choice(source, "treat.fallback", c.fallback.as_deref().unwrap_or("log_ct"), &["log_ct", "log_ct_plus", "none"])? {
        "log_ct" => LogFallback::LogCt,
        "log_ct_plus" => LogFallback::LogCtPlus,
        _ => LogFallback::None,
    };
    Ok(Some(TreatSpec {
        winmax: c.winmax.unwrap_or(d.winmax),
        skew: c.skew.unwrap_or(d.skew),
        kurtosis: c.kurtosis.unwrap_or(d.kurtosis),
        fallback,
        exclude: c.exclude,
    }))
}

fn normalise(source: &str, c: NormaliseCfg) -> Result<NormaliseSpec> {
    let m = c.method.strip_prefix("n_").unwrap_or(&c.method).to_string();
    let m = m.as_str();
    let allowed = ["minmax", "zscore", "scaled", "rank", "borda", "prank", "dist2max", "dist2ref", "dist2targ", "fracmax", "goalposts"];
    choice(source, "normalise.method", m, &allowed)?;
    if m != "minmax" {
        unused(source, &c.range, "range", m)?;
    }
    if m != "zscore" {
        unused(source, &c.mean_sd, "mean_sd", m)?;
    }
    if m != "scaled" {
        unused(source, &c.scaled, "scaled", m)?;
    }
    if m != "dist2ref" {
        unused(source, &c.reference, "reference", m)?;
    }
    if m != "dist2ref" && m != "dist2targ" {
        unused(source, &c.cap, "cap", m)?;
    }
    if m != "goalposts" {
        unused(source, &c.goalposts, "goalposts", m)?;
        unused(source, &c.truncate, "truncate", m)?;
    }
    if !matches!(m, "minmax" | "zscore" | "dist2max") {
        unused(source, &c.zero_range, "zero_range", m)?;
    }
    let method = match m {
        "minmax" => {
            let [lower, upper] = c.range.unwrap_or([0.0, 100.0]);
            Normalisation::MinMax { lower, upper }
        }
        "zscore" => {
            let [mean, sd] = c.mean_sd.unwrap_or([0.0, 1.0]);
            Normalisation::ZScore { mean, sd }
        }
        "scaled" => {
            let [lower, upper, factor] = c.scaled.unwrap_or([0.0, 100.0, 100.0]);
            Normalisation::Scaled { lower, upper, factor }
        }
        "dist2ref" => Normalisation::Dist2Ref {
            unit: c.reference.ok_or_else(|| cfg_err(source, "normalise.method = \"dist2ref\" 需要 reference (单位代码) / needs `reference` (a unit code)"))?,
            cap: c.cap.unwrap_or(false),
        },
        "dist2targ" => Normalisation::Dist2Target { cap: c.cap.unwrap_or(false) },
        "goalposts" => Normalisation::Goalposts {
            posts: c.goalposts.map(|[lower, upper, scale]| Goalposts { lower, upper, scale }),
            truncate: c.truncate.unwrap_or(true),
        },
        other => Normalisation::parse(other)?,
    };
    let zero_range = match c.zero_range {
        None => ZeroRange::Error,
        Some(NumOrText::Num(v)) => ZeroRange::Value(v),
        Some(NumOrText::Text(t)) if t == "error" => ZeroRange::Error,
        Some(NumOrText::Text(t)) => return Err(cfg_err(source, format!("normalise.zero_range = \"{t}\" 无效 / invalid: expected \"error\" or a number"))),
    };
    Ok(NormaliseSpec { method, zero_range })
}

fn aggregate(source: &str, c: AggregateCfg) -> Result<AggregateSpec> {
    let names = match c.method {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    };
    if names.is_empty() {
        return Err(cfg_err(source, "aggregate.method 为空 / is empty"));
    }
    let mut methods = Vec::new();
    for n in &names {
        let m = match (n.as_str(), c.p) {
            ("genmean" | "a_genmean", Some(p)) => AggMethod::parse(&format!("genmean({p})")),
            (_, _) => AggMethod::parse(n),
        }
        .map_err(|e| cfg_err(source, format!("aggregate.method: {e}")))?;
        methods.push(m);
    }
    if c.p.is_some() && !names.iter().any(|n| n.ends_with("genmean")) {
        return Err(cfg_err(source, "`p` 只用于 genmean / `p` applies to genmean only"));
    }
    let zeros = match choice(source, "aggregate.zeros", c.zeros.as_deref().unwrap_or("error"), &["error", "skip", "epsilon"])? {
        "error" => ZeroPolicy::Error,
        "skip" => ZeroPolicy::Skip,
        _ => ZeroPolicy::Epsilon(c.epsilon.ok_or_else(|| cfg_err(source, "aggregate.zeros = \"epsilon\" 需要 epsilon / needs `epsilon`"))?),
    };
    if c.epsilon.is_some() && !matches!(zeros, ZeroPolicy::Epsilon(_)) {
        return Err(cfg_err(source, "`epsilon` 只用于 zeros = \"epsilon\" / applies to zeros = \"epsilon\" only"));
    }
    Ok(AggregateSpec { methods, zeros, dat_thresh: c.dat_thresh })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_follow_file_order() {
        let t = r#"
[normalise]
method = "minmax"
range = [1, 100]

[impute]
method = "mean_by_group"
group = "EurAsia_group"

[screen]
by = "na"
threshold = 0.9

[aggregate]
method = ["amean", "gmean", "genmean"]
p = 2
zeros = "epsilon"
epsilon = 0.01
"#;
        let p = Pipeline::from_toml(t, "PIPELINE.toml").unwrap();
        let names: Vec<&str> = p.steps.iter().map(|s| s.name()).collect();
        assert_eq!(names, ["normalise", "impute", "screen", "aggregate"]);
        assert_eq!(p.steps[0], Step::Normalise(NormaliseSpec::minmax(1.0, 100.0)));
        let Step::Aggregate(a) = &p.steps[3] else { panic!() };
        assert_eq!(a.methods, [AggMethod::AMean, AggMethod::GMean, AggMethod::GenMean(2.0)]);
        assert_eq!(a.zeros, ZeroPolicy::Epsilon(0.01));
        let Step::Screen(s) = &p.steps[2] else { panic!() };
        assert_eq!((s.by, s.threshold), (ScreenBy::Missing, 0.9));
    }

    #[test]
    fn treat_defaults_and_issue_example() {
        let t = "[treat]\nmethod = \"winsorise\"\nwinmax = 5\nskew = 2.0\nkurtosis = 3.5\n";
        let p = Pipeline::from_toml(t, "P.toml").unwrap();
        assert_eq!(p.steps, [Step::Treat(TreatSpec::default())]);
        assert!(Pipeline::from_toml("[treat]\nmethod = \"none\"\n", "P.toml").unwrap().steps.is_empty());
    }

    #[test]
    fn errors_name_file_and_position() {
        let e = Pipeline::from_toml("[normalise]\nmethod = \"minmax\"\nrnage = [0, 1]\n", "PIPELINE.toml").unwrap_err().to_string();
        assert!(e.starts_with("PIPELINE.toml: 配置无效 / invalid configuration:") && e.contains("line 3") && e.contains("rnage"), "{e}");
        let e = Pipeline::from_toml("[weights]\nx = 1\n", "PIPELINE.toml").unwrap_err().to_string();
        assert!(e.contains("weights"), "{e}");
        let e = Pipeline::from_toml("[normalise]\nmethod = \"rank\"\nrange = [0, 1]\n", "P.toml").unwrap_err().to_string();
        assert!(e.contains("`range` 不适用于 / does not apply to method `rank`"), "{e}");
        let e = Pipeline::from_toml("[impute]\nmethod = \"mean_by_group\"\n", "P.toml").unwrap_err().to_string();
        assert!(e.contains("needs `group`"), "{e}");
        let e = Pipeline::from_toml("[aggregate]\nmethod = \"gmean\"\nzeros = \"ignore\"\n", "P.toml").unwrap_err().to_string();
        assert!(e.contains("expected one of error, skip, epsilon"), "{e}");
    }
}
