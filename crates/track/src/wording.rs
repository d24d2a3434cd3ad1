//! Chinese target wording → a structured meaning, in the indicator's unit.
//!
//! Plans state targets as printed phrases (`10以上`, `>10000`, `突破8000亿元`, `1.4万个以上`,
//! `15左右`, `新增2-3个`, `合计约200`, `超全国平均水平`, `实现正增长`, `大幅提升`). [`parse_target`]
//! turns one into a [`ParsedTarget`]: a [`Meaning`], the basis (a level, or a growth rate when the
//! indicator is a 增速), and notes on everything the reading decided (a unit converted, 力争, 首次,
//! 合计). A phrase outside the grammar below is an error that quotes it — never skipped.
//!
//! Grammar (after normalising full-width signs and removing spaces):
//! - whole phrases: `大幅提升`-like (qualitative increase), `加快提升` (accelerating increase),
//!   `实现进位赶超` (a better rank), `超全国平均水平` (above the national average), `实现正增长`
//!   (growth above zero);
//! - otherwise `[verbs] [> ≥ < ≤] number[-number] [unit] [以上|以下|以内|左右|大关]`, where the verbs are
//!   `力争 确保 首次 累计` (notes only), `达到 达 实现 打造 建成 完成` (reach), `突破 超过 超` (strictly above),
//!   `不少于 不低于` (at least), `不高于 不超过` (at most),
//!   `新增` (an increment over the base), `合计` (the indicator is a sum of parts), `约` (about).
//!   A magnitude without a number (`万亿元`) means one of it.
//!
//! `以上` and `以下` include the number (the statistical convention 以上含本数); `>` and `突破` do not.

use std::fmt;

use digecon_core::expr::{Expr, Func};
use digecon_core::{Indicator, Polarity};
use serde::Serialize;

/// Default half-width of the band of `左右` / `约`, relative to the value (±5 %).
pub const DEFAULT_ABOUT_TOLERANCE: f64 = 0.05;

/// The reference series a target may be stated against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Reference {
    /// 全国平均水平: supplied by the caller (see `ReferenceValue`); the dataset has no national region.
    NationalAverage,
}

impl Reference {
    pub fn code(&self) -> &'static str {
        match self {
            Reference::NationalAverage => "national_average",
        }
    }
    pub fn zh(&self) -> &'static str {
        match self {
            Reference::NationalAverage => "全国平均水平",
        }
    }
}

/// A qualitative target and the rule by which it is assessed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Qualitative {
    /// `大幅提升`, `稳步提升`, …: assessed as value(T) > value(T−1). The adverb (大幅 …) is kept but
    /// not quantified: the plan gives no number for it.
    Increase { adverb: String },
    /// `加快提升`: assessed as growth(T) > growth(T−1), which needs values for T, T−1 and T−2.
    AcceleratedIncrease,
    /// `实现进位赶超`: assessed as a better value (by the indicator's polarity; for a rank, smaller) in
    /// year T than the latest value before T.
    RankUp,
}

/// What a target text asks for. Numbers are in the indicator's unit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Meaning {
    /// `16000`, `达到1500亿元`, `打造200个`: reach the value (in the indicator's good direction).
    Reach(f64),
    /// `10以上`, `1.4万个以上`: at least (≥).
    AtLeast(f64),
    /// `>10000`, `突破8000亿元`, `首次突破万亿元大关`: strictly above.
    Above(f64),
    /// `1.5以下`: at most (≤).
    AtMost(f64),
    /// `<x`: strictly below.
    Below(f64),
    /// `15左右`, `3000左右`, `合计约200`: about the value, within the tolerance band.
    About(f64),
    /// `1.5-1.7`: between (used by base texts).
    Between(f64, f64),
    /// `新增2-3个` (min 2, max 3), `新增3个以上` (min 3, no max): an increment over the base. Met from
    /// base + min; more than base + max is not a miss (the range is the plan's expectation, not a cap).
    Increase { min: f64, max: Option<f64> },
    /// `超全国平均水平`: above a reference series for the same indicator.
    AboveReference(Reference),
    /// `实现正增长`: growth above zero (the value itself if the indicator is a growth rate).
    PositiveGrowth,
    /// `大幅提升`, `加快提升`, `实现进位赶超`.
    Qualitative(Qualitative),
}

/// Whether the indicator is a level or a growth rate (增速) of another indicator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Basis {
    Level,
    /// The indicator is `yoy(of)` (or a 增速 without a formula: `of` is `None`).
    GrowthRate { of: Option<String> },
}

