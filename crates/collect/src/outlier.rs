//! Outlier flags (异常值提示): values far from the region's own history, or outside the region's
//! plausible range. Flags inform the filer and the reviewer; they never block a filing.
//!
//! The history test is the modified z-score of Iglewicz and Hoaglin (also DHIS2's
//! `MODIFIED_Z_SCORE`): `M = 0.6745 · (x − median) / MAD`, flagged when `|M| > 3.5`, over the
//! region's previous values of the same frequency (at most [`MAX_HISTORY`], at least
//! [`MIN_HISTORY`]). When the MAD is 0 (more than half the history is one value) the mean absolute
//! deviation stands in: `M = (x − median) / (1.253314 · MeanAD)`; when that is 0 too (a constant
//! history) any other value is flagged. Year-to-date (累计) indicators are compared as the
//! increments of each period, since the cumulative values rise through every year by design.
//!
//! With too short a history for that test (the demo's counties have three years), a value ten
//! times or a tenth of the previous period's ([`JUMP_RATIO`], on the same increments) is flagged
//! as a jump: the order-of-magnitude slip of a wrong unit (万元 typed for 亿元) is the error this
//! catches.

use std::collections::BTreeMap;
use std::fmt;

use digecon_core::{format_value, Accumulation, Period};

use crate::form::Bound;

/// |M| above this is flagged.
pub const Z_THRESHOLD: f64 = 3.5;
/// Fewer previous values than this: no history test.
pub const MIN_HISTORY: usize = 4;
/// A value this many times the previous period's, or less than its inverse, is a jump.
pub const JUMP_RATIO: f64 = 10.0;
/// Only the latest values count, so an old level does not mask a recent one.
pub const MAX_HISTORY: usize = 36;

#[derive(Clone, Debug, PartialEq)]
pub struct ModifiedZ {
    /// `None` when the history is constant and the value differs (infinitely far).
    pub z: Option<f64>,
    /// The value tested (the period's increment for year-to-date indicators).
    pub tested: f64,
    pub median: f64,
    pub mad: f64,
    pub n: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OutlierReason {
    History(ModifiedZ),
    BelowLower { lower: f64, basis: String },
    AboveUpper { upper: f64, basis: String },
    /// Ten times (or a tenth of) the previous period's value, tested as `tested` against `previous`.
    Jump { previous: f64, tested: f64, period: Period },
}

/// One flag on one value.
#[derive(Clone, Debug, PartialEq)]
pub struct OutlierFlag {
    pub indicator_code: String,
    pub value: f64,
    pub reason: OutlierReason,
}

impl fmt::Display for OutlierFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = format_value(self.value);
        match &self.reason {
            OutlierReason::History(m) => {
                let z = m.z.map_or_else(|| "∞".to_string(), |z| format!("{z:.2}"));
                write!(
                    f,
                    "{code} = {v}: 偏离本地区历史（修正 z 分数 {z}，中位数 {med}，{n} 期）/ far from the region's history (modified z-score {z}, median {med} over {n} periods, tested {t})",
                    code = self.indicator_code,
                    med = format_value(m.median),
                    n = m.n,
                    t = format_value(m.tested),
                )
            }
            OutlierReason::BelowLower { lower, basis } => write!(
                f,
                "{} = {v}: 低于合理下限 {} / below the lower bound {} ({basis})",
                self.indicator_code,
                format_value(*lower),
                format_value(*lower)
            ),
            OutlierReason::Jump { previous, tested, period } => {
                let ratio = tested / previous;
                write!(
                    f,
                    "{code} = {v}: 是上期（{period}）{prev} 的 {r} 倍，请核对单位 / {r} times the previous period's {prev} ({period}): check the unit",
                    code = self.indicator_code,
                    prev = format_value(*previous),
                    r = format_value((ratio * 100.0).round() / 100.0),
                )
            }
            OutlierReason::AboveUpper { upper, basis } => write!(
                f,
                "{} = {v}: 高于合理上限 {} / above the upper bound {} ({basis})",
                self.indicator_code,
                format_value(*upper),
                format_value(*upper)
            ),
        }
    }
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn sorted(v: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = v.into_iter().collect();
    v.sort_by(|a, b| a.total_cmp(b));
    v
}

