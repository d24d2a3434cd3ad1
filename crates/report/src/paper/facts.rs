//! What a report draws on: the store's regions, indicators and annual observations, and for a
//! profile the region's evaluation, targets and key projects — gathered by `digecon-app`, read here.

use std::collections::HashMap;
use std::sync::Arc;

use digecon_core::{Indicator, Observation, Period, Region, RegionLevel};

/// A region's result in the evaluation of its level (for a profile).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EvaluationFacts {
    pub year: i32,
    /// How many regions were ranked.
    pub ranked: usize,
    pub score: Option<f64>,
    pub rank: Option<u32>,
    pub tier: Option<usize>,
    /// previous rank − rank (positive = 进位).
    pub rank_change: Option<i64>,
    pub strengths: Vec<String>,
    pub weaknesses: Vec<String>,
    /// Dimension name, score, rank.
    pub dimensions: Vec<(String, Option<f64>, Option<u32>)>,
    pub inputs: usize,
    pub synthetic_inputs: usize,
    /// The method, one line.
    pub method: String,
}

/// One target of a plan for the region, with its progress.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetLine {
    pub plan: String,
    pub indicator: String,
    pub unit: String,
    pub base: String,
    pub target: String,
    /// Latest value: year, value, synthetic.
    pub latest: Option<(i32, f64, bool)>,
    pub status: String,
}

/// One key project or task of the region.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectLine {
    pub kind: String,
    pub name: String,
    pub detail: String,
    pub synthetic: bool,
}

/// The store's part, shared by every profile built from one read.
#[derive(Debug, Default)]
pub struct Base {
    pub regions: HashMap<String, Region>,
    pub children: HashMap<String, Vec<String>>,
    pub indicators: HashMap<String, Indicator>,
    pub values: HashMap<(String, String, i32), Observation>,
}

/// Cheap to clone: the store's part is shared.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub(crate) base: Arc<Base>,
    pub evaluation: Option<EvaluationFacts>,
    pub targets: Vec<TargetLine>,
    pub projects: Vec<ProjectLine>,
}

impl Facts {
    /// Annual observations only; zones (`…Z01`) are not children in a report.
    pub fn new(regions: Vec<Region>, indicators: Vec<Indicator>, observations: Vec<Observation>) -> Facts {
        let mut children: HashMap<String, Vec<String>> = HashMap::new();
        for r in &regions {
            if r.level == RegionLevel::Zone {
                continue;
            }
            if let Some(p) = &r.parent_code {
                children.entry(p.clone()).or_default().push(r.code.clone());
            }
        }
        for c in children.values_mut() {
            c.sort();
        }
        let values = observations
            .into_iter()
            .filter_map(|o| match o.period {
                Period::Year(y) => Some(((o.region_code.clone(), o.indicator_code.clone(), y), o)),
                _ => None,
            })
            .collect();
        let base = Base {
            regions: regions.into_iter().map(|r| (r.code.clone(), r)).collect(),
            children,
            indicators: indicators.into_iter().map(|i| (i.code.clone(), i)).collect(),
            values,
        };
        Facts {
            base: Arc::new(base),
            evaluation: None,
            targets: Vec::new(),
            projects: Vec::new(),
        }
    }

    pub fn base(&self) -> &Base {
        &self.base
    }

    /// Whether the stored value is synthetic (false where none is stored).
    pub fn is_synthetic(&self, region: &str, code: &str, period: Period) -> bool {
        match period {
            Period::Year(y) => self.base.values.get(&(region.to_string(), code.to_string(), y)).is_some_and(|o| o.synthetic),
            _ => false,
        }
    }

    pub fn has_indicator(&self, code: &str) -> bool {
        self.base.indicators.contains_key(code)
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.base.regions.get(code)
    }

    pub fn children(&self, code: &str) -> &[String] {
        self.base.children.get(code).map_or(&[], Vec::as_slice)
    }

    /// The region's siblings and itself (its parent's children), or itself alone at the root.
    pub fn peers(&self, code: &str) -> Vec<String> {
        match self.base.regions.get(code).and_then(|r| r.parent_code.as_deref()) {
            Some(p) => self.children(p).to_vec(),
            None => vec![code.to_string()],
        }
    }

    /// The root of the region tree (the province).
    pub fn root(&self) -> Option<String> {
        self.base.regions.values().find(|r| r.parent_code.is_none()).map(|r| r.code.clone())
    }

    /// The latest year with any annual value.
    pub fn latest_year(&self) -> Option<i32> {
        self.base.values.keys().map(|k| k.2).max()
    }
}
