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
//! - operands: numbers, indicator codes (`UPPER_SNAKE`: the value of the filing's period), the
//!   variable `period_in_year` (month 1–12, quarter 1–4, or 1 for a year);
//! - `+ - * /`, unary minus, parentheses;
//! - functions `sum(a, …)`, `min(a, …)`, `max(a, …)`, `abs(x)`, and the period offsets `prev(x)`
//!   (the previous period) and `ly(x)` (the same period last year), which shift everything inside;
//! - comparisons `< <= > >= == !=` (`=` is read as `==`).
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

/// An arithmetic expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(f64),
    Indicator(String),
    PeriodInYear,
    Neg(Box<Expr>),
    Binary(Box<Expr>, ArithOp, Box<Expr>),
    Call(Func, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Sum,
    Min,
    Max,
    Abs,
    Prev,
    Ly,
}

impl Func {
    fn name(&self) -> &'static str {
        match self {
            Func::Sum => "sum",
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::Prev => "prev",
            Func::Ly => "ly",
        }
    }

    fn from_name(s: &str) -> Option<Func> {
        Some(match s {
            "sum" => Func::Sum,
            "min" => Func::Min,
            "max" => Func::Max,
            "abs" => Func::Abs,
            "prev" => Func::Prev,
            "ly" => Func::Ly,
            _ => return None,
        })
    }

    /// Functions of exactly one argument.
    fn unary(&self) -> bool {
        matches!(self, Func::Abs | Func::Prev | Func::Ly)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CmpOp {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

impl CmpOp {
    pub fn as_str(&self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }

    /// Compares allowing for binary rounding only (relative 1e-9 of the larger side, at least 1e-9).
    pub fn holds(&self, l: f64, r: f64) -> bool {
        let eps = 1e-9 * l.abs().max(r.abs()).max(1.0);
        match self {
            CmpOp::Lt => l < r - eps,
            CmpOp::Le => l <= r + eps,
            CmpOp::Gt => l > r + eps,
            CmpOp::Ge => l >= r - eps,
            CmpOp::Eq => (l - r).abs() <= eps,
            CmpOp::Ne => (l - r).abs() > eps,
        }
    }
}

/// `left op right`.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub left: Expr,
    pub op: CmpOp,
    pub right: Expr,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无效的规则表达式 / invalid rule expression `{text}` at character {position}: {message}")]
pub struct ExprError {
    pub text: String,
    /// 1-based character position.
    pub position: usize,
    pub message: String,
}

/// Where a value comes from: the filing's own values for its period, the region's history otherwise.
pub trait Values {
    fn value(&self, indicator: &str, period: Period) -> Option<f64>;
}

impl<F: Fn(&str, Period) -> Option<f64>> Values for F {
    fn value(&self, indicator: &str, period: Period) -> Option<f64> {
        self(indicator, period)
    }
}

/// Why an expression has no value.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalFailure {
    /// These inputs are missing (indicator, period).
    Missing(Vec<(String, Period)>),
    DivisionByZero,
}

impl Expr {
    /// Evaluates at `period`; collects every missing input rather than stopping at the first.
    pub fn eval(&self, values: &dyn Values, period: Period) -> Result<f64, EvalFailure> {
        let mut missing = Vec::new();
        let mut div0 = false;
        let v = self.eval_inner(values, period, &mut missing, &mut div0);
        if !missing.is_empty() {
            missing.dedup();
            return Err(EvalFailure::Missing(missing));
        }
        if div0 {
            return Err(EvalFailure::DivisionByZero);
        }
        Ok(v)
    }

    fn eval_inner(&self, values: &dyn Values, p: Period, missing: &mut Vec<(String, Period)>, div0: &mut bool) -> f64 {
        match self {
            Expr::Number(x) => *x,
            Expr::PeriodInYear => period_in_year(p) as f64,
            Expr::Indicator(code) => match values.value(code, p) {
                Some(v) => v,
                None => {
                    if !missing.iter().any(|(c, q)| c == code && *q == p) {
                        missing.push((code.clone(), p));
                    }
                    0.0
                }
            },
            Expr::Neg(e) => -e.eval_inner(values, p, missing, div0),
            Expr::Binary(a, op, b) => {
                let x = a.eval_inner(values, p, missing, div0);
                let y = b.eval_inner(values, p, missing, div0);
                match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x * y,
                    ArithOp::Div => {
                        if y == 0.0 {
                            *div0 = true;
                            0.0
                        } else {
                            x / y
                        }
                    }
                }
            }
            Expr::Call(f, args) => {
                let shifted = match f {
                    Func::Prev => Some(p.prev()),
                    Func::Ly => Some(p.same_period_last_year()),
                    _ => None,
                };
                let q = shifted.unwrap_or(p);
                let xs: Vec<f64> = args.iter().map(|a| a.eval_inner(values, q, missing, div0)).collect();
                match f {
                    Func::Sum => xs.iter().sum(),
                    Func::Min => xs.iter().copied().fold(f64::INFINITY, f64::min),
                    Func::Max => xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    Func::Abs => xs[0].abs(),
                    Func::Prev | Func::Ly => xs[0],
                }
            }
        }
    }

    /// Indicator codes read at the filing's own period (not under `prev`/`ly`), in order.
    pub fn current_references(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.walk(false, &mut |code, shifted| {
            if !shifted && !out.contains(&code) {
                out.push(code);
            }
        });
        out
    }

    /// Every indicator code referenced, in order of first appearance.
    pub fn references(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.walk(false, &mut |code, _| {
            if !out.contains(&code) {
                out.push(code);
            }
        });
        out
    }

    fn walk<'a>(&'a self, shifted: bool, f: &mut dyn FnMut(&'a str, bool)) {
        match self {
            Expr::Indicator(c) => f(c, shifted),
            Expr::Number(_) | Expr::PeriodInYear => {}
            Expr::Neg(e) => e.walk(shifted, f),
            Expr::Binary(a, _, b) => {
                a.walk(shifted, f);
                b.walk(shifted, f);
            }
            Expr::Call(func, args) => {
                let s = shifted || matches!(func, Func::Prev | Func::Ly);
                for a in args {
                    a.walk(s, f);
                }
            }
        }
    }
}

