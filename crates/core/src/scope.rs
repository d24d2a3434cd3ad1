//! The region hierarchy and who may see or change what.
//!
//! A user's data scope is its region's subtree and/or its department (RuoYi-style 数据权限):
//! a county filer sees and files only its county; a city sees its counties; the provincial office
//! sees everything. Deny by default: anything not explicitly in scope is out of it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::{Plan, Project, Region, RegionLevel, Target, Task};

/// Parent links of the regions, for "is X inside Y" and roll-ups.
#[derive(Debug, Clone, Default)]
pub struct RegionTree {
    parent: HashMap<String, String>,
    level: HashMap<String, RegionLevel>,
    children: HashMap<String, Vec<String>>,
    /// Regions without a parent, in dataset order (the province).
    roots: Vec<String>,
}

impl RegionTree {
    pub fn new(regions: &[Region]) -> RegionTree {
        let mut t = RegionTree::default();
        for r in regions {
            t.level.insert(r.code.clone(), r.level);
            if let Some(p) = &r.parent_code {
                t.parent.insert(r.code.clone(), p.clone());
                t.children.entry(p.clone()).or_default().push(r.code.clone());
            } else {
                t.roots.push(r.code.clone());
            }
        }
        t
    }

    /// The top of the tree (the first region without a parent).
    pub fn root(&self) -> Option<&str> {
        self.roots.first().map(String::as_str)
    }

    pub fn contains(&self, code: &str) -> bool {
        self.level.contains_key(code)
    }

    pub fn level(&self, code: &str) -> Option<RegionLevel> {
        self.level.get(code).copied()
    }

    pub fn parent(&self, code: &str) -> Option<&str> {
        self.parent.get(code).map(String::as_str)
    }

    /// Direct children in dataset order.
    pub fn children(&self, code: &str) -> &[String] {
        self.children.get(code).map_or(&[], Vec::as_slice)
    }

    /// `code` itself, its parent, …, up to the root.
    pub fn ancestors<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        std::iter::successors(Some(code), move |c| self.parent(c))
    }

    /// Whether `code` is `ancestor` or lies below it.
    pub fn is_within(&self, code: &str, ancestor: &str) -> bool {
        self.contains(code) && self.ancestors(code).any(|c| c == ancestor)
    }

    /// `code` and everything below it.
    pub fn subtree(&self, code: &str) -> Vec<String> {
        let mut out = vec![code.to_string()];
        let mut i = 0;
        while i < out.len() {
            out.extend(self.children(&out[i]).iter().cloned());
            i += 1;
        }
        out
    }
}

/// Roles of the platform (PRODUCT.md, "Users and their jobs").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// System administration: users, dictionaries; sees everything.
    Admin,
    /// 领导小组办公室 / 省发改委: defines, reviews, publishes; sees everything.
    ProvinceOffice,
    /// 牵头/配合单位: files its indicators and reports its tasks.
    Department,
    /// 设区市: files and approves within its city.
    City,
    /// 县（市、区）: files its own data.
    County,
    /// Leaders and public: read only, within its region.
    Viewer,
}

impl Role {
    pub const ALL: &'static [Role] =
        &[Role::Admin, Role::ProvinceOffice, Role::Department, Role::City, Role::County, Role::Viewer];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ProvinceOffice => "province_office",
            Role::Department => "department",
            Role::City => "city",
            Role::County => "county",
            Role::Viewer => "viewer",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = crate::VocabError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.iter().copied().find(|r| r.as_str() == s).ok_or_else(|| crate::VocabError {
            field: "角色",
            field_en: "role",
            text: s.to_string(),
            expected: "`admin` `province_office` `department` `city` `county` `viewer`",
        })
    }
}

/// Who is acting: a signed-in user, or the CLI acting as one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub username: String,
    pub role: Role,
    /// The region whose subtree the actor may see; `None` = no regional scope.
    pub region_code: Option<String>,
    /// The department the actor files for.
    pub department_code: Option<String>,
}

impl Actor {
    /// Sees and changes everything (admin, provincial office).
    pub fn is_global(&self) -> bool {
        matches!(self.role, Role::Admin | Role::ProvinceOffice)
    }

    /// Whether the actor may read data of `region`.
    pub fn can_see_region(&self, tree: &RegionTree, region: &str) -> bool {
        self.is_global() || self.region_code.as_deref().is_some_and(|r| tree.is_within(region, r))
    }

    /// Whether the actor may file or change data of `region` (viewers never may).
    pub fn can_write_region(&self, tree: &RegionTree, region: &str) -> bool {
        self.role != Role::Viewer && self.can_see_region(tree, region)
    }

    /// Whether the actor acts for `department`.
    pub fn acts_for_department(&self, department: &str) -> bool {
        self.is_global() || self.department_code.as_deref() == Some(department)
    }

    /// Whether the actor may see `target`: its region is in scope, or the actor leads it.
    pub fn can_see_target(&self, tree: &RegionTree, target: &Target) -> bool {
        self.can_see_region(tree, &target.region_code) || target.lead_units.iter().any(|d| self.acts_for_department(d))
    }

