//! Filing (数据采集): each step a person takes on a report form, written once for the web and
//! `digecon forms` / `digecon filings`. Who may do what is decided by `digecon_collect::filing`;
//! the store checks it again inside each write.
//!
//! - reading: [`forms`] (the forms an actor files or reviews, with the period open today),
//!   [`filings`], [`detail`] (the entry page), [`audit`];
//! - [`entry`]: [`save_values`], [`read_upload`] + [`import`], [`template`];
//! - [`workflow`]: [`act`] (submit, approve, return, reopen);
//! - [`rates`]: 报送率 / 及时率.
//!
//! A filing is named by form, filer and period as the request gives them; each use case resolves
//! them in one order — form, filer, scope, then the period against the form's frequency — so an
//! outsider is refused before it learns anything from a validation message.

mod entry;
pub mod rates;
mod workflow;

use chrono::NaiveDate;
use digecon_collect::filing::{can_view, is_own_filer, transition, Action, FilingState};
use digecon_collect::{Filer, Form, FormSet, WindowDates};
use digecon_core::{Actor, Department, Period, Region, RegionTree};
use digecon_store::collect::{AuditEntry, AuditFilter, Filing, FilingFilter, FilingView};
use digecon_store::Store;

pub use entry::{import, read_upload, save_values, template, Saved, Screen, Upload};
pub use rates::{rate_groups, rates, rates_in_scope, RatesReport};
pub use workflow::{act, ActionRequest};

use crate::error::{AppError, Invalid, Result};

/// What the filing use cases read of the catalogue: the server lends its cached copy, the CLI
/// reads one with [`LoadedCatalogue::load`].
#[derive(Clone, Copy)]
pub struct Catalogue<'a> {
    pub forms: &'a FormSet,
    pub regions: &'a [Region],
    pub departments: &'a [Department],
    pub tree: &'a RegionTree,
}

impl Catalogue<'_> {
    /// The filer's name: its region's or its department's (empty if neither is known).
    pub fn filer_name(&self, f: &Filer) -> String {
        let name = match f {
            Filer::Region { code } => self.regions.iter().find(|r| &r.code == code).map(|r| &r.name_zh),
            Filer::Department { code, .. } => self.departments.iter().find(|d| &d.code == code).map(|d| &d.name_zh),
        };
        name.cloned().unwrap_or_default()
    }

    /// Whether `actor` may read the filings of `filer_code` for `form_code` (an unknown form or
    /// filer: no).
    pub fn can_view(&self, actor: &Actor, form_code: &str, filer_code: &str) -> bool {
        self.forms
            .form(form_code)
            .and_then(|f| f.filer(filer_code, self.regions, self.departments))
            .is_some_and(|fl| can_view(actor, &fl, self.tree))
    }
}

/// The catalogue read from the store, for a caller without a cache.
pub struct LoadedCatalogue {
    pub forms: FormSet,
    pub regions: Vec<Region>,
    pub departments: Vec<Department>,
    pub tree: RegionTree,
}

impl LoadedCatalogue {
    pub async fn load(store: &Store) -> Result<LoadedCatalogue> {
        let regions = store.regions().await?;
        let tree = RegionTree::new(&regions);
        Ok(LoadedCatalogue { forms: store.form_set().await?, departments: store.departments().await?, regions, tree })
    }

    pub fn view(&self) -> Catalogue<'_> {
        Catalogue { forms: &self.forms, regions: &self.regions, departments: &self.departments, tree: &self.tree }
    }
}

/// The form named `code`.
pub fn form(cat: Catalogue<'_>, code: &str) -> Result<Form> {
    cat.forms.form(code).cloned().ok_or_else(|| AppError::NotFound(format!("form {code}")))
}

/// The form and one of its filers, if `actor` may read that filer's filings.
pub fn resolve(cat: Catalogue<'_>, actor: &Actor, form_code: &str, filer_code: &str) -> Result<(Form, Filer)> {
    let f = form(cat, form_code)?;
    let fl = f
        .filer(filer_code, cat.regions, cat.departments)
        .ok_or_else(|| AppError::NotFound(format!("filer {filer_code} of form {form_code}")))?;
    if !can_view(actor, &fl, cat.tree) {
        return Err(AppError::Forbidden(format!("filer {filer_code}")));
    }
    Ok((f, fl))
}

