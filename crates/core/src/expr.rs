//! The expression language of derived-indicator formulas (`CORE_VA / GDP * 100`, `yoy(DE_VA)`)
//! and of validation rules (`abs(sum(A, B) - C) <= 0.05`), one parser and one evaluator for both.
//!
//! - operands: numbers (plain decimals, the same rule as data values), indicator codes
//!   (`UPPER_SNAKE`: the value at the period evaluated), the variable `period_in_year` (month 1–12,
//!   quarter 1–4, or 1 for a year);
//! - `+ - * /` (`×` is read as `*`), unary minus, parentheses;
//! - functions `sum(a, …)`, `min(a, …)`, `max(a, …)`, `abs(x)`, `yoy(x)` (growth over the same
//!   period last year, in percent) and the period offsets `prev(x)` (the previous period) and
//!   `ly(x)` (the same period last year), which shift everything inside;
//! - comparisons `< <= > >= == !=` (`=` is read as `==`), for rules.
//!
//! Evaluation never yields NaN: it lists every missing input, or says a divisor was zero.
//! Comparisons allow for binary rounding only (a relative 1e-9): `0.1 + 0.2 == 0.3` holds.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{format_value, parse_decimal, Period};

/// An arithmetic expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(f64),
    Indicator(String),
    PeriodInYear,
    Neg(Box<Expr>),
    Binary(Box<Expr>, Op, Box<Expr>),
    Call(Func, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
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
    /// Growth over the same period last year, in percent.
    Yoy,
    /// Value of the previous period.
    Prev,
    /// Value of the same period last year.
    Ly,
}

impl Func {
    fn name(&self) -> &'static str {
        match self {
            Func::Sum => "sum",
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::Yoy => "yoy",
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
            "yoy" => Func::Yoy,
            "prev" => Func::Prev,
            "ly" => Func::Ly,
            _ => return None,
        })
    }

    /// Functions of exactly one argument.
    fn unary(&self) -> bool {
        matches!(self, Func::Abs | Func::Yoy | Func::Prev | Func::Ly)
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
#[error("无效的表达式 / invalid expression `{text}` at character {position}: {message}")]
pub struct ExprError {
    pub text: String,
    /// 1-based character position.
    pub position: usize,
    pub message: String,
}

/// Where a value comes from (for a rule: the filing's own values for its period, the region's
/// history otherwise).
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
    /// Evaluates at `period` over `values`; collects every missing input rather than stopping at
    /// the first.
    pub fn eval(&self, values: &dyn Values, period: Period) -> Result<f64, EvalFailure> {
        self.eval_with(period, &mut |c, p| values.value(c, p))
    }

    /// [`Expr::eval`] with a lookup that may keep state (what it was asked for, say).
    pub fn eval_with(&self, period: Period, lookup: &mut dyn FnMut(&str, Period) -> Option<f64>) -> Result<f64, EvalFailure> {
        let mut e = Eval { lookup, missing: Vec::new(), div0: false };
        let v = e.eval(self, period);
        if !e.missing.is_empty() {
            return Err(EvalFailure::Missing(e.missing));
        }
        if e.div0 {
            return Err(EvalFailure::DivisionByZero);
        }
        Ok(v)
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

/// One evaluation: a missing input counts as 0 so that the rest is still read (and every
/// missing input listed); the result is then thrown away.
struct Eval<'a> {
    lookup: &'a mut dyn FnMut(&str, Period) -> Option<f64>,
    missing: Vec<(String, Period)>,
    div0: bool,
}

impl Eval<'_> {
    fn divide(&mut self, x: f64, y: f64) -> f64 {
        if y == 0.0 {
            self.div0 = true;
            0.0
        } else {
            x / y
        }
    }

    fn eval(&mut self, e: &Expr, p: Period) -> f64 {
        match e {
            Expr::Number(x) => *x,
            Expr::PeriodInYear => period_in_year(p) as f64,
            Expr::Indicator(code) => match (self.lookup)(code, p) {
                Some(v) => v,
                None => {
                    if !self.missing.iter().any(|(c, q)| c == code && *q == p) {
                        self.missing.push((code.clone(), p));
                    }
                    0.0
                }
            },
            Expr::Neg(a) => -self.eval(a, p),
            Expr::Binary(a, op, b) => {
                let x = self.eval(a, p);
                let y = self.eval(b, p);
                match op {
                    Op::Add => x + y,
                    Op::Sub => x - y,
                    Op::Mul => x * y,
                    Op::Div => self.divide(x, y),
                }
            }
            Expr::Call(Func::Yoy, args) => {
                let now = self.eval(&args[0], p);
                let before = self.eval(&args[0], p.same_period_last_year());
                (self.divide(now, before) - 1.0) * 100.0
            }
            Expr::Call(f, args) => {
                let q = match f {
                    Func::Prev => p.prev(),
                    Func::Ly => p.same_period_last_year(),
                    _ => p,
                };
                let xs: Vec<f64> = args.iter().map(|a| self.eval(a, q)).collect();
                match f {
                    Func::Sum => xs.iter().sum(),
                    Func::Min => xs.iter().copied().fold(f64::INFINITY, f64::min),
                    Func::Max => xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    Func::Abs => xs[0].abs(),
                    // (`yoy` is computed above.)
                    Func::Prev | Func::Ly | Func::Yoy => xs[0],
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
                match parse_decimal(&s) {
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
            '+' | '-' | '*' | '/' | '×' => {
                out.push((start, Tok::Op(if c == '×' { '*' } else { c })));
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
            let op = if *c == '+' { Op::Add } else { Op::Sub };
            self.pos += 1;
            let r = self.product()?;
            e = Expr::Binary(Box::new(e), op, Box::new(r));
        }
        Ok(e)
    }

    fn product(&mut self) -> Result<Expr, ExprError> {
        let mut e = self.unary()?;
        while let Some(Tok::Op(c @ ('*' | '/'))) = self.peek() {
            let op = if *c == '*' { Op::Mul } else { Op::Div };
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
                Expr::Binary(_, Op::Add | Op::Sub, _) => 1,
                Expr::Binary(_, Op::Mul | Op::Div, _) => 2,
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
                    Op::Add => ("+", false),
                    Op::Sub => ("-", true),
                    Op::Mul => ("*", false),
                    Op::Div => ("/", true),
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
