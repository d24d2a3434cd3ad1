//! The domain model every digecon capability shares.
//!
//! Pure data and rules: no I/O, no storage, no clocks. The vocabulary follows the monitoring
//! practice of the source documents (地区 regions, 部门 departments, 指标 indicators, 期间 periods,
//! 观测值 observations, 规划/计划 plans with 目标 targets, 任务 tasks, 工程 projects), borrowing
//! DHIS2's org-unit / data-element / period / data-value model but keeping it smaller: an
//! observation is one number for one region × indicator × period.

pub mod expr;
pub mod formula;
pub mod interval;
pub mod limits;
pub mod located;
pub mod numerals;
pub mod period;
pub mod scope;
#[cfg(feature = "sheets")]
pub mod sheets;
pub mod text;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use formula::{EvalError, Formula, FormulaError};
pub use limits::{check_value, Limit, Limits, ValueError, VALUE_LIMIT};
pub use located::Located;
pub use numerals::{chinese_number, chinese_numbers_in};
pub use period::{Period, PeriodError};
pub use scope::{Actor, PlanWork, RegionTree, Role};

/// An error parsing one of the closed vocabularies below (`level`, `frequency`, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无效的{field} / invalid {field_en} `{text}`: expected one of {expected}")]
pub struct VocabError {
    pub field: &'static str,
    pub field_en: &'static str,
    pub text: String,
    pub expected: &'static str,
}

/// Declares a closed vocabulary stored as lowercase text (in CSV files and the database).
macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident, $field:literal, $field_en:literal { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        // In JSON as in CSV files and the database: the stored text.
        pub enum $name { $($(#[$vm])* #[serde(rename = $text)] $variant),+ }

        // By hand: utoipa's derive does not see a `rename` given by a macro argument.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(concat!($field, " / ", $field_en)))
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }
        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl FromStr for $name {
            type Err = VocabError;
            fn from_str(s: &str) -> Result<Self, VocabError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(VocabError {
                        field: $field,
                        field_en: $field_en,
                        text: s.to_string(),
                        expected: concat!($("`", $text, "` "),+),
                    }),
                }
            }
        }
    };
}

vocabulary! {
    /// Administrative level. Zones (新区, 开发区) are not administrative divisions but file data too.
    RegionLevel, "地区层级", "region level" {
        Province = "province", City = "city", County = "county", Zone = "zone",
    }
}

vocabulary! {
    DepartmentKind, "单位类型", "department kind" {
        /// A government department (省发改委, 市工信局).
        Department = "department",
        /// A people's government or a zone's 管委会.
        Government = "government",
        /// A group named as one unit (各县（市、区）人民政府).
        Collective = "collective",
        /// Enterprises and others (赣州国投集团).
        Other = "other",
    }
}

vocabulary! {
    Frequency, "频率", "frequency" { Year = "year", Quarter = "quarter", Month = "month" }
}

vocabulary! {
    /// Whether a sub-annual value covers its own period or the year so far (累计).
    Accumulation, "累计方式", "accumulation" { Period = "period", YearToDate = "ytd" }
}

vocabulary! {
    Polarity, "指标方向", "polarity" {
        /// Higher is better.
        Positive = "positive",
        /// Lower is better (e.g. PUE 数据中心电能使用效率).
        Negative = "negative",
    }
}

vocabulary! {
    /// How values of child regions combine into the parent's.
    Aggregation, "汇总方式", "aggregation" { Sum = "sum", Mean = "mean", None = "none" }
}

vocabulary! {
    ObservationStatus, "数据状态", "status" {
        /// Not yet approved, or an estimate (预计).
        Provisional = "provisional",
        /// Approved or published.
        Final = "final",
    }
}

vocabulary! {
    PlanKind, "规划类型", "plan kind" {
        /// 五年规划
        FiveYear = "five_year",
        /// 年度计划
        Annual = "annual",
        /// 工作要点
        WorkPoints = "work_points",
    }
}

vocabulary! {
    /// A documented bound or rank that is not itself a value (see `Constraint`).
    Relation, "关系", "relation" {
        Gt = ">", Ge = ">=", Lt = "<", Le = "<=",
        /// Rank among the region's siblings, 1 = highest.
        Rank = "rank",
    }
}

