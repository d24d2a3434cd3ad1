//! Checking one filing: required values, every rule of its form, outlier flags.

use std::collections::{BTreeMap, HashMap};

use digecon_core::{Accumulation, Period};

use crate::form::{Bound, Form};
use crate::outlier::{check_value, OutlierFlag};
use crate::rule::{Outcome, RuleResult};

/// What a filing's values are checked against.
pub struct FilingContext<'a> {
    pub form: &'a Form,
    pub period: Period,
    pub region_code: &'a str,
    /// The filing's values for its period (indicator → value).
    pub values: &'a BTreeMap<String, f64>,
    /// The region's stored observations, indicator → period → value. For the form's own
    /// indicators at the filing's period only `values` counts: a published figure does not stand
    /// in for a value the filer has not entered.
    pub history: &'a HashMap<String, BTreeMap<Period, f64>>,
    /// Accumulation of every indicator (`period` if absent).
    pub accumulation: &'a dyn Fn(&str) -> Accumulation,
    pub bounds: &'a [Bound],
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Validation {
    /// Every rule of the form, in form order.
    pub rules: Vec<RuleResult>,
    pub outliers: Vec<OutlierFlag>,
    /// Required indicators without a value.
    pub missing_required: Vec<String>,
}

impl Validation {
    /// Error rules that failed (or could not be evaluated): they block.
    pub fn errors(&self) -> impl Iterator<Item = &RuleResult> {
        self.rules.iter().filter(|r| r.blocks())
    }

    /// Warning rules that failed: they need a comment before submission.
    pub fn warnings(&self) -> impl Iterator<Item = &RuleResult> {
        self.rules.iter().filter(|r| r.is_violation() && !r.blocks())
    }

    pub fn skipped(&self) -> impl Iterator<Item = &RuleResult> {
        self.rules.iter().filter(|r| matches!(r.outcome, Outcome::Skipped(_)))
    }
}

impl FilingContext<'_> {
    pub fn value(&self, indicator: &str, period: Period) -> Option<f64> {
        if period == self.period && self.form.indicator(indicator).is_some() {
            return self.values.get(indicator).copied();
        }
        self.history.get(indicator).and_then(|s| s.get(&period)).copied()
    }
}

pub fn validate(ctx: &FilingContext<'_>) -> Validation {
    let values = |code: &str, p: Period| ctx.value(code, p);
    let rules = ctx.form.rules.iter().map(|r| r.evaluate(&values, ctx.period)).collect();
    let missing_required = ctx
        .form
        .indicators
        .iter()
        .filter(|i| i.required && !ctx.values.contains_key(&i.indicator_code))
        .map(|i| i.indicator_code.clone())
        .collect();
    let empty = BTreeMap::new();
    let mut outliers = Vec::new();
    for fi in &ctx.form.indicators {
        let Some(&v) = ctx.values.get(&fi.indicator_code) else { continue };
        let bounds: Vec<&Bound> = ctx
            .bounds
            .iter()
            .filter(|b| b.indicator_code == fi.indicator_code && b.region_code.as_deref().is_none_or(|r| r == ctx.region_code))
            .collect();
        let series = ctx.history.get(&fi.indicator_code).unwrap_or(&empty);
        outliers.extend(check_value(&fi.indicator_code, (ctx.accumulation)(&fi.indicator_code), ctx.period, v, series, &bounds));
    }
    Validation { rules, outliers, missing_required }
}
