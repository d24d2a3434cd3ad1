//! The task ledger and key-project scheduling (`digecon-ledger`): task colours for a period,
//! project investment against plan and 序时进度, and the quarterly bulletin.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use digecon_core::Period;
use digecon_ledger::bulletin::{self, BulletinOptions};
use digecon_ledger::progress::Contribution;
use digecon_ledger::projects::ProjectProgress;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorResponse, FieldError};
use crate::extract::ApiQuery;
use crate::AppState;

fn period(field: &str, s: &str) -> ApiResult<Period> {
    s.parse().map_err(|e: digecon_core::PeriodError| ApiError::validation(vec![FieldError { field: field.into(), message: e.to_string() }]))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// 期间 / period: 2022-Q3 or 2022-09
    pub period: String,
    pub plan: Option<String>,
}

/// An item's colour with the item's key and title joined in.
#[derive(Serialize, ToSchema)]
pub struct TaskColourDto {
    pub plan_id: String,
    /// task | project
    pub kind: String,
    pub number: u32,
    pub group: String,
    pub title: String,
    pub lead_units: Vec<String>,
    /// green | yellow | red | grey
    pub colour: String,
    /// 序时进度 at the end of the period, percent.
    pub expected_pct: f64,
    pub report_period: Option<String>,
    /// Why it is late (zh / en), when red.
    pub lateness: Vec<String>,
}

