//! Data collection storage: forms, filings, filed values, their audit trail and comments.
//!
//! The decisions (who may do what, rules, outliers, windows) are `digecon-collect`'s pure
//! functions; this module reads what they need and writes what they decide, each operation in
//! one transaction. Filed values are also observations: `provisional` from the first save,
//! `final` when the provincial office approves, `provisional` again if it reopens the filing —
//! each change kept in `observation_revisions` like any other change of an observation.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use digecon_collect::import::{self, ImportCatalog, ImportFile, ImportedValue, Problems};
use digecon_collect::rule::{Comparison, Rule};
use digecon_collect::{
    local_date, rates, transition, validate, Action, Bound, Denied, Filer, FilerSpec, FilerStatus, FilingContext,
    FilingState, FilingWindow, Form, FormIndicator, FormSet, OutlierFlag, RateRow, RuleResult, Template, TemplateRow,
    Validation, WindowPosition,
};
use digecon_core::{Accumulation, Actor, Department, Indicator, Located, Observation, ObservationStatus, Period, Region, RegionTree, Source};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use sqlx::{AssertSqlSafe, Row};

use crate::observations::{upsert_batch_in, values_list};
use crate::write::{ChangeKind, Transient, WriteTx};
use crate::{parse_stored, Result, Store, StoreError};

mod read;
mod sql;
mod workflow;

pub(crate) use sql::insert_forms;
use sql::*;

/// Why a collection operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The file (or the entered values) has problems; nothing was written.
    #[error("{0}")]
    Rejected(Problems),
    /// The action is not allowed for this actor or in this state.
    #[error("{0}")]
    Denied(#[from] Denied),
    /// The filing cannot move on yet (missing values, failed rules, unexplained warnings, window).
    #[error("{}", blocked_text(.0))]
    Blocked(Vec<String>),
    #[error("不存在 / not found: {0}")]
    NotFound(String),
    /// The filing changed since the caller read it (its `If-Match` no longer holds).
    #[error("{0}")]
    Stale(Stale),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Transient for CollectError {
    fn is_transient(&self) -> bool {
        matches!(self, CollectError::Store(e) if e.is_transient())
    }
}

/// Who changed a filing last, and its version now: what a 412 tells the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub filer: String,
    pub etag: String,
    pub changed_by: String,
    pub changed_at: String,
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.changed_by.is_empty() {
            write!(f, "{} 的填报已被他人修改 / the filing of {} changed since you read it", self.filer, self.filer)
        } else {
            write!(
                f,
                "{} 的填报已被他人修改：{} 于 {} / the filing of {} was changed by {} at {} since you read it; reload it",
                self.filer, self.changed_by, self.changed_at, self.filer, self.changed_by, self.changed_at
            )
        }
    }
}

/// The version a writer read: an `If-Match` ETag for one filer's filing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    pub filer: String,
    pub etag: String,
}

fn blocked_text(v: &[String]) -> String {
    let mut s = format!("无法继续，{} 处问题 / cannot proceed, {} problem(s):", v.len(), v.len());
    for m in v {
        s.push_str("\n  ");
        s.push_str(m);
    }
    s
}

impl From<sqlx::Error> for CollectError {
    fn from(e: sqlx::Error) -> Self {
        CollectError::Store(StoreError::Sql(e))
    }
}

/// A filing as stored (timestamps RFC 3339, UTC).
#[derive(Debug, Clone, PartialEq)]
pub struct Filing {
    pub id: i64,
    pub form_code: String,
    pub filer: Filer,
    pub period: Period,
    pub state: FilingState,
    pub created_at: String,
    pub updated_at: String,
    pub first_submitted_at: Option<String>,
    pub submitted_at: Option<String>,
    pub approved_at: Option<String>,
    /// Incremented by every write to the filing.
    pub version: i64,
}

/// The ETag of a filing that does not exist yet.
pub const NEW_FILING_ETAG: &str = "\"new\"";

impl Filing {
    /// Strong ETag: changes with every write to the filing, its values or its state.
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.id, self.version)
    }
}

