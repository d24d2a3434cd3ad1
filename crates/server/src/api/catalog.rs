//! The catalogue (regions, indicators, departments, plans) and the plans' contents (targets,
//! tasks, projects), filtered by scope where they belong to a region or department.

use axum::extract::State;
use axum::Json;
use digecon_core::{Department, Indicator, Plan, Project, Region, Target, Task};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Auth;
use crate::error::{ApiResult, ErrorResponse};
use crate::extract::ApiQuery;
use crate::AppState;

/// A region as the catalogue has it, plus whether the caller may see its data (per user, so not
/// part of the domain type).
#[derive(Serialize, ToSchema)]
pub struct RegionDto {
    #[serde(flatten)]
    pub region: Region,
    /// Whether the signed-in user may see this region's data.
    pub in_scope: bool,
}

/// An indicator with the other names and unit spellings the documents print for it (网上零售额 for
/// 网络零售额, `Gpbs` for `Gbps`), which the domain model keeps beside the indicator, joined in.
#[derive(Serialize, ToSchema)]
pub struct IndicatorDto {
    #[serde(flatten)]
    pub indicator: Indicator,
    /// 别名 / other names the documents print for it.
    pub aliases: Vec<String>,
    /// 单位的其他写法 / other spellings of its unit the documents print (meaning `unit`).
    pub unit_aliases: Vec<String>,
}

/// 地区 / regions (all of them; `in_scope` says whose data you may see)
#[utoipa::path(get, path = "/api/v1/regions", tag = "catalog",
    responses((status = 200, body = Vec<RegionDto>), (status = 401, body = ErrorResponse)))]
pub async fn regions(State(state): State<AppState>, auth: Auth) -> Json<Vec<RegionDto>> {
    Json(
        state
            .regions
            .iter()
            .map(|r| RegionDto { region: r.clone(), in_scope: auth.actor.can_see_region(&state.tree, &r.code) })
            .collect(),
    )
}

/// 指标 / indicators
#[utoipa::path(get, path = "/api/v1/indicators", tag = "catalog",
    responses((status = 200, body = Vec<IndicatorDto>), (status = 401, body = ErrorResponse)))]
pub async fn indicators(State(state): State<AppState>, _auth: Auth) -> ApiResult<Json<Vec<IndicatorDto>>> {
    let c = state.catalog().await?;
    Ok(Json(
        c.indicators
            .iter()
            .map(|i| {
                let a = c.lookup.aliases(&i.code);
                IndicatorDto { indicator: i.clone(), aliases: a.names, unit_aliases: a.units }
            })
            .collect(),
    ))
}

/// 单位 / departments
#[utoipa::path(get, path = "/api/v1/departments", tag = "catalog",
    responses((status = 200, body = Vec<Department>), (status = 401, body = ErrorResponse)))]
pub async fn departments(State(state): State<AppState>, _auth: Auth) -> ApiResult<Json<Vec<Department>>> {
    Ok(Json(state.catalog().await?.departments.clone()))
}

/// 规划与计划 / plans (published documents: every signed-in user sees the list; their targets,
/// tasks and projects are scoped)
#[utoipa::path(get, path = "/api/v1/plans", tag = "catalog",
    responses((status = 200, body = Vec<Plan>), (status = 401, body = ErrorResponse)))]
pub async fn plans(State(state): State<AppState>, _auth: Auth) -> ApiResult<Json<Vec<Plan>>> {
    Ok(Json(state.catalog().await?.plans.clone()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// 规划 ID / plan id, e.g. jx-14fyp
    pub plan: Option<String>,
}

/// 目标 / targets of the regions in your scope, or led by your department
#[utoipa::path(get, path = "/api/v1/targets", tag = "catalog", params(PlanQuery),
    responses((status = 200, body = Vec<Target>), (status = 401, body = ErrorResponse)))]
pub async fn targets(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> ApiResult<Json<Vec<Target>>> {
    let list = state.catalog().await?.targets_of(q.plan.as_deref());
    let a = &auth.actor;
    Ok(Json(list.into_iter().filter(|t| a.can_see_target(&state.tree, t)).collect()))
}

/// 任务 / work-plan tasks
#[utoipa::path(get, path = "/api/v1/tasks", tag = "catalog", params(PlanQuery),
    responses((status = 200, body = Vec<Task>), (status = 401, body = ErrorResponse)))]
pub async fn tasks(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<PlanQuery>) -> ApiResult<Json<Vec<Task>>> {
    let catalog = state.catalog().await?;
    let mut list = state.store.tasks(q.plan.as_deref()).await?;
    list.retain(|t| auth.actor.can_see_plan_work(&state.tree, &catalog.plans, t));
    Ok(Json(list))
}

/// 工程 / engineering projects of plans
#[utoipa::path(get, path = "/api/v1/projects", tag = "catalog", params(PlanQuery),
    responses((status = 200, body = Vec<Project>), (status = 401, body = ErrorResponse)))]
pub async fn projects(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<PlanQuery>) -> ApiResult<Json<Vec<Project>>> {
    let catalog = state.catalog().await?;
    let mut list = state.store.projects(q.plan.as_deref()).await?;
    list.retain(|p| auth.actor.can_see_plan_work(&state.tree, &catalog.plans, p));
    Ok(Json(list))
}
