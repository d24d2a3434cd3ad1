//! Ledger items: the tasks of work plans (002, 003) and the engineering projects of a five-year
//! plan (004 Annex 1), each with its quantitative goals, milestones and the span of time it runs over.

use std::fmt;
use std::str::FromStr;

use digecon_core::{Period, Plan, Project, Task};
use serde::{Deserialize, Serialize};

use crate::goals::{extract, Goal, NotAGoal};

/// What a ledger item is; the same words as the `work_units.item_kind` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A numbered task of a work plan.
    Task,
    /// An engineering project of a plan (004 Annex 1), tracked like a task with milestones.
    Project,
}

impl ItemKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ItemKind::Task => "task",
            ItemKind::Project => "project",
        }
    }
}

impl FromStr for ItemKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "task" | "任务" => Ok(ItemKind::Task),
            "project" | "工程" => Ok(ItemKind::Project),
            _ => Err(format!("无效的类型 / invalid item kind `{s}`: expected `task` (任务) or `project` (工程)")),
        }
    }
}

/// Identity of a ledger item: plan, kind and number (`jx-2022-workplan` task 17).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemKey {
    pub plan_id: String,
    pub kind: ItemKind,
    pub number: u32,
}

impl ItemKey {
    pub fn task(plan_id: &str, number: u32) -> ItemKey {
        ItemKey { plan_id: plan_id.to_string(), kind: ItemKind::Task, number }
    }
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.plan_id, self.kind.as_str(), self.number)
    }
}

/// A dated milestone (004: `到 2023 年，…` with its goals, due at the end of that year).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    /// `M2023`.
    pub id: String,
    /// The month it is due; the documents give a year only, so December of that year.
    pub due: Period,
    pub text: String,
    pub goals: Vec<Goal>,
    pub not_goals: Vec<NotAGoal>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LedgerItem {
    pub key: ItemKey,
    /// The 专项 / chapter of a task, the category of a project.
    pub group: String,
    /// A project's name; for a task, its text.
    pub title: String,
    /// The text the goals were read from (a project's 建设目标).
    pub text: String,
    /// Department codes; the first lead unit answers for the ledger.
    pub lead_units: Vec<String>,
    pub lead_units_text: String,
    pub coop_units: Vec<String>,
    pub coop_units_text: String,
    /// First month of the plan.
    pub start: Period,
    /// Last month of the plan: the item is due by then.
    pub due: Period,
    /// Goals of the task text, due at `due`. Projects carry theirs on the milestones.
    pub goals: Vec<Goal>,
    pub not_goals: Vec<NotAGoal>,
    pub milestones: Vec<Milestone>,
}

impl LedgerItem {
    /// Share of the item's span elapsed at the end of `period` (序时进度), from 0 to 1. For a task
    /// of an annual plan this is `Period::elapsed_share_of_year` (2022-Q3 → 0.75).
    pub fn expected_share(&self, period: &Period) -> f64 {
        let start = month_index(&self.start) - 1;
        let due = month_index(&self.due);
        let end = month_index(period);
        let share = (end - start) as f64 / (due - start) as f64;
        share.clamp(0.0, 1.0)
    }

    /// Every goal of the item, milestones' included.
    pub fn all_goals(&self) -> impl Iterator<Item = &Goal> {
        self.goals.iter().chain(self.milestones.iter().flat_map(|m| m.goals.iter()))
    }

    pub fn goal(&self, id: &str) -> Option<&Goal> {
        self.all_goals().find(|g| g.id == id)
    }

    pub fn is_lead(&self, department: &str) -> bool {
        self.lead_units.iter().any(|d| d == department)
    }

    pub fn is_coop(&self, department: &str) -> bool {
        self.coop_units.iter().any(|d| d == department)
    }

    /// Whether the item is scheduled at `period` (a month or a quarter): started by the period's
    /// last month and not due before the three months ending with it, so an item due in a
    /// quarter is still listed for that quarter's months.
    pub fn is_scheduled_at(&self, period: &Period) -> bool {
        let end = month_index(period);
        month_index(&self.start) <= end && end - 2 <= month_index(&self.due)
    }
}

impl digecon_core::PlanWork for LedgerItem {
    fn plan_id(&self) -> &str {
        &self.key.plan_id
    }
    fn lead_units(&self) -> &[String] {
        &self.lead_units
    }
    fn coop_units(&self) -> &[String] {
        &self.coop_units
    }
}

