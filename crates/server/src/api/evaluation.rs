//! The city and county evaluation (`digecon-evaluate`) on the values in the store.
//!
//! Scores, ranks and tiers are a published comparison (the 办法's 通报), so every signed-in user
//! sees every region's result; the raw indicator values under them stay within the caller's
//! data scope, like every other observation.

use axum::extract::State;
use axum::Json;
use digecon_core::RegionLevel;
use digecon_evaluate::{evaluate, EvaluateError, Evaluation, Schemes};
use digecon_store::ObservationFilter;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorResponse, Validator};
use crate::extract::ApiQuery;
use crate::AppState;

#[derive(Deserialize, IntoParams)]
pub struct EvaluationQuery {
    /// 评价对象 / city (default) | county
    pub scope: Option<String>,
    /// 年份 / year, e.g. 2022; default: the latest year with values
    pub year: Option<i32>,
}

/// 监测评价 / scores, ranks, tiers (梯队), rank change (进位), strengths and weaknesses of every city or county
#[utoipa::path(get, path = "/api/v1/evaluation", tag = "data", params(EvaluationQuery),
    responses((status = 200, body = Evaluation), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn evaluation(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<EvaluationQuery>) -> ApiResult<Json<Evaluation>> {
    let mut v = Validator::default();
    let scope = match q.scope.as_deref().unwrap_or("city") {
        "city" => RegionLevel::City,
        "county" => RegionLevel::County,
        _ => {
            v.check(false, "scope", "应为 city 或 county / expected city or county");
            RegionLevel::City
        }
    };
    if let Some(y) = q.year {
        v.check((1990..=2100).contains(&y), "year", format!("年份超出范围 / year out of range: {y}"));
    }
    v.finish()?;
    let indicators = state.store.indicators().await?;
    let schemes = Schemes::embedded(&indicators).map_err(|e| ApiError::internal(e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))?;
    let scheme = schemes.get(scope).ok_or_else(|| ApiError::not_found(format!("{scope} evaluation scheme")))?;
    // Only the indicators the scheme reads (a store with microdata results holds many more).
    let mut observations = Vec::new();
    for code in scheme.wanted_indicators() {
        observations.extend(state.store.observations(&ObservationFilter { indicator: Some(code), ..Default::default() }).await?);
    }
    let (units, values) = digecon_evaluate::inputs(scheme, &state.regions, &observations);
    let year = match q.year.or_else(|| digecon_evaluate::latest_year(&values)) {
        Some(y) => y,
        None => return Err(ApiError::not_found(format!("{scope} evaluation: no values"))),
    };
    let mut result = match evaluate(scheme, &units, &values, year) {
        Ok(r) => r,
        Err(e @ EvaluateError::NoData { .. }) => return Err(ApiError::not_found(e.to_string())),
        Err(e) => return Err(ApiError::internal(e)),
    };
    for u in &mut result.units {
        if !auth.actor.can_see_region(&state.tree, &u.code) {
            for i in &mut u.indicators {
                i.value = None;
            }
        }
    }
    Ok(Json(result))
}
