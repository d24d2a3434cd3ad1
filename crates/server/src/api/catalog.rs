//! The catalogue (regions, indicators, departments, plans) and the plans' contents (targets,
//! tasks, projects), filtered by scope where they belong to a region or department.

use axum::extract::State;
use axum::Json;
use digecon_core::{Actor, Target};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Auth;
use crate::error::{ApiResult, ErrorResponse};
use crate::extract::ApiQuery;
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct RegionDto {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// province | city | county | zone
    pub level: String,
    pub parent_code: Option<String>,
    /// Whether the signed-in user may see this region's data.
    pub in_scope: bool,
}

/// 地区 / regions (all of them; `in_scope` says whose data you may see)
#[utoipa::path(get, path = "/api/v1/regions", tag = "catalog",
    responses((status = 200, body = Vec<RegionDto>), (status = 401, body = ErrorResponse)))]
pub async fn regions(State(state): State<AppState>, auth: Auth) -> Json<Vec<RegionDto>> {
    Json(
        state
            .regions
            .iter()
            .map(|r| RegionDto {
                code: r.code.clone(),
                name_zh: r.name_zh.clone(),
                name_en: r.name_en.clone(),
                level: r.level.to_string(),
                parent_code: r.parent_code.clone(),
                in_scope: auth.actor.can_see_region(&state.tree, &r.code),
            })
            .collect(),
    )
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorDto {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit: String,
    pub frequency: String,
    pub accumulation: String,
    pub polarity: String,
    pub aggregation: String,
    pub category: String,
    pub definition: String,
    pub formula: Option<String>,
}

/// 指标 / indicators
#[utoipa::path(get, path = "/api/v1/indicators", tag = "catalog",
    responses((status = 200, body = Vec<IndicatorDto>), (status = 401, body = ErrorResponse)))]
