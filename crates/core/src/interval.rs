//! Closed intervals of reals and the expression language evaluated on them ([`eval_iv`]): a
//! printed figure stands for the interval its last digit allows, and what a formula gives from
//! such figures is an interval too. Used by synth's constraint network and checker and by the
//! document consistency checks of digecon-track. Infinite ends are allowed; no operation ever
//! produces NaN (0 · ∞ is taken as 0, and a division by an interval that contains 0 gives the
//! whole line).

use crate::expr::{Expr, Func, Op};

/// A closed interval `[lo, hi]`; empty when `lo > hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Iv {
    pub lo: f64,
    pub hi: f64,
}

fn mul0(a: f64, b: f64) -> f64 {
    if a == 0.0 || b == 0.0 {
        0.0
    } else {
        a * b
    }
}

fn or(v: f64, fallback: f64) -> f64 {
    if v.is_nan() {
        fallback
    } else {
        v
    }
}

impl Iv {
    pub const ALL: Iv = Iv { lo: f64::NEG_INFINITY, hi: f64::INFINITY };

    pub fn new(lo: f64, hi: f64) -> Iv {
        Iv { lo, hi }
    }

    pub fn point(v: f64) -> Iv {
        Iv { lo: v, hi: v }
    }

    pub fn at_least(lo: f64) -> Iv {
        Iv { lo, hi: f64::INFINITY }
    }

    pub fn at_most(hi: f64) -> Iv {
        Iv { lo: f64::NEG_INFINITY, hi }
    }

    pub fn is_point(&self) -> bool {
        self.lo == self.hi
    }

    pub fn is_bounded(&self) -> bool {
        self.lo.is_finite() && self.hi.is_finite()
    }

    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }

    pub fn contains(&self, v: f64) -> bool {
        self.lo <= v && v <= self.hi
    }

    pub fn contains_zero(&self) -> bool {
        self.lo <= 0.0 && self.hi >= 0.0
    }

    /// The midpoint of a bounded interval; for a half-bounded one, the finite end.
    pub fn mid(&self) -> f64 {
        match (self.lo.is_finite(), self.hi.is_finite()) {
            (true, true) => self.lo + (self.hi - self.lo) / 2.0,
            (true, false) => self.lo,
            (false, true) => self.hi,
            (false, false) => 0.0,
        }
    }

    /// Intersection (may be empty).
    pub fn meet(&self, o: Iv) -> Iv {
        Iv { lo: self.lo.max(o.lo), hi: self.hi.min(o.hi) }
    }

    pub fn add(self, o: Iv) -> Iv {
        Iv { lo: or(self.lo + o.lo, f64::NEG_INFINITY), hi: or(self.hi + o.hi, f64::INFINITY) }
    }

    pub fn sub(self, o: Iv) -> Iv {
        Iv { lo: or(self.lo - o.hi, f64::NEG_INFINITY), hi: or(self.hi - o.lo, f64::INFINITY) }
    }

    pub fn neg(self) -> Iv {
        Iv { lo: -self.hi, hi: -self.lo }
    }

    pub fn mul(self, o: Iv) -> Iv {
        let c = [mul0(self.lo, o.lo), mul0(self.lo, o.hi), mul0(self.hi, o.lo), mul0(self.hi, o.hi)];
        Iv { lo: c.iter().copied().fold(f64::INFINITY, f64::min), hi: c.iter().copied().fold(f64::NEG_INFINITY, f64::max) }
    }

    /// `self / o`; the whole line when `o` contains 0.
    pub fn div(self, o: Iv) -> Iv {
        if o.contains_zero() {
            return Iv::ALL;
        }
        if o.hi < 0.0 {
            return self.div(o.neg()).neg();
        }
        // o > 0: the extremes come from the ends chosen by sign, which avoids ∞/∞.
        let lo = if self.lo >= 0.0 { self.lo / o.hi } else { self.lo / o.lo };
        let hi = if self.hi >= 0.0 { self.hi / o.lo } else { self.hi / o.hi };
        Iv { lo: or(lo, f64::NEG_INFINITY), hi: or(hi, f64::INFINITY) }
    }
}

/// Evaluates an expression of `crate::expr` on intervals (each input's value ± its rounding),
/// reading an indicator of a year through `get(code, year)`. `yoy(X)` is
/// 100 · (X / ly(X) − 1); `ly` and `prev` read the year before (annual values); `min`, `max` and
/// `abs` are not evaluated (`None`), nor is anything with a missing input.
pub fn eval_iv(e: &Expr, year: i32, get: &dyn Fn(&str, i32) -> Option<Iv>) -> Option<Iv> {
    Some(match e {
        Expr::Number(v) => Iv::point(*v),
        Expr::Indicator(c) => get(c, year)?,
        Expr::Neg(a) => eval_iv(a, year, get)?.neg(),
        Expr::Binary(a, op, b) => {
            let (a, b) = (eval_iv(a, year, get)?, eval_iv(b, year, get)?);
            match op {
                Op::Add => a.add(b),
                Op::Sub => a.sub(b),
                Op::Mul => a.mul(b),
                Op::Div => a.div(b),
            }
        }
        Expr::Call(Func::Yoy, a) => {
            let (now, before) = (eval_iv(&a[0], year, get)?, eval_iv(&a[0], year - 1, get)?);
            Iv::point(100.0).mul(now.div(before).sub(Iv::point(1.0)))
        }
        Expr::Call(Func::Ly | Func::Prev, a) => eval_iv(&a[0], year - 1, get)?,
        Expr::Call(Func::Sum, a) => {
            let mut acc = Iv::point(0.0);
            for x in a {
                acc = acc.add(eval_iv(x, year, get)?);
            }
            acc
        }
        // A year's position in the year is 1; min, max and abs are not in the catalogue's formulas.
        Expr::PeriodInYear => Iv::point(1.0),
        Expr::Call(Func::Min | Func::Max | Func::Abs, _) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_by_hand() {
        let a = Iv::new(1.0, 2.0);
        let b = Iv::new(-3.0, 4.0);
        assert_eq!(a.add(b), Iv::new(-2.0, 6.0));
        assert_eq!(a.sub(b), Iv::new(-3.0, 5.0));
        assert_eq!(a.mul(b), Iv::new(-6.0, 8.0));
        assert_eq!(a.div(b), Iv::ALL);
        assert_eq!(Iv::new(2.0, 6.0).div(Iv::new(2.0, 4.0)), Iv::new(0.5, 3.0));
        assert_eq!(Iv::new(-6.0, 2.0).div(Iv::new(-2.0, -1.0)), Iv::new(-2.0, 6.0));
    }

    #[test]
    fn infinities_never_give_nan() {
        let pos = Iv::at_least(0.0);
        let all = Iv::ALL;
        for x in [pos.mul(all), pos.div(Iv::at_least(1.0)), all.sub(all), all.add(pos), Iv::at_least(2.0).div(Iv::at_least(1.0))] {
            assert!(!x.lo.is_nan() && !x.hi.is_nan(), "{x:?}");
        }
        assert_eq!(Iv::at_least(2.0).div(Iv::at_least(1.0)), Iv::new(0.0, f64::INFINITY));
        assert_eq!(Iv::new(0.0, 0.0).mul(all), Iv::point(0.0));
    }
}
