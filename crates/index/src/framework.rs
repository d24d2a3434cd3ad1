//! The framework: a tree of indicators (level 1) and aggregates (levels 2 … L), each with a
//! direction and a weight relative to its siblings.

use std::collections::HashMap;

use crate::error::{IndexError, Result};

/// Lower and upper goalposts in the indicator's own units and the scale of the result
/// (COINr's `gposts = c(l, u, a)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goalposts {
    pub lower: f64,
    pub upper: f64,
    pub scale: f64,
}

/// One node as given by the user (e.g. one iMeta row), before the tree is checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    pub code: String,
    pub name: String,
    /// 1 for indicators, ≥ 2 for aggregates.
    pub level: u8,
    /// Code of the parent (one level up); `None` only at the top level.
    pub parent: Option<String>,
    /// +1: higher is better; −1: lower is better. Only used for indicators (as in COINr).
    pub direction: i8,
    /// Weight relative to the siblings under the same parent.
    pub weight: f64,
    /// Target for distance-to-target normalisation (iMeta `Target`).
    pub target: Option<f64>,
    /// Denominator column for `denominate` (iMeta `Denominator`).
    pub denominator: Option<String>,
    /// Goalposts for goalpost normalisation (iMeta `goalpost_lower/upper/scale`).
    pub goalposts: Option<Goalposts>,
}

impl NodeSpec {
    /// An indicator (level 1) with direction and weight.
    pub fn indicator(code: &str, parent: &str, direction: i8, weight: f64) -> Self {
        NodeSpec {
            code: code.into(),
            name: code.into(),
            level: 1,
            parent: Some(parent.into()),
            direction,
            weight,
            target: None,
            denominator: None,
            goalposts: None,
        }
    }

    /// An aggregate at `level` (≥ 2); `parent` is `None` at the top.
    pub fn aggregate(code: &str, level: u8, parent: Option<&str>, weight: f64) -> Self {
        NodeSpec {
            code: code.into(),
            name: code.into(),
            level,
            parent: parent.map(Into::into),
            direction: 1,
            weight,
            target: None,
            denominator: None,
            goalposts: None,
        }
    }
}

/// A checked node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub code: String,
    pub name: String,
    pub level: u8,
    /// Index of the parent node in [`Framework::nodes`].
    pub parent: Option<usize>,
    pub direction: i8,
    pub weight: f64,
    pub target: Option<f64>,
    pub denominator: Option<String>,
    pub goalposts: Option<Goalposts>,
}

/// A checked indicator tree.
///
/// Node order is fixed: indicators first, in the order given; then aggregates level by level
/// (2, 3, …), sorted by code within a level — the column order of COINr's `Aggregated` dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Framework {
    nodes: Vec<Node>,
    n_indicators: usize,
    children: Vec<Vec<usize>>,
    by_code: HashMap<String, usize>,
    max_level: u8,
}

impl Framework {
    /// Checks and builds the tree: unique codes, indicators at level 1, levels without gaps,
    /// each parent one level up, every aggregate with at least one child, direction ±1,
    /// finite non-negative weights with a positive sum under every parent.
    pub fn new(specs: Vec<NodeSpec>) -> Result<Framework> {
        let err = |m: String| Err(IndexError::Framework(m));
        if !specs.iter().any(|s| s.level == 1) {
            return err("没有指标 / no indicators (level 1)".into());
        }
        let mut seen = HashMap::new();
        for s in &specs {
            if s.code.trim().is_empty() {
                return err("空的指标代码 / empty code".into());
            }
            if seen.insert(s.code.clone(), ()).is_some() {
                return err(format!("代码重复 / duplicate code `{}`", s.code));
            }
            if s.level == 0 {
                return err(format!("`{}`: 层级须 ≥ 1 / level must be ≥ 1", s.code));
            }
            if s.direction != 1 && s.direction != -1 {
                return err(format!(
                    "`{}`: 方向须为 1 或 −1 / direction must be 1 or −1, got {}",
                    s.code, s.direction
                ));
            }
            if !s.weight.is_finite() || s.weight < 0.0 {
                return err(format!(
                    "`{}`: 权重须为非负有限数 / weight must be finite and ≥ 0, got {}",
                    s.code, s.weight
                ));
            }
        }
        let max_level = specs.iter().map(|s| s.level).max().unwrap_or(1);
        for l in 1..=max_level {
            if !specs.iter().any(|s| s.level == l) {
                return err(format!("层级 {l} 缺失 / level {l} is missing (levels must have no gaps)"));
            }
        }
        let mut ordered: Vec<NodeSpec> = specs.iter().filter(|s| s.level == 1).cloned().collect();
        let n_indicators = ordered.len();
        let mut aggs: Vec<NodeSpec> = specs.into_iter().filter(|s| s.level > 1).collect();
        aggs.sort_by(|a, b| a.level.cmp(&b.level).then_with(|| a.code.cmp(&b.code)));
        ordered.extend(aggs);
        let by_code: HashMap<String, usize> =
            ordered.iter().enumerate().map(|(i, s)| (s.code.clone(), i)).collect();
        let mut nodes = Vec::with_capacity(ordered.len());
        let mut children = vec![Vec::new(); ordered.len()];
        for (i, s) in ordered.iter().enumerate() {
            let parent = match &s.parent {
                None if s.level < max_level => {
                    return err(format!(
                        "`{}` (层级 / level {}) 没有上级 / has no parent (only the top level {max_level} may)",
                        s.code, s.level
                    ))
                }
                None => None,
                Some(p) => {
                    let Some(&pi) = by_code.get(p) else {
                        return err(format!("`{}`: 上级 `{p}` 不存在 / parent `{p}` does not exist", s.code));
                    };
                    if ordered[pi].level != s.level + 1 {
                        return err(format!(
                            "`{}` (层级 / level {}): 上级 `{p}` 须在层级 {} / parent must be at level {}, it is at {}",
                            s.code,
                            s.level,
                            s.level + 1,
                            s.level + 1,
                            ordered[pi].level
                        ));
                    }
                    children[pi].push(i);
                    Some(pi)
                }
            };
            nodes.push(Node {
                code: s.code.clone(),
                name: s.name.clone(),
                level: s.level,
                parent,
                direction: s.direction,
                weight: s.weight,
                target: s.target,
                denominator: s.denominator.clone(),
                goalposts: s.goalposts,
            });
        }
        for (i, n) in nodes.iter().enumerate().skip(n_indicators) {
            if children[i].is_empty() {
                return err(format!("聚合项 `{}` 没有下级 / aggregate has no children", n.code));
            }
            let total: f64 = children[i].iter().map(|&c| nodes[c].weight).sum();
            if total <= 0.0 {
                return err(format!(
                    "`{}` 的下级权重之和为 0 / the weights under `{}` sum to 0",
                    n.code, n.code
                ));
            }
        }
        Ok(Framework { nodes, n_indicators, children, by_code, max_level })
    }

