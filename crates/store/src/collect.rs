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
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub actor_role: String,
    pub form_code: String,
    pub filer_code: String,
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

fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn filing_from_row(r: &AnyRow) -> Result<Filing> {
    let kind: String = r.try_get(2)?;
    let code: String = r.try_get(3)?;
    let region: String = r.try_get(4)?;
    let period: String = r.try_get(5)?;
    let state: String = r.try_get(6)?;
    let filer = match kind.as_str() {
        "region" => Filer::Region { code },
        "department" => Filer::Department { code, region_code: region },
        other => return Err(StoreError::Corrupt(format!("filings.filer_kind `{other}`"))),
    };
    Ok(Filing {
        id: r.try_get(0)?,
        form_code: r.try_get(1)?,
        filer,
        period: parse_stored("filings.period", &period)?,
        state: parse_stored("filings.state", &state)?,
        created_at: r.try_get(7)?,
        updated_at: r.try_get(8)?,
        first_submitted_at: r.try_get(9)?,
        submitted_at: r.try_get(10)?,
        approved_at: r.try_get(11)?,
        version: r.try_get(12)?,
    })
}

const FILING_COLUMNS: &str = "id, form_code, filer_kind, filer_code, region_code, period, state, created_at, updated_at, first_submitted_at, submitted_at, approved_at, version";

async fn filing_in(tx: &mut AnyConnection, form: &str, filer: &str, period: Period) -> Result<Option<Filing>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {FILING_COLUMNS} FROM filings WHERE form_code = $1 AND filer_code = $2 AND period = $3"
    )))
    .bind(form)
    .bind(filer)
    .bind(period.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    row.as_ref().map(filing_from_row).transpose()
}

