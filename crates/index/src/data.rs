//! Unit data (the input table) and datasets (the output of each pipeline step).
//!
//! Missing values are stored as `NaN`. Every method treats `NaN` as missing and never produces
//! `NaN` from present values: where a formula has no value (a zero range, a log of zero, a
//! geometric mean of zero) the step returns an error or applies the option the user chose.

use std::collections::HashSet;

use crate::error::{IndexError, Result};
use crate::framework::Framework;

/// The units (regions, countries) and their values: indicator columns in framework order, plus
/// group columns (for imputation by group) and denominator columns.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitData {
    /// Unit codes (COINr `uCode`), unique.
    pub codes: Vec<String>,
    /// Unit names (COINr `uName`); the code where no name was given.
    pub names: Vec<String>,
    /// Group columns: name and one optional label per unit.
    pub groups: Vec<(String, Vec<Option<String>>)>,
    /// Denominator columns: name and one value per unit (`NaN` = missing).
    pub denominators: Vec<(String, Vec<f64>)>,
    /// One column per framework indicator, in [`Framework::indicators`] order.
    pub indicators: Vec<Vec<f64>>,
}

impl UnitData {
    /// Units with their indicator columns (in framework indicator order). Checks that codes are
    /// unique and every column has one value per unit.
    pub fn new(codes: Vec<String>, indicators: Vec<Vec<f64>>) -> Result<UnitData> {
        let names = codes.clone();
        let d = UnitData { codes, names, groups: vec![], denominators: vec![], indicators };
        d.check()?;
        Ok(d)
    }

    pub(crate) fn check(&self) -> Result<()> {
        let n = self.codes.len();
        let mut seen = HashSet::new();
        for c in &self.codes {
            if !seen.insert(c) {
                return Err(IndexError::Invalid(format!("单位代码重复 / duplicate unit code `{c}`")));
            }
        }
        let bad = |what: &str, name: &str, len: usize| {
            Err(IndexError::Invalid(format!(
                "{what} `{name}` 有 {len} 个值, 单位有 {n} 个 / has {len} values for {n} units"
            )))
        };
        if self.names.len() != n {
            return bad("名称列 / names", "uName", self.names.len());
        }
        for (i, c) in self.indicators.iter().enumerate() {
            if c.len() != n {
                return bad("指标列 / indicator column", &i.to_string(), c.len());
            }
            if let Some(v) = c.iter().find(|v| v.is_infinite()) {
                return Err(IndexError::Invalid(format!("指标列 {i} 含无穷值 / column {i} holds {v}")));
            }
        }
        for (g, c) in &self.groups {
            if c.len() != n {
                return bad("分组列 / group column", g, c.len());
            }
        }
        for (g, c) in &self.denominators {
            if c.len() != n {
                return bad("分母列 / denominator column", g, c.len());
            }
        }
        Ok(())
    }

    /// Adds a group column (e.g. `EurAsia_group`).
    pub fn with_group(mut self, name: &str, labels: Vec<Option<String>>) -> Result<Self> {
        self.groups.push((name.into(), labels));
        self.check()?;
        Ok(self)
    }

    /// Adds a denominator column (e.g. `Population`).
    pub fn with_denominator(mut self, name: &str, values: Vec<f64>) -> Result<Self> {
        self.denominators.push((name.into(), values));
        self.check()?;
        Ok(self)
    }

    /// Sets unit names.
    pub fn with_names(mut self, names: Vec<String>) -> Result<Self> {
        self.names = names;
        self.check()?;
        Ok(self)
    }

    pub fn n_units(&self) -> usize {
        self.codes.len()
    }

    /// Reorders the units by code (COINr sorts rows by `uCode`; byte order here).
    pub fn sort_by_code(&mut self) {
        let mut order: Vec<usize> = (0..self.codes.len()).collect();
        order.sort_by(|&a, &b| self.codes[a].cmp(&self.codes[b]));
        let pick_s = |v: &Vec<String>| order.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
        let pick_f = |v: &Vec<f64>| order.iter().map(|&i| v[i]).collect::<Vec<_>>();
        self.codes = pick_s(&self.codes);
        self.names = pick_s(&self.names);
        for (_, c) in &mut self.groups {
            *c = order.iter().map(|&i| c[i].clone()).collect();
        }
        for (_, c) in &mut self.denominators {
            *c = pick_f(c);
        }
        for c in &mut self.indicators {
            *c = pick_f(c);
        }
    }

    /// The group column called `name`.
    pub fn group(&self, name: &str) -> Option<&[Option<String>]> {
        self.groups.iter().find(|(g, _)| g == name).map(|(_, c)| c.as_slice())
    }

    /// The denominator column called `name`.
    pub fn denominator(&self, name: &str) -> Option<&[f64]> {
        self.denominators.iter().find(|(g, _)| g == name).map(|(_, c)| c.as_slice())
    }

    /// Checks that the data has one column per indicator of `fw`.
    pub fn check_against(&self, fw: &Framework) -> Result<()> {
        if self.indicators.len() != fw.n_indicators() {
            return Err(IndexError::Invalid(format!(
                "数据有 {} 个指标列, 框架有 {} 个指标 / the data has {} indicator columns, the framework {} indicators",
                self.indicators.len(),
                fw.n_indicators(),
                self.indicators.len(),
                fw.n_indicators()
            )));
        }
        Ok(())
    }
}

/// The output of one pipeline step: a units × columns table (column-major, `NaN` = missing).
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Name of the dataset (`Raw`, `Screened`, `Imputed`, `Denominated`, `Treated`,
    /// `Normalised`, `Aggregated`).
    pub name: String,
    /// Rows: indices into [`UnitData::codes`] (screening may drop units).
    pub units: Vec<usize>,
    /// Column codes: the indicators, and after aggregation also the aggregates.
    pub columns: Vec<String>,
    /// `columns.len()` columns of `units.len()` values each.
    pub values: Vec<Vec<f64>>,
}

impl Dataset {
    /// The column called `code`.
    pub fn column(&self, code: &str) -> Option<&[f64]> {
        self.columns.iter().position(|c| c == code).map(|i| self.values[i].as_slice())
    }

    /// The value of unit `unit` (index into [`UnitData::codes`]) in column `code`; `None` if the
    /// unit or column is absent, `Some(NaN)` if the value is missing.
    pub fn value(&self, unit: usize, code: &str) -> Option<f64> {
        let r = self.units.iter().position(|&u| u == unit)?;
        Some(self.column(code)?[r])
    }
}