/// 预期性 (indicative) or 约束性 (binding): binding targets are judged more strictly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Attribute {
    // As printed in the plans (and shown by the API).
    #[serde(rename = "预期性")]
    Expected,
    #[serde(rename = "约束性")]
    Binding,
}

impl Attribute {
    pub fn as_zh(&self) -> &'static str {
        match self {
            Attribute::Expected => "预期性",
            Attribute::Binding => "约束性",
        }
    }
}

impl FromStr for Attribute {
    type Err = VocabError;
    fn from_str(s: &str) -> Result<Self, VocabError> {
        match s {
            "预期性" | "expected" => Ok(Attribute::Expected),
            "约束性" | "binding" => Ok(Attribute::Binding),
            _ => Err(VocabError {
                field: "指标属性",
                field_en: "attribute",
                text: s.to_string(),
                expected: "`预期性` `约束性`",
            }),
        }
    }
}

/// Where a number comes from. For published figures, the document file and the phrase it was
/// copied from; for filed data, `filing:<id>`; for imports, the file name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Source {
    pub doc: String,
    pub quote: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    /// GB/T 2260 code (`360700`), or `<parent>Z<nn>` for zones.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub level: RegionLevel,
    pub parent_code: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    /// `<region code>-<slug>`, e.g. `360000-drc`.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub region_code: String,
    pub kind: DepartmentKind,
    /// Other spellings used by the documents (省发展改革委 for 省发改委).
    pub aliases: Vec<String>,
    pub source: Source,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicator {
    /// Stable `UPPER_SNAKE` code, one per concept across documents and regions.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit: String,
    pub frequency: Frequency,
    pub accumulation: Accumulation,
    pub polarity: Polarity,
    pub aggregation: Aggregation,
    /// Category path, `/`-separated (数字产业化/规模效应).
    pub category: String,
    pub definition: String,
    pub source_department: String,
    /// For derived indicators: how to compute the value from others.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "CORE_VA / GDP * 100"))]
    pub formula: Option<Formula>,
}

/// The other names and unit spellings the documents print for one indicator (`indicators.csv`
/// `aliases`, `unit_aliases`): 网上零售额 for 网络零售额, `Gpbs` and `GB` for `Gbps`. A row of the
/// dataset may quote the page's words when they are one of these. Kept beside [`Indicator`] (keyed by
/// its code) rather than in it, so the code that builds indicators for other purposes is unaffected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorAliases {
    /// Other names, as printed.
    pub names: Vec<String>,
    /// Other spellings of the unit, as printed, meaning the catalogue's unit.
    pub units: Vec<String>,
}

impl IndicatorAliases {
    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.units.is_empty()
    }
}

impl Indicator {
    /// Whether `period` has a frequency this indicator is collected at. Annual indicators only take
    /// years; monthly ones also take quarters and years (their aggregates).
    pub fn accepts(&self, period: &Period) -> bool {
        let f = period.frequency();
        match self.frequency {
            Frequency::Year => f == Frequency::Year,
            Frequency::Quarter => f != Frequency::Month,
            Frequency::Month => true,
        }
    }
}

/// Is `code` an acceptable indicator code (`UPPER_SNAKE`, starting with a letter)?
pub fn is_indicator_code(code: &str) -> bool {
    let mut bytes = code.bytes();
    matches!(bytes.next(), Some(b'A'..=b'Z'))
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Observation {
    pub region_code: String,
    pub indicator_code: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2022-Q1"))]
    pub period: Period,
    pub value: f64,
    pub status: ObservationStatus,
    pub source: Source,
    /// Generated, not observed. Always shown as such.
    pub synthetic: bool,
}

/// The identity of an observation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObservationKey {
    pub region_code: String,
    pub indicator_code: String,
    pub period: Period,
}