/// A target text with its meaning.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParsedTarget {
    /// As printed.
    pub text: String,
    pub meaning: Meaning,
    pub basis: Basis,
    /// What the reading decided, bilingual (unit conversions, 力争, 首次, 合计, 100 % ceiling).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无法解析目标 / cannot parse target `{text}` (indicator {indicator}): {reason}")]
pub struct WordingError {
    pub text: String,
    pub indicator: String,
    pub reason: String,
}

/// Options of the reading.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WordingOptions {
    /// Relative half-width of the `左右` / `约` band.
    pub about_tolerance: f64,
}

impl Default for WordingOptions {
    fn default() -> Self {
        WordingOptions { about_tolerance: DEFAULT_ABOUT_TOLERANCE }
    }
}

impl Meaning {
    /// A stable code for the kind (`reach`, `at_least`, `increase`, `qualitative_rank_up`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Meaning::Reach(_) => "reach",
            Meaning::AtLeast(_) => "at_least",
            Meaning::Above(_) => "above",
            Meaning::AtMost(_) => "at_most",
            Meaning::Below(_) => "below",
            Meaning::About(_) => "about",
            Meaning::Between(..) => "between",
            Meaning::Increase { max: Some(_), .. } => "increase",
            Meaning::Increase { max: None, .. } => "increase_at_least",
            Meaning::AboveReference(_) => "above_reference",
            Meaning::PositiveGrowth => "positive_growth",
            Meaning::Qualitative(Qualitative::Increase { .. }) => "qualitative_increase",
            Meaning::Qualitative(Qualitative::AcceleratedIncrease) => "qualitative_accelerating",
            Meaning::Qualitative(Qualitative::RankUp) => "qualitative_rank_up",
        }
    }

    /// Is the target a number (or an increment) that a value can be compared with?
    pub fn is_numeric(&self) -> bool {
        !matches!(self, Meaning::AboveReference(_) | Meaning::PositiveGrowth | Meaning::Qualitative(_))
    }

    /// The level a value must reach for the target to be met, in the indicator's good direction
    /// (`base` is needed for increments). For `About` the centre; for `Between` the edge on the
    /// good side. `None` for non-numeric targets, or an increment without a base.
    pub fn goal(&self, polarity: Polarity, base: Option<f64>) -> Option<f64> {
        match *self {
            Meaning::Reach(x) | Meaning::AtLeast(x) | Meaning::Above(x) | Meaning::AtMost(x) | Meaning::Below(x) | Meaning::About(x) => Some(x),
            Meaning::Between(lo, hi) => Some(if polarity == Polarity::Negative { hi } else { lo }),
            Meaning::Increase { min, .. } => base.map(|b| b + min),
            _ => None,
        }
    }

    /// Whether `value` meets a numeric target. `None` if the target is not numeric or needs a base
    /// it does not have. `About` is met inside the band or beyond it on the good side.
    pub fn is_met(&self, value: f64, polarity: Polarity, base: Option<f64>, about_tolerance: f64) -> Option<bool> {
        let good_ge = |x: f64| if polarity == Polarity::Negative { value <= x } else { value >= x };
        Some(match *self {
            Meaning::Reach(x) => good_ge(x),
            Meaning::AtLeast(x) => value >= x,
            Meaning::Above(x) => value > x,
            Meaning::AtMost(x) => value <= x,
            Meaning::Below(x) => value < x,
            Meaning::About(x) => {
                let band = (x * about_tolerance).abs();
                if polarity == Polarity::Negative {
                    value <= x + band
                } else {
                    value >= x - band
                }
            }
            Meaning::Between(lo, hi) => {
                if polarity == Polarity::Negative {
                    value <= hi
                } else {
                    value >= lo
                }
            }
            Meaning::Increase { min, .. } => value - base? >= min,
            _ => return None,
        })
    }

    /// A bilingual description, e.g. `≥ 14000（至少 / at least）`.
    pub fn describe(&self, about_tolerance: f64) -> String {
        let v = digecon_core::format_value;
        let pct = format_number(about_tolerance * 100.0, 2);
        match self {
            Meaning::Reach(x) => format!("达到 {} / reach {}", v(*x), v(*x)),
            Meaning::AtLeast(x) => format!("≥ {} / at least {}", v(*x), v(*x)),
            Meaning::Above(x) => format!("> {} / above {}", v(*x), v(*x)),
            Meaning::AtMost(x) => format!("≤ {} / at most {}", v(*x), v(*x)),
            Meaning::Below(x) => format!("< {} / below {}", v(*x), v(*x)),
            Meaning::About(x) => format!(
                "约 {x}（±{pct}%：{} – {}）/ about {x} (±{pct} %)",
                format_number(x * (1.0 - about_tolerance), 4),
                format_number(x * (1.0 + about_tolerance), 4),
                x = v(*x)
            ),
            Meaning::Between(a, b) => format!("{} – {} / between {} and {}", v(*a), v(*b), v(*a), v(*b)),
            Meaning::Increase { min, max: Some(max) } if min == max => {
                format!("基期 + {} / base + {}", v(*min), v(*min))
            }
            Meaning::Increase { min, max: Some(max) } => {
                format!("基期 + {}–{} / base + {} to {}", v(*min), v(*max), v(*min), v(*max))
            }
            Meaning::Increase { min, max: None } => format!("≥ 基期 + {} / at least base + {}", v(*min), v(*min)),
            Meaning::AboveReference(r) => format!("> {}（参照序列）/ above the {} reference series", r.zh(), r.code()),
            Meaning::PositiveGrowth => "增速 > 0 / growth above zero".to_string(),
            Meaning::Qualitative(Qualitative::Increase { adverb }) => format!(
                "定性：目标年值高于上年（“{adverb}”未量化）/ qualitative: value(T) > value(T−1) (“{adverb}” not quantified)"
            ),
            Meaning::Qualitative(Qualitative::AcceleratedIncrease) => {
                "定性：目标年增速高于上年增速 / qualitative: growth(T) > growth(T−1)".to_string()
            }
            Meaning::Qualitative(Qualitative::RankUp) => {
                "定性：目标年位次优于此前最近位次 / qualitative: a better value in T than the latest before T".to_string()
            }
        }
    }
}

