//! A day's work: 待办 (what waits for the caller), notices (站内通知), 催报 (reminders to file),
//! bulk review, and the dry run of a save (the rules and outlier flags on typed values before
//! anything is written). The use cases are `digecon_app::work`; who may act on a filing is still
//! decided by `digecon_collect::filing`, one filing at a time.
//!
//! Bulk review is one request (`POST /api/v1/filings/actions`) rather than a loop in the browser:
//! the server runs the same workflow action per filing, each in its own transaction, and answers
//! with every filing's outcome at once — a refused filing does not stop the others, and a closed
//! browser tab does not leave half a batch unreported.

use axum::extract::{Path, State};
use axum::Json;
use chrono::Utc;
use digecon_app::work::{self, FilingKey, TodoKind};
use digecon_collect::filing::is_filer;
use digecon_collect::form::{local_date, Filer};
use digecon_collect::Action;
use digecon_core::Period;
use digecon_store::notices::Notice;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::filing::SaveValues;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorResponse, FieldError, Validator};
use crate::extract::ApiJson;
use crate::AppState;

/// One item of 待办, with the filer's name joined in.
#[derive(Serialize, ToSchema)]
pub struct TodoItemDto {
    /// review | returned | overdue
    pub kind: String,
    pub form_code: String,
    pub filer_code: String,
    pub filer_name: String,
    pub period: String,
    /// draft | submitted | city_approved | approved | returned; absent: nothing entered yet
    pub state: Option<String>,
    pub due: String,
    pub since: Option<String>,
}

/// 待办: counts for the menu badge and the items behind them.
#[derive(Serialize, ToSchema)]
pub struct TodoDto {
    /// Filings waiting for the caller's review.
    pub review: usize,
    /// The caller's own filings sent back to it.
    pub returned: usize,
    /// The caller's own filings past their due date and not filed.
    pub overdue: usize,
    pub unread_notices: usize,
    /// review + returned + overdue + unread notices: the badge.
    pub total: usize,
    pub items: Vec<TodoItemDto>,
}

async fn filer_name(state: &AppState, f: &Filer) -> String {
    match f {
        Filer::Region { code } => state.region_name(code).unwrap_or_default(),
        Filer::Department { code, .. } => match state.catalog().await {
            Ok(c) => c.departments.iter().find(|d| &d.code == code).map(|d| d.name_zh.clone()).unwrap_or_default(),
            Err(_) => String::new(),
        },
    }
}

/// 待办 / what waits for you: filings to review, your returned and overdue filings, unread notices
#[utoipa::path(get, path = "/api/v1/todo", tag = "work",
    responses((status = 200, body = TodoDto), (status = 401, body = ErrorResponse)))]
pub async fn todo(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<TodoDto>> {
    let t = work::todo(&state.store, &state.tree, &auth.actor, local_date(Utc::now())).await?;
    let (review, returned, overdue) = (t.count(TodoKind::Review), t.count(TodoKind::Returned), t.count(TodoKind::Overdue));
    let mut items = Vec::new();
    for i in t.items {
        items.push(TodoItemDto {
            kind: i.kind.as_str().to_string(),
            filer_name: filer_name(&state, &i.filer).await,
            form_code: i.form_code,
            filer_code: i.filer.code().to_string(),
            period: i.period.to_string(),
            state: i.state.map(|s| s.as_str().to_string()),
            due: i.due.to_string(),
            since: i.since,
        });
    }
    Ok(Json(TodoDto { review, returned, overdue, unread_notices: t.unread_notices, total: review + returned + overdue + t.unread_notices, items }))
}

/// 通知 / your unit's notices (returned filings, reminders to file), newest first
#[utoipa::path(get, path = "/api/v1/notices", tag = "work",
    responses((status = 200, body = Vec<Notice>), (status = 401, body = ErrorResponse)))]