impl Observation {
    pub fn key(&self) -> ObservationKey {
        ObservationKey {
            region_code: self.region_code.clone(),
            indicator_code: self.indicator_code.clone(),
            period: self.period,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: PlanKind,
    pub region_code: String,
    pub issuer: String,
    /// As printed: `2022-05-25`, `2022`, or empty.
    pub issued: String,
    pub start_year: i32,
    pub end_year: i32,
    pub source_doc: String,
}

/// A quantified target of a plan. The texts are kept exactly as printed; their parsed meaning is
/// the targets capability's business.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    pub plan_id: String,
    pub region_code: String,
    pub indicator_code: String,
    pub base_year: Option<i32>,
    pub base_text: String,
    pub base_value: Option<f64>,
    pub target_year: i32,
    pub target_text: String,
    pub attribute: Option<Attribute>,
    /// The plan's 年均增长 column as printed (`14`, `18左右`, `—`).
    pub stated_growth_text: String,
    /// Department codes.
    pub lead_units: Vec<String>,
    pub lead_units_text: String,
    pub source: Source,
}

/// A documented bound or rank that is not a value ("南昌、吉安超 400 亿元").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Constraint {
    pub region_code: String,
    pub indicator_code: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2022"))]
    pub period: Period,
    pub relation: Relation,
    pub value: f64,
    pub source: Source,
}

impl Constraint {
    /// Whether `actual` satisfies a bound. Ranks need the siblings and are checked elsewhere.
    pub fn holds_for(&self, actual: f64) -> Option<bool> {
        match self.relation {
            Relation::Gt => Some(actual > self.value),
            Relation::Ge => Some(actual >= self.value),
            Relation::Lt => Some(actual < self.value),
            Relation::Le => Some(actual <= self.value),
            Relation::Rank => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    pub plan_id: String,
    pub number: u32,
    /// 专项 or chapter heading as printed.
    pub section: String,
    pub text: String,
    pub lead_units: Vec<String>,
    pub lead_units_text: String,
    pub coop_units: Vec<String>,
    pub coop_units_text: String,
    pub source_doc: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Milestone {
    pub year: i32,
    pub text: String,
}

/// An engineering project of a plan (004 Annex 1), tracked like a task with milestones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    pub plan_id: String,
    pub number: u32,
    pub category: String,
    pub domain: String,
    pub name: String,
    pub content: String,
    pub goal_text: String,
    pub milestones: Vec<Milestone>,
    pub lead_units: Vec<String>,
    pub lead_units_text: String,
    pub coop_units: Vec<String>,
    pub coop_units_text: String,
    pub source_doc: String,
}

/// A plain decimal as printed in the documents and typed into forms: optional minus, digits,
/// optional fraction. No `%`, no thousands separators, no exponent, no `NaN`/`inf` (which
/// `f64::from_str` would take). Every importer reads numbers with this one rule.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if digits(int) && frac.is_none_or(digits) {
        s.parse().ok()
    } else {
        None
    }
}

/// Formats a value the shortest way that reads back to the same `f64` (`11874`, `8.4`, `-5.3`),
/// so exports round-trip exactly and never print `11874.0`.
pub fn format_value(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip_and_name_the_choices() {
        for l in RegionLevel::ALL {
            assert_eq!(l.as_str().parse::<RegionLevel>().unwrap(), *l);
        }
        let e = "City".parse::<RegionLevel>().unwrap_err().to_string();
        assert!(e.contains("`City`") && e.contains("`province`") && e.contains("`zone`"), "{e}");
        assert_eq!("ytd".parse::<Accumulation>().unwrap(), Accumulation::YearToDate);
        assert_eq!(">=".parse::<Relation>().unwrap(), Relation::Ge);
        assert_eq!("约束性".parse::<Attribute>().unwrap(), Attribute::Binding);
    }

    #[test]
    fn indicator_codes() {
        assert!(is_indicator_code("DE_VA"));
        assert!(is_indicator_code("CORE_REV_01"));
        assert!(!is_indicator_code("de_va"));
        assert!(!is_indicator_code("1DE"));
        assert!(!is_indicator_code(""));
        assert!(!is_indicator_code("DE-VA"));
    }

    #[test]
    fn decimals_are_plain() {
        assert_eq!(parse_decimal("11874"), Some(11874.0));
        assert_eq!(parse_decimal("-5.3"), Some(-5.3));
        assert_eq!(parse_decimal("0.5"), Some(0.5));
        for bad in ["", "-", "1,234", "12%", "NaN", "inf", "1e5", ".5", "5.", "+5", " 5", "约320", "１２"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn values_print_shortest() {
        assert_eq!(format_value(11874.0), "11874");
        assert_eq!(format_value(11133.17), "11133.17");
        assert_eq!(format_value(-5.3), "-5.3");
        assert_eq!(format_value(0.1 + 0.2), "0.30000000000000004");
    }
}