impl ParsedTarget {
    /// The kind, with `_growth_rate` appended when the indicator is a growth rate (`about_growth_rate`).
    pub fn kind(&self) -> String {
        match self.basis {
            Basis::GrowthRate { .. } if self.meaning != Meaning::PositiveGrowth => {
                format!("{}_growth_rate", self.meaning.kind())
            }
            _ => self.meaning.kind().to_string(),
        }
    }
}

impl fmt::Display for ParsedTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} → {}", self.text, self.meaning.describe(DEFAULT_ABOUT_TOLERANCE))?;
        for n in &self.notes {
            write!(f, "; {n}")?;
        }
        Ok(())
    }
}

/// The basis of an indicator: a growth rate if its formula is `yoy(X)` or its name ends in 增速.
pub fn basis_of(indicator: &Indicator) -> Basis {
    if let Some(f) = &indicator.formula {
        if let Expr::Call(Func::Yoy, args) = f.expr() {
            if let [Expr::Indicator(code)] = args.as_slice() {
                return Basis::GrowthRate { of: Some(code.clone()) };
            }
        }
    }
    if indicator.name_zh.ends_with("增速") {
        return Basis::GrowthRate { of: None };
    }
    Basis::Level
}

/// Formats a number with at most `decimals` decimals, without trailing zeros.
pub fn format_number(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// Full-width signs and digits to ASCII; spaces removed (the text extraction inserts them).
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '％' => '%',
            '＞' => '>',
            '＜' => '<',
            '～' | '~' | '－' | '–' | '—' => '-',
            _ => c,
        })
        .collect()
}

/// Texts that mean "no value" in a base or growth column.
fn is_blank(s: &str) -> bool {
    s.is_empty() || s.chars().all(|c| matches!(c, '-' | '/' | '—' | '–' | '－' | '／'))
}

const INCREASE_VERBS: &[&str] = &["提升", "提高", "增长", "增加"];
const INCREASE_ADVERBS: &[&str] = &["大幅", "显著", "明显", "稳步", "持续", "进一步", ""];
const ACCELERATE: &[&str] = &["加快提升", "加快提高", "加快增长", "加速提升"];
/// Words that make a share's goal "every one" (100 %).
const EVERY_PREFIXES: &[&str] = &["所有", "全部", "全省"];
const RANK_UP: &[&str] = &["实现进位赶超", "进位赶超", "实现进位", "争先进位", "位次前移", "排名提升"];
const POSITIVE_GROWTH: &[&str] = &["实现正增长", "保持正增长", "正增长"];
const ABOVE_VERBS: &[&str] = &["超过", "高于", "超出", "超"];
const NATIONAL: &[&str] = &["全国平均水平", "全国平均", "全国水平"];

/// One magnitude word and its power of ten.
const MAGNITUDES: &[(&str, u32)] = &[("万亿", 12), ("亿", 8), ("万", 4), ("千", 3), ("百", 2)];