async fn values_in(tx: &mut AnyConnection, filing_id: i64) -> Result<BTreeMap<String, f64>> {
    let rows = sqlx::query("SELECT indicator_code, value FROM filing_values WHERE filing_id = $1")
        .bind(filing_id)
        .fetch_all(&mut *tx)
        .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

/// The region's stored observations, indicator → period → value.
async fn history_in(tx: &mut AnyConnection, region: &str) -> Result<HashMap<String, BTreeMap<Period, f64>>> {
    let rows = sqlx::query("SELECT indicator_code, period, value FROM observations WHERE region_code = $1")
        .bind(region)
        .fetch_all(&mut *tx)
        .await?;
    let mut out: HashMap<String, BTreeMap<Period, f64>> = HashMap::new();
    for r in &rows {
        let period: String = r.try_get(1)?;
        out.entry(r.try_get(0)?).or_default().insert(parse_stored("observations.period", &period)?, r.try_get(2)?);
    }
    Ok(out)
}

fn filed_observation(form: &Form, filing: &Filing, indicator: &str, value: f64, status: ObservationStatus) -> Observation {
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

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    tx: &mut WriteTx,
    filing_id: i64,
    at: &str,
    actor: &Actor,
    action: Action,
    from: Option<FilingState>,
    to: FilingState,
    comment: &str,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO filing_events (filing_id, at, actor, actor_role, action, from_state, to_state, comment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(filing_id)
    .bind(at)
    .bind(&actor.username)
    .bind(actor.role.as_str())
    .bind(action.as_str())
    .bind(from.map(|s| s.as_str()))
    .bind(to.as_str())
    .bind(comment)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get(0)?)
}

async fn create_filing(tx: &mut WriteTx, form: &str, filer: &Filer, period: Period, state: FilingState, at: &str) -> Result<Filing> {
    let row = sqlx::query(
        "INSERT INTO filings (form_code, filer_kind, filer_code, region_code, period, state, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(form)
    .bind(filer.kind())
    .bind(filer.code())
    .bind(filer.region_code())
    .bind(period.to_string())
    .bind(state.as_str())
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Filing {
        id: row.try_get(0)?,
        form_code: form.to_string(),
        filer: filer.clone(),
        period,
        state,
        created_at: at.to_string(),
        updated_at: at.to_string(),
        first_submitted_at: None,
        submitted_at: None,
        approved_at: None,
        version: 1,
    })
}

/// Who made the latest step of a filing, and when.
async fn last_event_in(conn: &mut AnyConnection, filing_id: i64) -> Result<Option<(String, String)>> {
    let row = sqlx::query("SELECT actor, at FROM filing_events WHERE filing_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(filing_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// Refuses a write whose `If-Match` no longer holds: the filing changed since the writer read it.
async fn check_expect(conn: &mut AnyConnection, filer: &str, existing: Option<&Filing>, expect: Option<&Expect>) -> std::result::Result<(), CollectError> {
    let Some(e) = expect.filter(|e| e.filer == filer) else { return Ok(()) };
    let current = etag_of(existing);
    // `*` matches any existing filing (RFC 9110).
    if e.etag == current || (e.etag == "*" && existing.is_some()) {
        return Ok(());
    }
    let (changed_by, changed_at) = match existing {
        Some(f) => last_event_in(conn, f.id).await?.unwrap_or_default(),
        None => Default::default(),
    };
    Err(CollectError::Stale(Stale { filer: filer.to_string(), etag: current, changed_by, changed_at }))
}

/// The advisory lock key of one filing (PostgreSQL; see `WriteTx::lock`).
fn filing_lock(form: &str, filer: &str, period: Period) -> String {
    format!("filing:{form}/{filer}/{period}")
}

/// One filing with its values, steps, value changes and comments, inside `tx`.
async fn detail_in(tx: &mut AnyConnection, form: &str, filer: &str, period: Period) -> Result<Option<FilingDetail>> {
    detail_with(tx, form, filer, period, None).await
}

/// [`detail_in`]; with `latest`, only the latest that many steps and no value changes or
/// comments (what the entry page shows; a filing saved a thousand times stays quick to open).
async fn detail_with(tx: &mut AnyConnection, form: &str, filer: &str, period: Period, latest: Option<i64>) -> Result<Option<FilingDetail>> {
    let Some(filing) = filing_in(tx, form, filer, period).await? else { return Ok(None) };
    let values = values_in(tx, filing.id).await?;
    let mut events = Vec::new();
    let rows = match latest {
        None => {
            sqlx::query("SELECT id, at, actor, actor_role, action, from_state, to_state, comment FROM filing_events WHERE filing_id = $1 ORDER BY id")
                .bind(filing.id)
                .fetch_all(&mut *tx)
                .await?
        }
        Some(n) => {
            let mut rows = sqlx::query(
                "SELECT id, at, actor, actor_role, action, from_state, to_state, comment FROM filing_events WHERE filing_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(filing.id)
            .bind(n)
            .fetch_all(&mut *tx)
            .await?;
            rows.reverse();
            rows
        }
    };
    for r in rows {
        let action: String = r.try_get(4)?;
        let from: Option<String> = r.try_get(5)?;
        let to: String = r.try_get(6)?;
        events.push(FilingEvent {
            id: r.try_get(0)?,
            at: r.try_get(1)?,
            actor: r.try_get(2)?,
            actor_role: r.try_get(3)?,
            action: parse_action(&action)?,
            from_state: from.map(|s| parse_stored("filing_events.from_state", &s)).transpose()?,
            to_state: parse_stored("filing_events.to_state", &to)?,
            comment: r.try_get(7)?,
        });
    }
    if latest.is_some() {
        return Ok(Some(FilingDetail { filing, values, events, changes: Vec::new(), comments: Vec::new() }));
    }
    let mut changes = Vec::new();
    for r in sqlx::query(
        "SELECT event_id, indicator_code, old_value, new_value, at, actor, reason FROM filing_value_changes WHERE filing_id = $1 ORDER BY id",
    )
    .bind(filing.id)
    .fetch_all(&mut *tx)
    .await?
    {
        changes.push(ValueChange {
            event_id: r.try_get(0)?,
            indicator_code: r.try_get(1)?,
            old_value: r.try_get(2)?,
            new_value: r.try_get(3)?,
            at: r.try_get(4)?,
            actor: r.try_get(5)?,
            reason: r.try_get(6)?,
        });
    }
    let mut comments = Vec::new();
    for r in sqlx::query("SELECT at, actor, rule_code, text FROM filing_comments WHERE filing_id = $1 ORDER BY id")
        .bind(filing.id)
        .fetch_all(&mut *tx)
        .await?
    {
        comments.push(FilingComment { at: r.try_get(0)?, actor: r.try_get(1)?, rule_code: r.try_get(2)?, text: r.try_get(3)? });
    }
    Ok(Some(FilingDetail { filing, values, events, changes, comments }))
}


/// The entry rows of one filer's filing: each indicator of the form with its value and last
/// period's stored value.
fn template_rows(r: &Reference, form: &Form, filer: &Filer, period: Period, values: &BTreeMap<String, f64>, history: &HashMap<String, BTreeMap<Period, f64>>) -> Vec<TemplateRow> {
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

fn window_problem(form: &Form, period: Period, at: DateTime<Utc>) -> Option<String> {
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

impl Store {
    /// The catalogue a collection operation checks against, read once and kept: only a dataset
    /// load changes it, and a load voids the kept copy through the change feed (in this process
    /// at once; a server applies other processes' loads before every request).
    async fn reference(&self) -> Result<std::sync::Arc<Reference>> {
        let epoch = self.catalog_epoch();
        if let Some((e, r)) = &*self.reference.lock().expect("reference lock") {
            if *e == epoch {
                return Ok(r.clone());
            }
        }
        let regions = self.regions().await?;
        let tree = RegionTree::new(&regions);
        let set = self.form_set().await?;
        let r = std::sync::Arc::new(Reference {
            departments: self.departments().await?,
            indicators: self.indicators().await?,
            forms: set.forms,
            bounds: set.bounds,
            regions,
            tree,
        });
        // Read before the catalogue: a load in between leaves this copy already stale.
        *self.reference.lock().expect("reference lock") = Some((epoch, r.clone()));
        Ok(r)
    }

    /// Every form with its filers, indicators and rules, in dataset order; and the outlier bounds.
    pub async fn form_set(&self) -> Result<FormSet> {
        let rows = sqlx::query(
            "SELECT code, name_zh, name_en, frequency, responsible_department, opens_days, due_days, closes_days,
                    reconstruction, basis, source_doc, source_quote
             FROM forms ORDER BY position",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut forms = Vec::new();
        for r in &rows {
            let frequency: String = r.try_get(3)?;
            let days = |i: usize| -> Result<i32> {
                let v: i64 = r.try_get(i)?;
                i32::try_from(v).map_err(|_| StoreError::Corrupt(format!("forms window days {v}")))
            };
            forms.push(Form {
                code: r.try_get(0)?,
                name_zh: r.try_get(1)?,
                name_en: r.try_get(2)?,
                frequency: parse_stored("forms.frequency", &frequency)?,
                filers: Vec::new(),
                responsible_department: r.try_get(4)?,
                window: FilingWindow { opens_days: days(5)?, due_days: days(6)?, closes_days: days(7)? },
                indicators: Vec::new(),
                rules: Vec::new(),
                reconstruction: r.try_get::<i64, _>(8)? != 0,
                basis: r.try_get(9)?,
                source: Source { doc: r.try_get(10)?, quote: r.try_get(11)? },
            });
        }
        let index: HashMap<String, usize> = forms.iter().enumerate().map(|(i, f)| (f.code.clone(), i)).collect();
        let slot = |code: &str| index.get(code).copied().ok_or_else(|| StoreError::Corrupt(format!("unknown form `{code}`")));
        for r in sqlx::query("SELECT form_code, spec FROM form_filers ORDER BY form_code, position").fetch_all(&self.pool).await? {
            let code: String = r.try_get(0)?;
            let spec: String = r.try_get(1)?;
            let i = slot(&code)?;
            forms[i].filers.push(parse_stored::<FilerSpec>("form_filers.spec", &spec)?);
        }
        for r in sqlx::query("SELECT form_code, indicator_code, decimals, required FROM form_indicators ORDER BY form_code, position")
            .fetch_all(&self.pool)
            .await?
        {
            let code: String = r.try_get(0)?;
            let i = slot(&code)?;
            let decimals: i64 = r.try_get(2)?;
            forms[i].indicators.push(FormIndicator {
                indicator_code: r.try_get(1)?,
                decimals: u8::try_from(decimals).map_err(|_| StoreError::Corrupt(format!("form_indicators.decimals {decimals}")))?,
                required: r.try_get::<i64, _>(3)? != 0,
            });
        }
        for r in sqlx::query(
            "SELECT form_code, code, severity, when_expr, expression, message_zh, message_en, basis FROM form_rules ORDER BY form_code, position",
        )
        .fetch_all(&self.pool)
        .await?
        {
            let code: String = r.try_get(0)?;
            let i = slot(&code)?;
            let severity: String = r.try_get(2)?;
            let when: String = r.try_get(3)?;
            let expr: String = r.try_get(4)?;
            forms[i].rules.push(Rule {
                code: r.try_get(1)?,
                severity: parse_stored("form_rules.severity", &severity)?,
                when: if when.is_empty() { None } else { Some(parse_stored::<Comparison>("form_rules.when_expr", &when)?) },
                check: parse_stored("form_rules.expression", &expr)?,
                message_zh: r.try_get(5)?,
                message_en: r.try_get(6)?,
                basis: r.try_get(7)?,
            });
        }
        let mut bounds = Vec::new();
        for r in sqlx::query("SELECT region_code, indicator_code, lower_bound, upper_bound, basis FROM outlier_bounds ORDER BY id")
            .fetch_all(&self.pool)
            .await?
        {
            let region: String = r.try_get(0)?;
            bounds.push(Bound {
                region_code: (region != "*").then_some(region),
                indicator_code: r.try_get(1)?,
                lower: r.try_get(2)?,
                upper: r.try_get(3)?,
                basis: r.try_get(4)?,
            });
        }
        Ok(FormSet { forms, bounds })
    }

    pub async fn forms(&self) -> Result<Vec<Form>> {
        Ok(self.form_set().await?.forms)
    }

    /// Filings matching `filter`, by form, period, filer.
    pub async fn filings(&self, filter: &FilingFilter) -> Result<Vec<Filing>> {
        let mut conds = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        for (col, v) in [
            ("form_code", filter.form.clone()),
            ("filer_code", filter.filer.clone()),
            ("period", filter.period.map(|p| p.to_string())),
            ("state", filter.state.map(|s| s.as_str().to_string())),
        ] {
            if let Some(v) = v {
                binds.push(v);
                conds.push(format!("{col} = ${}", binds.len()));
            }
        }
        let cond = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
        let mut q = sqlx::query(AssertSqlSafe(format!("SELECT {FILING_COLUMNS} FROM filings{cond} ORDER BY form_code, period, filer_code")));
        for b in &binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out = rows.iter().map(filing_from_row).collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| (&a.form_code, a.period, a.filer.code()).cmp(&(&b.form_code, b.period, b.filer.code())));
        Ok(out)
    }

    /// One filing with its values, steps, value changes and comments.
    pub async fn filing_detail(&self, form: &str, filer: &str, period: Period) -> Result<Option<FilingDetail>> {
        let mut tx = self.pool.begin().await?;
        let d = detail_in(&mut tx, form, filer, period).await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Everything the entry page shows of one filing, read in one transaction: the filing with
    /// its history (and so its ETag), the entry rows with last period's values, and the rule
    /// results as it stands.
    pub async fn filing_view(&self, form: &str, filer: &str, period: Period) -> std::result::Result<FilingView, CollectError> {
        let r = self.reference().await?;
        let form = r.form(form)?;
        let filer = r.filer(form, filer)?;
        let mut tx = self.pool.begin().await?;
        let detail = detail_with(&mut tx, &form.code, filer.code(), period, Some(VIEW_EVENTS)).await?;
        let history = history_in(&mut tx, filer.region_code()).await?;
        tx.commit().await?;
        let values = detail.as_ref().map(|d| d.values.clone()).unwrap_or_default();
        let rows = template_rows(&r, form, &filer, period, &values, &history);
        let acc = r.accumulation();
        let accumulation = |c: &str| acc.get(c).copied().unwrap_or(Accumulation::Period);
        let validation = validate(&FilingContext { form, period, region_code: filer.region_code(), values: &values, history: &history, accumulation: &accumulation, bounds: &r.bounds });
        Ok(FilingView { detail, rows, due: form.window.dates(period).due, validation })
    }

    /// Rules, required values and outlier flags of a filing as it stands.
    pub async fn filing_validation(&self, form: &str, filer: &str, period: Period) -> std::result::Result<Validation, CollectError> {
        let r = self.reference().await?;
        let form = r.form(form)?;
        let filer = r.filer(form, filer)?;
        let mut tx = self.pool.begin().await?;
        let values = match filing_in(&mut tx, &form.code, filer.code(), period).await? {
            Some(f) => values_in(&mut tx, f.id).await?,
            None => BTreeMap::new(),
        };
        let history = history_in(&mut tx, filer.region_code()).await?;
        tx.commit().await?;
        let acc = r.accumulation();
        let accumulation = |c: &str| acc.get(c).copied().unwrap_or(Accumulation::Period);
        Ok(validate(&FilingContext { form, period, region_code: filer.region_code(), values: &values, history: &history, accumulation: &accumulation, bounds: &r.bounds }))
    }

    /// One filing as stored.
    pub async fn filing(&self, form: &str, filer: &str, period: Period) -> Result<Option<Filing>> {
        let mut conn = self.pool.acquire().await?;
        filing_in(&mut conn, form, filer, period).await
    }

    /// Values typed in (web entry, `digecon filings set`): the same checks and writes as an import.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_filing_values(
        &self,
        form: &str,
        period: Period,
        entries: &[(String, String, f64)],
        actor: &Actor,
        reason: &str,
        at: DateTime<Utc>,
        dry_run: bool,
    ) -> std::result::Result<SaveSummary, CollectError> {
        self.save_filing_values_expecting(form, period, entries, actor, reason, at, dry_run, None).await
    }

    /// [`Store::save_filing_values`] with an `If-Match` precondition.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_filing_values_expecting(
        &self,
        form: &str,
        period: Period,
        entries: &[(String, String, f64)],
        actor: &Actor,
        reason: &str,
        at: DateTime<Utc>,
        dry_run: bool,
        expect: Option<&Expect>,
    ) -> std::result::Result<SaveSummary, CollectError> {
        let place = |filer: &str, ind: &str, col: &str| Located { sheet: Some(filer.into()), column: Some(format!("{ind}{col}")), ..Located::at("entry", 0, "") };
        let file = ImportFile {
            form_code: form.to_string(),
            form_location: Located::at("entry", 0, ""),
            period,
            period_location: Located::at("entry", 0, ""),
            values: entries
                .iter()
                .map(|(f, i, v)| ImportedValue {
                    filer_code: f.clone(),
                    indicator_code: i.clone(),
                    value: *v,
                    location: place(f, i, ""),
                    filer_location: place(f, i, ""),
                    indicator_location: place(f, i, ""),
                    filer_name: String::new(),
                    indicator_name: String::new(),
                    unit: String::new(),
                })
                .collect(),
        };
        self.import_filing_file_expecting(&file, actor, reason, at, dry_run, expect).await
    }

    /// Imports a read file: all or nothing. Checks the form and codes, the actor's right to file
    /// for every filer whose values change, the filings' states and windows, and the form's error
    /// rules on the values as they would be; then writes filings, values, audit and provisional
    /// observations in one transaction (rolled back with `dry_run`).
    pub async fn import_filing_file(
        &self,
        file: &ImportFile,
        actor: &Actor,
        reason: &str,
        at: DateTime<Utc>,
        dry_run: bool,
    ) -> std::result::Result<SaveSummary, CollectError> {
        self.import_filing_file_expecting(file, actor, reason, at, dry_run, None).await
    }

    /// [`Store::import_filing_file`], refused with [`CollectError::Stale`] when `expect` names a
    /// filer whose filing no longer has the ETag the writer read.
    pub async fn import_filing_file_expecting(
        &self,
        file: &ImportFile,
        actor: &Actor,
        reason: &str,
        at: DateTime<Utc>,
        dry_run: bool,
        expect: Option<&Expect>,
    ) -> std::result::Result<SaveSummary, CollectError> {
        self.retrying("filing import", move || self.import_once(file, actor, reason, at, dry_run, expect)).await
    }

    async fn import_once(
        &self,
        file: &ImportFile,
        actor: &Actor,
        reason: &str,
        at: DateTime<Utc>,
        dry_run: bool,
        expect: Option<&Expect>,
    ) -> std::result::Result<SaveSummary, CollectError> {
        let r = self.reference().await?;
        let form = r.forms.iter().find(|f| f.code == file.form_code);
        let cat = ImportCatalog { regions: &r.regions, departments: &r.departments, indicators: &r.indicators };
        let checked = import::check(file, form, &cat).map_err(CollectError::Rejected)?;
        let form = form.expect("checked");
        let period = file.period;
        let acc = r.accumulation();
        let accumulation = |c: &str| acc.get(c).copied().unwrap_or(Accumulation::Period);
        let stamp = ts(at);

        // Group by filer, in file order.
        let mut groups: Vec<(Filer, Vec<&import::CheckedValue>)> = Vec::new();
        for v in &checked {
            match groups.iter_mut().find(|(f, _)| *f == v.filer) {
                Some((_, vs)) => vs.push(v),
                None => groups.push((v.filer.clone(), vec![v])),
            }
        }
        let mut tx = self.begin_write().await?;
        // Lock every filing this import may write, in one order, before reading any of them:
        // concurrent saves of one filing then read each other's values (the audit stays a chain)
        // and never deadlock.
        let mut locks: Vec<String> = groups.iter().map(|(f, _)| filing_lock(&form.code, f.code(), period)).collect();
        locks.sort();
        locks.dedup();
        for k in &locks {
            tx.lock(k).await?;
        }
        let mut problems: Vec<Located> = Vec::new();
        let mut summary = SaveSummary::default();
        struct Plan {
            filer: Filer,
            existing: Option<Filing>,
            next: FilingState,
            changes: Vec<(String, Option<f64>, f64)>,
        }
        let mut plans = Vec::new();
        for (filer, vals) in &groups {
            let first = vals[0].location.clone();
            let existing = filing_in(&mut tx, &form.code, filer.code(), period).await?;
            let old = match &existing {
                Some(f) => values_in(&mut tx, f.id).await?,
                None => BTreeMap::new(),
            };
            if !digecon_collect::can_view(actor, filer, &r.tree) {
                problems.push(first.with_message(format!("无权填报 / not in your data scope: {} {}", filer.kind(), filer.code())));
                continue;
            }
            check_expect(&mut tx, filer.code(), existing.as_ref(), expect).await?;
            let mut changes = Vec::new();
            for v in vals {
                match old.get(&v.indicator_code) {
                    Some(o) if *o == v.value => summary.unchanged += 1,
                    o => changes.push((v.indicator_code.clone(), o.copied(), v.value)),
                }
            }
            if changes.is_empty() {
                continue;
            }
            let state = existing.as_ref().map(|f| f.state);
            let next = match transition(Action::Save, state, actor, filer, &r.tree, "") {
                Ok(n) => n,
                // One filing that is locked (submitted, approved): a conflict with its state,
                // answered like the actions answer it, not a problem of the values.
                Err(d @ Denied::WrongState { .. }) if groups.len() == 1 => return Err(CollectError::Denied(d)),
                Err(d) => {
                    problems.push(first.with_message(d.to_string()));
                    continue;
                }
            };
            if matches!(state, None | Some(FilingState::Draft)) {
                if let Some(m) = window_problem(form, period, at) {
                    problems.push(first.with_message(m));
                    continue;
                }
            }
            // Rules on the values as they would be after this import.
            let mut merged = old.clone();
            for (ind, _, new) in &changes {
                merged.insert(ind.clone(), *new);
            }
            let history = history_in(&mut tx, filer.region_code()).await?;
            let validation = validate(&FilingContext {
                form,
                period,
                region_code: filer.region_code(),
                values: &merged,
                history: &history,
                accumulation: &accumulation,
                bounds: &r.bounds,
            });
            for res in validation.errors() {
                let rule = form.rules.iter().find(|x| x.code == res.rule_code).expect("rule of the form");
                let refs = rule.check.current_references();
                let location = vals.iter().find(|v| refs.contains(&v.indicator_code.as_str())).map_or_else(|| first.clone(), |v| v.location.clone());
                problems.push(location.with_message(res.to_string()));
            }
            summary.warnings.extend(validation.warnings().map(|w| (filer.code().to_string(), w.clone())));
            summary.outliers.extend(validation.outliers.into_iter().filter(|o| changes.iter().any(|(i, _, _)| *i == o.indicator_code)).map(|o| (filer.code().to_string(), o)));
            for (_, old, _) in &changes {
                if old.is_some() {
                    summary.updated += 1;
                } else {
                    summary.created += 1;
                }
            }
            plans.push(Plan { filer: filer.clone(), existing, next, changes });
        }
        if !problems.is_empty() {
            tx.rollback().await?;
            problems.sort_by_key(|p| (p.sheet.clone(), p.line, p.column.clone()));
            return Err(CollectError::Rejected(Problems(problems)));
        }
        for plan in plans {
            let from = plan.existing.as_ref().map(|f| f.state);
            let (filing, version) = match plan.existing {
                Some(f) => {
                    sqlx::query("UPDATE filings SET updated_at = $2, version = version + 1 WHERE id = $1").bind(f.id).bind(&stamp).execute(&mut *tx).await?;
                    let v = f.version + 1;
                    (f, v)
                }
                None => {
                    summary.filings_created += 1;
                    (create_filing(&mut tx, &form.code, &plan.filer, period, plan.next, &stamp).await?, 1)
                }
            };
            summary.etags.push((plan.filer.code().to_string(), Filing { version, ..filing.clone() }.etag()));
            tx.touch(ChangeKind::Filing, &format!("{}/{}/{}", form.code, plan.filer.code(), period));
            let event = insert_event(&mut tx, filing.id, &stamp, actor, Action::Save, from, plan.next, reason).await?;
            // One statement per table, whatever the number of values: on SQLite each statement
            // is a round trip to the database thread while every other writer waits.
            let n = plan.changes.len();
            let sql = format!(
                "INSERT INTO filing_values (filing_id, indicator_code, value, updated_at, updated_by) VALUES {}
                 ON CONFLICT (filing_id, indicator_code) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
                     updated_by = excluded.updated_by",
                values_list(n, 5)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (ind, _, new) in &plan.changes {
                q = q.bind(filing.id).bind(ind.clone()).bind(*new).bind(stamp.clone()).bind(actor.username.clone());
            }
            q.execute(&mut *tx).await?;
            let sql = format!(
                "INSERT INTO filing_value_changes (filing_id, event_id, indicator_code, old_value, new_value, at, actor, reason) VALUES {}",
                values_list(n, 8)
            );
            // A NULL double must not be cached (see observations::record_revisions).
            let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(plan.changes.iter().all(|(_, old, _)| old.is_some()));
            for (ind, old, new) in &plan.changes {
                q = q
                    .bind(filing.id)
                    .bind(event)
                    .bind(ind.clone())
                    .bind(*old)
                    .bind(*new)
                    .bind(stamp.clone())
                    .bind(actor.username.clone())
                    .bind(reason.to_string());
            }
            q.execute(&mut *tx).await?;
            // The filed values are observations too, provisional until approved; each change is a
            // revision like every store write.
            let observations: Vec<Observation> =
                plan.changes.iter().map(|(ind, _, new)| filed_observation(form, &filing, ind, *new, ObservationStatus::Provisional)).collect();
            upsert_batch_in(&mut tx, &observations, &stamp, &actor.username, reason).await?;
        }
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(summary)
    }

    /// Submit, approve, return or reopen a filing. `explanations` (rule code → text) answer failed
    /// warning rules at submission; `comment` is required to return or reopen.
    #[allow(clippy::too_many_arguments)]
    pub async fn filing_action(
        &self,
        form: &str,
        filer: &str,
        period: Period,
        action: Action,
        actor: &Actor,
        comment: &str,
        explanations: &BTreeMap<String, String>,
        at: DateTime<Utc>,
    ) -> std::result::Result<Filing, CollectError> {
        self.filing_action_expecting(form, filer, period, action, actor, comment, explanations, at, None).await
    }

    /// [`Store::filing_action`], refused with [`CollectError::Stale`] when the filing no longer
    /// has the ETag in `expect`.
    #[allow(clippy::too_many_arguments)]
    pub async fn filing_action_expecting(
        &self,
        form: &str,
        filer: &str,
        period: Period,
        action: Action,
        actor: &Actor,
        comment: &str,
        explanations: &BTreeMap<String, String>,
        at: DateTime<Utc>,
        expect: Option<&str>,
    ) -> std::result::Result<Filing, CollectError> {
        let expect = expect.map(|etag| Expect { filer: filer.to_string(), etag: etag.to_string() });
        let expect = expect.as_ref();
        self.retrying("filing action", move || self.action_once(form, filer, period, action, actor, comment, explanations, at, expect)).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn action_once(
        &self,
        form: &str,
        filer: &str,
        period: Period,
        action: Action,
        actor: &Actor,
        comment: &str,
        explanations: &BTreeMap<String, String>,
        at: DateTime<Utc>,
        expect: Option<&Expect>,
    ) -> std::result::Result<Filing, CollectError> {
        let r = self.reference().await?;
        let form = r.form(form)?;
        let filer = r.filer(form, filer)?;
        if !form.accepts_period(&period) {
            return Err(CollectError::Blocked(vec![format!("期间频率不符 / period {period} does not fit form {} ({})", form.code, form.frequency)]));
        }
        let stamp = ts(at);
        let mut tx = self.begin_write().await?;
        tx.lock(&filing_lock(&form.code, filer.code(), period)).await?;
        let existing = filing_in(&mut tx, &form.code, filer.code(), period).await?;
        check_expect(&mut tx, filer.code(), existing.as_ref(), expect).await?;
        let state = existing.as_ref().map(|f| f.state);
        if action == Action::Save {
            return Err(CollectError::Blocked(vec!["保存请使用导入或录入 / save values with an import or an entry".into()]));
        }
        let next = transition(action, state, actor, &filer, &r.tree, comment)?;
        let values = match &existing {
            Some(f) => values_in(&mut tx, f.id).await?,
            None => BTreeMap::new(),
        };
        if action == Action::Submit {
            let mut blocked = Vec::new();
            if state == Some(FilingState::Draft) {
                if let Some(m) = window_problem(form, period, at) {
                    blocked.push(m);
                }
            }
            let history = history_in(&mut tx, filer.region_code()).await?;
            let acc = r.accumulation();
            let accumulation = |c: &str| acc.get(c).copied().unwrap_or(Accumulation::Period);
            let v = validate(&FilingContext { form, period, region_code: filer.region_code(), values: &values, history: &history, accumulation: &accumulation, bounds: &r.bounds });
            for m in &v.missing_required {
                blocked.push(format!("必填指标未填写 / required indicator {m} has no value"));
            }
            for e in v.errors() {
                blocked.push(e.to_string());
            }
            let id = existing.as_ref().expect("transition checked").id;
            let explained: Vec<String> = sqlx::query("SELECT rule_code FROM filing_comments WHERE filing_id = $1 AND rule_code <> ''")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<std::result::Result<_, _>>()?;
            for w in v.warnings() {
                let given = explanations.get(&w.rule_code).is_some_and(|t| !t.trim().is_empty());
                if !given && !explained.contains(&w.rule_code) {
                    blocked.push(format!("{w} — 请说明原因 / explain it (--explain {}=…)", w.rule_code));
                }
            }
            for code in explanations.keys() {
                if !form.rules.iter().any(|x| &x.code == code) {
                    blocked.push(format!("未知的规则 / unknown rule `{code}` on form {}", form.code));
                }
            }
            if !blocked.is_empty() {
                tx.rollback().await?;
                return Err(CollectError::Blocked(blocked));
            }
        }
        let filing = match existing {
            Some(f) => f,
            None => create_filing(&mut tx, &form.code, &filer, period, next, &stamp).await?,
        };
        let (first, submitted, approved) = match action {
            Action::Submit => (filing.first_submitted_at.clone().or(Some(stamp.clone())), Some(stamp.clone()), None),
            Action::Approve if next == FilingState::Approved => (filing.first_submitted_at.clone(), filing.submitted_at.clone(), Some(stamp.clone())),
            Action::Reopen => (filing.first_submitted_at.clone(), filing.submitted_at.clone(), None),
            _ => (filing.first_submitted_at.clone(), filing.submitted_at.clone(), filing.approved_at.clone()),
        };
        tx.touch(ChangeKind::Filing, &format!("{}/{}/{}", form.code, filer.code(), period));
        sqlx::query("UPDATE filings SET state = $2, updated_at = $3, first_submitted_at = $4, submitted_at = $5, approved_at = $6, version = version + 1 WHERE id = $1")
            .bind(filing.id)
            .bind(next.as_str())
            .bind(&stamp)
            .bind(&first)
            .bind(&submitted)
            .bind(&approved)
            .execute(&mut *tx)
            .await?;
        insert_event(&mut tx, filing.id, &stamp, actor, action, state, next, comment).await?;
        for (code, text) in explanations {
            sqlx::query("INSERT INTO filing_comments (filing_id, at, actor, rule_code, text) VALUES ($1, $2, $3, $4, $5)")
                .bind(filing.id)
                .bind(&stamp)
                .bind(&actor.username)
                .bind(code)
                .bind(text)
                .execute(&mut *tx)
                .await?;
        }
        if !comment.trim().is_empty() {
            sqlx::query("INSERT INTO filing_comments (filing_id, at, actor, rule_code, text) VALUES ($1, $2, $3, '', $4)")
                .bind(filing.id)
                .bind(&stamp)
                .bind(&actor.username)
                .bind(comment)
                .execute(&mut *tx)
                .await?;
        }
        // Observations follow approval: final when approved, provisional again when reopened.
        let status = match (action, next) {
            (Action::Approve, FilingState::Approved) => Some((ObservationStatus::Final, "审定 / approved")),
            (Action::Reopen, _) if state == Some(FilingState::Approved) => Some((ObservationStatus::Provisional, "重新打开 / reopened")),
            _ => None,
        };
        if let Some((status, why)) = status {
            let observations: Vec<Observation> = values.iter().map(|(ind, v)| filed_observation(form, &filing, ind, *v, status)).collect();
            upsert_batch_in(&mut tx, &observations, &stamp, &actor.username, why).await?;
        }
        tx.commit().await?;
        let mut f = filing;
        f.version += 1;
        f.state = next;
        f.updated_at = stamp;
        f.first_submitted_at = first;
        f.submitted_at = submitted;
        f.approved_at = approved;
        Ok(f)
    }

    /// 报送率 / 及时率 of a form and period: one row per group region (filers in its subtree).
    pub async fn filing_rates(&self, form: &str, period: Period, groups: &[String], as_of: NaiveDate) -> std::result::Result<(Vec<RateRow>, NaiveDate), CollectError> {
        let r = self.reference().await?;
        let form = r.form(form)?;
        let filings = self.filings(&FilingFilter { form: Some(form.code.clone()), period: Some(period), ..Default::default() }).await?;
        let statuses: Vec<FilerStatus> = form
            .expected_filers(&r.regions, &r.departments)
            .into_iter()
            .map(|filer| {
                let f = filings.iter().find(|f| f.filer.code() == filer.code());
                FilerStatus {
                    filer,
                    state: f.map(|f| f.state),
                    first_submitted_at: f.and_then(|f| f.first_submitted_at.as_deref()).and_then(|t| t.parse().ok()),
                }
            })
            .collect();
        let window = form.window.dates(period);
        Ok((rates(&statuses, &window, as_of, groups, &r.tree), window.due))
    }

    /// A template of `form` for `filers` (all expected filers when empty) and `period`, with the
    /// previous period's stored values and the filings' current values.
    pub async fn filing_template(&self, form: &str, filers: &[String], period: Period) -> std::result::Result<Template, CollectError> {
        let r = self.reference().await?;
        let form = r.form(form)?;
        if !form.accepts_period(&period) {
            return Err(CollectError::Blocked(vec![format!("期间频率不符 / period {period} does not fit form {} ({})", form.code, form.frequency)]));
        }
        let chosen: Vec<Filer> = if filers.is_empty() {
            form.expected_filers(&r.regions, &r.departments)
        } else {
            filers.iter().map(|c| r.filer(form, c)).collect::<std::result::Result<_, _>>()?
        };
        let mut tx = self.pool.begin().await?;
        let mut rows = Vec::new();
        for filer in &chosen {
            let values = match filing_in(&mut tx, &form.code, filer.code(), period).await? {
                Some(f) => values_in(&mut tx, f.id).await?,
                None => BTreeMap::new(),
            };
            let history = history_in(&mut tx, filer.region_code()).await?;
            rows.extend(template_rows(&r, form, filer, period, &values, &history));
        }
        tx.commit().await?;
        Ok(Template {
            form_code: form.code.clone(),
            form_name_zh: form.name_zh.clone(),
            form_name_en: form.name_en.clone(),
            period,
            due: form.window.dates(period).due,
            rows,
        })
    }

    /// The audit trail, oldest first: every step of every matching filing, each followed by the
    /// value changes it made.
    pub async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let filings = self
            .filings(&FilingFilter { form: filter.form.clone(), filer: filter.filer.clone(), period: filter.period, state: None })
            .await?;
        let mut out = Vec::new();
        for f in &filings {
            let Some(d) = self.filing_detail(&f.form_code, f.filer.code(), f.period).await? else { continue };
            for e in &d.events {
                let base = AuditEntry {
                    at: e.at.clone(),
                    actor: e.actor.clone(),
                    actor_role: e.actor_role.clone(),
                    form_code: f.form_code.clone(),
                    filer_code: f.filer.code().to_string(),
                    period: f.period,
                    action: e.action,
                    from_state: e.from_state,
                    to_state: e.to_state,
                    indicator_code: None,
                    old_value: None,
                    new_value: None,
                    comment: e.comment.clone(),
                };
                out.push((e.id, 0, base.clone()));
                for (k, c) in d.changes.iter().filter(|c| c.event_id == e.id).enumerate() {
                    out.push((
                        e.id,
                        k + 1,
                        AuditEntry { indicator_code: Some(c.indicator_code.clone()), old_value: c.old_value, new_value: Some(c.new_value), comment: c.reason.clone(), ..base.clone() },
                    ));
                }
            }
        }
        out.sort_by(|a, b| (&a.2.at, a.0, a.1).cmp(&(&b.2.at, b.0, b.1)));
        Ok(out
            .into_iter()
            .map(|(_, _, e)| e)
            .filter(|e| filter.actor.as_ref().is_none_or(|a| &e.actor == a))
            .filter(|e| filter.indicator.as_ref().is_none_or(|i| e.indicator_code.as_ref() == Some(i)))
            .collect())
    }
}

fn parse_action(s: &str) -> Result<Action> {
    [Action::Save, Action::Submit, Action::Approve, Action::Return, Action::Reopen]
        .into_iter()
        .find(|a| a.as_str() == s)
        .ok_or_else(|| StoreError::Corrupt(format!("filing_events.action `{s}`")))
}

/// Inserts the forms of a dataset (inside `init`'s transaction).
pub(crate) async fn insert_forms(tx: &mut WriteTx, set: &FormSet) -> Result<()> {
    for (pos, f) in set.forms.iter().enumerate() {
        sqlx::query(
            "INSERT INTO forms (code, name_zh, name_en, frequency, responsible_department, opens_days, due_days, closes_days,
                                reconstruction, basis, source_doc, source_quote, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(&f.code)
        .bind(&f.name_zh)
        .bind(&f.name_en)
        .bind(f.frequency.as_str())
        .bind(&f.responsible_department)
        .bind(i64::from(f.window.opens_days))
        .bind(i64::from(f.window.due_days))
        .bind(i64::from(f.window.closes_days))
        .bind(i64::from(f.reconstruction))
        .bind(&f.basis)
        .bind(&f.source.doc)
        .bind(&f.source.quote)
        .bind(pos as i64)
        .execute(&mut **tx)
        .await?;
        for (p, s) in f.filers.iter().enumerate() {
            sqlx::query("INSERT INTO form_filers (form_code, position, spec) VALUES ($1, $2, $3)")
                .bind(&f.code)
                .bind(p as i64)
                .bind(s.to_string())
                .execute(&mut **tx)
                .await?;
        }
        for (p, i) in f.indicators.iter().enumerate() {
            sqlx::query("INSERT INTO form_indicators (form_code, position, indicator_code, decimals, required) VALUES ($1, $2, $3, $4, $5)")
                .bind(&f.code)
                .bind(p as i64)
                .bind(&i.indicator_code)
                .bind(i64::from(i.decimals))
                .bind(i64::from(i.required))
                .execute(&mut **tx)
                .await?;
        }
        for (p, r) in f.rules.iter().enumerate() {
            sqlx::query(
                "INSERT INTO form_rules (form_code, code, position, severity, when_expr, expression, message_zh, message_en, basis)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&f.code)
            .bind(&r.code)
            .bind(p as i64)
            .bind(r.severity.as_str())
            .bind(r.when.as_ref().map(|w| w.to_string()).unwrap_or_default())
            .bind(r.check.to_string())
            .bind(&r.message_zh)
            .bind(&r.message_en)
            .bind(&r.basis)
            .execute(&mut **tx)
            .await?;
        }
    }
    for b in &set.bounds {
        sqlx::query("INSERT INTO outlier_bounds (region_code, indicator_code, lower_bound, upper_bound, basis) VALUES ($1, $2, $3, $4, $5)")
            .bind(b.region_code.as_deref().unwrap_or("*"))
            .bind(&b.indicator_code)
            .bind(b.lower)
            .bind(b.upper)
            .bind(&b.basis)
            // A NULL double must not be cached (see observations::record_revision).
            .persistent(b.lower.is_some() && b.upper.is_some())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