/// The modified z-score of `x` against `history`; `None` if the history is too short.
pub fn modified_z(x: f64, history: &[f64]) -> Option<ModifiedZ> {
    if history.len() < MIN_HISTORY {
        return None;
    }
    let s = sorted(history.iter().copied());
    let med = median(&s);
    let mad = median(&sorted(s.iter().map(|v| (v - med).abs())));
    let z = if mad > 0.0 {
        Some(0.6745 * (x - med) / mad)
    } else {
        let mean_ad = s.iter().map(|v| (v - med).abs()).sum::<f64>() / s.len() as f64;
        if mean_ad > 0.0 {
            Some((x - med) / (1.253314 * mean_ad))
        } else if x == med {
            Some(0.0)
        } else {
            None
        }
    };
    Some(ModifiedZ { z, tested: x, median: med, mad, n: history.len() })
}

/// The values the history test compares: the period values themselves, or for year-to-date
/// indicators the increments (the first period of a year is its own increment). A period whose
/// increment cannot be formed (previous period missing) is left out.
pub fn period_values(series: &BTreeMap<Period, f64>, accumulation: Accumulation) -> BTreeMap<Period, f64> {
    match accumulation {
        Accumulation::Period => series.clone(),
        Accumulation::YearToDate => series
            .iter()
            .filter_map(|(p, v)| {
                let first_of_year = p.year_to_date().len() == 1;
                if first_of_year {
                    Some((*p, *v))
                } else {
                    series.get(&p.prev()).map(|prev| (*p, v - prev))
                }
            })
            .collect(),
    }
}