/// Splits a unit into its power of ten and its base (`万个` → (4, `个`), `亿元` → (8, `元`)).
fn split_unit(u: &str) -> (u32, &str) {
    for (m, p) in MAGNITUDES {
        if let Some(rest) = u.strip_prefix(m) {
            return (*p, rest);
        }
    }
    (0, u)
}

/// A decimal as printed: `mantissa / 10^decimals`.
#[derive(Clone, Copy, Debug)]
struct Decimal {
    mantissa: i128,
    decimals: u32,
}

impl Decimal {
    /// The value scaled by `10^shift` with a single rounding (so `1.4万` → exactly 14000).
    fn scaled(&self, shift: i32) -> f64 {
        let e = shift - self.decimals as i32;
        if e >= 0 {
            (self.mantissa * 10i128.pow(e as u32)) as f64
        } else {
            self.mantissa as f64 / 10i128.pow((-e) as u32) as f64
        }
    }
}

/// Reads a decimal number at the start of `s`; returns it and the rest.
fn take_number(s: &str) -> Option<(Decimal, &str)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let neg = bytes.first() == Some(&b'-') && bytes.get(1).is_some_and(u8::is_ascii_digit);
    if neg {
        i = 1;
    }
    let start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    if i == start {
        return None;
    }
    let mut digits: String = s[start..i].to_string();
    let mut decimals = 0;
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        let ds = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        digits.push_str(&s[ds..i]);
        decimals = (i - ds) as u32;
    }
    if digits.len() > 30 {
        return None;
    }
    let m: i128 = digits.parse().ok()?;
    Some((Decimal { mantissa: if neg { -m } else { m }, decimals }, &s[i..]))
}

/// The numeric part of a phrase after the verbs are taken off.
struct Numeric {
    op: Option<char>, // '>' '≥' '<' '≤'
    value: Decimal,
    upper: Option<Decimal>,
    unit: String,
    suffix: Option<&'static str>,
    implicit_one: bool,
}

const SUFFIXES: &[&str] = &["及以上", "以上", "以下", "以内", "左右", "大关"];

fn parse_numeric(s: &str) -> Result<Numeric, String> {
    let mut rest = s;
    let mut op = None;
    for (p, c) in [(">=", '≥'), ("≥", '≥'), ("<=", '≤'), ("≤", '≤'), (">", '>'), ("<", '<')] {
        if let Some(r) = rest.strip_prefix(p) {
            op = Some(c);
            rest = r;
            break;
        }
    }
    let (value, upper, after, implicit_one) = match take_number(rest) {
        Some((v, r)) => {
            // A range `2-3`.
            if let Some(r2) = r.strip_prefix('-') {
                match take_number(r2) {
                    Some((hi, r3)) => (v, Some(hi), r3, false),
                    None => return Err(format!("范围缺少上限 / a range without its upper end at `{r}`")),
                }
            } else {
                (v, None, r, false)
            }
        }
        None if MAGNITUDES.iter().any(|(m, _)| rest.starts_with(m)) => (Decimal { mantissa: 1, decimals: 0 }, None, rest, true),
        None => return Err("没有数值 / no number found".into()),
    };
    let mut unit = after;
    let mut suffix = None;
    for sfx in SUFFIXES {
        if let Some(u) = after.strip_suffix(sfx) {
            unit = u;
            suffix = Some(*sfx);
            break;
        }
    }
    // A range's unit may be printed on both ends (`16%-17%`): the first `%` was read as part of
    // the gap, so a leading unit on the lower end is handled by the caller; here the unit is what is left.
    if unit.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!("无法理解的部分 / cannot read `{unit}`"));
    }
    Ok(Numeric { op, value, upper, unit: unit.to_string(), suffix, implicit_one })
}

/// The power of ten from the printed unit to the indicator's unit. An empty printed unit is the
/// indicator's unit; a measure word may be left out (`3000万` for 万个); otherwise the units'
/// bases must agree (`万个` and `个`, `万亿元` and `亿元`).
fn unit_shift(printed: &str, indicator_unit: &str) -> Result<i32, String> {
    if printed.is_empty() || printed == indicator_unit {
        return Ok(0);
    }
    let (pp, pb) = split_unit(printed);
    let (ip, ib) = split_unit(indicator_unit);
    if pb == ib || pb.is_empty() {
        return Ok(pp as i32 - ip as i32);
    }
    Err(format!(
        "目标文本的单位 `{printed}` 与指标单位 `{indicator_unit}` 不一致 / the text's unit `{printed}` does not match the indicator's unit `{indicator_unit}`"
    ))
}

