//! The signed-in user's own account (个人中心): changing one's password.

use axum::extract::State;
use axum::http::StatusCode;

use crate::auth::Auth;
use crate::error::{ApiResult, ErrorResponse};
use crate::extract::parse_json;
use crate::AppState;

pub use digecon_app::account::PasswordChange;

/// 修改密码 / change one's own password (every signed-in user; the current password is required)
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", request_body = PasswordChange,
    responses((status = 204, description = "changed"), (status = 401, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn change_password(State(state): State<AppState>, auth: Auth, body: axum::body::Bytes) -> ApiResult<StatusCode> {
    let c: PasswordChange = parse_json(&body)?;
    digecon_app::account::change_password(&state.store, &auth.user.username, &c).await?;
    Ok(StatusCode::NO_CONTENT)
}
