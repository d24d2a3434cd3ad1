//! Imputation of missing values, column by column (COINr `Impute` with `i_mean`, `i_median`,
//! `i_mean_grp`, `i_median_grp`).

use crate::data::{Dataset, UnitData};
use crate::error::{IndexError, Result};
use crate::stats;

/// Imputation method.
#[derive(Debug, Clone, PartialEq)]
pub enum ImputeMethod {
    /// Mean of the indicator's present values.
    Mean,
    /// Median of the indicator's present values.
    Median,
    /// Mean within the unit's group (a group column of the data).
    MeanByGroup(String),
    /// Median within the unit's group.
    MedianByGroup(String),
}

/// What to do when every value of a group is missing (no group mean exists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyGroup {
    /// Stop with an error naming the indicator and group (default).
    Error,
    /// Leave the values missing; the report lists them.
    Leave,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImputeSpec {
    pub method: ImputeMethod,
    pub empty_group: EmptyGroup,
}

/// One imputed value.
#[derive(Debug, Clone, PartialEq)]
pub struct Imputed {
    /// Index into [`UnitData::codes`].
    pub unit: usize,
    pub column: String,
    pub value: f64,
    /// The group whose values were used, for group methods.
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImputeReport {
    pub imputed: Vec<Imputed>,
    /// Values left missing (only with [`EmptyGroup::Leave`]): unit index and column.
    pub left_missing: Vec<(usize, String)>,
}

fn centre(x: &[f64], median: bool) -> Option<f64> {
    if median {
        stats::median(x)
    } else {
        stats::mean(x)
    }
}

/// Fills missing values; present values are never changed.
pub fn impute(ds: &Dataset, data: &UnitData, spec: &ImputeSpec) -> Result<(Dataset, ImputeReport)> {
    let mut out = ds.clone();
    out.name = "Imputed".into();
    let mut report = ImputeReport::default();
    let (median, group) = match &spec.method {
        ImputeMethod::Mean => (false, None),
        ImputeMethod::Median => (true, None),
        ImputeMethod::MeanByGroup(g) => (false, Some(g)),
        ImputeMethod::MedianByGroup(g) => (true, Some(g)),
    };
    let labels: Option<Vec<&str>> = match group {
        None => None,
        Some(g) => {
            let col = data.group(g).ok_or_else(|| {
                IndexError::step("impute", format!("数据中没有分组列 `{g}` / the data has no group column `{g}`"))
            })?;
            let mut l = Vec::with_capacity(ds.units.len());
            for &u in &ds.units {
                match &col[u] {
                    Some(s) => l.push(s.as_str()),
                    None => {
                        return Err(IndexError::step(
                            "impute",
                            format!("单位 `{}` 的分组 `{g}` 为空 / unit `{}` has no value in group column `{g}`", data.codes[u], data.codes[u]),
                        ))
                    }
                }
            }
            Some(l)
        }
    };
    for (ci, col) in out.values.iter_mut().enumerate() {
        let cname = &ds.columns[ci];
        let missing: Vec<usize> = (0..col.len()).filter(|&r| col[r].is_nan()).collect();
        if missing.is_empty() {
            continue;
        }
        match &labels {
            None => {
                let v = centre(&ds.values[ci], median).ok_or_else(|| {
                    IndexError::step("impute", format!("指标 `{cname}` 没有任何数值 / indicator `{cname}` has no values to impute from"))
                })?;
                for r in missing {
                    col[r] = v;
                    report.imputed.push(Imputed { unit: ds.units[r], column: cname.clone(), value: v, group: None });
                }
            }
            Some(labels) => {
                for r in missing {
                    let g = labels[r];
                    let members: Vec<f64> =
                        (0..labels.len()).filter(|&k| labels[k] == g).map(|k| ds.values[ci][k]).collect();
                    match centre(&members, median) {
                        Some(v) => {
                            col[r] = v;
                            report.imputed.push(Imputed { unit: ds.units[r], column: cname.clone(), value: v, group: Some(g.into()) });
                        }
                        None if spec.empty_group == EmptyGroup::Leave => report.left_missing.push((ds.units[r], cname.clone())),
                        None => {
                            return Err(IndexError::step(
                                "impute",
                                format!("指标 `{cname}` 在组 `{g}` 中全部缺失 / indicator `{cname}` has no values in group `{g}` (set empty_group = \"leave\" to keep them missing)"),
                            ))
                        }
                    }
                }
            }
        }
    }
    Ok((out, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    const NA: f64 = f64::NAN;

    fn setup() -> (Dataset, UnitData) {
        let cols = vec![vec![1.0, NA, 3.0, 10.0, NA], vec![NA, NA, 2.0, 4.0, 8.0]];
        let codes: Vec<String> = ["A", "B", "C", "D", "E"].iter().map(|s| s.to_string()).collect();
        let g = ["x", "x", "y", "y", "y"].iter().map(|s| Some(s.to_string())).collect();
        let data = UnitData::new(codes, cols.clone()).unwrap().with_group("grp", g).unwrap();
        (Dataset { name: "Raw".into(), units: (0..5).collect(), columns: vec!["p".into(), "q".into()], values: cols }, data)
    }

    #[test]
    fn mean_and_median() {
        let (d, data) = setup();
        let (o, rep) = impute(&d, &data, &ImputeSpec { method: ImputeMethod::Mean, empty_group: EmptyGroup::Error }).unwrap();
        // p: mean(1, 3, 10) = 14/3; q: mean(2, 4, 8) = 14/3
        assert_eq!(o.values[0][1], 14.0 / 3.0);
        assert_eq!(o.values[0][4], 14.0 / 3.0);
        assert_eq!(o.values[1][0], 14.0 / 3.0);
        assert_eq!(o.values[0][3], 10.0);
        assert_eq!(rep.imputed.len(), 4);
        let (o, _) = impute(&d, &data, &ImputeSpec { method: ImputeMethod::Median, empty_group: EmptyGroup::Error }).unwrap();
        assert_eq!(o.values[0][1], 3.0);
        assert_eq!(o.values[1][1], 4.0);
    }

    #[test]
    fn by_group() {
        let (d, data) = setup();
        let s = ImputeSpec { method: ImputeMethod::MeanByGroup("grp".into()), empty_group: EmptyGroup::Error };
        // q has no values in group x (A, B) → error by default.
        let e = impute(&d, &data, &s).unwrap_err().to_string();
        assert!(e.contains("`q`") && e.contains("`x`"), "{e}");
        let s = ImputeSpec { method: ImputeMethod::MeanByGroup("grp".into()), empty_group: EmptyGroup::Leave };
        let (o, rep) = impute(&d, &data, &s).unwrap();
        assert_eq!(o.values[0][1], 1.0); // B in x: mean(1)
        assert_eq!(o.values[0][4], 6.5); // E in y: mean(3, 10)
        assert!(o.values[1][0].is_nan() && o.values[1][1].is_nan());
        assert_eq!(rep.left_missing, vec![(0, "q".to_string()), (1, "q".to_string())]);
        let s = ImputeSpec { method: ImputeMethod::MedianByGroup("grp".into()), empty_group: EmptyGroup::Leave };
        assert_eq!(impute(&d, &data, &s).unwrap().0.values[0][4], 6.5);
    }
}