/// Reads a target text for `indicator`.
pub fn parse_target(text: &str, indicator: &Indicator) -> Result<ParsedTarget, WordingError> {
    let parsed = parse_words(text, indicator);
    // Every unit / full coverage of a share: `所有设区市`, `全部行政村实现…覆盖`, `全省设区市建成…`,
    // `…全覆盖` say 100 % without printing it. Only for a share (unit %), and only where the text
    // reads no other way: a count has no "all", and `全省…达到 60%` keeps its number.
    if parsed.is_err() && indicator.unit == "%" {
        let s = normalise(text);
        if EVERY_PREFIXES.iter().any(|p| s.starts_with(p)) || s.contains("全覆盖") {
            let notes = vec!["所有 / 全部 / 全省 / 全覆盖 读作 100% / read as 100 %".to_string()];
            return Ok(ParsedTarget { text: text.to_string(), meaning: Meaning::Reach(100.0), basis: basis_of(indicator), notes });
        }
    }
    parsed
}

fn parse_words(text: &str, indicator: &Indicator) -> Result<ParsedTarget, WordingError> {
    let err = |reason: String| WordingError { text: text.to_string(), indicator: indicator.code.clone(), reason };
    let s = normalise(text);
    if is_blank(&s) {
        return Err(err("目标为空 / the target is empty".into()));
    }
    let basis = basis_of(indicator);
    let mut notes = Vec::new();
    let done = |meaning: Meaning, notes: Vec<String>| ParsedTarget { text: text.to_string(), meaning, basis: basis.clone(), notes };

    // Whole phrases first.
    if ACCELERATE.contains(&s.as_str()) {
        return Ok(done(Meaning::Qualitative(Qualitative::AcceleratedIncrease), notes));
    }
    if RANK_UP.contains(&s.as_str()) {
        return Ok(done(Meaning::Qualitative(Qualitative::RankUp), notes));
    }
    if POSITIVE_GROWTH.contains(&s.as_str()) {
        return Ok(done(Meaning::PositiveGrowth, notes));
    }
    for adv in INCREASE_ADVERBS {
        for verb in INCREASE_VERBS {
            if s == format!("{adv}{verb}") {
                return Ok(done(Meaning::Qualitative(Qualitative::Increase { adverb: (*adv).to_string() }), notes));
            }
        }
    }
    for v in ABOVE_VERBS {
        if let Some(r) = s.strip_prefix(v) {
            if NATIONAL.contains(&r) {
                return Ok(done(Meaning::AboveReference(Reference::NationalAverage), notes));
            }
        }
    }

    // Verbs, then the number.
    let mut rest: &str = &s;
    let mut verb_above = false;
    let mut verb_increase = false;
    let mut about = false;
    let mut sum = false;
    // 不少于 / 不低于 (≥), 不高于 / 不超过 (≤): a bound written before the number.
    let mut verb_bound: Option<char> = None;
    loop {
        let before = rest;
        for (w, effect) in [
            ("力争", 'n'),
            ("确保", 'n'),
            ("首次", 'f'),
            ("达到", 'r'),
            ("达", 'r'),
            ("实现", 'r'),
            ("打造", 'r'),
            ("建成", 'r'),
            ("完成", 'r'),
            ("突破", 'a'),
            ("超过", 'a'),
            ("新增", 'i'),
            ("合计", 's'),
            ("约", 'p'),
            ("累计", 'c'),
            ("不少于", 'g'),
            ("不低于", 'g'),
            ("不高于", 'l'),
            ("不超过", 'l'),
        ] {
            if let Some(r) = rest.strip_prefix(w) {
                match effect {
                    'n' => notes.push(format!("“{w}”：表示努力方向，按目标值判断 / “{w}” (strive / ensure) is judged against the number")),
                    'f' => notes.push("“首次”：首次达到，按目标值判断 / “首次” (for the first time) is judged against the number".into()),
                    'a' => verb_above = true,
                    'i' => verb_increase = true,
                    's' => sum = true,
                    'p' => about = true,
                    'c' => notes.push("“累计”：按期末累计值判断 / “累计” (cumulative) is judged against the level at the target year".into()),
                    'g' => verb_bound = Some('≥'),
                    'l' => verb_bound = Some('≤'),
                    _ => {}
                }
                rest = r;
                break;
            }
        }
        if rest == before {
            break;
        }
    }
    // `超` alone before a number (`超3000`), after the two-character verbs were tried.
    if let Some(r) = rest.strip_prefix('超').filter(|r| r.starts_with(|c: char| c.is_ascii_digit())) {
        if !verb_above {
            verb_above = true;
            rest = r;
        }
    }
    let n = parse_numeric(rest).map_err(&err)?;
    let shift = unit_shift(&n.unit, &indicator.unit).map_err(&err)?;
    let value = n.value.scaled(shift);
    let upper = n.upper.map(|u| u.scaled(shift));
    if n.implicit_one {
        notes.push(format!("“{u}”前无数字，按 1{u} 计 / no number before “{u}”: read as one {u}", u = n.unit));
    }
    if shift != 0 {
        let printed = if n.implicit_one { format!("1{}", n.unit) } else { format!("{}{}", n.value.scaled(0), n.unit) };
        notes.push(format!(
            "单位换算 / unit converted: {printed} = {} {u}（按指标单位 / in the indicator's unit `{u}`）",
            digecon_core::format_value(value),
            u = indicator.unit
        ));
    }
    if sum {
        let parts = indicator.formula.as_ref().map(|f| f.text().to_string()).unwrap_or_default();
        notes.push(if parts.is_empty() {
            "“合计”：指标为各部分之和 / “合计”: the indicator is a sum of parts".to_string()
        } else {
            format!("“合计”：指标为各部分之和 {parts} / “合计”: the indicator is the sum {parts}")
        });
    }
    let approx = about || n.suffix == Some("左右");
    let bound = match (n.op.or(verb_bound), n.suffix) {
        (Some(c), Some(s)) if matches!(s, "以上" | "及以上" | "以下" | "以内") => {
            return Err(err(format!("同时有 `{c}` 和 `{s}` / both `{c}` and `{s}`")));
        }
        (Some(c), _) => Some(c),
        (None, Some("以上" | "及以上")) => Some('≥'),
        (None, Some("以下" | "以内")) => Some('≤'),
        _ => None,
    };
    let conflicts = [bound.is_some(), approx, verb_above].iter().filter(|b| **b).count();
    let meaning = if verb_increase {
        if approx || verb_above || matches!(bound, Some('≤' | '<' | '>')) {
            return Err(err("“新增”只能与数值、范围或“以上”连用 / “新增” takes a number, a range or “以上”".into()));
        }
        match (upper, bound) {
            (Some(hi), None) => Meaning::Increase { min: value, max: Some(hi) },
            (None, Some('≥')) => Meaning::Increase { min: value, max: None },
            (None, None) => Meaning::Increase { min: value, max: Some(value) },
            _ => return Err(err("“新增”的范围不能再加“以上” / a range after “新增” cannot take “以上”".into())),
        }
    } else if let Some(hi) = upper {
        if conflicts > 0 {
            return Err(err("范围不能再加限定 / a range cannot take a bound or “左右”".into()));
        }
        if hi < value {
            return Err(err("范围上限小于下限 / the range's upper end is below its lower end".into()));
        }
        Meaning::Between(value, hi)
    } else if conflicts > 1 {
        return Err(err("限定词相互冲突 / conflicting qualifiers (bound, “左右”/“约”, “突破”)".into()));
    } else if approx {
        Meaning::About(value)
    } else if verb_above {
        Meaning::Above(value)
    } else {
        match bound {
            Some('>') => Meaning::Above(value),
            Some('≥') => Meaning::AtLeast(value),
            Some('<') => Meaning::Below(value),
            Some('≤') => Meaning::AtMost(value),
            _ => Meaning::Reach(value),
        }
    };
    if matches!(meaning, Meaning::Reach(x) if x == 100.0) && indicator.unit == "%" {
        notes.push("100% 为比率上限：仅在达到 100% 时完成 / 100 % is the ceiling of a rate: met only at 100 %".into());
    }
    if let Basis::GrowthRate { of } = &basis {
        notes.push(match of {
            Some(c) => format!("增速目标（{c} 的同比增速，%）/ a growth-rate target (year-on-year growth of {c}, %)"),
            None => "增速目标 / a growth-rate target".into(),
        });
    }
    Ok(done(meaning, notes))
}