/// The month count of a period's last month (`year * 12 + month`), for month arithmetic.
pub fn month_index(p: &Period) -> i64 {
    i64::from(p.year()) * 12 + i64::from(p.months().1)
}

/// The month a `month_index` stands for.
pub fn month_of_index(i: i64) -> Period {
    let y = (i - 1).div_euclid(12);
    let m = (i - 1).rem_euclid(12) + 1;
    Period::Month(y as i32, m as u8)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} 引用了不存在的计划 / refers to unknown plan `{plan_id}`")]
pub struct UnknownPlan {
    pub what: String,
    pub plan_id: String,
}

/// Builds the ledger items of the dataset: tasks first, then projects, in plan and number order.
pub fn items(plans: &[Plan], tasks: &[Task], projects: &[Project]) -> Result<Vec<LedgerItem>, UnknownPlan> {
    let plan = |id: &str, what: String| {
        plans.iter().find(|p| p.id == id).ok_or(UnknownPlan { what, plan_id: id.to_string() })
    };
    let mut out = Vec::with_capacity(tasks.len() + projects.len());
    for t in tasks {
        let p = plan(&t.plan_id, format!("任务 task {}", t.number))?;
        let ex = extract(&t.text, "");
        out.push(LedgerItem {
            key: ItemKey::task(&t.plan_id, t.number),
            group: t.section.clone(),
            title: t.text.clone(),
            text: t.text.clone(),
            lead_units: t.lead_units.clone(),
            lead_units_text: t.lead_units_text.clone(),
            coop_units: t.coop_units.clone(),
            coop_units_text: t.coop_units_text.clone(),
            start: Period::Month(p.start_year, 1),
            due: Period::Month(p.end_year, 12),
            goals: ex.goals,
            not_goals: ex.not_goals,
            milestones: Vec::new(),
        });
    }
    for pr in projects {
        let p = plan(&pr.plan_id, format!("工程 project {}", pr.number))?;
        let milestones = pr
            .milestones
            .iter()
            .map(|m| {
                let id = format!("M{}", m.year);
                let ex = extract(&m.text, &format!("{id}-"));
                Milestone { id, due: Period::Month(m.year, 12), text: m.text.clone(), goals: ex.goals, not_goals: ex.not_goals }
            })
            .collect();
        out.push(LedgerItem {
            key: ItemKey { plan_id: pr.plan_id.clone(), kind: ItemKind::Project, number: pr.number },
            group: pr.category.clone(),
            title: pr.name.clone(),
            text: pr.goal_text.clone(),
            lead_units: pr.lead_units.clone(),
            lead_units_text: pr.lead_units_text.clone(),
            coop_units: pr.coop_units.clone(),
            coop_units_text: pr.coop_units_text.clone(),
            start: Period::Month(p.start_year, 1),
            due: Period::Month(p.end_year, 12),
            goals: Vec::new(),
            not_goals: Vec::new(),
            milestones,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_arithmetic() {
        assert_eq!(month_index(&Period::Month(2022, 1)), 2022 * 12 + 1);
        assert_eq!(month_of_index(2022 * 12 + 1), Period::Month(2022, 1));
        assert_eq!(month_of_index(2022 * 12 + 12), Period::Month(2022, 12));
        assert_eq!(month_index(&Period::Quarter(2022, 3)), month_index(&Period::Month(2022, 9)));
    }

    #[test]
    fn scheduled_from_its_start_to_the_quarter_it_is_due() {
        let item = LedgerItem {
            key: ItemKey::task("p", 1),
            group: String::new(),
            title: String::new(),
            text: String::new(),
            lead_units: Vec::new(),
            lead_units_text: String::new(),
            coop_units: Vec::new(),
            coop_units_text: String::new(),
            start: Period::Month(2022, 4),
            due: Period::Month(2022, 9),
            goals: Vec::new(),
            not_goals: Vec::new(),
            milestones: Vec::new(),
        };
        assert!(!item.is_scheduled_at(&Period::Quarter(2022, 1)), "not started");
        assert!(item.is_scheduled_at(&Period::Month(2022, 4)));
        assert!(item.is_scheduled_at(&Period::Quarter(2022, 3)));
        assert!(item.is_scheduled_at(&Period::Month(2022, 11)), "due in the quarter ending in November");
        assert!(!item.is_scheduled_at(&Period::Month(2022, 12)));
        assert!(!item.is_scheduled_at(&Period::Quarter(2022, 4)));
    }
}
