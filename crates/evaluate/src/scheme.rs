//! The evaluation scheme as data: `data/evaluation/framework.csv` (the indicator tree per scope,
//! with weights and the basis of each row) and `data/evaluation/tiers.csv` (how tiers are cut).

use std::collections::{HashMap, HashSet};

use digecon_core::{Indicator, Located, Polarity, RegionLevel};
use digecon_dataset::Table;
use serde::Serialize;

pub const FRAMEWORK_FILE: &str = "evaluation/framework.csv";
pub const TIERS_FILE: &str = "evaluation/tiers.csv";

/// One node of a scheme: the index, a dimension, or an indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchemeNode {
    pub code: String,
    pub parent: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    /// Relative to the siblings.
    pub weight: f64,
    /// Where the row comes from, or that it is our assumption.
    pub basis: String,
    pub is_indicator: bool,
    /// +1 higher is better, −1 lower is better (from the indicator's polarity).
    pub direction: i8,
    /// Unit of measure (indicators only).
    pub unit: String,
}

/// How a tier rule cuts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "method", content = "parameters", rename_all = "snake_case")]
pub enum TierMethod {
    /// Strictly above each threshold (超): `[400, 200]` → > 400, > 200, the rest.
    Above(Vec<f64>),
    /// At or above each threshold.
    AtLeast(Vec<f64>),
    /// Natural breaks (Jenks) into k tiers.
    NaturalBreaks(usize),
}

/// A tier rule: which value is tiered (an aggregate's score or an indicator's value) and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierRule {
    pub subject: String,
    #[serde(flatten)]
    pub method: TierMethod,
    pub basis: String,
}

/// The scheme for one scope (cities or counties).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scheme {
    pub scope: RegionLevel,
    /// In file order; the root first.
    pub nodes: Vec<SchemeNode>,
    pub tiers: Vec<TierRule>,
}

impl Scheme {
    pub fn root(&self) -> &SchemeNode {
        &self.nodes[0]
    }

    pub fn node(&self, code: &str) -> Option<&SchemeNode> {
        self.nodes.iter().find(|n| n.code == code)
    }

    /// The root's children (the dimensions).
    pub fn dimensions(&self) -> Vec<&SchemeNode> {
        let root = &self.root().code;
        self.nodes.iter().filter(|n| n.parent.as_ref() == Some(root)).collect()
    }

    /// The scheme with other weights for some nodes (e.g. the dimensions' from an AHP matrix).
    /// Unknown codes and negative or non-finite weights are refused, naming them.
    pub fn with_weights(&self, weights: &[(String, f64)]) -> Result<Scheme, String> {
        let mut s = self.clone();
        for (code, w) in weights {
            if !w.is_finite() || *w < 0.0 {
                return Err(format!("`{code}` 的权重须为非负数 / the weight of `{code}` must be a non-negative number, got {w}"));
            }
            match s.nodes.iter_mut().find(|n| &n.code == code) {
                Some(n) => {
                    n.weight = *w;
                    n.basis = format!("{} — 权重由用户给定 / weight given by the user: {w}", n.basis);
                }
                None => return Err(format!("`{code}` 不是 `{}` 评价框架的节点 / is not a node of the `{}` scheme", s.scope, s.scope)),
            }
        }
        Ok(s)
    }

    /// Every catalogue indicator the evaluation reads: the scheme's indicators and the tier rules'
    /// indicator subjects (a caller can fetch just these from a store).
    pub fn wanted_indicators(&self) -> Vec<String> {
        let mut v: Vec<String> = self.indicators().map(|n| n.code.clone()).collect();
        for t in &self.tiers {
            if self.node(&t.subject).is_none() && !v.contains(&t.subject) {
                v.push(t.subject.clone());
            }
        }
        v
    }

    pub fn indicators(&self) -> impl Iterator<Item = &SchemeNode> {
        self.nodes.iter().filter(|n| n.is_indicator)
    }

    /// Depth below the root (root = 0).
    pub(crate) fn depth(&self, code: &str) -> usize {
        let mut d = 0;
        let mut cur = self.node(code);
        while let Some(p) = cur.and_then(|n| n.parent.as_deref()) {
            d += 1;
            cur = self.node(p);
        }
        d
    }
}

