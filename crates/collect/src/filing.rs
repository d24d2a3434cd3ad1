//! The filing state machine (填报 → 上报 → 审核 → 审定) and who may move a filing.
//!
//! ```text
//!            save                submit             approve (city)        approve (province)
//!   (none) ───────► draft ───────────────► submitted ───────────► city_approved ───────────► approved
//!                     ▲                     │  return (with comment)   │ return                 │ reopen
//!                     │                     ▼                          ▼                        ▼
//!                     └──── save ◄──────  returned ◄───────────────────┴────────────────────────┘
//! ```
//!
//! Approval levels follow the users of PRODUCT.md: a county files and its city reviews (审核),
//! then the provincial office approves (审定); a city, a provincial department or the province
//! itself is reviewed by the provincial office only; a municipal department (e.g. Ganzhou's
//! 市工信局) is reviewed by its city first, then by the provincial office. The city step is
//! never skipped: the provincial office returns a filing rather than approving over the city.
//! `approved` is locked: only the provincial office can reopen it (to `returned`, with a
//! comment), which also serves as the exception for a filing whose window has closed.
//! Returns always go back to the filer. The filer may withdraw (撤回) a submission back to
//! `draft` as long as no reviewer has acted on it (state `submitted`), e.g. to correct a value it
//! noticed after submitting; once a city has approved it, only a return can send it back.

use std::fmt;
use std::str::FromStr;

use digecon_core::{Actor, RegionLevel, RegionTree, Role};
use serde::{Deserialize, Serialize};

use crate::form::Filer;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FilingState {
    /// 草稿: being filled in.
    Draft,
    /// 已上报: waiting for the first review.
    Submitted,
    /// 市级已审核: waiting for the provincial office.
    CityApproved,
    /// 已审定: final and locked.
    Approved,
    /// 已退回: back with the filer (returned by a reviewer, or reopened by the provincial office).
    Returned,
}

impl FilingState {
    pub const ALL: &'static [FilingState] =
        &[FilingState::Draft, FilingState::Submitted, FilingState::CityApproved, FilingState::Approved, FilingState::Returned];

    pub fn as_str(&self) -> &'static str {
        match self {
            FilingState::Draft => "draft",
            FilingState::Submitted => "submitted",
            FilingState::CityApproved => "city_approved",
            FilingState::Approved => "approved",
            FilingState::Returned => "returned",
        }
    }

    pub fn as_zh(&self) -> &'static str {
        match self {
            FilingState::Draft => "草稿",
            FilingState::Submitted => "已上报",
            FilingState::CityApproved => "市级已审核",
            FilingState::Approved => "已审定",
            FilingState::Returned => "已退回",
        }
    }

    /// The filer may change values.
    pub fn is_editable(&self) -> bool {
        matches!(self, FilingState::Draft | FilingState::Returned)
    }

    /// Counts as filed (已报) for the filing rate.
    pub fn is_filed(&self) -> bool {
        matches!(self, FilingState::Submitted | FilingState::CityApproved | FilingState::Approved)
    }
}

impl fmt::Display for FilingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FilingState {
    type Err = String;
    fn from_str(s: &str) -> Result<FilingState, String> {
        FilingState::ALL.iter().copied().find(|x| x.as_str() == s).ok_or_else(|| {
            format!("无效的填报状态 / invalid filing state `{s}`: expected draft, submitted, city_approved, approved or returned")
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Enter or change values (web entry or import).
    Save,
    Submit,
    Approve,
    Return,
    Reopen,
    /// 撤回: the filer takes back a submission nobody has reviewed yet.
    Withdraw,
}

impl Action {
    /// Every action, so a list of what an actor may do cannot leave one out.
    pub const ALL: [Action; 6] = [Action::Save, Action::Submit, Action::Withdraw, Action::Approve, Action::Return, Action::Reopen];

    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Save => "save",
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::Return => "return",
            Action::Reopen => "reopen",
            Action::Withdraw => "withdraw",
        }
    }
    pub fn as_zh(&self) -> &'static str {
        match self {
            Action::Save => "保存",
            Action::Submit => "上报",
            Action::Approve => "审核通过",
            Action::Return => "退回",
            Action::Reopen => "重新打开",
            Action::Withdraw => "撤回",
        }
    }
}