/// Month 1–12, quarter 1–4, or 1 for a year.
pub fn period_in_year(p: Period) -> u32 {
    match p {
        Period::Year(_) => 1,
        Period::Quarter(_, q) => u32::from(q),
        Period::Month(_, m) => u32::from(m),
    }
}

impl Comparison {
    pub fn references(&self) -> Vec<&str> {
        let mut v = self.left.references();
        for r in self.right.references() {
            if !v.contains(&r) {
                v.push(r);
            }
        }
        v
    }

    pub fn current_references(&self) -> Vec<&str> {
        let mut v = self.left.current_references();
        for r in self.right.current_references() {
            if !v.contains(&r) {
                v.push(r);
            }
        }
        v
    }
}

impl FromStr for Comparison {
    type Err = ExprError;
    fn from_str(text: &str) -> Result<Comparison, ExprError> {
        let tokens = tokenize(text)?;
        let mut p = Parser { text, tokens, pos: 0 };
        let left = p.sum()?;
        let op = match p.peek() {
            Some(Tok::Cmp(op)) => *op,
            _ => return Err(p.error("需要比较运算符 / expected a comparison (< <= > >= == !=)")),
        };
        p.pos += 1;
        let right = p.sum()?;
        if p.peek().is_some() {
            return Err(p.error("多余的内容 / unexpected input after the comparison"));
        }
        Ok(Comparison { left, op, right })
    }
}

