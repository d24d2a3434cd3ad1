//! Who may file what in the ledger, on top of `digecon_core::Actor`'s data scope (deny by default).
//!
//! - A task's report is filed by an actor acting for one of its lead units; a co-operating unit's
//!   part, by an actor acting for that unit. The provincial office and administrators may file for
//!   any unit (they keep the ledger when a unit sends it on paper).
//! - A key project's registry row and monthly reports are filed by an actor whose region scope holds
//!   the project's region (the city or county where it is built), or who acts for its lead unit.
//! - Viewers file nothing.

use std::collections::HashMap;

use digecon_core::{Actor, RegionTree, Role};

use crate::item::{ItemKey, LedgerItem};
use crate::problem::{Problem, Subject};
use crate::projects::KeyProject;
use crate::workbook::{ProjectLedger, TaskLedger};

/// May `actor` file `department`'s report (lead unit) or part (co-operating unit) on `item`?
pub fn may_file_progress(actor: &Actor, item: &LedgerItem, department: &str) -> Result<(), String> {
    if actor.role == Role::Viewer {
        return Err(format!("只读账号不能填报 / `{}` is a viewer and cannot file", actor.username));
    }
    if !item.is_lead(department) && !item.is_coop(department) {
        return Err(format!("`{department}` 不是 {} 的牵头或配合单位 / `{department}` neither leads nor co-operates on {}", item.key, item.key));
    }
    if actor.acts_for_department(department) {
        Ok(())
    } else {
        Err(format!("`{}` 不代表 `{department}` / `{}` does not act for `{department}`", actor.username, actor.username))
    }
}

/// May `actor` file `project`'s registry row or monthly reports?
pub fn may_file_project(actor: &Actor, tree: &RegionTree, project: &KeyProject) -> Result<(), String> {
    if actor.role == Role::Viewer {
        return Err(format!("只读账号不能填报 / `{}` is a viewer and cannot file", actor.username));
    }
    if actor.can_write_region(tree, &project.region_code) || actor.acts_for_department(&project.lead_unit) {
        Ok(())
    } else {
        Err(format!(
            "`{}` 的数据范围不含项目 {} 所在地区 {}，也不代表其牵头单位 / `{}` may not file for project {} ({}, lead unit {})",
            actor.username, project.code, project.region_code, actor.username, project.code, project.region_code, project.lead_unit
        ))
    }
}

/// May `actor` record `problem`? The unit that raises a task's problem must be the actor's (or the
/// actor is global); a key project's problem follows the project's rule.
pub fn may_file_problem(actor: &Actor, tree: &RegionTree, problem: &Problem, item: Option<&LedgerItem>, project: Option<&KeyProject>) -> Result<(), String> {
    match (&problem.subject, item, project) {
        (Subject::Item(_), Some(item), _) => match &problem.department_code {
            Some(d) => may_file_progress(actor, item, d),
            None if actor.is_global() => Ok(()),
            None => Err(format!("问题须注明提出单位 / `{}` must name the unit raising the problem", actor.username)),
        },
        (Subject::KeyProject { .. }, _, Some(p)) => may_file_project(actor, tree, p),
        _ => Err(format!("未知的问题对象 / unknown subject {}", problem.subject)),
    }
}

/// Every row of a task-ledger workbook `actor` may not file, one line each (`key period: why`);
/// empty: the whole file may be written. `items` must hold every item the file names (the reader
/// checked that).
pub fn refusals_in_task_ledger(actor: &Actor, tree: &RegionTree, items: &[LedgerItem], ledger: &TaskLedger) -> Vec<String> {
    // By key, not by scanning: a ledger may hold hundreds of thousands of rows.
    let by_key: HashMap<&ItemKey, &LedgerItem> = items.iter().map(|i| (&i.key, i)).collect();
    let item = |k: &ItemKey| *by_key.get(k).expect("checked by the reader");
    let mut denied = Vec::new();
    for r in &ledger.reports {
        if let Err(e) = may_file_progress(actor, item(&r.key), &r.department_code) {
            denied.push(format!("{} {}: {e}", r.key, r.period));
        }
    }
    for (k, p, c) in &ledger.contributions {
        if let Err(e) = may_file_progress(actor, item(k), &c.department_code) {
            denied.push(format!("{k} {p}: {e}"));
        }
    }
    for p in &ledger.problems {
        let it = match &p.subject {
            Subject::Item(k) => Some(item(k)),
            Subject::KeyProject { .. } => None,
        };
        if let Err(e) = may_file_problem(actor, tree, p, it, None) {
            denied.push(format!("{} {}: {e}", p.subject, p.raised));
        }
    }
    denied
}