    /// All nodes: indicators first, then aggregates by level and code.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The indicators (level 1), in the order given.
    pub fn indicators(&self) -> &[Node] {
        &self.nodes[..self.n_indicators]
    }

    pub fn n_indicators(&self) -> usize {
        self.n_indicators
    }

    /// The highest level (the index itself when there is one top node).
    pub fn max_level(&self) -> u8 {
        self.max_level
    }

    /// Position of a code in [`Framework::nodes`].
    pub fn find(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// Children of node `i` (empty for indicators), in node order.
    pub fn children(&self, i: usize) -> &[usize] {
        &self.children[i]
    }

    /// Indices of the nodes at `level`.
    pub fn at_level(&self, level: u8) -> impl Iterator<Item = usize> + '_ {
        self.nodes.iter().enumerate().filter(move |(_, n)| n.level == level).map(|(i, _)| i)
    }

    /// The weights of all nodes, in node order.
    pub fn weights(&self) -> Vec<f64> {
        self.nodes.iter().map(|n| n.weight).collect()
    }

    /// The node at the top level when there is exactly one (the index).
    pub fn top(&self) -> Option<usize> {
        let mut it = self.at_level(self.max_level);
        let first = it.next()?;
        it.next().is_none().then_some(first)
    }

    /// Effective weight of each indicator in the top aggregate: the product, down the tree, of
    /// each node's weight divided by the sum of its siblings' weights (COINr `get_eff_weights`).
    pub fn effective_weights(&self) -> Vec<f64> {
        let mut eff = vec![1.0; self.nodes.len()];
        for i in (0..self.nodes.len()).rev() {
            if let Some(p) = self.nodes[i].parent {
                let total: f64 = self.children[p].iter().map(|&c| self.nodes[c].weight).sum();
                eff[i] = eff[p] * self.nodes[i].weight / total;
            }
        }
        eff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Vec<NodeSpec> {
        vec![
            NodeSpec::indicator("a", "P", 1, 1.0),
            NodeSpec::indicator("b", "P", -1, 3.0),
            NodeSpec::indicator("c", "Q", 1, 1.0),
            NodeSpec::aggregate("Q", 2, Some("I"), 1.0),
            NodeSpec::aggregate("P", 2, Some("I"), 1.0),
            NodeSpec::aggregate("I", 3, None, 1.0),
        ]
    }

    #[test]
    fn orders_aggregates_by_level_then_code() {
        let f = Framework::new(small()).unwrap();
        let codes: Vec<&str> = f.nodes().iter().map(|n| n.code.as_str()).collect();
        assert_eq!(codes, ["a", "b", "c", "P", "Q", "I"]);
        assert_eq!(f.children(3), &[0, 1]);
        assert_eq!(f.top(), Some(5));
        // a: 1/4 · 1/2 = 0.125; b: 3/4 · 1/2 = 0.375; c: 1 · 1/2 = 0.5
        assert_eq!(f.effective_weights()[..3], [0.125, 0.375, 0.5]);
    }

    #[test]
    fn rejects_bad_trees() {
        let mut s = small();
        s[0].parent = Some("I".into());
        let e = Framework::new(s).unwrap_err().to_string();
        assert!(e.contains("parent must be at level 2"), "{e}");
        let mut s = small();
        s.push(NodeSpec::aggregate("R", 2, Some("I"), 1.0));
        assert!(Framework::new(s).unwrap_err().to_string().contains("`R` 没有下级"));
        let mut s = small();
        s[1].direction = 0;
        assert!(Framework::new(s).is_err());
        let mut s = small();
        s[2].weight = 0.0;
        assert!(Framework::new(s).unwrap_err().to_string().contains("sum to 0"));
    }
}
