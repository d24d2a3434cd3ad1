//! Health, users, and the login and operation logs.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use digecon_core::Role;
use digecon_store::{LoginRecord, OperationRecord, User};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Auth;
use crate::error::{ApiResult, ErrorResponse};
use crate::extract::parse_json;
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: String,
    /// sqlite | postgres
    pub database: String,
    pub version: String,
}

/// 健康检查 / health (no sign-in; checks the database answers)
#[utoipa::path(get, path = "/api/v1/health", tag = "system", responses((status = 200, body = Health), (status = 500, body = ErrorResponse)))]
pub async fn health(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    state.store.meta("loaded_at").await?;
    Ok(Json(Health {
        status: "ok".into(),
        database: match state.store.backend() {
            digecon_store::Backend::Sqlite => "sqlite".into(),
            digecon_store::Backend::Postgres => "postgres".into(),
        },
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}

/// A user without the password hash (never sent out).
#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub region_code: Option<String>,
    pub department_code: Option<String>,
    pub active: bool,
    pub created_at: String,
}

impl From<User> for UserDto {
    fn from(u: User) -> Self {
        UserDto {
            username: u.username,
            display_name: u.display_name,
            role: u.role.to_string(),
            region_code: u.region_code,
            department_code: u.department_code,
            active: u.active,
            created_at: u.created_at,
        }
    }
}

/// 用户列表 / users (admin)
#[utoipa::path(get, path = "/api/v1/users", tag = "system",
    responses((status = 200, body = Vec<UserDto>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse)))]
pub async fn list_users(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<UserDto>>> {
    auth.require(&[Role::Admin])?;
    Ok(Json(state.store.users().await?.into_iter().map(UserDto::from).collect()))
}

pub use digecon_app::users::NewUser;

/// 新增用户 / add a user (admin)
#[utoipa::path(post, path = "/api/v1/users", tag = "system", request_body = NewUser,
    responses((status = 201, body = UserDto), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse),
              (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn create_user(
    State(state): State<AppState>,
    auth: Auth,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<UserDto>)> {
    auth.require(&[Role::Admin])?;
    let u: NewUser = parse_json(&body)?;
    let stored = digecon_app::users::add(&state.store, &u).await?;
    Ok((StatusCode::CREATED, Json(stored.into())))
}

/// 登录日志 / sign-in log, newest first (admin, provincial office)
#[utoipa::path(get, path = "/api/v1/logs/logins", tag = "system",
    responses((status = 200, body = Vec<LoginRecord>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse)))]
pub async fn login_log(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<LoginRecord>>> {
    auth.require(&[Role::Admin, Role::ProvinceOffice])?;
    Ok(Json(state.store.login_log(500).await?))
}

/// 操作日志 / operation log, newest first (admin, provincial office)
#[utoipa::path(get, path = "/api/v1/logs/operations", tag = "system",
    responses((status = 200, body = Vec<OperationRecord>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse)))]