/// Every row of a key-project workbook `actor` may not file, one line each; empty: the whole file
/// may be written. `stored` is the registry before the file: re-registering a stored project
/// elsewhere needs the right to the stored one too, and the file's registry rows win over the
/// stored ones for its monthly reports and problems.
pub fn refusals_in_project_ledger(actor: &Actor, tree: &RegionTree, stored: &[KeyProject], ledger: &ProjectLedger) -> Vec<String> {
    // By key, not by scanning, since a ledger may hold hundreds of thousands of rows.
    let stored: HashMap<(i32, &str), &KeyProject> = stored.iter().rev().map(|p| ((p.year, p.code.as_str()), p)).collect();
    let mut known = stored.clone();
    known.extend(ledger.projects.iter().rev().map(|p| ((p.year, p.code.as_str()), p)));
    let project = |y: i32, c: &str| *known.get(&(y, c)).expect("checked by the reader");
    let mut denied = Vec::new();
    for p in &ledger.projects {
        if let Err(e) = may_file_project(actor, tree, p) {
            denied.push(format!("{} {}: {e}", p.year, p.code));
        }
        if let Some(old) = stored.get(&(p.year, p.code.as_str())) {
            if let Err(e) = may_file_project(actor, tree, old) {
                denied.push(format!("{} {}: {e}", p.year, p.code));
            }
        }
    }
    for m in &ledger.monthly {
        if let Err(e) = may_file_project(actor, tree, project(m.year, &m.code)) {
            denied.push(format!("{} {}: {e}", m.code, m.period()));
        }
    }
    for p in &ledger.problems {
        if let Subject::KeyProject { year, code } = &p.subject {
            if let Err(e) = may_file_problem(actor, tree, p, None, Some(project(*year, code))) {
                denied.push(format!("{} {}: {e}", p.subject, p.raised));
            }
        }
    }
    denied
}

#[cfg(test)]
mod tests {
    use super::*;
    use digecon_core::{Period, Region, RegionLevel};

    use crate::item::ItemKey;
    use crate::projects::{ProjectKind, ProjectStatus};

    fn actor(role: Role, region: Option<&str>, dept: Option<&str>) -> Actor {
        Actor { username: "u".into(), role, region_code: region.map(Into::into), department_code: dept.map(Into::into) }
    }

    fn item() -> LedgerItem {
        LedgerItem {
            key: ItemKey::task("jx-2022-workplan", 1),
            group: String::new(),
            title: String::new(),
            text: String::new(),
            lead_units: vec!["360000-most".into()],
            lead_units_text: "省科技厅".into(),
            coop_units: vec!["360000-drc".into()],
            coop_units_text: "省发改委".into(),
            start: Period::Month(2022, 1),
            due: Period::Month(2022, 12),
            goals: Vec::new(),
            not_goals: Vec::new(),
            milestones: Vec::new(),
        }
    }

    #[test]
    fn units_file_their_own_tasks_only() {
        let it = item();
        assert!(may_file_progress(&actor(Role::Department, None, Some("360000-most")), &it, "360000-most").is_ok());
        assert!(may_file_progress(&actor(Role::Department, None, Some("360000-drc")), &it, "360000-drc").is_ok(), "its part");
        assert!(may_file_progress(&actor(Role::Department, None, Some("360000-drc")), &it, "360000-most").is_err(), "not for the lead");
        assert!(may_file_progress(&actor(Role::Department, None, Some("360000-miit")), &it, "360000-miit").is_err());
        assert!(may_file_progress(&actor(Role::ProvinceOffice, None, None), &it, "360000-most").is_ok());
        assert!(may_file_progress(&actor(Role::Viewer, Some("360000"), None), &it, "360000-most").is_err());
    }

    #[test]
    fn projects_are_filed_within_the_region_or_by_the_lead_unit() {
        let r = |code: &str, level, parent: Option<&str>| Region { code: code.into(), name_zh: code.into(), name_en: String::new(), level, parent_code: parent.map(Into::into) };
        let tree = RegionTree::new(&[
            r("360000", RegionLevel::Province, None),
            r("360700", RegionLevel::City, Some("360000")),
            r("360702", RegionLevel::County, Some("360700")),
            r("360100", RegionLevel::City, Some("360000")),
        ]);
        let p = KeyProject {
            year: 2022,
            code: "P".into(),
            name: String::new(),
            region_code: "360702".into(),
            industry: String::new(),
            kind: ProjectKind::Industry,
            total_investment: 0.0,
            planned_investment: 0.0,
            start: Period::Month(2022, 1),
            end: Period::Month(2022, 12),
            lead_unit: "360000-miit".into(),
            status: ProjectStatus::UnderConstruction,
            synthetic: false,
            recorded_by: String::new(),
            recorded_at: String::new(),
        };
        assert!(may_file_project(&actor(Role::County, Some("360702"), None), &tree, &p).is_ok());
        assert!(may_file_project(&actor(Role::City, Some("360700"), None), &tree, &p).is_ok());
        assert!(may_file_project(&actor(Role::City, Some("360100"), None), &tree, &p).is_err());
        assert!(may_file_project(&actor(Role::Department, None, Some("360000-miit")), &tree, &p).is_ok());
        assert!(may_file_project(&actor(Role::Viewer, Some("360000"), None), &tree, &p).is_err());
    }
}
