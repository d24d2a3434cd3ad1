//! A small interval constraint network: variables with intervals, equations `v = f(…)` over
//! `+ − × ÷`, and order relations `a ≤ b − margin`. Propagation narrows every interval to what
//! the relations allow (HC4-revise on each expression tree: a forward pass evaluates the tree on
//! intervals, a backward pass projects the result onto each operand), until nothing narrows by
//! more than a relative 1e-9. The network is *sound*: a value outside a variable's interval
//! cannot be part of any solution. It is not complete (a non-empty interval does not promise a
//! solution), which is why the generator fixes one value at a time and propagates after each.

use std::collections::VecDeque;

use crate::interval::Iv;

pub type VarId = usize;

/// An expression tree over variables and constants.
#[derive(Debug, Clone, PartialEq)]
pub enum Ex {
    Const(f64),
    Var(VarId),
    Neg(Box<Ex>),
    Add(Box<Ex>, Box<Ex>),
    Sub(Box<Ex>, Box<Ex>),
    Mul(Box<Ex>, Box<Ex>),
    Div(Box<Ex>, Box<Ex>),
}

impl Ex {
    pub fn add(a: Ex, b: Ex) -> Ex {
        Ex::Add(Box::new(a), Box::new(b))
    }
    pub fn sub(a: Ex, b: Ex) -> Ex {
        Ex::Sub(Box::new(a), Box::new(b))
    }
    pub fn mul(a: Ex, b: Ex) -> Ex {
        Ex::Mul(Box::new(a), Box::new(b))
    }
    pub fn div(a: Ex, b: Ex) -> Ex {
        Ex::Div(Box::new(a), Box::new(b))
    }

    /// The sum of `terms` (0 for none).
    pub fn sum(terms: impl IntoIterator<Item = Ex>) -> Ex {
        terms.into_iter().reduce(Ex::add).unwrap_or(Ex::Const(0.0))
    }

    /// Every variable the expression reads.
    pub fn vars(&self, out: &mut Vec<VarId>) {
        match self {
            Ex::Const(_) => {}
            Ex::Var(v) => out.push(*v),
            Ex::Neg(a) => a.vars(out),
            Ex::Add(a, b) | Ex::Sub(a, b) | Ex::Mul(a, b) | Ex::Div(a, b) => {
                a.vars(out);
                b.vars(out);
            }
        }
    }

    /// Evaluates with point values; `None` if a variable has none or a division is by zero.
    pub fn eval(&self, value: &dyn Fn(VarId) -> Option<f64>) -> Option<f64> {
        Some(match self {
            Ex::Const(c) => *c,
            Ex::Var(v) => value(*v)?,
            Ex::Neg(a) => -a.eval(value)?,
            Ex::Add(a, b) => a.eval(value)? + b.eval(value)?,
            Ex::Sub(a, b) => a.eval(value)? - b.eval(value)?,
            Ex::Mul(a, b) => a.eval(value)? * b.eval(value)?,
            Ex::Div(a, b) => {
                let d = b.eval(value)?;
                if d == 0.0 {
                    return None;
                }
                a.eval(value)? / d
            }
        })
    }

    fn forward(&self, ivs: &[Iv]) -> Iv {
        match self {
            Ex::Const(c) => Iv::point(*c),
            Ex::Var(v) => ivs[*v],
            Ex::Neg(a) => a.forward(ivs).neg(),
            Ex::Add(a, b) => a.forward(ivs).add(b.forward(ivs)),
            Ex::Sub(a, b) => a.forward(ivs).sub(b.forward(ivs)),
            Ex::Mul(a, b) => a.forward(ivs).mul(b.forward(ivs)),
            Ex::Div(a, b) => a.forward(ivs).div(b.forward(ivs)),
        }
    }

