//! digecon's HTTP server (axum): the JSON API under `/api/v1`, its OpenAPI document generated
//! from the handlers (`/api/v1/openapi.json`), and the built web UI from the same binary.
//!
//! Deny by default: every data handler takes [`auth::Auth`] (session + CSRF) and filters by the
//! actor's data scope ([`digecon_core::Actor`]); catalogue data (regions, indicators) is visible to
//! every signed-in user, data values only within scope.

pub mod api;
pub mod auth;
pub mod cache;
pub mod error;
pub mod extract;
mod oplog;
mod ui;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use digecon_collect::FormSet;
use digecon_core::{Department, Indicator, Plan, Region, RegionTree, Target};
use digecon_store::Store;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use digecon_app::users::{hash_password, random_token, verify_password};

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark the session cookie `Secure` (behind TLS). Off for plain-HTTP localhost.
    pub secure_cookie: bool,
    pub session_hours: u64,
    /// Reverse proxies whose `X-Forwarded-For` is believed: the client address is the last one
    /// in that header that is not itself a trusted proxy. Empty: the peer address is the client.
    pub trusted_proxies: Vec<IpAddr>,
    /// A connection that has not sent a whole request head within this time is closed — also an
    /// idle keep-alive connection waiting for its next request.
    pub header_read_timeout: Duration,
    /// A request body that has not arrived whole within this time is refused (408).
    pub body_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookie: false,
            session_hours: 12,
            trusted_proxies: Vec::new(),
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
        }
    }
}

/// The catalogue as the handlers need it, read once and kept until a dataset load changes it.
pub struct Catalog {
    pub indicators: Vec<Indicator>,
    pub departments: Vec<Department>,
    pub forms: FormSet,
    pub plans: Vec<Plan>,
    /// Every plan's targets, in catalogue order.
    pub targets: Vec<Target>,
    /// The indicators whose observations target progress reads: the targets' own and every
    /// indicator their formulas refer to, transitively.
    pub progress_reads: Arc<[String]>,
    /// The evaluation schemes (`data/evaluation/`), parsed against the indicators, with the
    /// indicators each one reads.
    pub schemes: Result<digecon_evaluate::Schemes, String>,
    pub scheme_reads: Vec<(digecon_core::RegionLevel, Arc<[String]>)>,
    /// Regions and indicators by code, for observation rows.
    pub lookup: digecon_dataset::Catalog,
}

pub struct Inner {
    pub store: Store,
    /// Regions as loaded at start: a new dataset (`digecon init --force`) needs a restart.
    pub tree: RegionTree,
    pub regions: Vec<Region>,
    pub config: Config,
    pub cache: Arc<cache::Cache>,
    catalog: Mutex<Option<(u64, Arc<Catalog>)>>,
    /// Password hashing runs on blocking threads, at most this many at once, so sign-ins queue
    /// instead of taking every core from the requests.
    hashing: tokio::sync::Semaphore,
    oplog: oplog::Sender,
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

impl Catalog {
    /// The targets of one plan, or of every plan.
    pub fn targets_of(&self, plan: Option<&str>) -> Vec<Target> {
        self.targets.iter().filter(|t| plan.is_none_or(|p| t.plan_id == p)).cloned().collect()
    }
}

impl AppState {
    /// Reads the region hierarchy once (regions change only with `digecon init`), starts
    /// following the change feed and the background upkeep (operation log writer, pruning).
    pub async fn new(store: Store, config: Config) -> Result<AppState, digecon_store::StoreError> {
        let regions = store.regions().await?;
        let tree = RegionTree::new(&regions);
        let dummy_hash = hash_password(&random_token(16)).expect("argon2 works");
        let cache = Arc::new(cache::Cache::default());
        let c = cache.clone();
        store.on_change(Box::new(move |e| c.apply(e)));
        store.follow_changes().await?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let oplog = oplog::start(store.clone());
        tokio::spawn(upkeep(store.clone()));
        Ok(AppState(Arc::new(Inner {
            store,
            tree,
            regions,
            config,
            cache,
            catalog: Mutex::new(None),
            hashing: tokio::sync::Semaphore::new(cores.div_ceil(2)),
            oplog,
            dummy_hash,
        })))
    }

    /// Applies every change committed before now (by any process) to this server's caches.
    pub async fn fresh(&self) -> Result<(), digecon_store::StoreError> {
        self.store.sync_changes().await
    }

    /// The catalogue, read from the database only after a dataset load changed it.
    pub async fn catalog(&self) -> Result<Arc<Catalog>, digecon_store::StoreError> {
        let stamp = self.cache.catalog_stamp();
        if let Some((s, c)) = &*self.catalog.lock().expect("catalog lock") {
            if *s == stamp {
                return Ok(c.clone());
            }
        }
        let indicators = self.store.indicators().await?;
        let targets = self.store.targets(None).await?;
        let schemes = digecon_evaluate::Schemes::embedded(&indicators).map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "));
        let scheme_reads = match &schemes {
            Ok(s) => [digecon_core::RegionLevel::City, digecon_core::RegionLevel::County]
                .into_iter()
                .filter_map(|l| s.get(l).map(|x| (l, Arc::from(x.wanted_indicators()))))
                .collect(),
            Err(_) => Vec::new(),
        };
        let c = Arc::new(Catalog {
            lookup: digecon_dataset::Catalog::new(self.store.regions().await?, indicators.clone())
                .with_aliases(self.store.indicator_aliases().await?),
            progress_reads: Arc::from(digecon_app::progress::read_indicators(&targets, &indicators)),
            schemes,
            scheme_reads,
            indicators,
            departments: self.store.departments().await?,
            forms: self.store.form_set().await?,
            plans: self.store.plans().await?,
            targets,
        });
        *self.catalog.lock().expect("catalog lock") = Some((stamp, c.clone()));
        Ok(c)
    }