/// A plan's base column read as a number, an approximate number, a bound or nothing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Base {
    /// `/`, `—`, `-` or empty.
    None,
    Value(f64),
    /// `约320`, `合计约100`.
    Approx(f64),
    /// `>3000`, `1.5-1.7`: not a value.
    Bound(Meaning),
}

impl Base {
    /// A number usable as the base, with whether it is only a bound.
    pub fn number(&self) -> Option<f64> {
        match self {
            Base::Value(v) | Base::Approx(v) => Some(*v),
            _ => None,
        }
    }
}

/// Reads a base text (`8354`, `约320`, `>3000`, `1.5-1.7`, `6.6%`, `/`).
pub fn parse_base(text: &str, indicator: &Indicator) -> Result<Base, WordingError> {
    if is_blank(&normalise(text)) {
        return Ok(Base::None);
    }
    let p = parse_target(text, indicator)?;
    Ok(match p.meaning {
        Meaning::Reach(v) => Base::Value(v),
        Meaning::About(v) => Base::Approx(v),
        m @ (Meaning::AtLeast(_) | Meaning::Above(_) | Meaning::AtMost(_) | Meaning::Below(_) | Meaning::Between(..)) => Base::Bound(m),
        _ => {
            return Err(WordingError {
                text: text.to_string(),
                indicator: indicator.code.clone(),
                reason: "基期不能是定性或增量表述 / a base cannot be qualitative or an increment".into(),
            })
        }
    })
}