/// 任务红黄绿 / the colour of every task and engineering project in scope for a period
#[utoipa::path(get, path = "/api/v1/ledger/tasks", tag = "tasks", params(TaskQuery),
    responses((status = 200, body = Vec<TaskColourDto>), (status = 401, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn task_colours(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<TaskQuery>) -> ApiResult<Json<Vec<TaskColourDto>>> {
    let p = period("period", &q.period)?;
    let rows = digecon_app::ledger::task_colours(&state.store, &auth.actor, &state.tree, q.plan.as_deref(), p).await?;
    Ok(Json(
        rows.into_iter()
            .map(|s| {
                let (i, c) = (s.item, s.colour);
                TaskColourDto {
                    plan_id: i.key.plan_id.clone(),
                    kind: i.key.kind.as_str().to_string(),
                    number: i.key.number,
                    group: i.group.clone(),
                    title: i.title.clone(),
                    lead_units: i.lead_units.clone(),
                    colour: c.colour.as_str().to_string(),
                    expected_pct: c.expected_pct,
                    report_period: c.report_period.map(|x| x.to_string()),
                    lateness: c.lateness.iter().map(|l| l.describe()).collect(),
                }
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// 月份 / month: 2022-09
    pub month: String,
}

/// 重点项目调度 / key projects in scope: completed investment vs annual plan vs 序时进度 at a month
#[utoipa::path(get, path = "/api/v1/ledger/projects", tag = "tasks", params(ProjectQuery),
    responses((status = 200, body = Vec<ProjectProgress>), (status = 401, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn project_progress(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<ProjectQuery>) -> ApiResult<Json<Vec<ProjectProgress>>> {
    let p = period("month", &q.month)?;
    Ok(Json(digecon_app::ledger::project_progress(&state.store, &state.tree, Some(&auth.actor), p, 0.0).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BulletinQuery {
    /// 季度 / quarter: 2022-Q3
    pub quarter: String,
    /// html (default) | md | xlsx
    pub format: Option<String>,
}

/// 季度通报 / the quarterly bulletin (province-wide: provincial office, administrators, provincial viewers)
#[utoipa::path(get, path = "/api/v1/bulletin", tag = "tasks", params(BulletinQuery),
    responses((status = 200, description = "HTML, Markdown or XLSX"), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn bulletin(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<BulletinQuery>) -> ApiResult<Response> {
    if !super::sees_whole_province(&state, &auth) {
        return Err(ApiError::forbidden("the bulletin covers the whole province"));
    }
    let quarter = period("quarter", &q.quarter)?;
    if !matches!(quarter, Period::Quarter(..)) {
        return Err(ApiError::validation(vec![FieldError { field: "quarter".into(), message: "应为季度，如 2022-Q3 / expected a quarter such as 2022-Q3".into() }]));
    }
    let format = q.format.as_deref().unwrap_or("html");
    if !matches!(format, "html" | "md" | "xlsx") {
        return Err(ApiError::validation(vec![FieldError { field: "format".into(), message: "应为 html、md 或 xlsx / expected html, md or xlsx".into() }]));
    }
    let (b, _) = digecon_app::ledger::bulletin(&state.store, quarter, &[], BulletinOptions::default()).await?;
    let doc = bulletin::document(&b);
    let disposition = |ext: &str| format!("attachment; filename=\"bulletin-{quarter}.{ext}\"");
    Ok(match format {
        "md" => ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition("md"))], bulletin::markdown(&doc)).into_response(),
        "xlsx" => (
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
                (header::CONTENT_DISPOSITION, disposition("xlsx")),
            ],
            bulletin::xlsx(&b, &doc).map_err(ApiError::internal)?,
        )
            .into_response(),
        _ => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], bulletin::html(&doc)).into_response(),
    })
}

/// The part of a goal the page shows (the parsed relation and values stay on the server).
#[derive(Serialize, ToSchema)]
pub struct GoalDto {
    /// `G1`, `M2023-G1`
    pub id: String,
    /// The phrase it was read from, e.g. `15 个以上`.
    pub phrase: String,
    pub unit: String,
}

/// A report as the page edits it: status as text, the co-operating units' parts, no item key.
#[derive(Serialize, ToSchema)]
pub struct ReportDto {
    pub department_code: String,
    /// not_started | in_progress | completed | behind
    pub status: String,
    pub percent: Option<f64>,
    /// goal id → measured value
    pub values: std::collections::BTreeMap<String, f64>,
    pub milestones_reached: Vec<String>,
    pub narrative: String,
    pub evidence: Vec<String>,
    /// The co-operating units' parts.
    pub parts: Vec<Contribution>,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// The report page: the item, its report for the period, its colour and ETag, joined.
#[derive(Serialize, ToSchema)]
pub struct TaskReportDto {
    pub plan_id: String,
    /// task | project
    pub kind: String,
    pub number: u32,
    pub period: String,
    pub title: String,
    pub lead_units: Vec<String>,
    pub coop_units: Vec<String>,
    pub goals: Vec<GoalDto>,
    pub milestones: Vec<String>,
    /// `None`: not reported for this period yet.
    pub report: Option<ReportDto>,
    /// green | yellow | red | grey
    pub colour: String,
    /// Why it is late (zh / en), when red.
    pub lateness: Vec<String>,
    /// Also the `ETag` header: send it back in `If-Match` when filing.
    pub etag: String,
}

fn item_key(plan: &str, kind: &str, number: u32) -> ApiResult<digecon_ledger::ItemKey> {
    let kind: digecon_ledger::ItemKind =
        kind.parse().map_err(|e: String| ApiError::validation(vec![FieldError { field: "kind".into(), message: e }]))?;
    Ok(digecon_ledger::ItemKey { plan_id: plan.to_string(), kind, number })
}

fn report_response(v: digecon_app::ledger::TaskReportView) -> Response {
    let dto = TaskReportDto {
        plan_id: v.item.key.plan_id.clone(),
        kind: v.item.key.kind.as_str().to_string(),
        number: v.item.key.number,
        period: v.colour.period.to_string(),
        title: v.item.title.clone(),
        lead_units: v.item.lead_units.clone(),
        coop_units: v.item.coop_units.clone(),
        goals: v.item.all_goals().map(|g| GoalDto { id: g.id.clone(), phrase: g.phrase.clone(), unit: g.unit.clone() }).collect(),
        milestones: v.item.milestones.iter().map(|m| m.id.clone()).collect(),
        report: v.report.map(|r| ReportDto {
            department_code: r.department_code,
            status: r.status.as_str().to_string(),
            percent: r.percent,
            values: r.values,
            milestones_reached: r.milestones_reached,
            narrative: r.narrative,
            evidence: r.evidence,
            parts: r.contributions,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
        }),
        colour: v.colour.colour.as_str().to_string(),
        lateness: v.colour.lateness.iter().map(|l| l.describe()).collect(),
        etag: v.etag.clone(),
    };
    let mut r = Json(dto).into_response();
    if let Ok(h) = header::HeaderValue::from_str(&v.etag) {
        r.headers_mut().insert(header::ETAG, h);
    }
    r
}

/// 任务进度报告 / an item's progress report for a period: the report and the co-operating units' parts, its colour, and its ETag
#[utoipa::path(get, path = "/api/v1/ledger/reports/{plan}/{kind}/{number}/{period}", tag = "tasks",
    params(("plan" = String, Path), ("kind" = String, Path, description = "task | project"), ("number" = u32, Path), ("period" = String, Path, description = "2022-Q3 or 2022-09")),
    responses((status = 200, body = TaskReportDto, headers(("ETag" = String, description = "the report's version: send it back in If-Match"))),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn task_report(
    State(state): State<AppState>,
    auth: Auth,
    axum::extract::Path((plan, kind, number, p)): axum::extract::Path<(String, String, u32, String)>,
) -> ApiResult<Response> {
    let key = item_key(&plan, &kind, number)?;
    let p = period("period", &p)?;
    let view = digecon_app::ledger::task_report_view(&state.store, &auth.actor, &state.tree, &key, p).await?;
    Ok(report_response(view))
}

#[derive(Deserialize, ToSchema)]
pub struct TaskReportBody {
    /// The unit filing (code or name); default your own unit when it works on the item.
    pub department: Option<String>,
    /// The lead unit's: not_started | in_progress | completed | behind
    pub status: Option<String>,
    /// The lead unit's: 0–100
    pub percent: Option<f64>,
    /// The lead unit's: goal id → measured value, in the goal's unit
    #[serde(default)]
    pub values: std::collections::BTreeMap<String, f64>,
    /// The lead unit's: ids of the milestones reached
    #[serde(default)]
    pub milestones: Vec<String>,
    /// The lead unit's account, or a co-operating unit's part
    #[serde(default)]
    pub narrative: String,
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Problems raised with this report
    #[serde(default)]
    pub problems: Vec<String>,
}

/// 填报任务进度 / file a unit's progress report (lead unit) or its part (co-operating unit) on an item for a period (If-Match: 412 if someone filed in between)
#[utoipa::path(put, path = "/api/v1/ledger/reports/{plan}/{kind}/{number}/{period}", tag = "tasks", request_body = TaskReportBody,
    params(("plan" = String, Path), ("kind" = String, Path, description = "task | project"), ("number" = u32, Path), ("period" = String, Path),
           ("If-Match" = Option<String>, Header, description = "the report's ETag as read: 412 if it changed since")),
    responses((status = 200, body = TaskReportDto, headers(("ETag" = String, description = "the report's new version"))),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
              (status = 412, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn file_task_report(
    State(state): State<AppState>,
    auth: Auth,
    axum::extract::Path((plan, kind, number, p)): axum::extract::Path<(String, String, u32, String)>,
    headers: axum::http::HeaderMap,
    crate::extract::ApiJson(body): crate::extract::ApiJson<TaskReportBody>,
) -> ApiResult<Response> {
    let key = item_key(&plan, &kind, number)?;
    let p = period("period", &p)?;
    let mut v = crate::error::Validator::default();
    v.text("narrative", &body.narrative);
    for (i, e) in body.evidence.iter().enumerate() {
        v.text(&format!("evidence.{i}"), e);
    }
    for (i, t) in body.problems.iter().enumerate() {
        v.text(&format!("problems.{i}"), t);
    }
    v.finish()?;
    // Scope first: an outsider learns nothing from the checks of the report.
    digecon_app::ledger::task_report_view(&state.store, &auth.actor, &state.tree, &key, p).await?;
    let req = digecon_app::ledger::TaskReportRequest {
        plan: key.plan_id.clone(),
        kind: key.kind,
        number,
        period: p,
        department: body.department,
        input: digecon_ledger::progress::FilingInput {
            status: body.status,
            percent: body.percent,
            values: body.values.iter().map(|(g, x)| format!("{g}={}", digecon_core::format_value(*x))).collect(),
            milestones: body.milestones,
            narrative: body.narrative,
            evidence: body.evidence,
        },
        problems: body.problems,
        by: auth.user.username.clone(),
        if_match: headers.get(header::IF_MATCH).and_then(|h| h.to_str().ok()).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
    };
    digecon_app::ledger::report_task(&state.store, Some(&auth.actor), &req).await?;
    let view = digecon_app::ledger::task_report_view(&state.store, &auth.actor, &state.tree, &key, p).await?;
    Ok(report_response(view))
}