    /// Whether the actor may see a task, project or ledger item of a plan: the plan's region is in
    /// scope, or the actor is one of its lead or co-operating `units`.
    pub fn can_see_work<'a>(&self, tree: &RegionTree, plan_region: Option<&str>, mut units: impl Iterator<Item = &'a String>) -> bool {
        plan_region.is_some_and(|r| self.can_see_region(tree, r)) || units.any(|d| self.acts_for_department(d))
    }

    /// Whether the actor reviews filings across its scope (filing rates, who has not filed): the
    /// offices, cities and viewers; counties and departments file, they do not review.
    pub fn reviews_filings(&self) -> bool {
        matches!(self.role, Role::Admin | Role::ProvinceOffice | Role::City | Role::Viewer)
    }

    /// Whether the actor may see `work` (a task, an engineering project, a ledger item) of one of
    /// `plans`: `can_see_work` with the plan's region looked up (an unknown plan has none).
    pub fn can_see_plan_work(&self, tree: &RegionTree, plans: &[Plan], work: &impl PlanWork) -> bool {
        let plan_region = plans.iter().find(|p| p.id == work.plan_id()).map(|p| p.region_code.as_str());
        self.can_see_work(tree, plan_region, work.lead_units().iter().chain(work.coop_units()))
    }

    /// The region a report of this actor is rooted at: its own, or the root of the tree for the
    /// provincial office and administrators.
    pub fn report_root(&self, tree: &RegionTree) -> Option<String> {
        if self.is_global() {
            tree.root().map(str::to_string)
        } else {
            self.region_code.clone()
        }
    }
}

/// Work of a plan that lead and co-operating units carry out: what `Actor::can_see_plan_work`
/// decides on.
pub trait PlanWork {
    fn plan_id(&self) -> &str;
    fn lead_units(&self) -> &[String];
    fn coop_units(&self) -> &[String];
}

// Tasks and engineering projects name their plan and units by the same fields.
macro_rules! plan_work {
    ($($t:ty),*) => {$(
        impl PlanWork for $t {
            fn plan_id(&self) -> &str {
                &self.plan_id
            }
            fn lead_units(&self) -> &[String] {
                &self.lead_units
            }
            fn coop_units(&self) -> &[String] {
                &self.coop_units
            }
        }
    )*};
}

plan_work!(Task, Project);

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, level: RegionLevel, parent: Option<&str>) -> Region {
        Region { code: code.into(), name_zh: code.into(), name_en: String::new(), level, parent_code: parent.map(Into::into) }
    }

    fn tree() -> RegionTree {
        RegionTree::new(&[
            region("360000", RegionLevel::Province, None),
            region("360700", RegionLevel::City, Some("360000")),
            region("360702", RegionLevel::County, Some("360700")),
            region("360703", RegionLevel::County, Some("360700")),
            region("360100", RegionLevel::City, Some("360000")),
            region("360102", RegionLevel::County, Some("360100")),
        ])
    }

    fn actor(role: Role, region: Option<&str>) -> Actor {
        Actor { username: "u".into(), role, region_code: region.map(Into::into), department_code: None }
    }

    #[test]
    fn subtrees_and_ancestry() {
        let t = tree();
        assert!(t.is_within("360702", "360000"));
        assert!(t.is_within("360702", "360702"));
        assert!(!t.is_within("360702", "360100"));
        assert!(!t.is_within("999999", "360000"), "unknown codes are inside nothing");
        assert_eq!(t.subtree("360700"), vec!["360700", "360702", "360703"]);
        assert_eq!(t.ancestors("360702").collect::<Vec<_>>(), vec!["360702", "360700", "360000"]);
    }

    #[test]
    fn scope_is_the_region_subtree_and_deny_by_default() {
        let t = tree();
        let county = actor(Role::County, Some("360702"));
        assert!(county.can_write_region(&t, "360702"));
        assert!(!county.can_see_region(&t, "360703"), "a sibling county is out of scope");
        assert!(!county.can_see_region(&t, "360700"), "so is its own city");
        let city = actor(Role::City, Some("360700"));
        assert!(city.can_write_region(&t, "360703") && !city.can_see_region(&t, "360102"));
        assert!(actor(Role::ProvinceOffice, None).can_write_region(&t, "360102"));
        let viewer = actor(Role::Viewer, Some("360000"));
        assert!(viewer.can_see_region(&t, "360102") && !viewer.can_write_region(&t, "360102"));
        assert!(!actor(Role::Department, None).can_see_region(&t, "360000"), "no region, no regional data");
        assert_eq!("city".parse::<Role>().unwrap(), Role::City);
        assert!("mayor".parse::<Role>().is_err());
    }

    #[test]
    fn reviewers_see_filing_rates_filers_do_not() {
        for r in [Role::Admin, Role::ProvinceOffice, Role::City, Role::Viewer] {
            assert!(actor(r, None).reviews_filings(), "{r}");
        }
        for r in [Role::County, Role::Department] {
            assert!(!actor(r, None).reviews_filings(), "{r}");
        }
    }

    struct Work(&'static str, Vec<String>);
    impl PlanWork for Work {
        fn plan_id(&self) -> &str {
            self.0
        }
        fn lead_units(&self) -> &[String] {
            &self.1
        }
        fn coop_units(&self) -> &[String] {
            &[]
        }
    }

    #[test]
    fn plan_work_is_seen_in_the_plans_region_or_by_its_units() {
        let t = tree();
        let plan = Plan {
            id: "gz".into(),
            name_zh: String::new(),
            name_en: String::new(),
            kind: crate::PlanKind::Annual,
            region_code: "360700".into(),
            issuer: String::new(),
            issued: String::new(),
            start_year: 2022,
            end_year: 2022,
            source_doc: String::new(),
        };
        let plans = [plan];
        let work = Work("gz", vec!["360700-dev".into()]);
        assert!(actor(Role::City, Some("360700")).can_see_plan_work(&t, &plans, &work));
        assert!(!actor(Role::County, Some("360702")).can_see_plan_work(&t, &plans, &work), "the plan's region is above the county");
        let unit = Actor { department_code: Some("360700-dev".into()), ..actor(Role::Department, None) };
        assert!(unit.can_see_plan_work(&t, &plans, &work), "its lead unit");
        assert!(!actor(Role::City, Some("360700")).can_see_plan_work(&t, &plans, &Work("unknown", Vec::new())), "an unknown plan has no region");
    }
}
