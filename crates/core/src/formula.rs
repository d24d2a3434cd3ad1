//! Formulas of derived indicators: `CORE_VA / GDP * 100`, `yoy(DE_VA)`,
//! `CORE_REV_02 + CORE_REV_03 + CORE_REV_04`.
//!
//! A formula is an [`Expr`] of the one expression language (`expr.rs`, shared with the validation
//! rules) kept with its source text; evaluation stops at what is missing and says so.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::expr::{EvalFailure, Expr, ExprError};
use crate::Period;

/// A parsed formula, kept with its source text.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    text: String,
    expr: Expr,
}

pub type FormulaError = ExprError;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    #[error("缺少数据 / missing value of {indicator} for {period}")]
    Missing { indicator: String, period: Period },
    #[error("除数为零 / division by zero in `{formula}` for {period}")]
    DivisionByZero { formula: String, period: Period },
}

impl Formula {
    pub fn parse(text: &str) -> Result<Formula, FormulaError> {
        Ok(Formula { text: text.trim().to_string(), expr: text.parse()? })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// The indicator codes the formula reads, in order of first use.
    pub fn references(&self) -> Vec<&str> {
        self.expr.references()
    }

    /// Evaluates the formula for `period`, reading indicator values through `lookup`; the error
    /// names the first missing value.
    pub fn eval(&self, period: Period, lookup: &mut dyn FnMut(&str, Period) -> Option<f64>) -> Result<f64, EvalError> {
        self.expr.eval_with(period, lookup).map_err(|e| match e {
            EvalFailure::Missing(mut m) => {
                let (indicator, period) = m.swap_remove(0);
                EvalError::Missing { indicator, period }
            }
            EvalFailure::DivisionByZero => EvalError::DivisionByZero { formula: self.text.clone(), period },
        })
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Formula {
    type Err = FormulaError;
    fn from_str(s: &str) -> Result<Self, FormulaError> {
        Formula::parse(s)
    }
}

impl Serialize for Formula {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Formula {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Formula::parse(&s).map_err(serde::de::Error::custom)
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn data() -> HashMap<(String, Period), f64> {
        let mut m = HashMap::new();
        let mut put = |c: &str, p: &str, v: f64| {
            m.insert((c.to_string(), p.parse().unwrap()), v);
        };
        put("CORE_VA", "2022", 2678.7);
        put("GDP", "2022", 30000.0); // a made-up denominator
        put("CORE_REV", "2022", 11133.17);
        put("CORE_REV", "2021", 8798.52);
        put("ZERO", "2022", 0.0);
        m
    }

    fn eval(text: &str, period: &str) -> Result<f64, EvalError> {
        let d = data();
        Formula::parse(text)
            .unwrap()
            .eval(period.parse().unwrap(), &mut |c, p| d.get(&(c.to_string(), p)).copied())
    }

    #[test]
    fn share_and_growth() {
        // Table 1 of the white paper: core revenue 11133.17 vs 8798.52 → +26.5 %.
        let g = eval("yoy(CORE_REV)", "2022").unwrap();
        assert_eq!(format!("{g:.1}"), "26.5");
        let s = eval("CORE_VA / GDP * 100", "2022").unwrap();
        assert!((s - 2678.7 / 30000.0 * 100.0).abs() < 1e-12);
        assert_eq!(eval("prev(CORE_REV)", "2022").unwrap(), 8798.52);
        assert_eq!(eval("ly(CORE_REV)", "2022").unwrap(), 8798.52);
        assert_eq!(eval("-(1 + 2) * 3 - 4 / 2", "2022").unwrap(), -11.0);
    }

    #[test]
    fn missing_inputs_and_zero_divisors_are_errors_not_nan() {
        assert_eq!(
            eval("yoy(CORE_VA)", "2022").unwrap_err(),
            EvalError::Missing { indicator: "CORE_VA".into(), period: "2021".parse().unwrap() }
        );
        assert!(matches!(eval("GDP / ZERO", "2022"), Err(EvalError::DivisionByZero { .. })));
    }

    #[test]
    fn references_in_order() {
        let f = Formula::parse("CORE_REV_02 + CORE_REV_03 + CORE_REV_02 * yoy(GDP)").unwrap();
        assert_eq!(f.references(), vec!["CORE_REV_02", "CORE_REV_03", "GDP"]);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = Formula::parse("CORE_VA / gdp").unwrap_err();
        assert_eq!(e.position, 11);
        assert!(e.to_string().contains("`gdp`"), "{e}");
        let e = Formula::parse("yoy(DE_VA").unwrap_err();
        assert!(e.message.contains("expected `)`"), "{e}");
        assert!(Formula::parse("A +").is_err());
        assert!(Formula::parse("A B").is_err());
        assert!(Formula::parse("1.2.3").is_err());
    }
}