/// Flags for one value at `period`, given the region's series of that indicator (other periods;
/// the value's own period is ignored if present) and the bounds that apply to the region.
pub fn check_value(
    indicator_code: &str,
    accumulation: Accumulation,
    period: Period,
    value: f64,
    series: &BTreeMap<Period, f64>,
    bounds: &[&Bound],
) -> Vec<OutlierFlag> {
    let mut flags = Vec::new();
    for b in bounds {
        if let Some(lower) = b.lower {
            if value < lower {
                flags.push(OutlierFlag {
                    indicator_code: indicator_code.to_string(),
                    value,
                    reason: OutlierReason::BelowLower { lower, basis: b.basis.clone() },
                });
            }
        }
        if let Some(upper) = b.upper {
            if value > upper {
                flags.push(OutlierFlag {
                    indicator_code: indicator_code.to_string(),
                    value,
                    reason: OutlierReason::AboveUpper { upper, basis: b.basis.clone() },
                });
            }
        }
    }
    let mut with_value: BTreeMap<Period, f64> =
        series.iter().filter(|(p, _)| p.frequency() == period.frequency()).map(|(p, v)| (*p, *v)).collect();
    with_value.insert(period, value);
    let per = period_values(&with_value, accumulation);
    let Some(&tested) = per.get(&period) else { return flags };
    let history: Vec<f64> = per.range(..period).rev().take(MAX_HISTORY).map(|(_, v)| *v).collect();
    match modified_z(tested, &history) {
        Some(m) => {
            if m.z.is_none_or(|z| z.abs() > Z_THRESHOLD) {
                flags.push(OutlierFlag { indicator_code: indicator_code.to_string(), value, reason: OutlierReason::History(m) });
            }
        }
        None => {
            let prev = period.prev();
            if let Some(&previous) = per.get(&prev) {
                let ratio = (tested / previous).abs();
                if previous != 0.0 && ratio.is_finite() && (ratio > JUMP_RATIO || ratio < 1.0 / JUMP_RATIO) {
                    flags.push(OutlierFlag { indicator_code: indicator_code.to_string(), value, reason: OutlierReason::Jump { previous, tested, period: prev } });
                }
            }
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    /// History 10, 12, 11, 13, 14: median 12, deviations 2, 0, 1, 1, 2 → MAD 1.
    /// x = 20: M = 0.6745 · 8 / 1 = 5.396 > 3.5 (flagged); x = 16: M = 2.698 (not flagged).
    #[test]
    fn modified_z_by_hand() {
        let h = [10.0, 12.0, 11.0, 13.0, 14.0];
        let m = modified_z(20.0, &h).unwrap();
        assert_eq!((m.median, m.mad, m.n), (12.0, 1.0, 5));
        assert!((m.z.unwrap() - 5.396).abs() < 1e-9);
        let m = modified_z(16.0, &h).unwrap();
        assert!((m.z.unwrap() - 2.698).abs() < 1e-9);
        assert!(modified_z(16.0, &h[..3]).is_none(), "three values are too few");
    }

    /// History 5, 5, 5, 9: median 5, MAD 0 → MeanAD = (0 + 0 + 0 + 4) / 4 = 1;
    /// x = 10: M = 5 / 1.253314 = 3.9894… (flagged). Constant history 5, 5, 5, 5: 5.5 → ∞.
    #[test]
    fn zero_mad_falls_back_to_mean_absolute_deviation() {
        let m = modified_z(10.0, &[5.0, 5.0, 5.0, 9.0]).unwrap();
        assert_eq!(m.mad, 0.0);
        assert!((m.z.unwrap() - 5.0 / 1.253314).abs() < 1e-12);
        assert_eq!(modified_z(5.5, &[5.0; 4]).unwrap().z, None);
        assert_eq!(modified_z(5.0, &[5.0; 4]).unwrap().z, Some(0.0));
    }

    /// A year-to-date series rising by 10 a month (10, 20, …) has increments of 10; a March
    /// value of 60 after February's 20 is an increment of 40. History of increments: 2022-10..12
    /// and 2023-01..02 = 10 each (five values, constant; 2022-09 has no 2022-08 to subtract) →
    /// flagged as infinitely far. A March of 30 (increment 10) is not flagged.
    #[test]
    fn ytd_values_are_compared_as_increments() {
        let mut s = BTreeMap::new();
        for (q, v) in [("2022-09", 90.0), ("2022-10", 100.0), ("2022-11", 110.0), ("2022-12", 120.0), ("2023-01", 10.0), ("2023-02", 20.0)] {
            s.insert(p(q), v);
        }
        let f = check_value("X", Accumulation::YearToDate, p("2023-03"), 60.0, &s, &[]);
        assert_eq!(f.len(), 1);
        match &f[0].reason {
            OutlierReason::History(m) => assert_eq!((m.tested, m.median, m.n, m.z), (40.0, 10.0, 5, None)),
            r => panic!("{r:?}"),
        }
        assert!(check_value("X", Accumulation::YearToDate, p("2023-03"), 30.0, &s, &[]).is_empty());
        // As plain period values 30 would be compared with 10..120 and not flagged either,
        // but 1000 would be.
        assert!(!check_value("X", Accumulation::Period, p("2023-03"), 1000.0, &s, &[]).is_empty());
    }

    #[test]
    fn a_short_history_still_flags_a_tenfold_jump_from_the_previous_period() {
        let series: BTreeMap<Period, f64> = [(p("2021"), 149.4), (p("2022"), 159.57)].into_iter().collect();
        let flags = check_value("DE_VA", Accumulation::Period, p("2023"), 999999.0, &series, &[]);
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert!(matches!(flags[0].reason, OutlierReason::Jump { previous, .. } if previous == 159.57));
        assert!(flags[0].to_string().contains("请核对单位"), "{}", flags[0]);
        assert!(check_value("DE_VA", Accumulation::Period, p("2023"), 12.0, &series, &[]).len() == 1, "a tenth is a jump too");
        assert!(check_value("DE_VA", Accumulation::Period, p("2023"), 180.0, &series, &[]).is_empty());
        // No previous period, or a previous zero: nothing to compare with.
        assert!(check_value("DE_VA", Accumulation::Period, p("2025"), 999999.0, &series, &[]).is_empty());
        let zero: BTreeMap<Period, f64> = [(p("2022"), 0.0)].into_iter().collect();
        assert!(check_value("DE_VA", Accumulation::Period, p("2023"), 5.0, &zero, &[]).is_empty());
    }

    #[test]
    fn bounds_flag_without_history() {
        let b = Bound { region_code: None, indicator_code: "X".into(), lower: Some(0.0), upper: Some(100.0), basis: "share".into() };
        let f = check_value("X", Accumulation::Period, p("2023"), -1.0, &BTreeMap::new(), &[&b]);
        assert_eq!(f.len(), 1);
        assert!(f[0].to_string().contains("lower bound 0"), "{}", f[0]);
        let f = check_value("X", Accumulation::Period, p("2023"), 100.5, &BTreeMap::new(), &[&b]);
        assert!(matches!(f[0].reason, OutlierReason::AboveUpper { upper, .. } if upper == 100.0));
        assert!(check_value("X", Accumulation::Period, p("2023"), 100.0, &BTreeMap::new(), &[&b]).is_empty());
    }
}
