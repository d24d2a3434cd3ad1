//! Observations: filtered by indicator, region and period, always within the caller's scope;
//! as JSON, CSV (the `digecon export` layout), XLSX or SDMX-CSV 2.0.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use digecon_core::Period;
use digecon_dataset::{write_observations, ObservationRow};
use digecon_store::ObservationFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorResponse, Validator};
use crate::extract::ApiQuery;
use crate::AppState;

#[derive(Deserialize, IntoParams)]
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
    let mut obs = state.store.observations(&filter).await?;
    obs.retain(|o| auth.actor.can_see_region(&state.tree, &o.region_code));
    let catalog = state.store.catalog().await?;
    let rows = obs.iter().map(|o| ObservationRow::new(o, &catalog));
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
        "sdmx" => download(
            digecon_report::sdmx::write(rows).map_err(ApiError::internal)?,
            "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
            "sdmx.csv",
        ),
        _ => Json(rows.map(dto).collect::<Vec<_>>()).into_response(),
    })
}


#[derive(Deserialize, IntoParams)]
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
pub async fn recent(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<RecentQuery>) -> ApiResult<Json<Vec<RecentDto>>> {
    let limit = q.limit.unwrap_or(20);
    let mut v = Validator::default();
    v.check((1..=200).contains(&limit), "limit", "应在 1 到 200 之间 / between 1 and 200");
    v.finish()?;
    // Read a wider window and filter by scope, so a narrow scope still gets its own latest values.
    let rows = state.store.recent_observations(limit * 50).await?;
    let catalog = state.store.catalog().await?;
    Ok(Json(
        rows.into_iter()
            .filter(|(o, _)| auth.actor.can_see_region(&state.tree, &o.region_code))
            .take(limit as usize)
            .map(|(o, at)| RecentDto { observation: dto(ObservationRow::new(&o, &catalog)), updated_at: at })
            .collect(),
    ))
}
