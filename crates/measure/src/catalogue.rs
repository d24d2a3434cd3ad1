//! Which aggregates are indicators of the platform's catalogue (`data/indicators.csv`), and
//! their values in the catalogue's units: how microdata results become observations.
//!
//! Only the figures the catalogue has a concept for are mapped: core-industry revenue in total
//! and by major class (亿元; the microdata is in 万元) and the number of core enterprises. VA by
//! rates is not mapped: its rates are partly assumptions, and a published 增加值 must not be
//! overwritten by an estimate.

use crate::aggregate::{ObservationRef, Value};
use crate::money::SCALE;

/// 1 亿元 = 10 000 万元.
const WAN_PER_YI: f64 = 10_000.0;

/// The catalogue indicator code of an aggregate and its value in that indicator's unit.
pub fn catalogue_value(o: &ObservationRef<'_>) -> Option<(&'static str, f64)> {
    let yi = |v: Value| match v {
        Value::Money(m) => Some(m as f64 / SCALE as f64 / WAN_PER_YI),
        _ => None,
    };
    match (o.indicator, o.class_level, o.class_code) {
        ("DE_CORE_REVENUE", "all", _) => Some(("CORE_REV", yi(o.value)?)),
        ("DE_CORE_REVENUE", "major", code) => {
            let c = match code {
                "01" => "CORE_REV_01",
                "02" => "CORE_REV_02",
                "03" => "CORE_REV_03",
                "04" => "CORE_REV_04",
                _ => return None,
            };
            Some((c, yi(o.value)?))
        }
        ("DE_CORE_ENTERPRISES", "all", _) => match o.value {
            Value::Count(n) => Some(("CORE_ENTERPRISES", n as f64)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(indicator: &'static str, level: &'static str, code: &'static str, value: Value) -> ObservationRef<'static> {
        ObservationRef {
            region_code: "360700",
            region_name: "赣州市",
            region_level: "city",
            indicator,
            class_level: level,
            class_code: code,
            class_name: "",
            period: 2022,
            value,
            unit: "",
        }
    }

    #[test]
    fn revenue_in_yi_and_enterprise_counts() {
        // 1 311 850 万元 = 131.185 亿元 (money is held in 1e-6 万元).
        let m = Value::Money(1_311_850 * i128::from(SCALE));
        assert_eq!(catalogue_value(&obs("DE_CORE_REVENUE", "all", "DE_CORE", m)), Some(("CORE_REV", 131.185)));
        assert_eq!(catalogue_value(&obs("DE_CORE_REVENUE", "major", "03", m)), Some(("CORE_REV_03", 131.185)));
        assert_eq!(catalogue_value(&obs("DE_CORE_ENTERPRISES", "all", "DE_CORE", Value::Count(539))), Some(("CORE_ENTERPRISES", 539.0)));
        assert_eq!(catalogue_value(&obs("DE_CORE_REVENUE", "medium", "0101", m)), None, "no catalogue concept");
        assert_eq!(catalogue_value(&obs("DE_CORE_VA_RATE_METHOD", "all", "DE_CORE", Value::Real(1.0))), None, "estimates are not stored");
        assert_eq!(catalogue_value(&obs("DE_CORE_REVENUE", "non_core", "NON_CORE", m)), None);
    }
}