pub async fn indicators(State(state): State<AppState>, _auth: Auth) -> ApiResult<Json<Vec<IndicatorDto>>> {
    let list = state.catalog().await?;
    Ok(Json(
        list.indicators
            .iter()
            .cloned()
            .map(|i| IndicatorDto {
                code: i.code,
                name_zh: i.name_zh,
                name_en: i.name_en,
                unit: i.unit,
                frequency: i.frequency.to_string(),
                accumulation: i.accumulation.to_string(),
                polarity: i.polarity.to_string(),
                aggregation: i.aggregation.to_string(),
                category: i.category,
                definition: i.definition,
                formula: i.formula.map(|f| f.to_string()),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentDto {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub region_code: String,
    pub kind: String,
}

/// 单位 / departments
#[utoipa::path(get, path = "/api/v1/departments", tag = "catalog",
    responses((status = 200, body = Vec<DepartmentDto>), (status = 401, body = ErrorResponse)))]
pub async fn departments(State(state): State<AppState>, _auth: Auth) -> ApiResult<Json<Vec<DepartmentDto>>> {
    let list = state.catalog().await?;
    Ok(Json(
        list.departments
            .iter()
            .cloned()
            .map(|d| DepartmentDto {
                code: d.code,
                name_zh: d.name_zh,
                name_en: d.name_en,
                region_code: d.region_code,
                kind: d.kind.to_string(),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct PlanDto {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: String,
    pub region_code: String,
    pub start_year: i32,
    pub end_year: i32,
    pub source_doc: String,
}

/// 规划与计划 / plans (published documents: every signed-in user sees the list; their targets,
/// tasks and projects are scoped)
#[utoipa::path(get, path = "/api/v1/plans", tag = "catalog",
    responses((status = 200, body = Vec<PlanDto>), (status = 401, body = ErrorResponse)))]
pub async fn plans(State(state): State<AppState>, _auth: Auth) -> ApiResult<Json<Vec<PlanDto>>> {
    let list = state.catalog().await?;
    Ok(Json(
        list.plans
            .iter()
            .cloned()
            .map(|p| PlanDto {
                id: p.id,
                name_zh: p.name_zh,
                name_en: p.name_en,
                kind: p.kind.to_string(),
                region_code: p.region_code,
                start_year: p.start_year,
                end_year: p.end_year,
                source_doc: p.source_doc,
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct PlanQuery {
    /// 规划 ID / plan id, e.g. jx-14fyp
    pub plan: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TargetDto {
    pub plan_id: String,
    pub region_code: String,
    pub indicator_code: String,
    pub base_year: Option<i32>,
    pub base_text: String,
    pub base_value: Option<f64>,
    pub target_year: i32,
    pub target_text: String,
    /// 预期性 | 约束性
    pub attribute: Option<String>,
    pub stated_growth_text: String,
    pub lead_units: Vec<String>,
    pub source_doc: String,
    pub source_quote: String,
}

impl From<Target> for TargetDto {
    fn from(t: Target) -> Self {
        TargetDto {
            plan_id: t.plan_id,
            region_code: t.region_code,
            indicator_code: t.indicator_code,
            base_year: t.base_year,
            base_text: t.base_text,
            base_value: t.base_value,
            target_year: t.target_year,
            target_text: t.target_text,
            attribute: t.attribute.map(|a| a.as_zh().to_string()),
            stated_growth_text: t.stated_growth_text,
            lead_units: t.lead_units,
            source_doc: t.source.doc,
            source_quote: t.source.quote,
        }
    }
}

/// 目标 / targets of the regions in your scope, or led by your department
#[utoipa::path(get, path = "/api/v1/targets", tag = "catalog", params(PlanQuery),
    responses((status = 200, body = Vec<TargetDto>), (status = 401, body = ErrorResponse)))]
pub async fn targets(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> ApiResult<Json<Vec<TargetDto>>> {
    let list = state.catalog().await?.targets_of(q.plan.as_deref());
    let a = &auth.actor;
    Ok(Json(
        list.into_iter()
            .filter(|t| a.can_see_target(&state.tree, t))
            .map(TargetDto::from)
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct TaskDto {
    pub plan_id: String,
    pub number: u32,
    pub section: String,
    pub text: String,
    pub lead_units: Vec<String>,
    pub coop_units: Vec<String>,
    pub lead_units_text: String,
    pub coop_units_text: String,
}

/// Tasks and projects: visible within the plan's region scope, or to their lead / co-operating units.
fn work_visible(state: &AppState, actor: &Actor, plan_region: Option<&str>, units: &[&String]) -> bool {
    actor.can_see_work(&state.tree, plan_region, units.iter().copied())
}

/// 任务 / work-plan tasks
#[utoipa::path(get, path = "/api/v1/tasks", tag = "catalog", params(PlanQuery),
    responses((status = 200, body = Vec<TaskDto>), (status = 401, body = ErrorResponse)))]
pub async fn tasks(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<PlanQuery>) -> ApiResult<Json<Vec<TaskDto>>> {
    let catalog = state.catalog().await?;
    let plans = &catalog.plans;
    let region_of = |id: &str| plans.iter().find(|p| p.id == id).map(|p| p.region_code.as_str());
    let list = state.store.tasks(q.plan.as_deref()).await?;
    Ok(Json(
        list.into_iter()
            .filter(|t| {
                let units: Vec<&String> = t.lead_units.iter().chain(&t.coop_units).collect();
                work_visible(&state, &auth.actor, region_of(&t.plan_id), &units)
            })
            .map(|t| TaskDto {
                plan_id: t.plan_id,
                number: t.number,
                section: t.section,
                text: t.text,
                lead_units: t.lead_units,
                coop_units: t.coop_units,
                lead_units_text: t.lead_units_text,
                coop_units_text: t.coop_units_text,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct MilestoneDto {
    pub year: i32,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectDto {
    pub plan_id: String,
    pub number: u32,
    pub category: String,
    pub domain: String,
    pub name: String,
    pub content: String,
    pub goal_text: String,
    pub milestones: Vec<MilestoneDto>,
    pub lead_units: Vec<String>,
    pub coop_units: Vec<String>,
}

/// 工程 / engineering projects of plans
#[utoipa::path(get, path = "/api/v1/projects", tag = "catalog", params(PlanQuery),
    responses((status = 200, body = Vec<ProjectDto>), (status = 401, body = ErrorResponse)))]
pub async fn projects(State(state): State<AppState>, auth: Auth, ApiQuery(q): ApiQuery<PlanQuery>) -> ApiResult<Json<Vec<ProjectDto>>> {
    let catalog = state.catalog().await?;
    let plans = &catalog.plans;
    let region_of = |id: &str| plans.iter().find(|p| p.id == id).map(|p| p.region_code.as_str());
    let list = state.store.projects(q.plan.as_deref()).await?;
    Ok(Json(
        list.into_iter()
            .filter(|p| {
                let units: Vec<&String> = p.lead_units.iter().chain(&p.coop_units).collect();
                work_visible(&state, &auth.actor, region_of(&p.plan_id), &units)
            })
            .map(|p| ProjectDto {
                plan_id: p.plan_id,
                number: p.number,
                category: p.category,
                domain: p.domain,
                name: p.name,
                content: p.content,
                goal_text: p.goal_text,
                milestones: p.milestones.into_iter().map(|m| MilestoneDto { year: m.year, text: m.text }).collect(),
                lead_units: p.lead_units,
                coop_units: p.coop_units,
            })
            .collect(),
    ))
}