/// The period a request names, read and checked against the form's frequency.
pub fn period_of(f: &Form, s: &str) -> Result<Period> {
    f.parse_period(s).map_err(|m| AppError::Invalid(vec![Invalid::new("period", m)]))
}

/// A form as an actor sees it on `today`.
#[derive(Debug, Clone)]
pub struct OpenForm {
    pub form: Form,
    /// The filers this actor files for (none for the offices, who may file for anyone).
    pub my_filers: Vec<Filer>,
    /// The period open for filing today (the latest one whose window has opened), and its dates.
    pub period: Period,
    pub window: WindowDates,
}

/// The forms `actor` files or reviews: those with at least one filer in its scope.
pub fn forms(cat: Catalogue<'_>, actor: &Actor, today: NaiveDate) -> Vec<OpenForm> {
    let mut out = Vec::new();
    for f in &cat.forms.forms {
        let filers = f.expected_filers(cat.regions, cat.departments);
        if !filers.iter().any(|x| can_view(actor, x, cat.tree)) {
            continue;
        }
        let period = f.current_period(today);
        out.push(OpenForm {
            window: f.window.dates(period),
            period,
            my_filers: filers.into_iter().filter(|x| is_own_filer(actor, x)).collect(),
            form: f.clone(),
        });
    }
    out
}

/// The filings matching `filter` that `actor` may read.
pub async fn filings(store: &Store, cat: Catalogue<'_>, actor: &Actor, filter: &FilingFilter) -> Result<Vec<Filing>> {
    let list = store.filings(filter).await?;
    Ok(list.into_iter().filter(|f| can_view(actor, &f.filer, cat.tree)).collect())
}

/// The entry page of one filing: the grid with last period's values, the rule results, the
/// latest steps, and what the actor may do now.
#[derive(Debug, Clone)]
pub struct FilingPage {
    pub form: Form,
    pub filer: Filer,
    pub period: Period,
    /// Read in one transaction: the ETag vouches for exactly these values.
    pub view: FilingView,
    pub etag: String,
    /// The actions the actor may take now (who and state only; content checks come on the action).
    pub allowed: Vec<Action>,
}

impl FilingPage {
    pub fn state(&self) -> Option<FilingState> {
        self.view.detail.as_ref().map(|d| d.filing.state)
    }

    pub fn may(&self, a: Action) -> bool {
        self.allowed.contains(&a)
    }
}

/// One filing as `actor` sees it.
pub async fn detail(store: &Store, cat: Catalogue<'_>, actor: &Actor, form_code: &str, filer_code: &str, period: &str) -> Result<FilingPage> {
    let (f, fl) = resolve(cat, actor, form_code, filer_code)?;
    let p = period_of(&f, period)?;
    let view = store.filing_view(&f.code, fl.code(), p).await?;
    let state = view.detail.as_ref().map(|d| d.filing.state);
    // The comment is a placeholder: whether one is given is checked on the action itself.
    let allowed = Action::ALL
        .into_iter()
        .filter(|a| transition(*a, state, actor, &fl, cat.tree, "x").is_ok())
        .collect();
    Ok(FilingPage { etag: view.etag(), form: f, filer: fl, period: p, view, allowed })
}

/// The audit trail of the filings matching `filter` that `actor` may read, oldest first.
pub async fn audit(store: &Store, cat: Catalogue<'_>, actor: &Actor, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
    let entries = store.audit(filter).await?;
    Ok(entries.into_iter().filter(|e| cat.can_view(actor, &e.form_code, &e.filer_code)).collect())
}

/// Checks free text of a request (reasons, comments): control characters are refused, by field.
fn check_text(v: &mut Vec<Invalid>, field: &str, value: &str) {
    if let Some((pos, c)) = digecon_core::text::find_control(value) {
        v.push(Invalid::new(field, digecon_core::text::control_message(pos, c)));
    }
}

fn finish(v: Vec<Invalid>) -> Result<()> {
    if v.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(v))
    }
}
