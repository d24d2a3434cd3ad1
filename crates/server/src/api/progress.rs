//! Target progress (the targets capability, `digecon-track`), as of a period, within scope.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use digecon_core::Period;
use digecon_app::progress::{BeforeBase, ProgressRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::observations::{json_bytes, scope_key};
use crate::auth::Auth;
use crate::cache::Deps;
use crate::error::{ApiError, ApiResult, ErrorResponse, Validator};
use crate::extract::ApiQuery;
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// 评估时点 / as of: 2022, 2022-Q3, 2022-06
    pub as_of: String,
    /// 规划 ID / plan id
    pub plan: Option<String>,
}

/// A target's progress with the indicator joined in and the measure and status as text.
#[derive(Serialize, ToSchema)]
pub struct ProgressDto {
    pub plan_id: String,
    pub region_code: String,
    pub indicator_code: String,
    pub indicator_name: String,
    pub unit: String,
    /// 预期性 | 约束性
    pub attribute: Option<String>,
    pub base_year: Option<i32>,
    pub base_value: Option<f64>,
    pub target_year: i32,
    pub target_text: String,
    pub target_kind: String,
    pub latest_period: Option<String>,
    pub latest_value: Option<f64>,
    pub expected_value: Option<f64>,
    pub progress: Option<String>,
    /// achieved | on_track | at_risk | off_track | no_data
    pub status: String,
    /// The rule that produced the status (zh / en).
    pub rule: String,
}

/// 目标进度 / progress of every target in scope as of a period
#[utoipa::path(get, path = "/api/v1/progress", tag = "data", params(ProgressQuery),
    responses((status = 200, body = Vec<ProgressDto>), (status = 401, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn progress(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ProgressQuery>,
) -> ApiResult<Response> {
    let mut v = Validator::default();
    let as_of = q.as_of.parse::<Period>();
    v.check(as_of.is_ok(), "as_of", "应为 2022、2022-Q3 或 2022-06 / expected 2022, 2022-Q3 or 2022-06");
    v.finish()?;
    let as_of = as_of.unwrap();
    let a = &auth.actor;
    let catalog = state.catalog().await?;
    // Progress as of a period reads values up to it: later years' filings leave it valid.
    let deps = Deps::Indicators(catalog.progress_reads.clone(), Some(as_of.year()));
    let key = format!(
        "progress|{}|{}|{as_of}|{}",
        scope_key(a),
        a.department_code.as_deref().unwrap_or(""),
        q.plan.as_deref().unwrap_or("*")
    );
    let actor = a.clone();
    let st = state.clone();
    let body = state
        .cache
        .get_or_compute(key, &deps, move || async move {
            let req = ProgressRequest { as_of, plan: q.plan.as_deref(), region: None, references: None, before_base: BeforeBase::LeaveOut };
            let rows = digecon_app::progress::progress(&st.store, &req, Some((&actor, &st.tree))).await?;
            let out: Vec<ProgressDto> = rows
                .into_iter()
                .map(|p| ProgressDto {
                    target_kind: p.target.kind(),
                    target_text: p.target.text.clone(),
                    latest_period: p.latest.as_ref().map(|l| l.period.to_string()),
                    latest_value: p.latest.as_ref().map(|l| l.value),
                    progress: p.measure.map(|m| m.display()),
                    status: p.status.code().to_string(),
                    attribute: p.attribute.map(|x| x.as_zh().to_string()),
                    expected_value: p.expected_value,
                    plan_id: p.plan_id,
                    region_code: p.region_code,
                    indicator_code: p.indicator_code,
                    indicator_name: p.indicator_name,
                    unit: p.unit,
                    base_year: p.base_year,
                    base_value: p.base_value,
                    target_year: p.target_year,
                    rule: p.rule,
                })
                .collect();
            Ok(Bytes::from(serde_json::to_vec(&out).map_err(ApiError::internal)?))
        })
        .await?;
    Ok(json_bytes(body))
}
