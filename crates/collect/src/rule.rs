//! Validation rules (校验规则): a small expression language over indicator codes.
//!
//! A rule is one comparison of two arithmetic sides, optionally guarded by a `when` comparison:
//!
//! ```text
//! abs(sum(CORE_REV_01, CORE_REV_02, CORE_REV_03, CORE_REV_04) - CORE_REV) <= 0.05
//! CORE_VA_GDP_SHARE <= 100
//! EIM_REV_YTD >= prev(EIM_REV_YTD)            when  period_in_year > 1
//! abs(CORE_VA / ly(CORE_VA) * 100 - 100) <= 50
//! ```
//!
//! The expression language is `digecon_core::expr`, the one derived-indicator formulas use too
//! (indicator codes read at the filing's period, `period_in_year`, `sum min max abs yoy prev ly`).
//!
//! Comparisons allow for binary rounding only (a relative 1e-9): `0.1 + 0.2 == 0.3` holds. Any
//! tolerance wider than that is written in the rule (`abs(a - b) <= 0.05`), so it is visible.
//! A rule whose inputs are missing is *skipped* and says which values it lacked; a division by
//! zero makes it *undefined*, which blocks like a failure (DHIS2's SKIP_IF_ANY_VALUE_MISSING,
//! without its silent zero-fill).

use std::fmt;
use std::str::FromStr;

use digecon_core::{format_value, Period};
use serde::{Deserialize, Serialize};

pub use digecon_core::expr::{period_in_year, CmpOp, Comparison, EvalFailure, Expr, ExprError, Func, Op, Values};


/// An error blocks submission (and an import); a warning needs a comment before submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
    pub fn as_zh(&self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Severity, String> {
        match s {
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            _ => Err(format!("无效的严重程度 / invalid severity `{s}`: expected `error` or `warning`")),
        }
    }
}

/// A validation rule of a form.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Unique within its form, e.g. `M-EIM-YTD`.
    pub code: String,
    pub severity: Severity,
    /// The rule applies only when this holds (e.g. `period_in_year > 1`).
    pub when: Option<Comparison>,
    pub check: Comparison,
    pub message_zh: String,
    pub message_en: String,
    /// Why the rule exists (a document, an identity, our reading).
    pub basis: String,
}

/// What running a rule gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Pass,
    Fail,
    /// The `when` guard does not hold for this period.
    NotApplicable,
    /// Inputs are missing: (indicator, period).
    Skipped(Vec<(String, Period)>),
    /// Division by zero: blocks like a failure.
    Undefined,
}

/// One rule's result, with both sides' values where they could be computed.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleResult {
    pub rule_code: String,
    pub severity: Severity,
    pub outcome: Outcome,
    pub expression: String,
    pub left: Option<f64>,
    pub right: Option<f64>,
    pub message_zh: String,
    pub message_en: String,
}

impl RuleResult {
    /// Failed or undefined: blocks (error) or needs a comment (warning).
    pub fn is_violation(&self) -> bool {
        matches!(self.outcome, Outcome::Fail | Outcome::Undefined)
    }

    pub fn blocks(&self) -> bool {
        self.severity == Severity::Error && self.is_violation()
    }
}

impl fmt::Display for RuleResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |v: Option<f64>| v.map_or_else(|| "—".to_string(), format_value);
        match &self.outcome {
            Outcome::Pass => write!(f, "规则 {} 通过 / rule {} passed", self.rule_code, self.rule_code),
            Outcome::NotApplicable => write!(f, "规则 {} 本期不适用 / rule {} does not apply to this period", self.rule_code, self.rule_code),
            Outcome::Skipped(missing) => {
                let m: Vec<String> = missing.iter().map(|(c, p)| format!("{c}@{p}")).collect();
                write!(f, "规则 {} 未检查，缺少 / rule {} skipped, missing: {}", self.rule_code, self.rule_code, m.join(", "))
            }
            Outcome::Fail => write!(
                f,
                "规则 {code} 不通过（{sev}）/ rule {code} failed ({sev_en}): {zh} / {en}: `{expr}`: 左边 left = {l}, 右边 right = {r}",
                code = self.rule_code,
                sev = self.severity.as_zh(),
                sev_en = self.severity,
                zh = self.message_zh,
                en = self.message_en,
                expr = self.expression,
                l = side(self.left),
                r = side(self.right),
            ),
            Outcome::Undefined => write!(
                f,
                "规则 {code} 无法计算（除数为零，{sev}）/ rule {code} cannot be evaluated (division by zero, {sev_en}): `{expr}`",
                code = self.rule_code,
                sev = self.severity.as_zh(),
                sev_en = self.severity,
                expr = self.expression,
            ),
        }
    }
}

