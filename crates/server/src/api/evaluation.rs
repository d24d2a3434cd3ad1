//! The city and county evaluation (`digecon-evaluate`) on the values in the store.
//!
//! Scores, ranks and tiers are a published comparison (the 办法's 通报), so every signed-in user
//! sees every region's result; the raw indicator values under them stay within the caller's
//! data scope, like every other observation.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use digecon_core::RegionLevel;
use digecon_evaluate::Evaluation;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::observations::{json_bytes, scope_key};
use crate::auth::Auth;
use crate::cache::Deps;
use crate::error::{ApiError, ApiResult, ErrorResponse, Validator};
use crate::extract::ApiQuery;
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationQuery {
    /// 评价对象 / city (default) | county
    pub scope: Option<String>,
    /// 年份 / year, e.g. 2022; default: the latest year with values
    pub year: Option<i32>,
}

/// 监测评价 / scores, ranks, tiers (梯队), rank change (进位), strengths and weaknesses of every city or county
#[utoipa::path(get, path = "/api/v1/evaluation", tag = "data", params(EvaluationQuery),
    responses((status = 200, body = Evaluation), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn evaluation(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<EvaluationQuery>) -> ApiResult<Response> {
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
    let catalog = state.catalog().await?;
    catalog.schemes.as_ref().map_err(ApiError::internal)?;
    let reads = catalog.scheme_reads.iter().find(|(l, _)| *l == scope).map(|(_, r)| r.clone());
    // A year's evaluation reads that year and the one before (for 进位); without a year it is the
    // latest year with values, which any new value may change.
    let deps = Deps::Indicators(reads.ok_or_else(|| ApiError::not_found(format!("{scope} evaluation scheme")))?, q.year);
    let year = q.year.map(|y| y.to_string()).unwrap_or_default();
    // The published result (every region's scores) is computed once for everybody; the raw
    // values in it are then blanked outside each caller's scope.
    let published = format!("eval|{scope}|{year}");
    let st = state.clone();
    let full_deps = deps.clone();
    let full = move || async move {
        let Some(scheme) = catalog.schemes.as_ref().ok().and_then(|s| s.get(scope)) else {
            return Err(ApiError::not_found(format!("{scope} evaluation scheme")));
        };
        let result: Evaluation = digecon_app::evaluation::evaluate(&st.store, scheme, q.year).await?;
        Ok(Bytes::from(serde_json::to_vec(&result).map_err(ApiError::internal)?))
    };
    if auth.actor.is_global() {
        return Ok(json_bytes(state.cache.get_or_compute(published, &full_deps, full).await?));
    }
    let key = format!("eval|{scope}|{year}|{}", scope_key(&auth.actor));
    let (st, actor) = (state.clone(), auth.actor.clone());
    let body = state
        .cache
        .get_or_compute(key, &deps, move || async move {
            let body = st.cache.get_or_compute(published, &full_deps, full).await?;
            let mut v: serde_json::Value = serde_json::from_slice(&body).map_err(ApiError::internal)?;
            if let Some(units) = v.get_mut("units").and_then(|u| u.as_array_mut()) {
                for u in units {
                    // The rule of digecon_app::evaluation::redact, applied to the cached answer.
                    let visible = u.get("code").and_then(|c| c.as_str()).is_some_and(|c| digecon_app::evaluation::shows_values(&actor, &st.tree, c));
                    if visible {
                        continue;
                    }
                    if let Some(inds) = u.get_mut("indicators").and_then(|i| i.as_array_mut()) {
                        for i in inds {
                            if let Some(o) = i.as_object_mut() {
                                o.insert("value".into(), serde_json::Value::Null);
                            }
                        }
                    }
                }
            }
            Ok(Bytes::from(serde_json::to_vec(&v).map_err(ApiError::internal)?))
        })
        .await?;
    Ok(json_bytes(body))
}
