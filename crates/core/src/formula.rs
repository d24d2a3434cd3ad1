//! Formulas of derived indicators: `CORE_VA / GDP * 100`, `yoy(DE_VA)`,
//! `CORE_REV_02 + CORE_REV_03 + CORE_REV_04`.
//!
//! Deliberately tiny: arithmetic over indicator codes plus three period functions. Anything
//! richer (validation rules with sums and bounds) belongs to the collection capability.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Period;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(f64),
    Indicator(String),
    Neg(Box<Expr>),
    Binary(Box<Expr>, Op, Box<Expr>),
    Call(Func, Box<Expr>),
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
            Func::Yoy => "yoy",
            Func::Prev => "prev",
            Func::Ly => "ly",
        }
    }
}

/// A parsed formula, kept with its source text.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    text: String,
    expr: Expr,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无效的公式 / invalid formula `{text}` at character {position}: {message}")]
pub struct FormulaError {
    pub text: String,
    /// 1-based character position.
    pub position: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    #[error("缺少数据 / missing value of {indicator} for {period}")]
    Missing { indicator: String, period: Period },
    #[error("除数为零 / division by zero in `{formula}` for {period}")]
    DivisionByZero { formula: String, period: Period },
}

impl Formula {
    pub fn parse(text: &str) -> Result<Formula, FormulaError> {
        let chars: Vec<char> = text.chars().collect();
        let mut p = Parser { text, chars: &chars, pos: 0 };
        let expr = p.expr()?;
        p.skip_ws();
        if p.pos < chars.len() {
            return Err(p.error(format!("unexpected `{}`", chars[p.pos])));
        }
        Ok(Formula { text: text.trim().to_string(), expr })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// The indicator codes the formula reads, in order of first use.
    pub fn references(&self) -> Vec<&str> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a str>) {
            match e {
                Expr::Number(_) => {}
                Expr::Indicator(c) => {
                    if !out.contains(&c.as_str()) {
                        out.push(c)
                    }
                }
                Expr::Neg(a) | Expr::Call(_, a) => walk(a, out),
                Expr::Binary(a, _, b) => {
                    walk(a, out);
                    walk(b, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.expr, &mut out);
        out
    }

    /// Evaluates the formula for `period`, reading indicator values through `lookup`.
    pub fn eval(
        &self,
        period: Period,
        lookup: &mut dyn FnMut(&str, Period) -> Option<f64>,
    ) -> Result<f64, EvalError> {
        self.eval_expr(&self.expr, period, lookup)
    }

    fn eval_expr(
        &self,
        e: &Expr,
        period: Period,
        lookup: &mut dyn FnMut(&str, Period) -> Option<f64>,
    ) -> Result<f64, EvalError> {
        Ok(match e {
            Expr::Number(n) => *n,
            Expr::Indicator(code) => lookup(code, period).ok_or_else(|| EvalError::Missing {
                indicator: code.clone(),
                period,
            })?,
            Expr::Neg(a) => -self.eval_expr(a, period, lookup)?,
            Expr::Binary(a, op, b) => {
                let x = self.eval_expr(a, period, lookup)?;
                let y = self.eval_expr(b, period, lookup)?;
                match op {
                    Op::Add => x + y,
                    Op::Sub => x - y,
                    Op::Mul => x * y,
                    Op::Div => self.divide(x, y, period)?,
                }
            }
            Expr::Call(f, a) => match f {
                Func::Prev => self.eval_expr(a, period.prev(), lookup)?,
                Func::Ly => self.eval_expr(a, period.same_period_last_year(), lookup)?,
                Func::Yoy => {
                    let now = self.eval_expr(a, period, lookup)?;
                    let before = self.eval_expr(a, period.same_period_last_year(), lookup)?;
                    (self.divide(now, before, period)? - 1.0) * 100.0
                }
            },
        })
    }

    fn divide(&self, x: f64, y: f64, period: Period) -> Result<f64, EvalError> {
        if y == 0.0 {
            Err(EvalError::DivisionByZero { formula: self.text.clone(), period })
        } else {
            Ok(x / y)
        }
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Formula {
    type Err = FormulaError;
    fn from_str(s: &str) -> Result<Self, FormulaError> {
        Formula::parse(s)
    }
}

impl Serialize for Formula {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Formula {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Formula::parse(&s).map_err(serde::de::Error::custom)
    }
}

struct Parser<'a> {
    text: &'a str,
    chars: &'a [char],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: String) -> FormulaError {
        FormulaError { text: self.text.to_string(), position: self.pos + 1, message }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.chars.len() && self.chars[self.pos].is_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).copied()
    }

    fn expr(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.term()?;
        while let Some(c @ ('+' | '-')) = self.peek() {
            self.pos += 1;
            let op = if c == '+' { Op::Add } else { Op::Sub };
            left = Expr::Binary(Box::new(left), op, Box::new(self.term()?));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.factor()?;
        while let Some(c @ ('*' | '/' | '×')) = self.peek() {
            self.pos += 1;
            let op = if c == '/' { Op::Div } else { Op::Mul };
            left = Expr::Binary(Box::new(left), op, Box::new(self.factor()?));
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Expr, FormulaError> {
        match self.peek() {
            None => Err(self.error("expected a number, an indicator code or `(`, found the end".into())),
            Some('-') => {
                self.pos += 1;
                Ok(Expr::Neg(Box::new(self.factor()?)))
            }
            Some('(') => {
                self.pos += 1;
                let e = self.expr()?;
                self.expect(')')?;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => {
                let start = self.pos;
                while self.pos < self.chars.len()
                    && (self.chars[self.pos].is_ascii_digit() || self.chars[self.pos] == '.')
                {
                    self.pos += 1;
                }
                let s: String = self.chars[start..self.pos].iter().collect();
                s.parse().map(Expr::Number).map_err(|_| {
                    self.pos = start;
                    self.error(format!("bad number `{s}`"))
                })
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while self.pos < self.chars.len()
                    && (self.chars[self.pos].is_ascii_alphanumeric() || self.chars[self.pos] == '_')
                {
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos].iter().collect();
                let func = match name.as_str() {
                    "yoy" => Some(Func::Yoy),
                    "prev" => Some(Func::Prev),
                    "ly" => Some(Func::Ly),
                    _ => None,
                };
                if let Some(func) = func {
                    self.expect('(')?;
                    let arg = self.expr()?;
                    self.expect(')')?;
                    Ok(Expr::Call(func, Box::new(arg)))
                } else if crate::is_indicator_code(&name) {
                    Ok(Expr::Indicator(name))
                } else {
                    self.pos = start;
                    Err(self.error(format!(
                        "`{name}` is neither an indicator code (UPPER_SNAKE) nor one of the functions yoy, prev, ly"
                    )))
                }
            }
            Some(c) => Err(self.error(format!("unexpected `{c}`"))),
        }
    }

    fn expect(&mut self, want: char) -> Result<(), FormulaError> {
        match self.peek() {
            Some(c) if c == want => {
                self.pos += 1;
                Ok(())
            }
            Some(c) => Err(self.error(format!("expected `{want}`, found `{c}`"))),
            None => Err(self.error(format!("expected `{want}`, found the end"))),
        }
    }
}

impl fmt::Display for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn data() -> HashMap<(String, Period), f64> {
        let mut m = HashMap::new();
        let mut put = |c: &str, p: &str, v: f64| {
            m.insert((c.to_string(), p.parse().unwrap()), v);
        };
        put("CORE_VA", "2022", 2678.7);
        put("GDP", "2022", 30000.0); // a made-up denominator
        put("CORE_REV", "2022", 11133.17);
        put("CORE_REV", "2021", 8798.52);
        put("ZERO", "2022", 0.0);
        m
    }

    fn eval(text: &str, period: &str) -> Result<f64, EvalError> {
        let d = data();
        Formula::parse(text)
            .unwrap()
            .eval(period.parse().unwrap(), &mut |c, p| d.get(&(c.to_string(), p)).copied())
    }

    #[test]
    fn share_and_growth() {
        // Table 1 of the white paper: core revenue 11133.17 vs 8798.52 → +26.5 %.
        let g = eval("yoy(CORE_REV)", "2022").unwrap();
        assert_eq!(format!("{g:.1}"), "26.5");
        let s = eval("CORE_VA / GDP * 100", "2022").unwrap();
        assert!((s - 2678.7 / 30000.0 * 100.0).abs() < 1e-12);
        assert_eq!(eval("prev(CORE_REV)", "2022").unwrap(), 8798.52);
        assert_eq!(eval("ly(CORE_REV)", "2022").unwrap(), 8798.52);
        assert_eq!(eval("-(1 + 2) * 3 - 4 / 2", "2022").unwrap(), -11.0);
    }

    #[test]
    fn missing_inputs_and_zero_divisors_are_errors_not_nan() {
        assert_eq!(
            eval("yoy(CORE_VA)", "2022").unwrap_err(),
            EvalError::Missing { indicator: "CORE_VA".into(), period: "2021".parse().unwrap() }
        );
        assert!(matches!(eval("GDP / ZERO", "2022"), Err(EvalError::DivisionByZero { .. })));
    }

    #[test]
    fn references_in_order() {
        let f = Formula::parse("CORE_REV_02 + CORE_REV_03 + CORE_REV_02 * yoy(GDP)").unwrap();
        assert_eq!(f.references(), vec!["CORE_REV_02", "CORE_REV_03", "GDP"]);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = Formula::parse("CORE_VA / gdp").unwrap_err();
        assert_eq!(e.position, 11);
        assert!(e.to_string().contains("`gdp`"), "{e}");
        let e = Formula::parse("yoy(DE_VA").unwrap_err();
        assert!(e.message.contains("expected `)`"), "{e}");
        assert!(Formula::parse("A +").is_err());
        assert!(Formula::parse("A B").is_err());
        assert!(Formula::parse("1.2.3").is_err());
    }
}