pub async fn operation_log(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<OperationRecord>>> {
    auth.require(&[Role::Admin, Role::ProvinceOffice])?;
    // Rows are written in batches; write what is queued before reading.
    state.flush_operation_log().await;
    Ok(Json(state.store.operation_log(500).await?))
}

#[derive(Serialize, ToSchema)]
pub struct DictItem {
    pub value: String,
    pub label_zh: String,
    pub label_en: String,
}

#[derive(Serialize, ToSchema)]
pub struct Dictionary {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub items: Vec<DictItem>,
}

/// The closed vocabularies of the platform (字典), as stored values with their labels.
const DICTIONARIES: &[(&str, &str, &str, &[(&str, &str, &str)])] = &[
    ("region_level", "地区层级", "region level", &[("province", "省", "province"), ("city", "设区市", "city"), ("county", "县（市、区）", "county"), ("zone", "功能区", "zone")]),
    ("role", "角色", "role", &[("admin", "系统管理员", "administrator"), ("province_office", "省数字经济办", "provincial office"), ("department", "部门", "department"), ("city", "设区市", "city"), ("county", "县（市、区）", "county"), ("viewer", "查看用户", "viewer")]),
    ("frequency", "频率", "frequency", &[("year", "年", "year"), ("quarter", "季", "quarter"), ("month", "月", "month")]),
    ("accumulation", "累计方式", "accumulation", &[("period", "当期", "period"), ("ytd", "累计", "year to date")]),
    ("polarity", "指标方向", "polarity", &[("positive", "越大越好", "higher is better"), ("negative", "越小越好", "lower is better")]),
    ("aggregation", "汇总方式", "aggregation", &[("sum", "求和", "sum"), ("mean", "平均", "mean"), ("none", "不汇总", "none")]),
    ("observation_status", "数据状态", "observation status", &[("provisional", "初步", "provisional"), ("final", "正式", "final")]),
    ("plan_kind", "规划类型", "plan kind", &[("five_year", "五年规划", "five-year plan"), ("annual", "年度计划", "annual plan"), ("work_points", "工作要点", "work points")]),
    ("target_attribute", "指标属性", "target attribute", &[("预期性", "预期性", "expected"), ("约束性", "约束性", "binding")]),
    ("target_status", "目标状态", "target status", &[("achieved", "已实现", "achieved"), ("on_track", "正常推进", "on track"), ("at_risk", "存在风险", "at risk"), ("off_track", "滞后", "off track"), ("no_data", "无数据", "no data")]),
    ("filing_state", "填报状态", "filing state", &[("draft", "草稿", "draft"), ("submitted", "已上报", "submitted"), ("city_approved", "市级已审核", "city approved"), ("approved", "已审定", "approved"), ("returned", "已退回", "returned")]),
    ("filing_action", "填报操作", "filing action", &[("save", "保存", "save"), ("submit", "上报", "submit"), ("withdraw", "撤回", "withdraw"), ("approve", "审核通过", "approve"), ("return", "退回", "return"), ("reopen", "重新打开", "reopen")]),
    ("task_colour", "任务状态色", "task colour", &[("green", "绿：按序时推进", "on schedule"), ("yellow", "黄：曾滞后已追上", "caught up"), ("red", "红：滞后", "late"), ("grey", "灰：未报告", "no report")]),
];

/// 数据字典 / the platform's closed vocabularies with zh-CN and English labels
#[utoipa::path(get, path = "/api/v1/dictionaries", tag = "system",
    responses((status = 200, body = Vec<Dictionary>), (status = 401, body = ErrorResponse)))]
pub async fn dictionaries(_auth: Auth) -> Json<Vec<Dictionary>> {
    Json(
        DICTIONARIES
            .iter()
            .map(|(code, zh, en, items)| Dictionary {
                code: code.to_string(),
                name_zh: zh.to_string(),
                name_en: en.to_string(),
                items: items.iter().map(|(v, z, e)| DictItem { value: v.to_string(), label_zh: z.to_string(), label_en: e.to_string() }).collect(),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::DICTIONARIES;

    /// The dictionaries list exactly the values the code accepts.
    #[test]
    fn dictionaries_match_the_vocabularies() {
        let values = |code: &str| -> Vec<&str> { DICTIONARIES.iter().find(|d| d.0 == code).unwrap().3.iter().map(|i| i.0).collect() };
        assert_eq!(values("region_level"), digecon_core::RegionLevel::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>());
        assert_eq!(values("role"), digecon_core::Role::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>());
        assert_eq!(values("frequency"), digecon_core::Frequency::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>());
        assert_eq!(values("accumulation"), digecon_core::Accumulation::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>());
        assert_eq!(values("polarity"), digecon_core::Polarity::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>());
        assert_eq!(values("aggregation"), digecon_core::Aggregation::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>());
        assert_eq!(values("observation_status"), digecon_core::ObservationStatus::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>());
        assert_eq!(values("plan_kind"), digecon_core::PlanKind::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>());
        assert_eq!(values("filing_state"), digecon_collect::filing::FilingState::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>());
        use digecon_collect::filing::Action;
        assert_eq!(values("filing_action"), Action::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>());
        assert_eq!(values("task_colour"), digecon_ledger::progress::Colour::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>());
    }
}
