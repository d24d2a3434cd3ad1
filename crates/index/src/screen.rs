//! Screening units by data availability (COINr `Screen`).

use crate::data::{Dataset, UnitData};
use crate::error::{IndexError, Result};

/// What a unit is screened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenBy {
    /// Data availability: share of indicators with a value.
    Missing,
    /// Share of non-zero values among the present ones.
    Zeros,
    /// Both.
    MissingAndZeros,
}

/// Screening parameters (COINr defaults: threshold 2/3, non-zero threshold 0.05).
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenSpec {
    pub by: ScreenBy,
    /// A unit is dropped if its data availability is **below** this (strict).
    pub threshold: f64,
    /// A unit is dropped if its non-zero share is **below** this (strict).
    pub nonzero_threshold: f64,
    /// Units kept whatever their data (codes).
    pub force_include: Vec<String>,
    /// Units dropped whatever their data (codes).
    pub force_exclude: Vec<String>,
}

impl ScreenSpec {
    pub fn new(by: ScreenBy) -> Self {
        ScreenSpec { by, threshold: 2.0 / 3.0, nonzero_threshold: 0.05, force_include: vec![], force_exclude: vec![] }
    }
}

/// One unit's screening figures.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitScreen {
    /// Index into [`UnitData::codes`].
    pub unit: usize,
    /// 1 − missing / indicators.
    pub data_availability: f64,
    /// 1 − zeros / present values; `None` when the unit has no values at all.
    pub non_zero: Option<f64>,
    pub kept: bool,
    /// Why the unit was kept or dropped.
    pub reason: String,
}

/// Per-unit screening figures, in dataset row order.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenReport {
    pub units: Vec<UnitScreen>,
}

/// Drops units whose data availability (or non-zero share) is below the threshold.
pub fn screen(ds: &Dataset, data: &UnitData, spec: &ScreenSpec) -> Result<(Dataset, ScreenReport)> {
    for code in spec.force_include.iter().chain(&spec.force_exclude) {
        if !ds.units.iter().any(|&u| &data.codes[u] == code) {
            return Err(IndexError::step("screen", format!("强制纳入/排除的单位 `{code}` 不存在 / forced unit `{code}` is not in the data")));
        }
    }
    let n_ind = ds.columns.len() as f64;
    let mut report = Vec::with_capacity(ds.units.len());
    let mut keep = Vec::with_capacity(ds.units.len());
    for (r, &u) in ds.units.iter().enumerate() {
        let n_na = ds.values.iter().filter(|c| c[r].is_nan()).count() as f64;
        let n_zero = ds.values.iter().filter(|c| c[r] == 0.0).count() as f64;
        let avail = 1.0 - n_na / n_ind;
        let non_zero = (n_ind > n_na).then(|| 1.0 - n_zero / (n_ind - n_na));
        let code = &data.codes[u];
        let check_na = matches!(spec.by, ScreenBy::Missing | ScreenBy::MissingAndZeros);
        let check_zero = matches!(spec.by, ScreenBy::Zeros | ScreenBy::MissingAndZeros);
        let (kept, reason) = if spec.force_exclude.contains(code) {
            (false, "强制排除 / forced exclusion".to_string())
        } else if spec.force_include.contains(code) {
            (true, "强制纳入 / forced inclusion".to_string())
        } else if check_na && avail < spec.threshold {
            (false, format!("数据可得率 {avail:.4} < {} / data availability below threshold", spec.threshold))
        } else if check_zero && non_zero.is_none() {
            (false, "无任何数据 / no values at all, so no non-zero share".to_string())
        } else if check_zero && non_zero.unwrap() < spec.nonzero_threshold {
            (false, format!("非零比例 {:.4} < {} / non-zero share below threshold", non_zero.unwrap(), spec.nonzero_threshold))
        } else {
            (true, "达标 / passes".to_string())
        };
        if kept {
            keep.push(r);
        }
        report.push(UnitScreen { unit: u, data_availability: avail, non_zero, kept, reason });
    }
    if keep.is_empty() {
        return Err(IndexError::step("screen", "所有单位都被筛除 / every unit was screened out"));
    }
    let out = Dataset {
        name: "Screened".into(),
        units: keep.iter().map(|&r| ds.units[r]).collect(),
        columns: ds.columns.clone(),
        values: ds.values.iter().map(|c| keep.iter().map(|&r| c[r]).collect()).collect(),
    };
    Ok((out, ScreenReport { units: report }))
}

#[cfg(test)]
mod tests {
    use super::*;
    const NA: f64 = f64::NAN;

    fn ds() -> (Dataset, UnitData) {
        // u0: 3/3 present; u1: 2/3 present (availability 0.6667); u2: 1/3; u3: all zeros.
        let cols = vec![vec![1.0, 1.0, NA, 0.0], vec![2.0, NA, NA, 0.0], vec![3.0, 5.0, 4.0, 0.0]];
        let codes: Vec<String> = ["A", "B", "C", "D"].iter().map(|s| s.to_string()).collect();
        let data = UnitData::new(codes, cols.clone()).unwrap();
        let ds = Dataset { name: "Raw".into(), units: vec![0, 1, 2, 3], columns: vec!["x".into(), "y".into(), "z".into()], values: cols };
        (ds, data)
    }

    #[test]
    fn drops_below_threshold_strictly() {
        let (d, data) = ds();
        let (out, rep) = screen(&d, &data, &ScreenSpec::new(ScreenBy::Missing)).unwrap();
        // B has exactly 2/3: not below, kept. C has 1/3: dropped. D: all present (zeros count).
        assert_eq!(out.units, vec![0, 1, 3]);
        assert!((rep.units[1].data_availability - 2.0 / 3.0).abs() < 1e-15);
        assert!(!rep.units[2].kept);
        let mut s = ScreenSpec::new(ScreenBy::Missing);
        s.threshold = 0.9;
        assert_eq!(screen(&d, &data, &s).unwrap().0.units, vec![0, 3]);
    }

    #[test]
    fn zeros_and_forcing() {
        let (d, data) = ds();
        let mut s = ScreenSpec::new(ScreenBy::MissingAndZeros);
        s.force_include = vec!["C".into()];
        let (out, rep) = screen(&d, &data, &s).unwrap();
        assert_eq!(out.units, vec![0, 1, 2]);
        assert_eq!(rep.units[3].non_zero, Some(0.0));
        assert_eq!(out.values[2], vec![3.0, 5.0, 4.0]);
        s.force_exclude = vec!["Q".into()];
        assert!(screen(&d, &data, &s).unwrap_err().to_string().contains("`Q`"));
    }
}
