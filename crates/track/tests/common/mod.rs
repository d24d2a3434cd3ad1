//! Small hand-made plans for the tests.
#![allow(dead_code)]

use digecon_core::*;
use digecon_dataset::Dataset;
use digecon_track::Inputs;

pub fn indicator(code: &str, unit: &str) -> Indicator {
    Indicator {
        code: code.into(),
        name_zh: format!("指标{code}"),
        name_en: code.into(),
        unit: unit.into(),
        frequency: Frequency::Year,
        accumulation: Accumulation::Period,
        polarity: Polarity::Positive,
        aggregation: Aggregation::Sum,
        category: String::new(),
        definition: String::new(),
        source_department: String::new(),
        formula: None,
    }
}

pub fn with_formula(mut i: Indicator, f: &str) -> Indicator {
    i.formula = Some(Formula::parse(f).unwrap());
    i
}

pub fn plan(id: &str, start: i32, end: i32) -> Plan {
    Plan {
        id: id.into(),
        name_zh: id.into(),
        name_en: id.into(),
        kind: PlanKind::FiveYear,
        region_code: "R".into(),
        issuer: String::new(),
        issued: String::new(),
        start_year: start,
        end_year: end,
        source_doc: String::new(),
    }
}

/// A target of plan `p` for region `R`.
pub fn target(p: &str, code: &str, base: Option<(i32, &str, Option<f64>)>, year: i32, text: &str, growth: &str) -> Target {
    Target {
        plan_id: p.into(),
        region_code: "R".into(),
        indicator_code: code.into(),
        base_year: base.map(|b| b.0),
        base_text: base.map(|b| b.1.to_string()).unwrap_or_default(),
        base_value: base.and_then(|b| b.2),
        target_year: year,
        target_text: text.into(),
        attribute: Some(Attribute::Expected),
        stated_growth_text: growth.into(),
        lead_units: vec![],
        lead_units_text: String::new(),
        source: Source::default(),
    }
}

pub fn obs(code: &str, period: &str, value: f64) -> Observation {
    Observation {
        region_code: "R".into(),
        indicator_code: code.into(),
        period: period.parse().unwrap(),
        value,
        status: ObservationStatus::Final,
        source: Source::default(),
        synthetic: false,
    }
}

/// The shipped dataset as tracker inputs.
pub fn shipped() -> Inputs {
    let ds = Dataset::embedded().unwrap();
    Inputs {
        plans: ds.plans,
        indicators: ds.indicators,
        targets: ds.targets,
        observations: ds.observations,
        references: vec![],
    }
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}