/// The ETag of `filing` as stored, or of a filing that does not exist yet.
pub fn etag_of(filing: Option<&Filing>) -> String {
    filing.map_or_else(|| NEW_FILING_ETAG.to_string(), Filing::etag)
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(serde::Serialize, utoipa::ToSchema))]
pub struct FilingEvent {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub actor_role: String,
    pub action: Action,
    pub from_state: Option<FilingState>,
    pub to_state: FilingState,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValueChange {
    pub event_id: i64,
    pub indicator_code: String,
    pub old_value: Option<f64>,
    pub new_value: f64,
    pub at: String,
    pub actor: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FilingComment {
    pub at: String,
    pub actor: String,
    /// Non-empty: the explanation of this warning rule.
    pub rule_code: String,
    pub text: String,
}

/// A filing with everything recorded about it.
#[derive(Debug, Clone, PartialEq)]
pub struct FilingDetail {
    pub filing: Filing,
    pub values: BTreeMap<String, f64>,
    pub events: Vec<FilingEvent>,
    pub changes: Vec<ValueChange>,
    pub comments: Vec<FilingComment>,
}

/// Steps of a filing the entry page shows (the latest); the audit trail has them all.
pub const VIEW_EVENTS: i64 = 100;

/// What the entry page shows of one filing ([`Store::filing_view`]): its latest
/// [`VIEW_EVENTS`] steps, no value changes or comments.
#[derive(Debug, Clone)]
pub struct FilingView {
    /// `None`: nothing filed yet.
    pub detail: Option<FilingDetail>,
    pub rows: Vec<TemplateRow>,
    pub due: NaiveDate,
    pub validation: Validation,
}

impl FilingView {
    pub fn etag(&self) -> String {
        etag_of(self.detail.as_ref().map(|d| &d.filing))
    }
}

#[derive(Debug, Clone, Default)]
pub struct FilingFilter {
    pub form: Option<String>,
    pub filer: Option<String>,
    pub period: Option<Period>,
    pub state: Option<FilingState>,
}

/// What a save or an import did, value by value, plus what the filer should look at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SaveSummary {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Values not written (all of them when the file is rejected; 0 otherwise).
    pub rejected: u64,
    pub filings_created: u64,
    /// Failed warning rules, by filer code: they need a comment at submission.
    pub warnings: Vec<(String, RuleResult)>,
    /// Outlier flags, by filer code: shown, never blocking.
    pub outliers: Vec<(String, OutlierFlag)>,
    /// The new ETag of every filing written, by filer code.
    pub etags: Vec<(String, String)>,
}

/// One line of the audit trail: a step of a filing, or a value change within a save.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(serde::Serialize, utoipa::ToSchema))]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub actor_role: String,
    pub form_code: String,
    pub filer_code: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2023-03"))]
    pub period: Period,
    pub action: Action,
    pub from_state: Option<FilingState>,
    pub to_state: FilingState,
    /// Set for a value change.
    pub indicator_code: Option<String>,
    pub old_value: Option<f64>,
    pub new_value: Option<f64>,
    /// The event's comment or the change's reason.
    pub comment: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub form: Option<String>,
    pub filer: Option<String>,
    pub period: Option<Period>,
    pub indicator: Option<String>,
    pub actor: Option<String>,
}

/// The reference data every collection operation needs: read once per dataset load and kept
/// (see [`Store::reference`]).
pub(crate) struct Reference {
    regions: Vec<Region>,
    departments: Vec<Department>,
    indicators: Vec<Indicator>,
    forms: Vec<Form>,
    bounds: Vec<Bound>,
    tree: RegionTree,
}

impl Reference {
    fn form(&self, code: &str) -> std::result::Result<&Form, CollectError> {
        self.forms.iter().find(|f| f.code == code).ok_or_else(|| CollectError::NotFound(format!("报表 / form `{code}`")))
    }

    fn filer(&self, form: &Form, code: &str) -> std::result::Result<Filer, CollectError> {
        form.filer(code, &self.regions, &self.departments).ok_or_else(|| {
            CollectError::NotFound(format!("{code} 不填报报表 {} / `{code}` does not file form {}", form.code, form.code))
        })
    }

    fn accumulation(&self) -> HashMap<String, Accumulation> {
        self.indicators.iter().map(|i| (i.code.clone(), i.accumulation)).collect()
    }
}

pub(super) fn filed_observation(form: &Form, filing: &Filing, indicator: &str, value: f64, status: ObservationStatus) -> Observation {
    Observation {
        region_code: filing.filer.region_code().to_string(),
        indicator_code: indicator.to_string(),
        period: filing.period,
        value,
        status,
        source: Source { doc: format!("filing:{}/{}/{}", form.code, filing.filer.code(), filing.period), quote: form.name_zh.clone() },
        synthetic: false,
    }
}

/// The advisory lock key of one filing (PostgreSQL; see `WriteTx::lock`).
pub(super) fn filing_lock(form: &str, filer: &str, period: Period) -> String {
    format!("filing:{form}/{filer}/{period}")
}

/// The entry rows of one filer's filing: each indicator of the form with its value and last
/// period's stored value.
pub(super) fn template_rows(r: &Reference, form: &Form, filer: &Filer, period: Period, values: &BTreeMap<String, f64>, history: &HashMap<String, BTreeMap<Period, f64>>) -> Vec<TemplateRow> {
    let name = match filer {
        Filer::Region { code } => r.regions.iter().find(|x| &x.code == code).map(|x| x.name_zh.clone()),
        Filer::Department { code, .. } => r.departments.iter().find(|x| &x.code == code).map(|x| x.name_zh.clone()),
    }
    .unwrap_or_default();
    form.indicators
        .iter()
        .map(|fi| {
            let ind = r.indicators.iter().find(|i| i.code == fi.indicator_code);
            TemplateRow {
                filer: filer.clone(),
                filer_name: name.clone(),
                indicator_code: fi.indicator_code.clone(),
                indicator_name: ind.map(|i| i.name_zh.clone()).unwrap_or_default(),
                unit: ind.map(|i| i.unit.clone()).unwrap_or_default(),
                decimals: fi.decimals,
                required: fi.required,
                previous: history.get(&fi.indicator_code).and_then(|s| s.get(&period.prev())).copied(),
                value: values.get(&fi.indicator_code).copied(),
            }
        })
        .collect()
}

pub(super) fn window_problem(form: &Form, period: Period, at: DateTime<Utc>) -> Option<String> {
    let w = form.window.dates(period);
    match w.position(local_date(at)) {
        WindowPosition::Open | WindowPosition::Late => None,
        WindowPosition::NotYetOpen => Some(format!(
            "填报尚未开始 / the filing window of {} {period} opens on {}",
            form.code, w.opens
        )),
        WindowPosition::Closed => Some(format!(
            "填报已截止 / the filing window of {} {period} closed on {} (the provincial office can reopen it)",
            form.code, w.closes
        )),
    }
}