    /// Projects `r` (the interval this node must lie in) onto the leaves, narrowing `ivs`.
    /// Returns `Err(())` when a constant or a variable is left with no possible value.
    fn backward(&self, r: Iv, ivs: &mut [Iv], changed: &mut Vec<VarId>) -> Result<(), ()> {
        let here = self.forward(ivs).meet(r);
        if empty(here) {
            return Err(());
        }
        match self {
            Ex::Const(_) => Ok(()),
            Ex::Var(v) => narrow(ivs, *v, here, changed),
            Ex::Neg(a) => a.backward(here.neg(), ivs, changed),
            Ex::Add(a, b) => {
                let (fa, fb) = (a.forward(ivs), b.forward(ivs));
                a.backward(here.sub(fb), ivs, changed)?;
                b.backward(here.sub(fa), ivs, changed)
            }
            Ex::Sub(a, b) => {
                let (fa, fb) = (a.forward(ivs), b.forward(ivs));
                a.backward(here.add(fb), ivs, changed)?;
                b.backward(fa.sub(here), ivs, changed)
            }
            Ex::Mul(a, b) => {
                let (fa, fb) = (a.forward(ivs), b.forward(ivs));
                if !fb.contains_zero() {
                    a.backward(here.div(fb), ivs, changed)?;
                }
                if !fa.contains_zero() {
                    b.backward(here.div(fa), ivs, changed)?;
                }
                Ok(())
            }
            Ex::Div(a, b) => {
                let (fa, fb) = (a.forward(ivs), b.forward(ivs));
                a.backward(here.mul(fb), ivs, changed)?;
                if !here.contains_zero() {
                    b.backward(fa.div(here), ivs, changed)?;
                }
                Ok(())
            }
        }
    }
}

/// Slack for rounding in floating point: intervals that miss each other by less than this are
/// taken to touch.
fn slack(iv: Iv) -> f64 {
    let m = [iv.lo.abs(), iv.hi.abs()].into_iter().filter(|x| x.is_finite()).fold(1.0, f64::max);
    1e-9 * m
}

fn empty(iv: Iv) -> bool {
    iv.lo > iv.hi + slack(iv)
}

/// Narrows variable `v` to `to` (intersected with its interval); records it in `changed` when the
/// narrowing is significant.
fn narrow(ivs: &mut [Iv], v: VarId, to: Iv, changed: &mut Vec<VarId>) -> Result<(), ()> {
    let old = ivs[v];
    let mut new = old.meet(to);
    if empty(new) {
        return Err(());
    }
    if new.lo > new.hi {
        // Touching within the slack: the one common value.
        let m = (new.lo + new.hi) / 2.0;
        new = Iv::point(m);
    }
    let tol = slack(old);
    let significant = new.lo > old.lo + tol || new.hi < old.hi - tol;
    if significant {
        ivs[v] = new;
        changed.push(v);
    } else if new != old && new.lo >= old.lo && new.hi <= old.hi {
        // Keep tiny improvements without waking anyone.
        ivs[v] = new;
    }
    Ok(())
}

/// A relation of the network.
#[derive(Debug, Clone, PartialEq)]
pub enum Rel {
    /// `out = expr`.
    Eq { out: VarId, expr: Ex },
    /// `a ≤ b − margin` (operands are expressions: a variable or a constant).
    Le { a: Ex, b: Ex, margin: f64 },
}

impl Rel {
    fn vars(&self) -> Vec<VarId> {
        let mut v = Vec::new();
        match self {
            Rel::Eq { out, expr } => {
                v.push(*out);
                expr.vars(&mut v);
            }
            Rel::Le { a, b, .. } => {
                a.vars(&mut v);
                b.vars(&mut v);
            }
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    fn revise(&self, ivs: &mut [Iv], changed: &mut Vec<VarId>) -> Result<(), ()> {
        match self {
            Rel::Eq { out, expr } => {
                let f = expr.forward(ivs);
                narrow(ivs, *out, f, changed)?;
                expr.backward(ivs[*out], ivs, changed)
            }
            Rel::Le { a, b, margin } => {
                let (fa, fb) = (a.forward(ivs), b.forward(ivs));
                a.backward(Iv::at_most(fb.hi - margin), ivs, changed)?;
                b.backward(Iv::at_least(fa.lo + margin), ivs, changed)
            }
        }
    }
}

/// Which relation emptied which variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub relation: usize,
}

/// Variables with intervals and the relations between them.
#[derive(Debug, Clone, Default)]
pub struct Network {
    pub ivs: Vec<Iv>,
    pub rels: Vec<Rel>,
    by_var: Vec<Vec<usize>>,
}

/// Propagation stops after this many relation revisions (the intervals are then still sound,
/// only possibly wider than the fixpoint).
const MAX_REVISIONS: usize = 2_000_000;

impl Network {
    pub fn add_var(&mut self, iv: Iv) -> VarId {
        self.ivs.push(iv);
        self.by_var.push(Vec::new());
        self.ivs.len() - 1
    }

    pub fn add_rel(&mut self, r: Rel) -> usize {
        let id = self.rels.len();
        for v in r.vars() {
            self.by_var[v].push(id);
        }
        self.rels.push(r);
        id
    }