impl Rule {
    /// Runs the rule for `period` over `values`.
    pub fn evaluate(&self, values: &dyn Values, period: Period) -> RuleResult {
        let mut r = RuleResult {
            rule_code: self.code.clone(),
            severity: self.severity,
            outcome: Outcome::Pass,
            expression: self.check.to_string(),
            left: None,
            right: None,
            message_zh: self.message_zh.clone(),
            message_en: self.message_en.clone(),
        };
        if let Some(w) = &self.when {
            match (w.left.eval(values, period), w.right.eval(values, period)) {
                (Ok(l), Ok(rv)) => {
                    if !w.op.holds(l, rv) {
                        r.outcome = Outcome::NotApplicable;
                        return r;
                    }
                }
                (a, b) => {
                    r.outcome = failure_outcome(a.err(), b.err());
                    return r;
                }
            }
        }
        let l = self.check.left.eval(values, period);
        let rv = self.check.right.eval(values, period);
        r.left = l.as_ref().ok().copied();
        r.right = rv.as_ref().ok().copied();
        r.outcome = match (l, rv) {
            (Ok(a), Ok(b)) => {
                if self.check.op.holds(a, b) {
                    Outcome::Pass
                } else {
                    Outcome::Fail
                }
            }
            (a, b) => failure_outcome(a.err(), b.err()),
        };
        r
    }
}

