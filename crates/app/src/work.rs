//! A day's work (待办) and the notices between reviewers and filers: what waits for the actor
//! (filings to review; its own returned and overdue filings; unread notices), reminders to file
//! (催报) and bulk review. Every decision on a filing goes through the same workflow action as a
//! single one (`Store::filing_action`), so a bulk approval is N approvals, each allowed or refused
//! on its own.

use chrono::{DateTime, NaiveDate, Utc};
use digecon_collect::filing::{is_filer, transition};
use digecon_collect::{Action, Filer, FilingState, Form};
use digecon_core::{Actor, Department, Period, Region, RegionTree, Role};
use digecon_store::collect::FilingFilter;
use digecon_store::notices::{NewNotice, Notice, NoticeKind};
use digecon_store::Store;

use crate::error::{AppError, Invalid, Result};

/// Why an item is on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TodoKind {
    /// 待审核: submitted (or city-approved) and the actor is the reviewer at this stage.
    Review,
    /// 已退回: the actor's own filing came back and waits for a correction.
    Returned,
    /// 已逾期: the actor's own filing is past its due date and not filed.
    Overdue,
}

impl TodoKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TodoKind::Review => "review",
            TodoKind::Returned => "returned",
            TodoKind::Overdue => "overdue",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TodoItem {
    pub kind: TodoKind,
    pub form_code: String,
    pub filer: Filer,
    pub period: Period,
    /// `None`: nothing entered yet.
    pub state: Option<FilingState>,
    pub due: NaiveDate,
    /// When it reached this state (submitted or last changed), if it exists.
    pub since: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Todo {
    /// Review items first (oldest submission first), then returned, then overdue.
    pub items: Vec<TodoItem>,
    pub unread_notices: usize,
}

impl Todo {
    pub fn count(&self, kind: TodoKind) -> usize {
        self.items.iter().filter(|i| i.kind == kind).count()
    }
}

/// The units an actor files for and so receives notices for: a county's or city's region, a
/// department. The provincial office files on a unit's behalf but is nobody's addressee.
pub fn own_units(actor: &Actor) -> Vec<String> {
    match actor.role {
        Role::County | Role::City => actor.region_code.iter().cloned().collect(),
        Role::Department => actor.department_code.iter().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The periods whose filing an own filer is checked for lateness: the one open today and the one
/// before it (older periods are the provincial office's to reopen, not a daily to-do).
fn periods_to_check(form: &Form, today: NaiveDate) -> [Period; 2] {
    let p = form.current_period(today);
    [p.prev(), p]
}

/// What waits for `actor` as of `today` (China Standard Time).
pub async fn todo(store: &Store, tree: &RegionTree, actor: &Actor, today: NaiveDate) -> Result<Todo> {
    let forms = store.forms().await?;
    let (regions, departments): (Vec<Region>, Vec<Department>) = (store.regions().await?, store.departments().await?);
    let mut items = Vec::new();
    // To review: every filing waiting at a stage where this actor is the reviewer.
    for state in [FilingState::Submitted, FilingState::CityApproved] {
        for f in store.filings(&FilingFilter { state: Some(state), ..Default::default() }).await? {
            if transition(Action::Approve, Some(state), actor, &f.filer, tree, "x").is_ok() {
                let due = forms.iter().find(|x| x.code == f.form_code).map(|x| x.window.dates(f.period).due).unwrap_or(today);
                items.push(TodoItem { kind: TodoKind::Review, form_code: f.form_code, filer: f.filer, period: f.period, state: Some(state), due, since: f.submitted_at });
            }
        }
    }
    items.sort_by(|a, b| a.since.cmp(&b.since));
    // Own filings: returned ones, and late ones not yet filed.
    if !own_units(actor).is_empty() {
        for form in &forms {
            let mine: Vec<Filer> = form.expected_filers(&regions, &departments).into_iter().filter(|f| is_filer(actor, f)).collect();
            if mine.is_empty() {
                continue;
            }
            let filings = store.filings(&FilingFilter { form: Some(form.code.clone()), ..Default::default() }).await?;
            for filer in &mine {
                for f in filings.iter().filter(|f| f.filer.code() == filer.code() && f.state == FilingState::Returned) {
                    items.push(TodoItem {
                        kind: TodoKind::Returned,
                        form_code: form.code.clone(),
                        filer: filer.clone(),
                        period: f.period,
                        state: Some(f.state),
                        due: form.window.dates(f.period).due,
                        since: Some(f.updated_at.clone()),
                    });
                }
                for p in periods_to_check(form, today) {
                    let due = form.window.dates(p).due;
                    let f = filings.iter().find(|f| f.filer.code() == filer.code() && f.period == p);
                    let state = f.map(|f| f.state);
                    if due < today && !state.is_some_and(|s| s.is_filed() || s == FilingState::Returned) {
                        items.push(TodoItem { kind: TodoKind::Overdue, form_code: form.code.clone(), filer: filer.clone(), period: p, state, due, since: f.map(|f| f.updated_at.clone()) });
                    }
                }
            }
        }
    }
    let unread_notices = store.notices_for(&own_units(actor), 1000).await?.iter().filter(|n| n.read_at.is_none()).count();
    Ok(Todo { items, unread_notices })
}

/// The actor's unit's notices, newest first (at most 200).
pub async fn notices(store: &Store, actor: &Actor) -> Result<Vec<Notice>> {
    Ok(store.notices_for(&own_units(actor), 200).await?)
}

/// Marks one of the actor's unit's notices read.
pub async fn read_notice(store: &Store, actor: &Actor, id: i64, at: DateTime<Utc>) -> Result<Notice> {
    let n = store.notice(id).await?.ok_or_else(|| AppError::NotFound(format!("通知 / notice {id}")))?;
    if !own_units(actor).contains(&n.filer_code) {
        return Err(AppError::Forbidden(format!("通知 / notice {id} is addressed to {}", n.filer_code)));
    }
    store.mark_notice_read(id, &actor.username, &stamp(at)).await?;
    Ok(store.notice(id).await?.expect("read just now"))
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// 催报: a reviewer (provincial office, or the city above the filer) asks a unit that has not
/// filed `form` for `period` to file; the notice is recorded with who sent it and when.
#[allow(clippy::too_many_arguments)]
pub async fn remind(store: &Store, tree: &RegionTree, actor: &Actor, form: &str, filer: &str, period: Period, message: &str, at: DateTime<Utc>) -> Result<Notice> {
    if !matches!(actor.role, Role::Admin | Role::ProvinceOffice | Role::City) {
        return Err(AppError::Forbidden("催报由审核单位发出 / reminders are sent by reviewers (provincial office, city)".into()));
    }
    let forms = store.forms().await?;
    let f = forms.iter().find(|f| f.code == form).ok_or_else(|| AppError::NotFound(format!("报表 / form {form}")))?;
    let fl = f
        .filer(filer, &store.regions().await?, &store.departments().await?)
        .ok_or_else(|| AppError::NotFound(format!("填报单位 / filer {filer} of form {form}")))?;
    // Scope before the period, so an outsider learns nothing from validation messages.
    if is_filer(actor, &fl) && !actor.is_global() || !actor.can_see_region(tree, fl.region_code()) {
        return Err(AppError::Forbidden(format!("{filer} 不在你的审核范围 / {filer} is not a unit you review")));
    }
    if !f.accepts_period(&period) {
        return Err(AppError::Invalid(vec![Invalid::new("period", format!("期间频率不符 / period {period} does not fit form {form} ({})", f.frequency))]));
    }
    if let Some(existing) = store.filing(form, filer, period).await? {
        if existing.state.is_filed() {
            return Err(AppError::Conflict(format!("{filer} 已上报 {form} {period}，无需催报 / {filer} has filed {form} {period} already ({})", existing.state.as_zh())));
        }
    }
    let text = if message.trim().is_empty() {
        format!("请尽快填报 {form} {period}（截止 {}）/ please file {form} {period} (due {})", f.window.dates(period).due, f.window.dates(period).due)
    } else {
        message.trim().to_string()
    };
    let n = NewNotice { filer: &fl, kind: NoticeKind::Remind, form_code: form, period, message: &text, created_by: &actor.username, created_at: &stamp(at) };
    Ok(store.send_notice(&n).await?)
}

/// One filing of a bulk action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingKey {
    pub form: String,
    pub filer: String,
    pub period: String,
}

/// The outcome of one filing in a bulk action: its new state, or why not.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkOutcome {
    pub key: FilingKey,
    pub result: std::result::Result<FilingState, String>,
}

/// Approves (or returns, with one comment) several filings, each through the workflow action
/// in its own transaction: one refused filing does not undo the others; each outcome is reported.
pub async fn bulk_action(store: &Store, actor: &Actor, keys: &[FilingKey], action: Action, comment: &str, at: DateTime<Utc>) -> Result<Vec<BulkOutcome>> {
    if !matches!(action, Action::Approve | Action::Return) {
        return Err(AppError::Invalid(vec![Invalid::new("action", "批量操作只支持 approve 或 return / bulk actions are approve or return")]));
    }
    if keys.is_empty() || keys.len() > 500 {
        return Err(AppError::Invalid(vec![Invalid::new("filings", "应为 1 至 500 项 / expected 1 to 500 filings")]));
    }
    let none = Default::default();
    let mut out = Vec::new();
    for k in keys {
        let result = match k.period.parse::<Period>() {
            Err(e) => Err(e.to_string()),
            Ok(p) => store.filing_action(&k.form, &k.filer, p, action, actor, comment, &none, at).await.map(|f| f.state).map_err(|e| e.to_string()),
        };
        out.push(BulkOutcome { key: k.clone(), result });
    }
    Ok(out)
}
