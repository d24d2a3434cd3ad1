//! Observations: filtered by indicator, region and period, always within the caller's scope;
//! as JSON, CSV (the `digecon export` layout), XLSX or SDMX-CSV 2.0.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use digecon_core::{Actor, Period};
use digecon_dataset::{write_observations, ObservationRow};
use digecon_store::ObservationFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Auth;
use crate::cache::Deps;
use crate::error::{ApiError, ApiResult, ErrorResponse, Validator};
use crate::extract::ApiQuery;
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObservationQuery {
    /// 指标代码 / indicator code, e.g. DE_VA
    pub indicator: Option<String>,
    /// 地区代码 / region code; without it, every region in your scope
    pub region: Option<String>,
    /// 期间 / period: 2022, 2022-Q1, 2022-03
    pub period: Option<String>,
    /// json (default) | csv | xlsx | sdmx
    pub format: Option<String>,
}

/// An observation with the region's and indicator's names and unit joined in, source flat (the
/// `digecon export` columns).
#[derive(Serialize, ToSchema)]
pub struct ObservationDto {
    pub region_code: String,
    pub region_name: String,
    pub indicator_code: String,
    pub indicator_name: String,
    pub unit: String,
    pub period: String,
    pub value: f64,
    /// provisional | final
    pub status: String,
    pub source_doc: String,
    pub source_quote: String,
    pub synthetic: bool,
}

fn dto(r: ObservationRow<'_>) -> ObservationDto {
    ObservationDto {
        region_code: r.observation.region_code.clone(),
        region_name: r.region_name.to_string(),
        indicator_code: r.observation.indicator_code.clone(),
        indicator_name: r.indicator_name.to_string(),
        unit: r.unit.to_string(),
        period: r.observation.period.to_string(),
        value: r.observation.value,
        status: r.observation.status.to_string(),
        source_doc: r.observation.source.doc.clone(),
        source_quote: r.observation.source.quote.clone(),
        synthetic: r.observation.synthetic,
    }
}

/// 观测值 / observations (JSON, or a CSV / XLSX / SDMX-CSV download)
#[utoipa::path(get, path = "/api/v1/observations", tag = "data", params(ObservationQuery),
    responses(
        (status = 200, body = Vec<ObservationDto>, description = "JSON; with format=csv|xlsx|sdmx a file download"),
        (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn observations(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ObservationQuery>,
) -> ApiResult<Response> {
    let mut v = Validator::default();
    let period: Option<Period> = match &q.period {
        Some(p) => match p.parse() {
            Ok(p) => Some(p),
            Err(e) => {
                v.check(false, "period", e.to_string());
                None
            }
        },
        None => None,
    };
    let format = q.format.as_deref().unwrap_or("json");
    v.check(matches!(format, "json" | "csv" | "xlsx" | "sdmx"), "format", "应为 json、csv、xlsx 或 sdmx / expected json, csv, xlsx or sdmx");
    if let Some(r) = &q.region {
        v.check(state.tree.contains(r), "region", format!("未知的地区代码 / unknown region code `{r}`"));
    }
    v.finish()?;
    if let Some(r) = &q.region {
        if !auth.actor.can_see_region(&state.tree, r) {
            return Err(ApiError::forbidden(format!("region {r}")));
        }
    }
    let filter = ObservationFilter { indicator: q.indicator.clone(), region: q.region.clone(), period };
    if format == "json" {
        // The dashboard's read: answered from memory while no write has touched its indicator.
        let deps = match &q.indicator {
            // A period's figures change only with writes of its year.
            Some(i) => Deps::Indicators(std::sync::Arc::from(vec![i.clone()]), period.map(|p| p.year())),
            None => Deps::AnyData,
        };
        let key = format!(
            "obs|{}|{}|{}|{}",
            scope_key(&auth.actor),
            q.indicator.as_deref().unwrap_or("*"),
            q.region.as_deref().unwrap_or("*"),
            period.map(|p| p.to_string()).unwrap_or_default()
        );
        let (st, actor) = (state.clone(), auth.actor.clone());
        let body = state
            .cache
            .get_or_compute(key, &deps, move || async move {
                let mut obs = st.store.observations(&filter).await?;
                obs.retain(|o| actor.can_see_region(&st.tree, &o.region_code));
                let catalog = st.catalog().await?;
                let rows: Vec<ObservationDto> = obs.iter().map(|o| dto(ObservationRow::new(o, &catalog.lookup))).collect();
                Ok(Bytes::from(serde_json::to_vec(&rows).map_err(ApiError::internal)?))
            })
            .await?;
        return Ok(json_bytes(body));
    }
    let mut obs = state.store.observations(&filter).await?;
    obs.retain(|o| auth.actor.can_see_region(&state.tree, &o.region_code));
    let catalog = state.catalog().await?;
    let rows = obs.iter().map(|o| ObservationRow::new(o, &catalog.lookup));
    let download = |bytes: Vec<u8>, mime: &str, ext: &str| -> Response {
        let name = format!("attachment; filename=\"digecon-observations.{ext}\"");
        ([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, name)], bytes).into_response()
    };
    Ok(match format {
        "csv" => {
            let mut buf = Vec::new();
            write_observations(&mut buf, rows).map_err(ApiError::internal)?;
            download(buf, "text/csv; charset=utf-8", "csv")
        }
        "xlsx" => download(
            digecon_report::xlsx::write(rows).map_err(ApiError::internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        _ => download(
            digecon_report::sdmx::write(rows).map_err(ApiError::internal)?,
            "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
            "sdmx.csv",
        ),
    })
}

/// Which regions' data a caller sees: everything, or one region's subtree. Cached responses
/// filtered by scope are kept per scope.
pub(crate) fn scope_key(actor: &Actor) -> String {
    if actor.is_global() {
        "*".into()
    } else {
        actor.region_code.clone().unwrap_or_default()
    }
}

/// A finished JSON body.
pub(crate) fn json_bytes(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecentQuery {
    /// 条数 / how many (1–200, default 20)
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct RecentDto {
    #[serde(flatten)]
    pub observation: ObservationDto,
    pub updated_at: String,
}

/// 最新数据 / the most recently changed observations in your scope: approved filings show here at once
#[utoipa::path(get, path = "/api/v1/observations/recent", tag = "data", params(RecentQuery),
    responses((status = 200, body = Vec<RecentDto>), (status = 401, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn recent(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<RecentQuery>) -> ApiResult<Response> {
    let limit = q.limit.unwrap_or(20);
    let mut v = Validator::default();
    v.check((1..=200).contains(&limit), "limit", "应在 1 到 200 之间 / between 1 and 200");
    v.finish()?;
    let key = format!("recent|{}|{limit}", scope_key(&auth.actor));
    let (st, actor) = (state.clone(), auth.actor.clone());
    let body = state
        .cache
        .get_or_compute(key, &Deps::AnyData, move || async move {
            // A narrow scope reads a wider window and filters, so it still gets its own latest values.
            let window = if actor.is_global() { limit } else { limit * 50 };
            let rows = st.store.recent_observations(window).await?;
            let catalog = st.catalog().await?;
            let out: Vec<RecentDto> = rows
                .into_iter()
                .filter(|(o, _)| actor.can_see_region(&st.tree, &o.region_code))
                .take(limit as usize)
                .map(|(o, at)| RecentDto { observation: dto(ObservationRow::new(&o, &catalog.lookup)), updated_at: at })
                .collect();
            Ok(Bytes::from(serde_json::to_vec(&out).map_err(ApiError::internal)?))
        })
        .await?;
    Ok(json_bytes(body))
}
