//! Values of one indicator in one region over time: stored observations, and for derived
//! indicators the formula's value where it is not stored (`BS_5G_OPEN_10K` = `BS_5G_OPEN / 10000`).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use digecon_core::{Frequency, Indicator, Observation, Period};

/// Where a value comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Origin {
    Stored,
    /// Computed with the indicator's formula (its text).
    Derived(String),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    pub period: Period,
    pub value: f64,
    pub origin: Origin,
}

/// Observations indexed for lookup.
pub struct Book<'a> {
    values: HashMap<(&'a str, &'a str), BTreeMap<Period, f64>>,
    indicators: HashMap<&'a str, &'a Indicator>,
}

/// Derived indicators may refer to derived indicators; deeper than this is a cycle.
const MAX_DEPTH: usize = 8;

impl<'a> Book<'a> {
    pub fn new(indicators: &'a [Indicator], observations: &'a [Observation]) -> Book<'a> {
        let mut values: HashMap<(&str, &str), BTreeMap<Period, f64>> = HashMap::new();
        for o in observations {
            values.entry((o.region_code.as_str(), o.indicator_code.as_str())).or_default().insert(o.period, o.value);
        }
        Book { values, indicators: indicators.iter().map(|i| (i.code.as_str(), i)).collect() }
    }

    pub fn indicator(&self, code: &str) -> Option<&'a Indicator> {
        self.indicators.get(code).copied()
    }

    /// The value at one period: stored, else derived.
    pub fn value(&self, region: &str, indicator: &str, period: Period) -> Option<Point> {
        self.value_at(region, indicator, period, 0)
    }

    fn stored(&self, region: &str, indicator: &str, period: Period) -> Option<f64> {
        self.values.get(&(region, indicator)).and_then(|m| m.get(&period)).copied()
    }

    fn value_at(&self, region: &str, indicator: &str, period: Period, depth: usize) -> Option<Point> {
        if let Some(v) = self.stored(region, indicator, period) {
            return Some(Point { period, value: v, origin: Origin::Stored });
        }
        if depth >= MAX_DEPTH {
            return None;
        }
        let formula = self.indicator(indicator)?.formula.as_ref()?;
        let mut lookup = |code: &str, p: Period| self.value_at(region, code, p, depth + 1).map(|pt| pt.value);
        let v = formula.eval(period, &mut lookup).ok()?;
        v.is_finite().then(|| Point { period, value: v, origin: Origin::Derived(formula.text().to_string()) })
    }

    /// Every period at which the indicator has a value for the region (stored or derived), in order.
    pub fn series(&self, region: &str, indicator: &str) -> Vec<Point> {
        let mut periods: Vec<Period> = Vec::new();
        self.candidate_periods(region, indicator, 0, &mut periods);
        periods.sort();
        periods.dedup();
        periods.into_iter().filter_map(|p| self.value(region, indicator, p)).collect()
    }

    fn candidate_periods(&self, region: &str, indicator: &str, depth: usize, out: &mut Vec<Period>) {
        if let Some(m) = self.values.get(&(region, indicator)) {
            out.extend(m.keys().copied());
        }
        if depth >= MAX_DEPTH {
            return;
        }
        if let Some(f) = self.indicator(indicator).and_then(|i| i.formula.as_ref()) {
            for r in f.references() {
                self.candidate_periods(region, r, depth + 1, out);
            }
        }
    }

    /// The annual values (periods that are whole years) up to `last_year`, in order.
    pub fn annual(&self, region: &str, indicator: &str, last_year: i32) -> Vec<Point> {
        self.series(region, indicator)
            .into_iter()
            .filter(|p| p.period.frequency() == Frequency::Year && p.period.year() <= last_year)
            .collect()
    }
}