    /// Writes the queued operation-log rows now (before they are read back).
    pub async fn flush_operation_log(&self) {
        self.oplog.flush().await;
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
        (name = "work", description = "待办、通知、催报与批量审核 / to-do, notices, reminders and bulk review"),
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
    .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(state.config.body_timeout))
    .layer(axum::middleware::from_fn(security_headers))
    .layer(tower_http::trace::TraceLayer::new_for_http())
    .with_state(state)
}

/// The content security policy of the UI: everything from this server, inline styles (Element
/// Plus and ECharts set style attributes), no framing, no plugins.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
                   font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Generated reports (报告中心) are previewed in a frame of the UI: same origin only, and the
/// document itself may run nothing (inline styles and SVG only).
const CSP_REPORT: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

/// Security headers on every response; API answers (they carry the CSRF token and scoped data)
/// are never stored by a browser or a proxy.
async fn security_headers(req: Request, next: Next) -> Response {
    use axum::http::header::{self, HeaderValue};
    let api = req.uri().path().starts_with("/api/");
    let report = req.uri().path().starts_with("/api/v1/reports/");
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static(if report { "SAMEORIGIN" } else { "DENY" }));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(if report { CSP_REPORT } else { CSP }));
    if api {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    r
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
        "412" => "已被他人修改 / changed by someone else since you read it (If-Match)",
        "413" => "文件过大 / upload too large",
        "422" => "参数或数据有误（逐项说明）/ invalid parameters or data (each problem listed)",
        "429" => "尝试过多，请稍后 / too many attempts, try later",
        "503" => "繁忙，请稍后重试 / busy, try again",
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
/// systems expect. Rows are queued and written in batches (`oplog.rs`), so a save costs one
/// write transaction, not two.
async fn operation_log(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let loggable = path.starts_with("/api/")
        && !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS)
        && path != "/api/v1/auth/login"; // sign-ins have their own log
    if !loggable {
        return next.run(req).await;
    }
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let ip = peer.map(|p| auth::client_ip(&state.config, p, req.headers()).to_string()).unwrap_or_default();
    let jar = axum_extra::extract::cookie::CookieJar::from_headers(req.headers());
    let token = jar.get(auth::SESSION_COOKIE).map(|c| c.value().to_string());
    // Resolve the user before the handler runs: sign-out deletes the session.
    let username = match token {
        Some(t) => auth::session_user(&state, &t).await.unwrap_or_default(),
        None => String::new(),
    };
    let response = next.run(req).await;
    let status = response.status().as_u16();
    state.oplog.push(oplog::Entry { username, method: method.to_string(), path, status, ip });
    response
}

/// Background upkeep of a server: prunes the change feed and keeps the logs bounded.
async fn upkeep(store: Store) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(e) = store.prune_changes(Duration::from_secs(3600)).await {
            tracing::warn!(error = %e, "pruning the change feed failed");
        }
        if let Err(e) = store.prune_logs(200_000, 1_000_000, Duration::from_secs(86_400)).await {
            tracing::warn!(error = %e, "pruning the logs failed");
        }
    }
}

/// Serves `app` on `listener` until Ctrl-C or SIGTERM, then finishes in-flight requests (for at
/// most 30 s) and writes the queued operation log. Connections that do not send a request head
/// within `Config::header_read_timeout` — idle keep-alive ones included — are closed.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    serve_until(state, listener, shutdown_signal()).await
}

/// [`serve`] until `shutdown` completes.
pub async fn serve_until(state: AppState, listener: tokio::net::TcpListener, shutdown: impl std::future::Future<Output = ()>) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let app = app(state.clone());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    // HTTP/1.1 only: browsers speak HTTP/2 only over TLS, which the reverse proxy terminates;
    // and HTTP/1's header-read timeout applies from the first byte a connection may send
    // (detecting the protocol version first would wait for that byte with no timeout).
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(state.config.header_read_timeout);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            tower::ServiceExt::oneshot(app.clone(), req)
        });
        let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(30)) => tracing::warn!("requests still running after 30 s; stopping anyway"),
    }
    state.flush_operation_log().await;
    Ok(())
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

#[cfg(test)]
mod tests {
    /// The web build type-checks its API calls against `web/src/api/openapi.json` (it runs before
    /// cargo, so the document is committed); this keeps that file equal to the code.
    #[test]
    fn committed_openapi_document_is_the_codes() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/src/api/openapi.json");
        let generated = serde_json::to_string_pretty(&super::openapi()).unwrap() + "\n";
        if std::env::var_os("DIGECON_WRITE_OPENAPI").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "web/src/api/openapi.json 与代码不一致 / differs from the code's OpenAPI document; regenerate it with \
             `DIGECON_WRITE_OPENAPI=1 cargo test -p digecon-server --lib committed_openapi` (or \
             `digecon openapi > web/src/api/openapi.json`), then `cd web && npm run build` to type-check the web client against it"
        );
    }
}