    /// Drops the relations added after the first `n` (to undo a tentative step).
    pub fn truncate_rels(&mut self, n: usize) {
        for r in n..self.rels.len() {
            for v in self.rels[r].vars() {
                self.by_var[v].retain(|&q| q != r);
            }
        }
        self.rels.truncate(n);
    }

    /// Relations that read or write `v`.
    pub fn rels_of(&self, v: VarId) -> &[usize] {
        &self.by_var[v]
    }

    /// Narrows `v` to `to` and propagates.
    pub fn set(&mut self, v: VarId, to: Iv) -> Result<(), Conflict> {
        let mut changed = Vec::new();
        narrow(&mut self.ivs, v, to, &mut changed).map_err(|_| Conflict { relation: usize::MAX })?;
        self.ivs[v] = self.ivs[v].meet(to);
        self.propagate(self.by_var[v].clone())
    }

    /// Propagates from every relation.
    pub fn propagate_all(&mut self) -> Result<(), Conflict> {
        self.propagate((0..self.rels.len()).collect())
    }

    /// Worklist propagation starting from `start`.
    pub fn propagate(&mut self, start: Vec<usize>) -> Result<(), Conflict> {
        let mut queued = vec![false; self.rels.len()];
        let mut queue: VecDeque<usize> = VecDeque::new();
        for r in start {
            if !queued[r] {
                queued[r] = true;
                queue.push_back(r);
            }
        }
        let mut changed = Vec::new();
        let mut revisions = 0;
        while let Some(r) = queue.pop_front() {
            queued[r] = false;
            revisions += 1;
            if revisions > MAX_REVISIONS {
                break;
            }
            changed.clear();
            self.rels[r].revise(&mut self.ivs, &mut changed).map_err(|_| Conflict { relation: r })?;
            for &v in &changed {
                for &q in &self.by_var[v] {
                    if q != r && !queued[q] {
                        queued[q] = true;
                        queue.push_back(q);
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_and_ratio_narrow_by_hand() {
        // t = a + b, t = 10, a ∈ [0, ∞), b ∈ [3, 4] → a ∈ [6, 7]; s = 100 a / t → s ∈ [60, 70].
        let mut n = Network::default();
        let t = n.add_var(Iv::point(10.0));
        let a = n.add_var(Iv::at_least(0.0));
        let b = n.add_var(Iv::new(3.0, 4.0));
        let s = n.add_var(Iv::ALL);
        n.add_rel(Rel::Eq { out: t, expr: Ex::add(Ex::Var(a), Ex::Var(b)) });
        n.add_rel(Rel::Eq { out: s, expr: Ex::mul(Ex::Const(100.0), Ex::div(Ex::Var(a), Ex::Var(t))) });
        n.propagate_all().unwrap();
        assert_eq!(n.ivs[a], Iv::new(6.0, 7.0));
        assert_eq!(n.ivs[s], Iv::new(60.0, 70.0));
        // s ≤ 65 → a ≤ 6.5 → b ≥ 3.5
        n.set(s, Iv::at_most(65.0)).unwrap();
        assert!((n.ivs[b].lo - 3.5).abs() < 1e-12, "{:?}", n.ivs[b]);
        // a ≤ b − 4 is impossible with a ≥ 6, b ≤ 4
        let r = n.add_rel(Rel::Le { a: Ex::Var(a), b: Ex::Var(b), margin: 4.0 });
        assert_eq!(n.propagate(vec![r]), Err(Conflict { relation: r }));
    }

    #[test]
    fn growth_projects_back_to_the_previous_year() {
        // g = 100 (x / p − 1) with x = 115 and g ∈ [14.95, 15.05] → p ∈ [115/1.1505, 115/1.1495]
        let mut n = Network::default();
        let x = n.add_var(Iv::point(115.0));
        let p = n.add_var(Iv::at_least(0.01));
        let g = n.add_var(Iv::new(14.95, 15.05));
        let growth = Ex::mul(Ex::Const(100.0), Ex::sub(Ex::div(Ex::Var(x), Ex::Var(p)), Ex::Const(1.0)));
        n.add_rel(Rel::Eq { out: g, expr: growth });
        n.propagate_all().unwrap();
        assert!((n.ivs[p].lo - 115.0 / 1.1505).abs() < 1e-9 && (n.ivs[p].hi - 115.0 / 1.1495).abs() < 1e-9, "{:?}", n.ivs[p]);
    }
}