/// The schemes of every scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schemes {
    pub schemes: Vec<Scheme>,
}

impl Schemes {
    /// The schemes shipped in `data/evaluation/` (compiled into the dataset crate).
    pub fn embedded(indicators: &[Indicator]) -> Result<Schemes, Vec<Located>> {
        let file = |name: &str| {
            digecon_dataset::EMBEDDED.iter().find(|(p, _)| *p == name).map(|(_, c)| *c).ok_or_else(|| {
                vec![Located::at(name, 0, "文件缺失 / file missing")]
            })
        };
        Schemes::parse(file(FRAMEWORK_FILE)?, file(TIERS_FILE)?, indicators)
    }

    pub fn get(&self, scope: RegionLevel) -> Option<&Scheme> {
        self.schemes.iter().find(|s| s.scope == scope)
    }

    /// Parses and checks both files; every problem is reported with file and line.
    pub fn parse(framework_csv: &str, tiers_csv: &str, indicators: &[Indicator]) -> Result<Schemes, Vec<Located>> {
        let catalogue: HashMap<&str, &Indicator> = indicators.iter().map(|i| (i.code.as_str(), i)).collect();
        let mut errors = Vec::new();
        let mut schemes: Vec<Scheme> = Vec::new();
        let cols = ["scope", "code", "parent", "name_zh", "name_en", "weight", "basis"];
        if let Some(t) = Table::read(FRAMEWORK_FILE, framework_csv, &cols, &[], &mut errors) {
            for r in t.rows() {
                let (Some(scope), Some(code), Some(weight)) =
                    (r.parse::<RegionLevel>("scope", &mut errors), r.code("code", &mut errors), r.number("weight", &mut errors))
                else {
                    continue;
                };
                if !matches!(scope, RegionLevel::City | RegionLevel::County) {
                    errors.push(r.error(format!("`scope`: 只评价设区市和县 / only `city` and `county` are evaluated, got `{scope}`")));
                    continue;
                }
                if !weight.is_finite() || weight < 0.0 {
                    errors.push(r.error(format!("`weight` 须为非负数 / `weight` must be a non-negative number, got {weight}")));
                }
                let parent = match r.raw("parent") {
                    "" => None,
                    _ => r.code("parent", &mut errors),
                };
                let indicator = catalogue.get(code.as_str());
                let (name_zh, name_en) = match (indicator, r.raw("name_zh"), r.raw("name_en")) {
                    (Some(i), "", "") => (i.name_zh.clone(), i.name_en.clone()),
                    (Some(_), _, _) => {
                        errors.push(r.error(format!("`{code}` 是目录中的指标，名称取自目录，此处应留空 / `{code}` is a catalogue indicator: leave the names empty, they come from indicators.csv")));
                        continue;
                    }
                    (None, zh, en) if !zh.is_empty() && !en.is_empty() => (zh.to_string(), en.to_string()),
                    (None, _, _) => {
                        errors.push(r.error(format!("`{code}` 不是目录中的指标，须给出中英文名称 / `{code}` is not a catalogue indicator, so it is an aggregate and needs `name_zh` and `name_en`")));
                        continue;
                    }
                };
                let node = SchemeNode {
                    code: code.clone(),
                    parent,
                    name_zh,
                    name_en,
                    weight,
                    basis: r.text("basis"),
                    is_indicator: indicator.is_some(),
                    direction: match indicator.map(|i| i.polarity) {
                        Some(Polarity::Negative) => -1,
                        _ => 1,
                    },
                    unit: indicator.map(|i| i.unit.clone()).unwrap_or_default(),
                };
                let scheme = match schemes.iter_mut().find(|s| s.scope == scope) {
                    Some(s) => s,
                    None => {
                        schemes.push(Scheme { scope, nodes: vec![], tiers: vec![] });
                        schemes.last_mut().unwrap()
                    }
                };
                if scheme.nodes.iter().any(|n| n.code == code) {
                    errors.push(r.error(format!("`{code}` 在 `{scope}` 中重复 / duplicate code in scope `{scope}`")));
                    continue;
                }
                match (&node.parent, scheme.nodes.is_empty()) {
                    (None, true) => {}
                    (None, false) => errors.push(r.error(format!("`{scope}` 只能有一个根（第一行）/ scope `{scope}` has one root, its first row; `{code}` has no parent"))),
                    (Some(_), true) => errors.push(r.error(format!("`{scope}` 的第一行须为根（无上级）/ the first row of scope `{scope}` must be the root (no parent)"))),
                    (Some(p), false) => match scheme.nodes.iter().find(|n| &n.code == p) {
                        None => errors.push(r.error(format!("上级 `{p}` 未在前面定义 / parent `{p}` is not defined on an earlier row of scope `{scope}`"))),
                        Some(pn) if pn.is_indicator => errors.push(r.error(format!("上级 `{p}` 是指标，不能有下级 / parent `{p}` is an indicator and cannot have children"))),
                        Some(_) => {}
                    },
                }
                scheme.nodes.push(node);
            }
        }
        // Every aggregate has children; every indicator sits at the same depth (the engine's
        // levels are counted from the indicators up).
        for s in &schemes {
            let with_children: HashSet<&str> = s.nodes.iter().filter_map(|n| n.parent.as_deref()).collect();
            for n in s.nodes.iter().filter(|n| !n.is_indicator && !with_children.contains(n.code.as_str())) {
                errors.push(Located::at(FRAMEWORK_FILE, 0, format!("`{}` 中的聚合项 `{}` 没有下级 / aggregate `{}` of scope `{}` has no children", s.scope, n.code, n.code, s.scope)));
            }
            let depths: HashSet<usize> = s.indicators().map(|n| s.depth(&n.code)).collect();
            if depths.len() > 1 {
                errors.push(Located::at(FRAMEWORK_FILE, 0, format!("`{}` 的指标须在同一层 / the indicators of scope `{}` must all be at the same depth, found depths {depths:?}", s.scope, s.scope)));
            }
        }
        let cols = ["scope", "subject", "method", "parameters", "basis"];
        if let Some(t) = Table::read(TIERS_FILE, tiers_csv, &cols, &[], &mut errors) {
            for r in t.rows() {
                let (Some(scope), Some(subject), Some(method)) =
                    (r.parse::<RegionLevel>("scope", &mut errors), r.code("subject", &mut errors), r.code("method", &mut errors))
                else {
                    continue;
                };
                let Some(scheme) = schemes.iter_mut().find(|s| s.scope == scope) else {
                    errors.push(r.error(format!("`{scope}` 没有评价框架 / scope `{scope}` has no framework in {FRAMEWORK_FILE}")));
                    continue;
                };
                if scheme.node(&subject).is_none() && !catalogue.contains_key(subject.as_str()) {
                    errors.push(r.error(format!("`subject`: `{subject}` 既不是框架节点也不是目录指标 / is neither a node of the `{scope}` framework nor a catalogue indicator")));
                    continue;
                }
                let params = r.raw("parameters");
                let thresholds = || -> Option<Vec<f64>> {
                    let v: Option<Vec<f64>> = params.split(';').map(digecon_core::parse_decimal).collect();
                    v.filter(|v| !v.is_empty() && v.windows(2).all(|w| w[0] > w[1]))
                };
                let method = match method.as_str() {
                    "above" | "at_least" => match thresholds() {
                        Some(t) if method == "above" => TierMethod::Above(t),
                        Some(t) => TierMethod::AtLeast(t),
                        None => {
                            errors.push(r.error(format!("`parameters`: 应为严格递减的门槛，以 `;` 分隔 / expected strictly decreasing thresholds separated by `;` (e.g. 400;200), got `{params}`")));
                            continue;
                        }
                    },
                    "natural_breaks" => match params.parse::<usize>() {
                        Ok(k) if k >= 2 => TierMethod::NaturalBreaks(k),
                        _ => {
                            errors.push(r.error(format!("`parameters`: 应为梯队数（≥ 2）/ expected the number of tiers (≥ 2), got `{params}`")));
                            continue;
                        }
                    },
                    other => {
                        errors.push(r.error(format!("`method`: 未知的分档方法 `{other}` / unknown method; expected `above`, `at_least` or `natural_breaks`")));
                        continue;
                    }
                };
                scheme.tiers.push(TierRule { subject, method, basis: r.text("basis") });
            }
        }
        if errors.is_empty() {
            Ok(Schemes { schemes })
        } else {
            Err(errors)
        }
    }
}
