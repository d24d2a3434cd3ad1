//! Forms and filings (the collection capability, `digecon-collect` + the store): forms with their
//! deadlines, the entry grid with rule results, Excel template download and upload with every
//! problem located, submit / approve / return / reopen, filing rates, the audit trail.
//! Each handler parses the request, calls one use case of `digecon_app::filing` (the same as
//! the CLI's) and shapes its answer.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use digecon_app::filing::{self as app, ActionRequest, Catalogue, FilingPage, Screen};
use digecon_collect::filing::{Action, FilingState};
use digecon_collect::form::{local_date, Filer};
use digecon_collect::rule::Outcome;
use digecon_collect::validate::Validation;
use digecon_core::Period;
use digecon_store::collect::{AuditEntry, AuditFilter, CollectError, FilingEvent, FilingFilter, SaveSummary};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ConflictInfo, ErrorResponse, FieldError, Validator};
use crate::extract::{ApiJson, ApiQuery};
use crate::AppState;

impl From<CollectError> for ApiError {
    fn from(e: CollectError) -> Self {
        match e {
            CollectError::Rejected(p) => ApiError::validation(
                p.0.into_iter().map(|x| FieldError { field: x.place(), message: x.message }).collect(),
            ),
            CollectError::Denied(d) => match d {
                digecon_collect::filing::Denied::NotAllowed(m) => ApiError::forbidden(m),
                other => ApiError::conflict(other.to_string()),
            },
            CollectError::Blocked(msgs) => {
                let mut e = ApiError::conflict("无法继续 / cannot proceed");
                e.body.fields = msgs.into_iter().map(|m| FieldError { field: "filing".into(), message: m }).collect();
                e
            }
            CollectError::NotFound(m) => ApiError::not_found(m),
            CollectError::Stale(st) => ApiError::precondition_failed(
                st.to_string(),
                ConflictInfo { changed_by: st.changed_by, changed_at: st.changed_at, etag: st.etag },
            ),
            CollectError::Store(s) => ApiError::from(s),
        }
    }
}

/// A form row with its indicator's names and unit joined in.
#[derive(Serialize, ToSchema)]
pub struct FormIndicatorDto {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit: String,
    pub decimals: u8,
    pub required: bool,
}

/// A filer with its name joined in (a `Filer` is only a code).
#[derive(Serialize, ToSchema)]
pub struct FilerDto {
    pub code: String,
    pub name_zh: String,
    /// region | department
    pub kind: String,
    pub region_code: String,
}

/// A form as the caller sees it today: its filers and the open period's dates joined in.
#[derive(Serialize, ToSchema)]
pub struct FormDto {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// year | quarter | month
    pub frequency: String,
    pub responsible_department: String,
    /// Our reconstruction: the documents name the scheme, not every cell of it.
    pub reconstruction: bool,
    pub basis: String,
    pub opens_days: i32,
    pub due_days: i32,
    pub closes_days: i32,
    pub indicators: Vec<FormIndicatorDto>,
    /// The filers this user files for.
    pub my_filers: Vec<FilerDto>,
    /// The period open for filing today (the latest one whose window has opened), and its dates.
    pub current_period: String,
    pub opens: String,
    pub due: String,
    pub closes: String,
}

/// The filing use cases' view of the cached catalogue.
fn catalogue<'a>(state: &'a AppState, catalog: &'a crate::Catalog) -> Catalogue<'a> {
    Catalogue { forms: &catalog.forms, regions: &state.regions, departments: &catalog.departments, tree: &state.tree }
}

fn filer_dto(cat: Catalogue<'_>, f: &Filer) -> FilerDto {
    FilerDto { code: f.code().to_string(), name_zh: cat.filer_name(f), kind: f.kind().to_string(), region_code: f.region_code().to_string() }
}

/// 报表 / report forms, with the filers you file for and the period open today
#[utoipa::path(get, path = "/api/v1/forms", tag = "filing",
    responses((status = 200, body = Vec<FormDto>), (status = 401, body = ErrorResponse)))]