pub async fn notices(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<Notice>>> {
    Ok(Json(work::notices(&state.store, &auth.actor).await?))
}

/// 标记已读 / mark one of your unit's notices read
#[utoipa::path(post, path = "/api/v1/notices/{id}/read", tag = "work", params(("id" = i64, Path)),
    responses((status = 200, body = Notice), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
pub async fn read_notice(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<Json<Notice>> {
    Ok(Json(work::read_notice(&state.store, &auth.actor, id, Utc::now()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct RemindRequest {
    /// The text the unit reads; default: "please file FORM PERIOD (due DATE)".
    pub message: Option<String>,
}

fn parse_period(s: &str) -> ApiResult<Period> {
    s.parse().map_err(|e: digecon_core::PeriodError| ApiError::validation(vec![FieldError { field: "period".into(), message: e.to_string() }]))
}

/// 催报 / remind a unit in your review scope that has not filed (an in-app notice, recorded)
#[utoipa::path(post, path = "/api/v1/filings/{form}/{filer}/{period}/remind", tag = "work", request_body = RemindRequest,
    params(("form" = String, Path), ("filer" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = Notice), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse),
              (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn remind(
    State(state): State<AppState>,
    auth: Auth,
    Path((form, filer, period)): Path<(String, String, String)>,
    ApiJson(req): ApiJson<RemindRequest>,
) -> ApiResult<Json<Notice>> {
    let mut v = Validator::default();
    v.text("message", req.message.as_deref().unwrap_or(""));
    v.finish()?;
    let p = parse_period(&period)?;
    let message = req.message.unwrap_or_default();
    Ok(Json(work::remind(&state.store, &state.tree, &auth.actor, &form, &filer, p, &message, Utc::now()).await?))
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct FilingKeyDto {
    pub form: String,
    pub filer: String,
    pub period: String,
}

#[derive(Deserialize, ToSchema)]
pub struct BulkActionRequest {
    /// approve | return
    pub action: String,
    /// Required to return.
    pub comment: Option<String>,
    pub filings: Vec<FilingKeyDto>,
}

/// One filing's outcome in a bulk action.
#[derive(Serialize, ToSchema)]
pub struct BulkOutcomeDto {
    pub form: String,
    pub filer: String,
    pub period: String,
    pub ok: bool,
    /// The new state when it succeeded.
    pub state: Option<String>,
    /// Why not, when it failed.
    pub message: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BulkActionDto {
    pub succeeded: usize,
    pub failed: usize,
    pub results: Vec<BulkOutcomeDto>,
}

/// 批量审核 / approve or return several filings, each through the workflow action on its own; every outcome reported
#[utoipa::path(post, path = "/api/v1/filings/actions", tag = "work", request_body = BulkActionRequest,
    responses((status = 200, body = BulkActionDto), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn bulk_action(State(state): State<AppState>, auth: Auth, ApiJson(req): ApiJson<BulkActionRequest>) -> ApiResult<Json<BulkActionDto>> {
    if !matches!(auth.user.role, digecon_core::Role::Admin | digecon_core::Role::ProvinceOffice | digecon_core::Role::City) {
        return Err(ApiError::forbidden("批量审核由审核单位进行 / bulk review is for reviewers (provincial office, city)"));
    }
    let action = match req.action.as_str() {
        "approve" => Action::Approve,
        "return" => Action::Return,
        _ => return Err(ApiError::validation(vec![FieldError { field: "action".into(), message: "应为 approve 或 return / expected approve or return".into() }])),
    };
    let mut v = Validator::default();
    v.text("comment", req.comment.as_deref().unwrap_or(""));
    v.finish()?;
    let keys: Vec<FilingKey> = req.filings.into_iter().map(|k| FilingKey { form: k.form, filer: k.filer, period: k.period }).collect();
    let out = work::bulk_action(&state.store, &auth.actor, &keys, action, req.comment.as_deref().unwrap_or(""), Utc::now()).await?;
    let results: Vec<BulkOutcomeDto> = out
        .into_iter()
        .map(|o| {
            let (ok, st, message) = match o.result {
                Ok(s) => (true, Some(s.as_str().to_string()), None),
                Err(m) => (false, None, Some(m)),
            };
            BulkOutcomeDto { form: o.key.form, filer: o.key.filer, period: o.key.period, ok, state: st, message }
        })
        .collect();
    let succeeded = results.iter().filter(|r| r.ok).count();
    Ok(Json(BulkActionDto { succeeded, failed: results.len() - succeeded, results }))
}

/// One flag or failed warning rule on a typed value, tied to its indicator when it has one.
#[derive(Serialize, ToSchema)]
pub struct CheckNoteDto {
    /// The indicator (cell) it is about; absent for a rule over several values.
    pub indicator_code: Option<String>,
    /// The failed warning rule, if it is one.
    pub rule_code: Option<String>,
    pub message: String,
}

/// What a save would do and what to look at before saving.
#[derive(Serialize, ToSchema)]
pub struct CheckDto {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Failed warning rules (need an explanation at submission).
    pub warnings: Vec<CheckNoteDto>,
    /// Outlier flags (异常值提示): far from history, outside the bounds, ×10 the previous period.
    pub outliers: Vec<CheckNoteDto>,
}

/// 保存前检查 / check typed values without saving: error rules answer 422 with the cell (`entry:FILER:INDICATOR`), warnings and outlier flags come back
#[utoipa::path(post, path = "/api/v1/filings/{form}/{filer}/{period}/check", tag = "work", request_body = SaveValues,
    params(("form" = String, Path), ("filer" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = CheckDto), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse),
              (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn check(
    State(state): State<AppState>,
    auth: Auth,
    Path((form, filer, period)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<SaveValues>,
) -> ApiResult<Json<CheckDto>> {
    let catalog = state.catalog().await?;
    let f = catalog.forms.form(&form).cloned().ok_or_else(|| ApiError::not_found(format!("form {form}")))?;
    let fl = f.filer(&filer, &state.regions, &catalog.departments).ok_or_else(|| ApiError::not_found(format!("filer {filer} of form {form}")))?;
    if !is_filer(&auth.actor, &fl) {
        return Err(ApiError::forbidden(format!("filer {filer}: 只有填报单位可以填报 / only the filer enters values")));
    }
    let p = parse_period(&period)?;
    let entries: Vec<(String, String, f64)> = body.values.into_iter().map(|(i, v)| (fl.code().to_string(), i, v)).collect();
    // The save itself, rolled back: one rule for checking and saving.
    let s = state.store.save_filing_values(&f.code, p, &entries, &auth.actor, "检查 / check", Utc::now(), true).await?;
    let rule_cell = |code: &str| {
        let rule = f.rules.iter().find(|r| r.code == code)?;
        let refs = rule.check.current_references();
        (refs.len() == 1).then(|| refs[0].to_string())
    };
    Ok(Json(CheckDto {
        created: s.created,
        updated: s.updated,
        unchanged: s.unchanged,
        warnings: s
            .warnings
            .iter()
            .map(|(_, r)| CheckNoteDto { indicator_code: rule_cell(&r.rule_code), rule_code: Some(r.rule_code.clone()), message: r.to_string() })
            .collect(),
        outliers: s.outliers.iter().map(|(_, o)| CheckNoteDto { indicator_code: Some(o.indicator_code.clone()), rule_code: None, message: o.to_string() }).collect(),
    }))
}