/// Missing inputs win over division by zero: with a value missing, the rule says what it lacks.
fn failure_outcome(a: Option<EvalFailure>, b: Option<EvalFailure>) -> Outcome {
    let mut missing = Vec::new();
    let mut div0 = false;
    for f in [a, b].into_iter().flatten() {
        match f {
            EvalFailure::Missing(m) => {
                for x in m {
                    if !missing.contains(&x) {
                        missing.push(x);
                    }
                }
            }
            EvalFailure::DivisionByZero => div0 = true,
        }
    }
    if !missing.is_empty() {
        Outcome::Skipped(missing)
    } else if div0 {
        Outcome::Undefined
    } else {
        Outcome::Pass
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    fn values(pairs: &[(&str, &str, f64)]) -> impl Fn(&str, Period) -> Option<f64> {
        let m: HashMap<(String, Period), f64> = pairs.iter().map(|(c, q, v)| ((c.to_string(), p(q)), *v)).collect();
        move |c: &str, q: Period| m.get(&(c.to_string(), q)).copied()
    }

    fn rule(expr: &str, when: Option<&str>) -> Rule {
        Rule {
            code: "R1".into(),
            severity: Severity::Error,
            when: when.map(|w| w.parse().unwrap()),
            check: expr.parse().unwrap(),
            message_zh: "测试".into(),
            message_en: "test".into(),
            basis: String::new(),
        }
    }

    #[test]
    fn parses_and_prints_back() {
        for s in [
            "abs(sum(CORE_REV_01, CORE_REV_02, CORE_REV_03, CORE_REV_04) - CORE_REV) <= 0.05",
            "CORE_VA_GDP_SHARE <= 100",
            "EIM_REV_YTD >= prev(EIM_REV_YTD)",
            "abs(CORE_VA / ly(CORE_VA) * 100 - 100) <= 50",
            "A - (B - C) == -D",
            "A / (B * C) != max(A, 2, -3)",
            "period_in_year > 1",
        ] {
            let c: Comparison = s.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(c.to_string(), s);
            assert_eq!(c.to_string().parse::<Comparison>().unwrap(), c);
        }
        let c: Comparison = "A=B".parse().unwrap();
        assert_eq!(c.op, CmpOp::Eq);
    }

    #[test]
    fn parse_errors_name_the_position() {
        let e = "A + <= 3".parse::<Comparison>().unwrap_err();
        assert_eq!(e.position, 5, "{e}");
        let e = "A + B".parse::<Comparison>().unwrap_err();
        assert!(e.message.contains("comparison"), "{e}");
        let e = "foo(A) > 1".parse::<Comparison>().unwrap_err();
        assert!(e.message.contains("`foo`"), "{e}");
        let e = "abs(A, B) > 1".parse::<Comparison>().unwrap_err();
        assert!(e.message.contains("exactly one"), "{e}");
        let e = "A > 1e5".parse::<Comparison>().unwrap_err();
        assert!(e.to_string().contains("character 6"), "{e}");
        let e = "A > 1 2".parse::<Comparison>().unwrap_err();
        assert_eq!(e.position, 7);
        let e = "a_b > 1".parse::<Comparison>().unwrap_err();
        assert!(e.message.contains("`a_b`"));
        assert!("(A > 1".parse::<Comparison>().is_err());
        assert!("A ! 1".parse::<Comparison>().is_err());
    }

    #[test]
    fn references_distinguish_current_and_shifted() {
        let c: Comparison = "EIM_REV_YTD >= prev(EIM_REV_YTD) + ly(GDP) - CORE_VA".parse().unwrap();
        assert_eq!(c.references(), vec!["EIM_REV_YTD", "GDP", "CORE_VA"]);
        assert_eq!(c.current_references(), vec!["EIM_REV_YTD", "CORE_VA"]);
    }

    /// The white paper's Table 1: 9172.99 + 271.76 + 817.69 + 870.73 = 11133.17 exactly, which in
    /// binary floating point is 11133.170000000002 — the comparison must still hold.
    #[test]
    fn parts_sum_to_total_by_hand() {
        let v = values(&[
            ("CORE_REV_01", "2022", 9172.99),
            ("CORE_REV_02", "2022", 271.76),
            ("CORE_REV_03", "2022", 817.69),
            ("CORE_REV_04", "2022", 870.73),
            ("CORE_REV", "2022", 11133.17),
        ]);
        let r = rule("sum(CORE_REV_01, CORE_REV_02, CORE_REV_03, CORE_REV_04) == CORE_REV", None).evaluate(&v, p("2022"));
        assert_eq!(r.outcome, Outcome::Pass);
        assert!((r.left.unwrap() - 11133.17).abs() < 1e-9);
        assert_eq!(r.right, Some(11133.17));
        // One class wrong by 1: 11134.17 vs 11133.17, a failure naming both sides.
        let v2 = values(&[
            ("CORE_REV_01", "2022", 9173.99),
            ("CORE_REV_02", "2022", 271.76),
            ("CORE_REV_03", "2022", 817.69),
            ("CORE_REV_04", "2022", 870.73),
            ("CORE_REV", "2022", 11133.17),
        ]);
        let r = rule("abs(sum(CORE_REV_01, CORE_REV_02, CORE_REV_03, CORE_REV_04) - CORE_REV) <= 0.05", None).evaluate(&v2, p("2022"));
        assert_eq!(r.outcome, Outcome::Fail);
        assert!((r.left.unwrap() - 1.0).abs() < 1e-9, "|11134.17 − 11133.17| = 1");
        assert_eq!(r.right, Some(0.05));
        let text = r.to_string();
        assert!(text.contains("left = 1") && text.contains("right = 0.05") && text.contains("R1"), "{text}");
    }

    #[test]
    fn period_offsets_and_guard() {
        // YTD never decreases within a year: March 30.5 after February 31 fails; January is exempt.
        let v = values(&[("X", "2023-02", 31.0), ("X", "2023-03", 30.5), ("X", "2022-12", 400.0), ("X", "2023-01", 10.0)]);
        let r = rule("X >= prev(X)", Some("period_in_year > 1"));
        let mar = r.evaluate(&v, p("2023-03"));
        assert_eq!((mar.outcome.clone(), mar.left, mar.right), (Outcome::Fail, Some(30.5), Some(31.0)));
        assert_eq!(r.evaluate(&v, p("2023-01")).outcome, Outcome::NotApplicable, "10 < 400 in January is a new year");
        // Year-on-year: 2023-03 = 30.5, 2022-03 = 20 → 152.5 % − 100 = 52.5 > 50.
        let v = values(&[("X", "2023-03", 30.5), ("X", "2022-03", 20.0)]);
        let r = rule("abs(X / ly(X) * 100 - 100) <= 50", None).evaluate(&v, p("2023-03"));
        assert_eq!(r.outcome, Outcome::Fail);
        assert!((r.left.unwrap() - 52.5).abs() < 1e-9);
        // min / max / negative numbers.
        let v = values(&[("A", "2023", -3.0), ("B", "2023", 7.0)]);
        let r = rule("min(A, B, 0) + max(A, B) == 4", None).evaluate(&v, p("2023"));
        assert_eq!((r.outcome, r.left, r.right), (Outcome::Pass, Some(4.0), Some(4.0)));
    }

    #[test]
    fn missing_inputs_skip_and_division_by_zero_is_undefined() {
        let v = values(&[("A", "2023", 1.0), ("B", "2023", 0.0)]);
        let r = rule("A + C >= prev(D)", None).evaluate(&v, p("2023"));
        assert_eq!(r.outcome, Outcome::Skipped(vec![("C".into(), p("2023")), ("D".into(), p("2022"))]));
        assert!(!r.is_violation());
        let r = rule("A / B <= 100", None).evaluate(&v, p("2023"));
        assert_eq!(r.outcome, Outcome::Undefined);
        assert!(r.blocks());
        assert_eq!(r.right, Some(100.0));
    }

    #[test]
    fn tolerance_is_binary_rounding_only() {
        assert!(CmpOp::Eq.holds(0.1 + 0.2, 0.3));
        assert!(CmpOp::Le.holds(0.1 + 0.2, 0.3));
        assert!(!CmpOp::Lt.holds(0.1 + 0.2, 0.3));
        assert!(!CmpOp::Eq.holds(100.0, 100.001));
        assert!(CmpOp::Ne.holds(100.0, 100.001));
        assert!(!CmpOp::Gt.holds(5.0, 5.0) && CmpOp::Ge.holds(5.0, 5.0));
    }
}