pub async fn forms(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<FormDto>>> {
    let catalog = state.catalog().await?;
    let cat = catalogue(&state, &catalog);
    let indicators = &catalog.indicators;
    let out = app::forms(cat, &auth.actor, local_date(Utc::now()))
        .into_iter()
        .map(|o| {
            let f = o.form;
            FormDto {
                indicators: f
                    .indicators
                    .iter()
                    .map(|fi| {
                        let i = indicators.iter().find(|i| i.code == fi.indicator_code);
                        FormIndicatorDto {
                            code: fi.indicator_code.clone(),
                            name_zh: i.map(|i| i.name_zh.clone()).unwrap_or_default(),
                            name_en: i.map(|i| i.name_en.clone()).unwrap_or_default(),
                            unit: i.map(|i| i.unit.clone()).unwrap_or_default(),
                            decimals: fi.decimals,
                            required: fi.required,
                        }
                    })
                    .collect(),
                my_filers: o.my_filers.iter().map(|x| filer_dto(cat, x)).collect(),
                current_period: o.period.to_string(),
                opens: o.window.opens.to_string(),
                due: o.window.due.to_string(),
                closes: o.window.closes.to_string(),
                code: f.code,
                name_zh: f.name_zh,
                name_en: f.name_en,
                frequency: f.frequency.to_string(),
                responsible_department: f.responsible_department,
                reconstruction: f.reconstruction,
                basis: f.basis,
                opens_days: f.window.opens_days,
                due_days: f.window.due_days,
                closes_days: f.window.closes_days,
            }
        })
        .collect();
    Ok(Json(out))
}

/// A filing with the filer's name and the state in Chinese joined in.
#[derive(Serialize, ToSchema)]
pub struct FilingDto {
    pub form_code: String,
    pub filer_code: String,
    pub filer_name: String,
    pub region_code: String,
    pub period: String,
    /// draft | submitted | city_approved | approved | returned
    pub state: String,
    pub state_zh: String,
    pub first_submitted_at: Option<String>,
    pub submitted_at: Option<String>,
    pub approved_at: Option<String>,
    pub updated_at: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilingQuery {
    pub form: Option<String>,
    pub filer: Option<String>,
    pub period: Option<String>,
    /// draft | submitted | city_approved | approved | returned
    pub state: Option<String>,
}

fn parse_period(v: &mut Validator, field: &str, s: Option<&str>) -> Option<Period> {
    let p = s.map(|s| s.parse::<Period>());
    v.check(!matches!(p, Some(Err(_))), field, "应为 2022、2022-Q1 或 2022-03 / expected 2022, 2022-Q1 or 2022-03");
    p.and_then(Result::ok)
}

/// 填报记录 / filings you may see (yours, and those you review)
#[utoipa::path(get, path = "/api/v1/filings", tag = "filing", params(FilingQuery),
    responses((status = 200, body = Vec<FilingDto>), (status = 401, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn filings(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<FilingQuery>) -> ApiResult<Json<Vec<FilingDto>>> {
    let mut v = Validator::default();
    let period = parse_period(&mut v, "period", q.period.as_deref());
    let st = q.state.as_deref().map(|s| s.parse::<FilingState>());
    v.check(!matches!(st, Some(Err(_))), "state", "应为 draft、submitted、city_approved、approved 或 returned");
    v.finish()?;
    let catalog = state.catalog().await?;
    let cat = catalogue(&state, &catalog);
    let filter = FilingFilter { form: q.form, filer: q.filer, period, state: st.and_then(Result::ok) };
    let list = app::filings(&state.store, cat, &auth.actor, &filter).await?;
    Ok(Json(
        list.into_iter()
            .map(|f| FilingDto {
                filer_name: cat.filer_name(&f.filer),
                form_code: f.form_code,
                filer_code: f.filer.code().to_string(),
                region_code: f.filer.region_code().to_string(),
                period: f.period.to_string(),
                state: f.state.as_str().to_string(),
                state_zh: f.state.as_zh().to_string(),
                first_submitted_at: f.first_submitted_at,
                submitted_at: f.submitted_at,
                approved_at: f.approved_at,
                updated_at: f.updated_at,
            })
            .collect(),
    ))
}

/// A rule result with its message and `blocks` worked out (the domain type keeps parts).
#[derive(Serialize, ToSchema)]
pub struct RuleResultDto {
    pub rule_code: String,
    /// error | warning
    pub severity: String,
    /// pass | fail | not_applicable | skipped | undefined
    pub outcome: String,
    pub blocks: bool,
    pub expression: String,
    pub left: Option<f64>,
    pub right: Option<f64>,
    /// The full message, zh-CN then English, with both sides' values.
    pub message: String,
}

/// A validation with its flags as text.
#[derive(Serialize, ToSchema)]
pub struct ValidationDto {
    pub rules: Vec<RuleResultDto>,
    /// Flags to look at; they never block.
    pub outliers: Vec<String>,
    pub missing_required: Vec<String>,
}

fn validation_dto(v: &Validation) -> ValidationDto {
    ValidationDto {
        rules: v
            .rules
            .iter()
            .map(|r| RuleResultDto {
                rule_code: r.rule_code.clone(),
                severity: r.severity.as_str().to_string(),
                outcome: match r.outcome {
                    Outcome::Pass => "pass",
                    Outcome::Fail => "fail",
                    Outcome::NotApplicable => "not_applicable",
                    Outcome::Skipped(_) => "skipped",
                    Outcome::Undefined => "undefined",
                }
                .to_string(),
                blocks: r.blocks(),
                expression: r.expression.clone(),
                left: r.left,
                right: r.right,
                message: r.to_string(),
            })
            .collect(),
        outliers: v.outliers.iter().map(|o| o.to_string()).collect(),
        missing_required: v.missing_required.clone(),
    }
}

/// One entry row: the form's indicator, the stored value and the previous period's, joined.
#[derive(Serialize, ToSchema)]
pub struct EntryRowDto {
    pub indicator_code: String,
    pub indicator_name: String,
    pub unit: String,
    pub decimals: u8,
    pub required: bool,
    /// The previous period's stored value, for comparison.
    pub previous: Option<f64>,
    pub value: Option<f64>,
}

/// The filing page: composed from the form, the filing, its validation and the caller's rights.
#[derive(Serialize, ToSchema)]
pub struct FilingDetailDto {
    pub form_code: String,
    pub filer: FilerDto,
    pub period: String,
    /// `None`: nothing entered yet.
    pub state: Option<String>,
    pub due: String,
    pub rows: Vec<EntryRowDto>,
    pub validation: ValidationDto,
    pub events: Vec<FilingEvent>,
    /// Which actions this user may take now (who and state only; content checks come on the action).
    pub can_save: bool,
    pub can_submit: bool,
    pub can_approve: bool,
    pub can_return: bool,
    pub can_reopen: bool,
    /// 撤回: the filer may take back a submission nobody has reviewed yet.
    pub can_withdraw: bool,
    /// The filing's version, also sent as the `ETag` header: send it back in `If-Match` when
    /// saving or acting, to be told (412) if someone changed the filing in between.
    pub etag: String,
}

fn detail_dto(cat: Catalogue<'_>, page: FilingPage) -> FilingDetailDto {
    let state = page.state();
    let may = |a: Action| page.may(a);
    let (can_save, can_submit, can_approve, can_return, can_reopen, can_withdraw) =
        (may(Action::Save), may(Action::Submit), may(Action::Approve), may(Action::Return), may(Action::Reopen), may(Action::Withdraw));
    let view = page.view;
    FilingDetailDto {
        etag: page.etag,
        form_code: page.form.code,
        filer: filer_dto(cat, &page.filer),
        period: page.period.to_string(),
        state: state.map(|s| s.as_str().to_string()),
        due: view.due.to_string(),
        rows: view
            .rows
            .into_iter()
            .map(|r| EntryRowDto {
                indicator_code: r.indicator_code,
                indicator_name: r.indicator_name,
                unit: r.unit,
                decimals: r.decimals,
                required: r.required,
                previous: r.previous,
                value: r.value,
            })
            .collect(),
        validation: validation_dto(&view.validation),
        events: view.detail.map(|d| d.events).unwrap_or_default(),
        can_save,
        can_submit,
        can_approve,
        can_return,
        can_reopen,
        can_withdraw,
    }
}

async fn detail(state: &AppState, auth: &Auth, form: &str, filer: &str, period: &str) -> ApiResult<FilingDetailDto> {
    let catalog = state.catalog().await?;
    let cat = catalogue(state, &catalog);
    let page = app::detail(&state.store, cat, &auth.actor, form, filer, period).await?;
    Ok(detail_dto(cat, page))
}

/// 填报详情 / one filing: entry grid with last period's values, rule results, history, allowed actions
#[utoipa::path(get, path = "/api/v1/filings/{form}/{filer}/{period}", tag = "filing",
    params(("form" = String, Path), ("filer" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = FilingDetailDto, headers(("ETag" = String, description = "the filing's version: send it back in If-Match"))),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
pub async fn filing(
    State(state): State<AppState>,
    auth: Auth,
    Path((form, filer, period)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    Ok(with_etag(detail(&state, &auth, &form, &filer, &period).await?))
}

/// The detail as JSON with its `ETag` header.
fn with_etag(d: FilingDetailDto) -> Response {
    let etag = d.etag.clone();
    let mut r = Json(d).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// The `If-Match` header, if any: the ETag the client read.
fn if_match(headers: &axum::http::HeaderMap) -> Option<String> {
    headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

#[derive(Deserialize, ToSchema)]
pub struct SaveValues {
    /// indicator code → value
    pub values: BTreeMap<String, f64>,
    pub reason: Option<String>,
}

/// A save's counts with warnings and flags as text, and the new ETag.
#[derive(Serialize, ToSchema)]
pub struct SaveSummaryDto {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Failed warning rules: they need an explanation at submission.
    pub warnings: Vec<String>,
    /// Outlier flags: shown, never blocking.
    pub outliers: Vec<String>,
    /// After a single filing's save: its new ETag (for the next `If-Match`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub etag: String,
    /// How an uploaded file was read (e.g. as GBK).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn summary_dto(s: SaveSummary) -> SaveSummaryDto {
    SaveSummaryDto {
        created: s.created,
        updated: s.updated,
        unchanged: s.unchanged,
        rejected: s.rejected,
        warnings: s.warnings.iter().map(|(f, r)| format!("{f}: {r}")).collect(),
        outliers: s.outliers.iter().map(|(f, o)| format!("{f}: {o}")).collect(),
        etag: String::new(),
        notes: Vec::new(),
    }
}

/// 保存填报值 / enter values (all or nothing; failed error rules reject the save with both sides' values)
#[utoipa::path(put, path = "/api/v1/filings/{form}/{filer}/{period}/values", tag = "filing", request_body = SaveValues,
    params(("form" = String, Path), ("filer" = String, Path), ("period" = String, Path),
           ("If-Match" = Option<String>, Header, description = "填报详情的 ETag / the filing's ETag as read: 412 if it changed since")),
    responses((status = 200, body = SaveSummaryDto), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse),
              (status = 409, body = ErrorResponse), (status = 412, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn save_values(
    State(state): State<AppState>,
    auth: Auth,
    Path((form, filer, period)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<SaveValues>,
) -> ApiResult<Json<SaveSummaryDto>> {
    let catalog = state.catalog().await?;
    let cat = catalogue(&state, &catalog);
    let values: Vec<(String, f64)> = body.values.into_iter().collect();
    let reason = body.reason.unwrap_or_else(|| "网页填报 / web entry".into());
    let saved = app::save_values(&state.store, cat, &auth.actor, &form, &filer, &period, &values, &reason, Utc::now(), false, if_match(&headers)).await?;
    let mut dto = summary_dto(saved.summary);
    dto.etag = saved.etag;
    Ok(Json(dto))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// 文件名（决定格式）/ file name: .xlsx .xls .ods .csv .json
    pub filename: String,
    /// 只检查不写入 / check only
    pub dry_run: Option<bool>,
}

/// 上传填报文件 / upload a filled template (the file is the request body): all or nothing, every problem located as file:sheet:row:column
#[utoipa::path(post, path = "/api/v1/forms/import", tag = "filing", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = SaveSummaryDto), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse),
              (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn import(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<Json<SaveSummaryDto>> {
    let body = body.map_err(|e| if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE { ApiError::too_large() } else { ApiError::bad_request(e.body_text()) })?;
    let name = std::path::Path::new(&q.filename).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    // Parsing a spreadsheet is CPU work: the use case reads it on a blocking thread, one upload
    // at a time, so an upload never holds up other requests.
    let upload = app::read_upload(name.clone(), body, digecon_core::limits::Limits::default()).await?;
    let catalog = state.catalog().await?;
    let reason = format!("上传 / upload {name}");
    // Out of scope is 403 for the whole upload, whatever else is wrong with the file.
    let screen = Screen::Outsiders(catalogue(&state, &catalog));
    let s = app::import(&state.store, &auth.actor, &upload.file, &reason, Utc::now(), q.dry_run.unwrap_or(false), screen).await?;
    let mut dto = summary_dto(s);
    dto.notes = upload.notes;
    Ok(Json(dto))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    pub period: String,
    /// 填报单位代码（可多个，逗号分隔；默认你填报的全部）/ filer codes, comma-separated (default: the ones you file for)
    pub filers: Option<String>,
}

/// 下载填报模板 / download the Excel template of a form for a period
#[utoipa::path(get, path = "/api/v1/forms/{form}/template", tag = "filing", params(("form" = String, Path), TemplateQuery),
    responses((status = 200, description = "an .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn template(
    State(state): State<AppState>,
    auth: Auth,
    Path(form): Path<String>,
    ApiQuery(q): ApiQuery<TemplateQuery>,
) -> ApiResult<Response> {
    let catalog = state.catalog().await?;
    let filers = q.filers.as_deref().map(|list| list.split(',').map(str::to_string).collect());
    let t = app::template(&state.store, catalogue(&state, &catalog), &auth.actor, &form, &q.period, filers).await?;
    let bytes = digecon_collect::template::write_xlsx(&t).map_err(ApiError::internal)?;
    let name = format!("attachment; filename=\"{}-{}.xlsx\"", t.form_code, t.period);
    Ok(([(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()), (header::CONTENT_DISPOSITION, name)], bytes).into_response())
}

/// 上报、撤回、审核、退回、重开 / submit, withdraw, approve, return or reopen a filing
#[utoipa::path(post, path = "/api/v1/filings/{form}/{filer}/{period}/actions", tag = "filing", request_body = ActionRequest,
    params(("form" = String, Path), ("filer" = String, Path), ("period" = String, Path),
           ("If-Match" = Option<String>, Header, description = "填报详情的 ETag / the filing's ETag as read: 412 if it changed since")),
    responses((status = 200, body = FilingDetailDto, headers(("ETag" = String, description = "the filing's new version"))),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse),
              (status = 409, body = ErrorResponse), (status = 412, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn action(
    State(state): State<AppState>,
    auth: Auth,
    Path((form, filer, period)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
    ApiJson(req): ApiJson<ActionRequest>,
) -> ApiResult<Response> {
    let catalog = state.catalog().await?;
    let cat = catalogue(&state, &catalog);
    app::act(&state.store, cat, &auth.actor, &form, &filer, &period, &req, Utc::now(), if_match(&headers).as_deref()).await?;
    let page = app::detail(&state.store, cat, &auth.actor, &form, &filer, &period).await?;
    Ok(with_etag(detail_dto(cat, page)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RatesQuery {
    pub period: String,
}

/// A filer who has not filed, with its name joined in.
#[derive(Serialize, ToSchema)]
pub struct NotFiledDto {
    pub filer: FilerDto,
    pub state: Option<String>,
    pub overdue: bool,
}

/// A rate row with the region's name and the computed rates joined in.
#[derive(Serialize, ToSchema)]
pub struct RateDto {
    pub region_code: String,
    pub region_name: String,
    pub expected: usize,
    pub filed: usize,
    pub approved: usize,
    pub on_time: usize,
    pub late: usize,
    /// 报送率, percent
    pub filing_rate: Option<f64>,
    /// 及时率, percent
    pub timeliness_rate: Option<f64>,
    pub not_filed: Vec<NotFiledDto>,
}

#[derive(Serialize, ToSchema)]
pub struct RatesDto {
    pub form_code: String,
    pub period: String,
    pub due: String,
    pub rows: Vec<RateDto>,
}

/// 报送率与及时率 / filing rate and timeliness of a form and period, by region in your scope, with who has not filed
#[utoipa::path(get, path = "/api/v1/forms/{form}/rates", tag = "filing", params(("form" = String, Path), RatesQuery),
    responses((status = 200, body = RatesDto), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
pub async fn rates(
    State(state): State<AppState>,
    auth: Auth,
    Path(form): Path<String>,
    ApiQuery(q): ApiQuery<RatesQuery>,
) -> ApiResult<Json<RatesDto>> {
    let catalog = state.catalog().await?;
    let cat = catalogue(&state, &catalog);
    let (f, p, report) = app::rates_in_scope(&state.store, cat, &auth.actor, &form, &q.period, local_date(Utc::now())).await?;
    let (rows, due) = (report.rows, report.due);
    Ok(Json(RatesDto {
        form_code: f.code.clone(),
        period: p.to_string(),
        due: due.to_string(),
        rows: rows
            .into_iter()
            .map(|r| RateDto {
                region_name: state.region_name(&r.region_code).unwrap_or_default(),
                filing_rate: r.filing_rate(),
                timeliness_rate: r.timeliness_rate(),
                expected: r.expected,
                filed: r.filed,
                approved: r.approved,
                on_time: r.on_time,
                late: r.late,
                not_filed: r
                    .not_filed
                    .iter()
                    .map(|n| NotFiledDto { filer: filer_dto(cat, &n.filer), state: n.state.map(|s| s.as_str().to_string()), overdue: n.overdue })
                    .collect(),
                region_code: r.region_code,
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub form: Option<String>,
    pub filer: Option<String>,
    pub period: Option<String>,
}

/// 审计记录 / the audit trail of the filings you may see, oldest first
#[utoipa::path(get, path = "/api/v1/audit", tag = "filing", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 401, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn audit(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<AuditQuery>) -> ApiResult<Json<Vec<AuditEntry>>> {
    let mut v = Validator::default();
    let period = parse_period(&mut v, "period", q.period.as_deref());
    v.finish()?;
    let catalog = state.catalog().await?;
    let filter = AuditFilter { form: q.form, filer: q.filer, period, ..Default::default() };
    Ok(Json(app::audit(&state.store, catalogue(&state, &catalog), &auth.actor, &filter).await?))
}
