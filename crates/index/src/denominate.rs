//! Denomination: x′ = x / (denominator / scale factor) (COINr `Denominate`).

use crate::data::{Dataset, UnitData};
use crate::error::{IndexError, Result};
use crate::framework::Framework;

#[derive(Debug, Clone, PartialEq)]
pub struct DenominateSpec {
    /// Use each indicator's iMeta `Denominator`.
    pub use_framework: bool,
    /// Indicator → denominator column; adds to or overrides the framework's.
    pub overrides: Vec<(String, String)>,
    /// The denominator is divided by this first (COINr `ScaleFactor`, default 1).
    pub scale_factor: f64,
}

impl Default for DenominateSpec {
    fn default() -> Self {
        DenominateSpec { use_framework: true, overrides: vec![], scale_factor: 1.0 }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DenominateReport {
    /// Indicator and the denominator it was divided by.
    pub divided: Vec<(String, String)>,
    /// Values that became missing because the unit has no denominator value: unit, indicator.
    pub made_missing: Vec<(usize, String)>,
}

pub fn denominate(ds: &Dataset, data: &UnitData, fw: &Framework, spec: &DenominateSpec) -> Result<(Dataset, DenominateReport)> {
    if !(spec.scale_factor.is_finite() && spec.scale_factor != 0.0) {
        return Err(IndexError::step("denominate", format!("scale_factor 须为非零有限数 / must be finite and non-zero, got {}", spec.scale_factor)));
    }
    let mut out = ds.clone();
    out.name = "Denominated".into();
    let mut rep = DenominateReport::default();
    for (ci, code) in ds.columns.iter().enumerate() {
        let from_fw = if spec.use_framework { fw.find(code).and_then(|i| fw.nodes()[i].denominator.clone()) } else { None };
        let den_name = spec.overrides.iter().find(|(i, _)| i == code).map(|(_, d)| d.clone()).or(from_fw);
        let Some(den_name) = den_name else { continue };
        let den = data.denominator(&den_name).ok_or_else(|| {
            IndexError::step("denominate", format!("`{code}`: 数据中没有分母列 `{den_name}` / the data has no denominator column `{den_name}`"))
        })?;
        for (r, &u) in ds.units.iter().enumerate() {
            let x = ds.values[ci][r];
            let d = den[u];
            if x.is_nan() {
                continue;
            }
            if d.is_nan() {
                out.values[ci][r] = f64::NAN;
                rep.made_missing.push((u, code.clone()));
            } else if d == 0.0 {
                return Err(IndexError::step(
                    "denominate",
                    format!("单位 `{}` 的分母 `{den_name}` 为 0 / unit `{}` has denominator `{den_name}` = 0 (indicator `{code}`)", data.codes[u], data.codes[u]),
                ));
            } else {
                out.values[ci][r] = x / (d / spec.scale_factor);
            }
        }
        rep.divided.push((code.clone(), den_name));
    }
    for (i, _) in &spec.overrides {
        if !ds.columns.contains(i) {
            return Err(IndexError::step("denominate", format!("没有指标 `{i}` / no indicator `{i}`")));
        }
    }
    Ok((out, rep))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::NodeSpec;

    #[test]
    fn divides_by_scaled_denominator() {
        let mut a = NodeSpec::indicator("a", "P", 1, 1.0);
        a.denominator = Some("Pop".into());
        let fw = Framework::new(vec![a, NodeSpec::indicator("b", "P", 1, 1.0), NodeSpec::aggregate("P", 2, None, 1.0)]).unwrap();
        let codes: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
        let cols = vec![vec![10.0, 6.0, 4.0], vec![1.0, 2.0, 3.0]];
        let data = UnitData::new(codes, cols.clone()).unwrap().with_denominator("Pop", vec![2.0, f64::NAN, 8.0]).unwrap();
        let ds = Dataset { name: "Raw".into(), units: vec![0, 1, 2], columns: vec!["a".into(), "b".into()], values: cols };
        let spec = DenominateSpec { scale_factor: 100.0, ..Default::default() };
        let (o, rep) = denominate(&ds, &data, &fw, &spec).unwrap();
        // 10 / (2/100) = 500; 4 / (8/100) = 50; B has no denominator → missing, reported.
        assert_eq!(o.values[0][0], 500.0);
        assert!(o.values[0][1].is_nan());
        assert_eq!(o.values[0][2], 50.0);
        assert_eq!(o.values[1], vec![1.0, 2.0, 3.0]);
        assert_eq!(rep.made_missing, vec![(1, "a".to_string())]);
        let data0 = data.clone().with_denominator("Zero", vec![1.0, 0.0, 1.0]).unwrap();
        let spec = DenominateSpec { overrides: vec![("b".into(), "Zero".into())], ..Default::default() };
        assert!(denominate(&ds, &data0, &fw, &spec).unwrap_err().to_string().contains("`B`"));
    }
}
