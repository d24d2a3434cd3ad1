//! 报告中心 / reports: the annual white paper and city/county profiles (digecon_app::report),
//! previewed as HTML or downloaded as DOCX, PDF or XLSX.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use digecon_app::report::{self as app_report, ProfileBuilder, Profiles, ReportRequest};
use digecon_report::paper::{Document, Format};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorResponse, FieldError};
use crate::extract::ApiQuery;
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// 年份 / year, e.g. 2022; default: the latest year with values
    pub year: Option<i32>,
    /// html (default, for preview) | docx | pdf | xlsx
    pub format: Option<String>,
    /// 1 / true: as a file to save (Content-Disposition: attachment)
    pub download: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProfileQuery {
    /// 地区代码 / region code, e.g. 360700
    pub region: String,
    /// 年份 / year; default: the latest year with values
    pub year: Option<i32>,
    /// html (default) | docx | pdf | xlsx
    pub format: Option<String>,
    /// 1 / true: as a file to save
    pub download: Option<bool>,
}

fn format(f: Option<&str>) -> ApiResult<Format> {
    Format::parse(f.unwrap_or("html")).ok_or_else(|| {
        ApiError::validation(vec![FieldError { field: "format".into(), message: "应为 html、docx、pdf 或 xlsx / expected html, docx, pdf or xlsx".into() }])
    })
}

fn year_ok(y: Option<i32>) -> ApiResult<()> {
    match y {
        Some(y) if !(1990..=2100).contains(&y) => Err(ApiError::validation(vec![FieldError { field: "year".into(), message: format!("年份超出范围 / year out of range: {y}") }])),
        _ => Ok(()),
    }
}

/// Renders on a blocking thread (typst and resvg are CPU work) and answers as preview or file.
async fn respond(doc: Document, format: Format, download: bool, stem: String) -> ApiResult<Response> {
    let bytes = tokio::task::spawn_blocking(move || app_report::render(&doc, format)).await.map_err(ApiError::internal)??;
    let name = format!("{stem}.{}", format.extension());
    let disposition = if download || format != Format::Html { format!("attachment; filename=\"{name}\"") } else { format!("inline; filename=\"{name}\"") };
    Ok(([(header::CONTENT_TYPE, format.mime().to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

/// 年度白皮书 / the annual white paper (province-wide: provincial office, administrators, provincial viewers)
#[utoipa::path(get, path = "/api/v1/reports/whitepaper", tag = "reports", params(ReportQuery),
    responses((status = 200, description = "HTML, DOCX, PDF or XLSX"), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse), (status = 503, body = ErrorResponse)))]
pub async fn whitepaper(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<ReportQuery>) -> ApiResult<Response> {
    if !super::sees_whole_province(&state, &auth) {
        return Err(ApiError::forbidden("the white paper covers the whole province"));
    }
    let f = format(q.format.as_deref())?;
    year_ok(q.year)?;
    let doc = app_report::whitepaper(&state.store, ReportRequest { region: None, year: q.year, template: None }).await?;
    let stem = format!("whitepaper-{}", doc.year);
    respond(doc, f, q.download.unwrap_or(false), stem).await
}

/// 一地一档 / a city's or county's profile (within the caller's data scope)
#[utoipa::path(get, path = "/api/v1/reports/profile", tag = "reports", params(ProfileQuery),
    responses((status = 200, description = "HTML, DOCX, PDF or XLSX"), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse), (status = 503, body = ErrorResponse)))]
pub async fn profile(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<ProfileQuery>) -> ApiResult<Response> {
    let f = format(q.format.as_deref())?;
    year_ok(q.year)?;
    if !state.tree.contains(&q.region) {
        return Err(ApiError::not_found(format!("地区 / region {}", q.region)));
    }
    if !auth.actor.can_see_region(&state.tree, &q.region) {
        return Err(ApiError::forbidden(format!("region {}", q.region)));
    }
    let builder = ProfileBuilder::new(&state.store, q.year, None, Profiles::One(q.region.clone())).await?;
    let doc = builder.build(&q.region)?;
    let stem = format!("profile-{}-{}", q.region, doc.year);
    respond(doc, f, q.download.unwrap_or(false), stem).await
}