impl Action {
    /// The workflow step a request names (`submit`, `approve`, `return`, `reopen`); saving is
    /// done by entering values, not named as a step.
    pub fn step(s: &str) -> Result<Action, String> {
        match s {
            "submit" => Ok(Action::Submit),
            "approve" => Ok(Action::Approve),
            "return" => Ok(Action::Return),
            "reopen" => Ok(Action::Reopen),
            "withdraw" => Ok(Action::Withdraw),
            _ => Err("应为 submit、withdraw、approve、return 或 reopen / expected submit, withdraw, approve, return or reopen".into()),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an action is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The actor may not do this to this filer (scope or role).
    #[error("无权操作 / not allowed: {0}")]
    NotAllowed(String),
    /// The filing is not in a state that allows the action.
    #[error("状态不允许 / not possible in state {state}: {message}")]
    WrongState { state: String, message: String },
    /// A return or a reopen needs a reason.
    #[error("需要填写意见 / a comment is required to {0}")]
    CommentRequired(&'static str),
}

/// The city that reviews a filer's filings before the provincial office, if any: the city above
/// a county (or a zone inside a city), or the city of a municipal department.
pub fn city_reviewer(filer: &Filer, tree: &RegionTree) -> Option<String> {
    let region = filer.region_code();
    let is_department = matches!(filer, Filer::Department { .. });
    let start = if is_department { Some(region) } else { tree.parent(region) };
    let city = start?;
    (tree.level(city) == Some(RegionLevel::City)).then(|| city.to_string())
}

/// Whether `actor` files for `filer`: the region's own staff (a county or city account whose
/// region is exactly the filer's), the department's own staff, or the provincial office / admin
/// filing on a unit's behalf. A city does not fill in its counties' forms: it reviews them.
pub fn is_filer(actor: &Actor, filer: &Filer) -> bool {
    if actor.is_global() {
        return true;
    }
    match filer {
        Filer::Region { code } => {
            matches!(actor.role, Role::County | Role::City) && actor.region_code.as_deref() == Some(code.as_str())
        }
        Filer::Department { code, .. } => actor.role == Role::Department && actor.department_code.as_deref() == Some(code.as_str()),
    }
}

/// Whether `filer` is one of `actor`'s own units — the ones listed as "yours" on a form. Like
/// [`is_filer`] but without the office's right to file on anyone's behalf, which would make every
/// unit the office's own.
pub fn is_own_filer(actor: &Actor, filer: &Filer) -> bool {
    !actor.is_global() && is_filer(actor, filer)
}

/// Whether `actor` may read `filer`'s filings: its filer, its reviewers, anyone whose region
/// subtree holds the filer's region.
pub fn can_view(actor: &Actor, filer: &Filer, tree: &RegionTree) -> bool {
    is_filer(actor, filer) || actor.can_see_region(tree, filer.region_code())
}

fn is_city_of(actor: &Actor, city: &str) -> bool {
    actor.role == Role::City && actor.region_code.as_deref() == Some(city)
}

/// Decides an action: the state after it, or why not. `state` is `None` when no filing exists
/// yet. Content checks (rules, required values, window) are the caller's: this is the who and
/// the when of the state machine only.
pub fn transition(
    action: Action,
    state: Option<FilingState>,
    actor: &Actor,
    filer: &Filer,
    tree: &RegionTree,
    comment: &str,
) -> Result<FilingState, Denied> {
    use FilingState::*;
    let wrong = |message: &str| Denied::WrongState {
        state: state.map_or_else(|| "none".to_string(), |s| s.to_string()),
        message: message.to_string(),
    };
    let reviewer = city_reviewer(filer, tree);
    let who = || format!("{} ({}) → {} {}", actor.username, actor.role, filer.kind(), filer.code());
    match action {
        Action::Save | Action::Submit => {
            if !is_filer(actor, filer) {
                return Err(Denied::NotAllowed(format!("只有填报单位可以填报和上报 / only the filer enters and submits: {}", who())));
            }
            match (action, state) {
                (Action::Save, None | Some(Draft)) => Ok(Draft),
                (Action::Save, Some(Returned)) => Ok(Returned),
                (Action::Submit, Some(Draft | Returned)) => Ok(Submitted),
                (Action::Submit, None) => Err(wrong("没有可上报的数据 / nothing has been entered yet")),
                _ => Err(wrong("已上报或已审定的填报已锁定 / a submitted or approved filing is locked; ask a reviewer to return it")),
            }
        }
        Action::Approve => match state {
            Some(Submitted) => match &reviewer {
                Some(city) if is_city_of(actor, city) => Ok(CityApproved),
                Some(city) => Err(Denied::NotAllowed(format!(
                    "须先由 {city} 审核 / the city {city} reviews this filing first: {}",
                    who()
                ))),
                None if actor.is_global() => Ok(Approved),
                None => Err(Denied::NotAllowed(format!("只有省级办公室可以审定 / only the provincial office approves: {}", who()))),
            },
            Some(CityApproved) if actor.is_global() => Ok(Approved),
            Some(CityApproved) => Err(Denied::NotAllowed(format!("只有省级办公室可以审定 / only the provincial office approves: {}", who()))),
            _ => Err(wrong("只有已上报的填报可以审核 / only a submitted filing can be approved")),
        },
        Action::Return => {
            let allowed = match state {
                Some(Submitted) => actor.is_global() || reviewer.as_deref().is_some_and(|c| is_city_of(actor, c)),
                Some(CityApproved) => actor.is_global(),
                _ => return Err(wrong("只有待审核的填报可以退回 / only a filing under review can be returned")),
            };
            if !allowed {
                return Err(Denied::NotAllowed(format!("不是当前审核人 / not the reviewer at this stage: {}", who())));
            }
            if comment.trim().is_empty() {
                return Err(Denied::CommentRequired("return"));
            }
            Ok(Returned)
        }
        Action::Withdraw => {
            if !is_filer(actor, filer) {
                return Err(Denied::NotAllowed(format!("只有填报单位可以撤回 / only the filer withdraws its submission: {}", who())));
            }
            match state {
                Some(Submitted) => Ok(Draft),
                _ => Err(wrong("只有尚未审核的已上报填报可以撤回 / only a submission no reviewer has acted on can be withdrawn")),
            }
        }
        Action::Reopen => {
            if !actor.is_global() {
                return Err(Denied::NotAllowed(format!("只有省级办公室可以重新打开 / only the provincial office reopens: {}", who())));
            }
            if !matches!(state, None | Some(Draft | Approved)) {
                return Err(wrong("只能重新打开已审定的填报，或为逾期未报的单位开放填报 / only an approved filing, or one not yet submitted, can be reopened"));
            }
            if comment.trim().is_empty() {
                return Err(Denied::CommentRequired("reopen"));
            }
            Ok(Returned)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use digecon_core::Region;

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
        ])
    }

    fn actor(role: Role, region: Option<&str>, dept: Option<&str>) -> Actor {
        Actor { username: "u".into(), role, region_code: region.map(Into::into), department_code: dept.map(Into::into) }
    }

    #[test]
    fn county_goes_through_city_then_province() {
        use FilingState::*;
        let t = tree();
        let f = Filer::Region { code: "360702".into() };
        let county = actor(Role::County, Some("360702"), None);
        let city = actor(Role::City, Some("360700"), None);
        let other_city = actor(Role::City, Some("360100"), None);
        let prov = actor(Role::ProvinceOffice, None, None);
        assert_eq!(city_reviewer(&f, &t).as_deref(), Some("360700"));
        assert_eq!(transition(Action::Save, None, &county, &f, &t, ""), Ok(Draft));
        assert!(matches!(transition(Action::Save, None, &city, &f, &t, ""), Err(Denied::NotAllowed(_))), "a city reviews, it does not fill in");
        assert!(matches!(transition(Action::Save, None, &actor(Role::County, Some("360703"), None), &f, &t, ""), Err(Denied::NotAllowed(_))));
        assert_eq!(transition(Action::Submit, Some(Draft), &county, &f, &t, ""), Ok(Submitted));
        assert!(matches!(transition(Action::Save, Some(Submitted), &county, &f, &t, ""), Err(Denied::WrongState { .. })), "locked");
        assert!(matches!(transition(Action::Approve, Some(Submitted), &prov, &f, &t, ""), Err(Denied::NotAllowed(_))), "the city step is not skipped");
        assert!(matches!(transition(Action::Approve, Some(Submitted), &other_city, &f, &t, ""), Err(Denied::NotAllowed(_))));
        assert_eq!(transition(Action::Return, Some(Submitted), &city, &f, &t, ""), Err(Denied::CommentRequired("return")));
        assert_eq!(transition(Action::Return, Some(Submitted), &city, &f, &t, "请核对"), Ok(Returned));
        assert_eq!(transition(Action::Save, Some(Returned), &county, &f, &t, ""), Ok(Returned));
        assert_eq!(transition(Action::Submit, Some(Returned), &county, &f, &t, ""), Ok(Submitted));
        assert_eq!(transition(Action::Approve, Some(Submitted), &city, &f, &t, ""), Ok(CityApproved));
        assert!(matches!(transition(Action::Approve, Some(CityApproved), &city, &f, &t, ""), Err(Denied::NotAllowed(_))));
        assert_eq!(transition(Action::Approve, Some(CityApproved), &prov, &f, &t, ""), Ok(Approved));
        assert!(matches!(transition(Action::Save, Some(Approved), &county, &f, &t, ""), Err(Denied::WrongState { .. })));
        assert!(matches!(transition(Action::Reopen, Some(Approved), &city, &f, &t, "x"), Err(Denied::NotAllowed(_))));
        assert_eq!(transition(Action::Reopen, Some(Approved), &prov, &f, &t, "更正"), Ok(Returned));
        assert!(matches!(transition(Action::Reopen, Some(Submitted), &prov, &f, &t, "x"), Err(Denied::WrongState { .. })));
    }

    #[test]
    fn a_filer_withdraws_a_submission_until_it_is_reviewed() {
        use FilingState::*;
        let t = tree();
        let f = Filer::Region { code: "360702".into() };
        let county = actor(Role::County, Some("360702"), None);
        let neighbour = actor(Role::County, Some("360703"), None);
        let city = actor(Role::City, Some("360700"), None);
        assert_eq!(transition(Action::Withdraw, Some(Submitted), &county, &f, &t, ""), Ok(Draft));
        assert!(matches!(transition(Action::Withdraw, Some(Submitted), &neighbour, &f, &t, ""), Err(Denied::NotAllowed(_))));
        assert!(matches!(transition(Action::Withdraw, Some(Submitted), &city, &f, &t, ""), Err(Denied::NotAllowed(_))), "a reviewer returns, it does not withdraw");
        for s in [None, Some(Draft), Some(CityApproved), Some(Approved), Some(Returned)] {
            assert!(matches!(transition(Action::Withdraw, s, &county, &f, &t, ""), Err(Denied::WrongState { .. })), "{s:?}");
        }
        // Withdrawn, it is a draft again: saved and submitted as before.
        assert_eq!(transition(Action::Save, Some(Draft), &county, &f, &t, ""), Ok(Draft));
        assert_eq!(transition(Action::Submit, Some(Draft), &county, &f, &t, ""), Ok(Submitted));
        assert_eq!(Action::Withdraw.as_str(), "withdraw");
    }

    #[test]
    fn who_files_who_reviews_who_sees() {
        let t = tree();
        let f = Filer::Region { code: "360702".into() };
        let county = actor(Role::County, Some("360702"), None);
        let neighbour = actor(Role::County, Some("360703"), None);
        let city = actor(Role::City, Some("360700"), None);
        let prov = actor(Role::ProvinceOffice, None, None);
        // The county files its own form; the office may file on its behalf but it is not "its".
        assert!(is_filer(&county, &f) && is_own_filer(&county, &f));
        assert!(is_filer(&prov, &f) && !is_own_filer(&prov, &f));
        // The city reviews and sees, but does not file; a neighbour sees nothing.
        assert!(!is_filer(&city, &f) && can_view(&city, &f, &t));
        assert!(!is_filer(&neighbour, &f) && !can_view(&neighbour, &f, &t));
    }

    #[test]
    fn a_request_names_one_of_five_steps() {
        assert_eq!(Action::step("withdraw"), Ok(Action::Withdraw));
        assert_eq!(Action::step("submit"), Ok(Action::Submit));
        assert_eq!(Action::step("reopen"), Ok(Action::Reopen));
        for bad in ["save", "Submit", ""] {
            assert!(Action::step(bad).unwrap_err().contains("expected submit, withdraw, approve, return or reopen"), "{bad}");
        }
    }

    #[test]
    fn cities_and_departments() {
        let t = tree();
        let city_filer = Filer::Region { code: "360700".into() };
        let city = actor(Role::City, Some("360700"), None);
        let prov = actor(Role::ProvinceOffice, None, None);
        assert_eq!(city_reviewer(&city_filer, &t), None, "a city is reviewed by the province only");
        assert!(matches!(transition(Action::Approve, Some(FilingState::Submitted), &city, &city_filer, &t, ""), Err(Denied::NotAllowed(_))), "no self-approval");
        assert_eq!(transition(Action::Approve, Some(FilingState::Submitted), &prov, &city_filer, &t, ""), Ok(FilingState::Approved));

        let dept = Filer::Department { code: "360700-miit".into(), region_code: "360700".into() };
        assert_eq!(city_reviewer(&dept, &t).as_deref(), Some("360700"), "a municipal department is reviewed by its city");
        let staff = actor(Role::Department, None, Some("360700-miit"));
        assert!(is_filer(&staff, &dept) && !is_filer(&actor(Role::Department, None, Some("360700-drc")), &dept));
        assert_eq!(transition(Action::Approve, Some(FilingState::Submitted), &city, &dept, &t, ""), Ok(FilingState::CityApproved));
        let prov_dept = Filer::Department { code: "360000-stats".into(), region_code: "360000".into() };
        assert_eq!(city_reviewer(&prov_dept, &t), None);
        assert!(can_view(&city, &Filer::Region { code: "360703".into() }, &t));
        assert!(!can_view(&actor(Role::County, Some("360702"), None), &Filer::Region { code: "360703".into() }, &t));
    }
}