/// A stated growth rate (年均增长) as a band in percent: `14` → [14, 14], `18左右` → ±tolerance,
/// `年均增速 16%-17%` → [16, 17].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GrowthBand {
    pub text: String,
    pub low: f64,
    pub high: f64,
    /// Printed with 左右 / 约.
    pub approximate: bool,
}

impl GrowthBand {
    /// The rate a path uses: the middle of the band.
    pub fn rate(&self) -> f64 {
        (self.low + self.high) / 2.0
    }
}

/// Reads a 年均增长 text; `Ok(None)` for `—`, `/` or empty.
pub fn parse_stated_growth(text: &str, opts: &WordingOptions) -> Result<Option<GrowthBand>, WordingError> {
    let mut s = normalise(text);
    if is_blank(&s) {
        return Ok(None);
    }
    for p in ["年均增速", "年均增长", "年均"] {
        if let Some(r) = s.strip_prefix(p) {
            s = r.to_string();
            break;
        }
    }
    // `16%-17%`: the unit on the lower end.
    let s = s.replacen("%-", "-", 1);
    let err = |reason: String| WordingError { text: text.to_string(), indicator: "年均增长 / stated growth".into(), reason };
    let n = parse_numeric(&s).map_err(&err)?;
    if !(n.unit.is_empty() || n.unit == "%") || n.op.is_some() || !matches!(n.suffix, None | Some("左右")) {
        return Err(err("应为百分数、范围或“左右” / expected a percentage, a range or “左右”".into()));
    }
    let v = n.value.scaled(0);
    Ok(Some(match n.upper {
        Some(hi) => GrowthBand { text: text.to_string(), low: v, high: hi.scaled(0), approximate: false },
        None if n.suffix == Some("左右") => GrowthBand {
            text: text.to_string(),
            low: v * (1.0 - opts.about_tolerance),
            high: v * (1.0 + opts.about_tolerance),
            approximate: true,
        },
        None => GrowthBand { text: text.to_string(), low: v, high: v, approximate: false },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use digecon_core::{Accumulation, Aggregation, Formula, Frequency};

    fn ind(code: &str, unit: &str) -> Indicator {
        Indicator {
            code: code.into(),
            name_zh: code.into(),
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

    fn m(text: &str, unit: &str) -> Meaning {
        parse_target(text, &ind("X", unit)).unwrap().meaning
    }

    #[test]
    fn numbers_bounds_and_bands() {
        assert_eq!(m("16000", "亿元"), Meaning::Reach(16000.0));
        assert_eq!(m("10以上", "%"), Meaning::AtLeast(10.0));
        assert_eq!(m(">10000", "亿元"), Meaning::Above(10000.0));
        assert_eq!(m("突破8000亿元", "亿元"), Meaning::Above(8000.0));
        assert_eq!(m("1.5以下", ""), Meaning::AtMost(1.5));
        assert_eq!(m("15左右", "%"), Meaning::About(15.0));
        assert_eq!(m("达到7%左右", "%"), Meaning::About(7.0));
        assert_eq!(m("8.3%", "%"), Meaning::Reach(8.3));
        assert_eq!(m("力争达到4亿次", "亿次"), Meaning::Reach(4.0));
        assert_eq!(m("达到3000万", "万"), Meaning::Reach(3000.0));
        assert_eq!(m("１．５以下", ""), Meaning::AtMost(1.5));
    }

    #[test]
    fn units_are_converted_to_the_indicator_unit_and_say_so() {
        let p = parse_target("1.4万个以上", &ind("BS", "个")).unwrap();
        assert_eq!(p.meaning, Meaning::AtLeast(14000.0));
        assert!(p.notes.iter().any(|n| n.contains("1.4万个 = 14000 个")), "{:?}", p.notes);
        let p = parse_target("首次突破万亿元大关", &ind("DE", "亿元")).unwrap();
        assert_eq!(p.meaning, Meaning::Above(10000.0));
        let e = parse_target("突破2000万户", &ind("X", "个")).unwrap_err().to_string();
        assert!(e.contains("`突破2000万户`") && e.contains("`万户`"), "{e}");
        // The other way: a count in 个 for an indicator in 万个.
        assert_eq!(m("34000个", "万个"), Meaning::Reach(3.4));
    }

    #[test]
    fn increments_sums_and_phrases() {
        assert_eq!(m("新增2-3个", "个"), Meaning::Increase { min: 2.0, max: Some(3.0) });
        assert_eq!(m("新增3个以上", "个"), Meaning::Increase { min: 3.0, max: None });
        let mut sum = ind("S", "亿元");
        sum.formula = Some(Formula::parse("A + B").unwrap());
        let p = parse_target("合计约200", &sum).unwrap();
        assert_eq!(p.meaning, Meaning::About(200.0));
        assert!(p.notes.iter().any(|n| n.contains("A + B")));
        assert_eq!(m("超全国平均水平", "%"), Meaning::AboveReference(Reference::NationalAverage));
        assert_eq!(m("实现正增长", "%"), Meaning::PositiveGrowth);
        assert_eq!(m("大幅提升", "家"), Meaning::Qualitative(Qualitative::Increase { adverb: "大幅".into() }));
        // Every unit / full coverage of a share is 100 %; a count has no such reading.
        assert_eq!(m("所有设区市", "%"), Meaning::Reach(100.0));
        assert_eq!(m("全部行政村实现千兆光纤网络覆盖", "%"), Meaning::Reach(100.0));
        assert_eq!(m("实现千兆光纤和5G网络全覆盖", "%"), Meaning::Reach(100.0));
        assert!(parse_target("所有设区市", &ind("X", "个")).is_err());
        assert_eq!(m("加快提升", ""), Meaning::Qualitative(Qualitative::AcceleratedIncrease));
        assert_eq!(m("实现进位赶超", "位"), Meaning::Qualitative(Qualitative::RankUp));
    }

    #[test]
    fn growth_rate_basis_comes_from_the_formula() {
        let mut g = ind("DE_VA_GROWTH", "%");
        g.formula = Some(Formula::parse("yoy(DE_VA)").unwrap());
        let p = parse_target("15左右", &g).unwrap();
        assert_eq!(p.basis, Basis::GrowthRate { of: Some("DE_VA".into()) });
        assert_eq!(p.kind(), "about_growth_rate");
    }

    #[test]
    fn nonsense_is_an_error_quoting_the_text() {
        for t in ["", "—", "差不多吧", "10以上左右", ">10以上", "新增约3个", "3-2", "突破", "5G"] {
            let r = parse_target(t, &ind("X", "个"));
            assert!(r.is_err(), "`{t}` parsed as {:?}", r.map(|p| p.meaning));
            assert!(r.unwrap_err().to_string().contains(&format!("`{t}`")));
        }
    }

    #[test]
    fn bases_and_stated_growth() {
        let i = ind("X", "家");
        assert_eq!(parse_base("约320", &i).unwrap(), Base::Approx(320.0));
        assert_eq!(parse_base("/", &i).unwrap(), Base::None);
        assert_eq!(parse_base("—", &i).unwrap(), Base::None);
        assert_eq!(parse_base(">3000", &i).unwrap(), Base::Bound(Meaning::Above(3000.0)));
        assert_eq!(parse_base("1.5-1.7", &ind("PUE", "")).unwrap(), Base::Bound(Meaning::Between(1.5, 1.7)));
        assert_eq!(parse_base("6.6%", &ind("S", "%")).unwrap(), Base::Value(6.6));
        let o = WordingOptions::default();
        assert_eq!(parse_stated_growth("—", &o).unwrap(), None);
        let g = parse_stated_growth("14", &o).unwrap().unwrap();
        assert_eq!((g.low, g.high), (14.0, 14.0));
        let g = parse_stated_growth("18左右", &o).unwrap().unwrap();
        assert!((g.low - 17.1).abs() < 1e-9 && (g.high - 18.9).abs() < 1e-9);
        let g = parse_stated_growth("年均增速 16%-17%", &o).unwrap().unwrap();
        assert_eq!((g.low, g.high), (16.0, 17.0));
        assert!(parse_stated_growth("快速", &o).is_err());
    }
}
