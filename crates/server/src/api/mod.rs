//! The `/api/v1` handlers, one module per area. Each handler carries its `#[utoipa::path]`, so the
//! OpenAPI document cannot drift from the routes.

pub mod account;
pub mod catalog;
pub mod evaluation;
pub mod filing;
pub mod ledger;
pub mod observations;
pub mod progress;
pub mod reports;
pub mod system;
pub mod work;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{auth, AppState};

/// Province-wide documents (the bulletin, the white paper) go to the provincial office,
/// administrators and provincial viewers.
pub(crate) fn sees_whole_province(state: &AppState, a: &auth::Auth) -> bool {
    let province = state.regions.iter().find(|r| r.parent_code.is_none()).map(|r| r.code.as_str()).unwrap_or_default();
    a.actor.is_global() || (a.user.role == digecon_core::Role::Viewer && a.actor.region_code.as_deref() == Some(province))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(system::health))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::get_me))
        .routes(routes!(account::change_password))
        .routes(routes!(catalog::regions))
        .routes(routes!(catalog::indicators))
        .routes(routes!(catalog::departments))
        .routes(routes!(catalog::plans))
        .routes(routes!(catalog::targets))
        .routes(routes!(catalog::tasks))
        .routes(routes!(catalog::projects))
        .routes(routes!(observations::observations))
        .routes(routes!(progress::progress))
        .routes(routes!(evaluation::evaluation))
        .routes(routes!(observations::recent))
        .routes(routes!(filing::forms))
        .routes(routes!(filing::filings))
        .routes(routes!(filing::filing))
        .routes(routes!(filing::save_values))
        .routes(routes!(filing::import))
        .routes(routes!(filing::template))
        .routes(routes!(filing::action))
        .routes(routes!(filing::rates))
        .routes(routes!(filing::audit))
        .routes(routes!(work::todo))
        .routes(routes!(work::notices))
        .routes(routes!(work::read_notice))
        .routes(routes!(work::remind))
        .routes(routes!(work::bulk_action))
        .routes(routes!(work::check))
        .routes(routes!(ledger::task_colours))
        .routes(routes!(ledger::project_progress))
        .routes(routes!(ledger::bulletin))
        .routes(routes!(ledger::task_report, ledger::file_task_report))
        .routes(routes!(system::list_users, system::create_user))
        .routes(routes!(system::login_log))
        .routes(routes!(system::operation_log))
        .routes(routes!(system::dictionaries))
        .routes(routes!(reports::whitepaper))
        .routes(routes!(reports::profile))
}
