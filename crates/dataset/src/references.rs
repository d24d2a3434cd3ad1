//! `references.csv`: figures the documents print for China, the world or another area — the
//! reference series a Jiangxi figure is read against (`超全国平均水平`), and the market data the
//! plans cite. They are not observations: no region of the dataset is theirs.

use digecon_core::{Located, Period, Source};

use crate::csvio::Table;
use crate::Catalog;

pub const FILE: &str = "references.csv";
pub const COLUMNS: &[&str] = &[
    "reference", "scope_zh", "indicator_code", "name_zh", "unit", "period", "relation", "value", "status", "source_doc",
    "source_quote",
];

/// What a reference figure is a figure of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceKind {
    /// A national rate, share or average a catalogue indicator is compared with (`超全国平均水平`).
    NationalAverage,
    /// Another national figure (a total, a count).
    National,
    Global,
    /// Another area (`scope_zh` names it: 华东地区, 浙江省, 深圳市).
    Area,
}

impl ReferenceKind {
    pub const ALL: [ReferenceKind; 4] = [ReferenceKind::NationalAverage, ReferenceKind::National, ReferenceKind::Global, ReferenceKind::Area];

    pub fn code(self) -> &'static str {
        match self {
            ReferenceKind::NationalAverage => "national_average",
            ReferenceKind::National => "national",
            ReferenceKind::Global => "global",
            ReferenceKind::Area => "area",
        }
    }

    pub fn from_code(code: &str) -> Option<ReferenceKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// How the printed figure relates to the value: as printed, a bound, or an approximation (约, 左右, 接近).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureRelation {
    Exact,
    Gt,
    Ge,
    Lt,
    Le,
    About,
}

impl FigureRelation {
    pub const ALL: [FigureRelation; 6] =
        [FigureRelation::Exact, FigureRelation::Gt, FigureRelation::Ge, FigureRelation::Lt, FigureRelation::Le, FigureRelation::About];

    /// As written in the file (`` for a plain figure).
    pub fn code(self) -> &'static str {
        match self {
            FigureRelation::Exact => "",
            FigureRelation::Gt => ">",
            FigureRelation::Ge => ">=",
            FigureRelation::Lt => "<",
            FigureRelation::Le => "<=",
            FigureRelation::About => "~",
        }
    }

    pub fn from_code(code: &str) -> Option<FigureRelation> {
        if code == "=" {
            return Some(FigureRelation::Exact);
        }
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureStatus {
    Final,
    /// 预计 for a year already under way.
    Provisional,
    /// A projection of a future year.
    Forecast,
}

impl FigureStatus {
    pub const ALL: [FigureStatus; 3] = [FigureStatus::Final, FigureStatus::Provisional, FigureStatus::Forecast];

    pub fn code(self) -> &'static str {
        match self {
            FigureStatus::Final => "final",
            FigureStatus::Provisional => "provisional",
            FigureStatus::Forecast => "forecast",
        }
    }

    pub fn from_code(code: &str) -> Option<FigureStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceFigure {
    pub reference: ReferenceKind,
    pub scope_zh: String,
    /// A catalogue indicator where the concept is one; else the figure is named by `name_zh`.
    pub indicator_code: Option<String>,
    pub name_zh: String,
    pub unit: String,
    pub period: Period,
    pub relation: FigureRelation,
    pub value: f64,
    pub status: FigureStatus,
    pub source: Source,
    /// The row's line in its file.
    pub line: u64,
}

/// Reads `references.csv`. The first six columns of the older layout (`reference,indicator_code,
/// period,value,source_doc,source_quote`) are required; the others are optional, so a hand-made
/// file of national averages still reads. With a `catalog`, indicator codes must be in it.
pub fn parse(file: &str, text: &str, catalog: Option<&Catalog>, errors: &mut Vec<Located>) -> Vec<ReferenceFigure> {
    let required = ["reference", "indicator_code", "period", "value", "source_doc", "source_quote"];
    let optional: Vec<&str> = COLUMNS.iter().copied().filter(|c| !required.contains(c)).collect();
    let Some(table) = Table::read(file, text, &required, &optional, errors) else { return Vec::new() };
    let mut out = Vec::new();
    for row in table.rows() {
        let Some(reference) = ReferenceKind::from_code(row.raw("reference")) else {
            errors.push(row.error(format!(
                "未知的参照类别 / unknown reference `{}`; expected national_average, national, global or area",
                row.raw("reference")
            )));
            continue;
        };
        let code = Some(row.raw("indicator_code")).filter(|c| !c.is_empty()).map(str::to_string);
        if let (Some(c), Some(cat)) = (&code, catalog) {
            if cat.indicator(c).is_none() {
                errors.push(row.error(format!("未知的指标代码 / unknown indicator code `{c}`")));
            }
        }
        if reference == ReferenceKind::NationalAverage && code.is_none() {
            errors.push(row.error("全国平均水平须有指标代码 / a national_average needs an indicator_code"));
        }
        let scope_zh = row.text("scope_zh");
        if reference == ReferenceKind::Area && scope_zh.trim().is_empty() {
            errors.push(row.error("`scope_zh` 为空：须写明地区 / `scope_zh` is empty: an area figure names its area"));
        }
        let Some(relation) = FigureRelation::from_code(row.raw("relation")) else {
            errors.push(row.error(format!("未知的关系 / unknown relation `{}`; expected empty, >, >=, <, <= or ~", row.raw("relation"))));
            continue;
        };
        let status = match row.raw("status") {
            "" => Some(FigureStatus::Final),
            s => FigureStatus::from_code(s),
        };
        let Some(status) = status else {
            errors.push(row.error(format!("未知的状态 / unknown status `{}`; expected final, provisional or forecast", row.raw("status"))));
            continue;
        };
        let (Some(period), Some(value), Some(doc), Some(quote)) = (
            row.parse::<Period>("period", errors),
            row.number("value", errors),
            row.required_text("source_doc", errors),
            row.required_text("source_quote", errors),
        ) else {
            continue;
        };
        out.push(ReferenceFigure {
            reference,
            scope_zh,
            indicator_code: code,
            name_zh: row.text("name_zh"),
            unit: row.text("unit"),
            period,
            relation,
            value,
            status,
            source: Source { doc, quote },
            line: row.line,
        });
    }
    out
}
