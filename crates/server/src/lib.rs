//! digecon's HTTP server (axum): the JSON API under `/api/v1`, its OpenAPI document generated
//! from the handlers (`/api/v1/openapi.json`), and the built web UI from the same binary.
//!
//! Deny by default: every data handler takes [`auth::Auth`] (session + CSRF) and filters by the
//! actor's data scope ([`digecon_core::Actor`]); catalogue data (regions, indicators) is visible to
//! every signed-in user, data values only within scope.

pub mod api;
pub mod auth;
pub mod error;
pub mod extract;
mod ui;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use digecon_core::{Region, RegionTree};
use digecon_store::Store;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use auth::{hash_password, random_token, verify_password};

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark the session cookie `Secure` (behind TLS). Off for plain-HTTP localhost.
    pub secure_cookie: bool,
    pub session_hours: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config { secure_cookie: false, session_hours: 12 }
    }
}

pub struct Inner {
    pub store: Store,
    pub tree: RegionTree,
    pub regions: Vec<Region>,
    pub config: Config,
    throttle: Mutex<auth::Throttle>,
    /// Verified against for unknown usernames, so a miss costs as much as a hit.
    dummy_hash: String,
}

/// Shared state: cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Reads the region hierarchy once; regions change only with `digecon init`.
    pub async fn new(store: Store, config: Config) -> Result<AppState, digecon_store::StoreError> {
        let regions = store.regions().await?;
        let tree = RegionTree::new(&regions);
        let dummy_hash = hash_password(&random_token(16)).expect("argon2 works");
        Ok(AppState(Arc::new(Inner {
            store,
            tree,
            regions,
            config,
            throttle: Mutex::new(auth::Throttle::default()),
            dummy_hash,
        })))
    }

    pub fn region_name(&self, code: &str) -> Option<String> {
        self.regions.iter().find(|r| r.code == code).map(|r| r.name_zh.clone())
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "digecon API",
        description = "数字经济发展监测平台 / digital-economy programme platform. Sign in with POST /api/v1/auth/login; \
                       send the returned csrf_token in X-CSRF-Token on every state-changing request.",
        license(name = "Apache-2.0")
    ),
    tags(
        (name = "auth", description = "登录与会话 / sign-in and session"),
        (name = "catalog", description = "目录 / regions, indicators, departments, plans"),
        (name = "data", description = "观测值与目标进度 / observations and target progress"),
        (name = "filing", description = "报表与填报 / forms and filings"),
        (name = "tasks", description = "任务台账与项目调度 / task ledger and project scheduling"),
        (name = "system", description = "系统 / users and logs"),
    )
)]
struct ApiDoc;

/// The API routes with their OpenAPI description.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(api::routes())
}

/// The whole application: API, OpenAPI document, UI.
pub fn app(state: AppState) -> Router {
    let (api, _) = api_router().split_for_parts();
    let doc = Arc::new(openapi());
    api.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.as_ref().clone()) }
        }),
    )
    .fallback(ui::serve)
    .layer(axum::middleware::from_fn_with_state(state.clone(), operation_log))
    .layer(tower_http::trace::TraceLayer::new_for_http())
    .with_state(state)
}

/// The OpenAPI document, for `digecon openapi` and tests.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = api_router().split_for_parts();
    doc.paths.paths.insert("/api/v1/openapi.json".into(), openapi_path_item());
    describe_responses(&mut doc);
    doc
}

/// OpenAPI 3.1 requires a description on every response, and utoipa 6 drops empty ones from the
/// JSON; fill them from the status code so the document stays valid without repeating the text
/// on every route.
fn describe_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    for item in doc.paths.paths.values_mut() {
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in ops.into_iter().flatten() {
            for (status, response) in op.responses.responses.iter_mut() {
                if let RefOr::T(r) = response {
                    if r.description.is_empty() {
                        r.description = status_description(status).to_string();
                    }
                }
            }
        }
    }
}

fn status_description(status: &str) -> &'static str {
    match status {
        "200" => "成功 / OK",
        "201" => "已创建 / created",
        "204" => "成功，无内容 / done, no content",
        "400" => "请求有误 / bad request",
        "401" => "未登录 / not signed in",
        "403" => "无权限 / not allowed for this user's role or region",
        "404" => "不存在 / not found",
        "409" => "冲突 / conflict with the current state",
        "413" => "文件过大 / upload too large",
        "422" => "参数或数据有误（逐项说明）/ invalid parameters or data (each problem listed)",
        "429" => "尝试过多，请稍后 / too many attempts, try later",
        _ => "见响应体 / see the response body",
    }
}

fn openapi_path_item() -> utoipa::openapi::PathItem {
    use utoipa::openapi::path::{HttpMethod, OperationBuilder};
    use utoipa::openapi::ResponseBuilder;
    utoipa::openapi::PathItem::new(
        HttpMethod::Get,
        OperationBuilder::new()
            .summary(Some("本文档 / this OpenAPI document"))
            .response("200", ResponseBuilder::new().description("OpenAPI 3.1 JSON")),
    )
}

/// Records every state-changing API request (who, what, result) — the 操作日志 users of such
/// systems expect.
async fn operation_log(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let loggable = path.starts_with("/api/")
        && !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS)
        && path != "/api/v1/auth/login"; // sign-ins have their own log
    if !loggable {
        return next.run(req).await;
    }
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    let jar = axum_extra::extract::cookie::CookieJar::from_headers(req.headers());
    let token = jar.get(auth::SESSION_COOKIE).map(|c| c.value().to_string());
    // Resolve the user before the handler runs: sign-out deletes the session.
    let username = match token {
        Some(t) => auth::session_user(&state, &t).await.unwrap_or_default(),
        None => String::new(),
    };
    let response = next.run(req).await;
    let status = response.status().as_u16();
    if let Err(e) = state.store.log_operation(&username, method.as_str(), &path, status, &ip).await {
        tracing::error!(error = %e, "writing the operation log failed");
    }
    response
}

/// Serves `app` on `addr` until Ctrl-C or SIGTERM, then finishes in-flight requests.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = app(state);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