impl FromStr for Expr {
    type Err = ExprError;
    fn from_str(text: &str) -> Result<Expr, ExprError> {
        let tokens = tokenize(text)?;
        let mut p = Parser { text, tokens, pos: 0 };
        let e = p.sum()?;
        if p.peek().is_some() {
            return Err(p.error("多余的内容 / unexpected input"));
        }
        Ok(e)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Code(String),
    Ident(String),
    Op(char),
    Cmp(CmpOp),
    LParen,
    RParen,
    Comma,
}

/// Tokens with their 1-based character position.
fn tokenize(text: &str) -> Result<Vec<(usize, Tok)>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    let err = |pos: usize, message: &str| ExprError { text: text.to_string(), position: pos + 1, message: message.to_string() };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        match c {
            ' ' | '\t' => i += 1,
            '0'..='9' | '.' => {
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let s: String = chars[start..i].iter().collect();
                // Plain decimals only (`12`, `0.05`): the same rule as data values, so `1e5` or `.5` is an error.
                match digecon_core::parse_decimal(&s) {
                    Some(x) => out.push((start, Tok::Num(x))),
                    None => return Err(err(start, &format!("无效的数字 / invalid number `{s}`"))),
                }
            }
            'A'..='Z' => {
                while i < chars.len() && (chars[i].is_ascii_uppercase() || chars[i].is_ascii_digit() || chars[i] == '_') {
                    i += 1;
                }
                out.push((start, Tok::Code(chars[start..i].iter().collect())));
            }
            'a'..='z' => {
                while i < chars.len() && (chars[i].is_ascii_lowercase() || chars[i] == '_') {
                    i += 1;
                }
                out.push((start, Tok::Ident(chars[start..i].iter().collect())));
            }
            '+' | '-' | '*' | '/' => {
                out.push((start, Tok::Op(c)));
                i += 1;
            }
            '(' => {
                out.push((start, Tok::LParen));
                i += 1;
            }
            ')' => {
                out.push((start, Tok::RParen));
                i += 1;
            }
            ',' => {
                out.push((start, Tok::Comma));
                i += 1;
            }
            '<' | '>' | '=' | '!' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('<', Some('=')) => (CmpOp::Le, 2),
                    ('>', Some('=')) => (CmpOp::Ge, 2),
                    ('=', Some('=')) => (CmpOp::Eq, 2),
                    ('!', Some('=')) => (CmpOp::Ne, 2),
                    ('<', _) => (CmpOp::Lt, 1),
                    ('>', _) => (CmpOp::Gt, 1),
                    ('=', _) => (CmpOp::Eq, 1),
                    _ => return Err(err(start, "`!` 只能用于 `!=` / `!` must be followed by `=`")),
                };
                out.push((start, Tok::Cmp(op)));
                i += len;
            }
            _ => return Err(err(start, &format!("无法识别的字符 / unexpected character `{c}`"))),
        }
    }
    Ok(out)
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<(usize, Tok)>,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn error(&self, message: &str) -> ExprError {
        let position = self.tokens.get(self.pos).map_or(self.text.chars().count(), |(p, _)| *p) + 1;
        ExprError { text: self.text.to_string(), position, message: message.to_string() }
    }

    fn sum(&mut self) -> Result<Expr, ExprError> {
        let mut e = self.product()?;
        while let Some(Tok::Op(c @ ('+' | '-'))) = self.peek() {
            let op = if *c == '+' { ArithOp::Add } else { ArithOp::Sub };
            self.pos += 1;
            let r = self.product()?;
            e = Expr::Binary(Box::new(e), op, Box::new(r));
        }
        Ok(e)
    }

    fn product(&mut self) -> Result<Expr, ExprError> {
        let mut e = self.unary()?;
        while let Some(Tok::Op(c @ ('*' | '/'))) = self.peek() {
            let op = if *c == '*' { ArithOp::Mul } else { ArithOp::Div };
            self.pos += 1;
            let r = self.unary()?;
            e = Expr::Binary(Box::new(e), op, Box::new(r));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if let Some(Tok::Op('-')) = self.peek() {
            self.pos += 1;
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let Some(tok) = self.peek().cloned() else {
            return Err(self.error("表达式不完整 / the expression ends too early"));
        };
        match tok {
            Tok::Num(x) => {
                self.pos += 1;
                Ok(Expr::Number(x))
            }
            Tok::Code(c) => {
                self.pos += 1;
                Ok(Expr::Indicator(c))
            }
            Tok::LParen => {
                self.pos += 1;
                let e = self.sum()?;
                self.expect(Tok::RParen, "缺少右括号 / expected `)`")?;
                Ok(e)
            }
            Tok::Ident(name) if name == "period_in_year" => {
                self.pos += 1;
                Ok(Expr::PeriodInYear)
            }
            Tok::Ident(name) => {
                let Some(f) = Func::from_name(&name) else {
                    return Err(self.error(&format!(
                        "未知的函数或变量 / unknown function or variable `{name}` (functions: sum min max abs prev ly; variable: period_in_year; indicator codes are UPPER_SNAKE)"
                    )));
                };
                self.pos += 1;
                self.expect(Tok::LParen, &format!("`{name}` 后需要括号 / expected `(` after `{name}`"))?;
                let mut args = vec![self.sum()?];
                while let Some(Tok::Comma) = self.peek() {
                    self.pos += 1;
                    args.push(self.sum()?);
                }
                self.expect(Tok::RParen, "缺少右括号 / expected `)`")?;
                if f.unary() && args.len() != 1 {
                    return Err(self.error(&format!("`{name}` 只接受一个参数 / `{name}` takes exactly one argument")));
                }
                Ok(Expr::Call(f, args))
            }
            _ => Err(self.error("此处需要数字、指标代码、函数或括号 / expected a number, an indicator code, a function or `(`")),
        }
    }

    fn expect(&mut self, t: Tok, message: &str) -> Result<(), ExprError> {
        if self.peek() == Some(&t) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(message))
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn prec(e: &Expr) -> u8 {
            match e {
                Expr::Binary(_, ArithOp::Add | ArithOp::Sub, _) => 1,
                Expr::Binary(_, ArithOp::Mul | ArithOp::Div, _) => 2,
                Expr::Neg(_) => 3,
                _ => 4,
            }
        }
        match self {
            Expr::Number(x) => write!(f, "{}", format_value(*x)),
            Expr::Indicator(c) => f.write_str(c),
            Expr::PeriodInYear => f.write_str("period_in_year"),
            Expr::Neg(e) if prec(e) < 3 => write!(f, "-({e})"),
            Expr::Neg(e) => write!(f, "-{e}"),
            Expr::Binary(a, op, b) => {
                let p = prec(self);
                let (sym, right_strict) = match op {
                    ArithOp::Add => ("+", false),
                    ArithOp::Sub => ("-", true),
                    ArithOp::Mul => ("*", false),
                    ArithOp::Div => ("/", true),
                };
                if prec(a) < p { write!(f, "({a})")? } else { write!(f, "{a}")? }
                write!(f, " {sym} ")?;
                if prec(b) < p || (right_strict && prec(b) == p) { write!(f, "({b})") } else { write!(f, "{b}") }
            }
            Expr::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.left, self.op.as_str(), self.right)
    }
}

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
