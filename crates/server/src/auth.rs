//! Sign-in, sessions and CSRF.
//!
//! - Passwords are argon2id PHC strings.
//! - A session is a random 256-bit token in an HttpOnly, SameSite=Strict cookie; the database keeps
//!   only its SHA-256, so a leaked database does not leak sessions.
//! - Every state-changing request (POST, PUT, PATCH, DELETE) must carry the session's CSRF token in
//!   `X-CSRF-Token` (returned by sign-in and `GET /api/v1/me`). SameSite alone is not enough for
//!   older browsers and same-site subdomains.
//! - Failed sign-ins are throttled per (account, client address) and per client address, with a
//!   growing delay rather than a lock: a stranger's wrong passwords from elsewhere never stop the
//!   owner. The counters live in the database, so every server process applies the same limits;
//!   a throttled attempt is refused before anything is checked or written.
//! - Sessions are kept in memory once read (`cache.rs`); a sign-out or a user change anywhere
//!   reaches every process through the change feed before its next request is answered.
//! - Passwords are hashed and verified on blocking threads, a few at a time, so a burst of
//!   sign-ins does not stall other requests.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::Method;
use axum::Json;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use digecon_core::{Actor, Role};
use digecon_store::User;

use crate::cache::CachedSession;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, ErrorResponse, Validator};
use crate::extract::ApiJson;
use crate::AppState;

pub const SESSION_COOKIE: &str = "digecon_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub use digecon_app::users::{hash_password, random_token, verify_password};

fn token_hash(token: &str) -> String {
    let d = sha2::Sha256::digest(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d)
}

/// Failed sign-ins of one account from one address before each further one waits: 1 s, then
/// doubling up to 15 minutes.
const FREE_ACCOUNT_FAILURES: i64 = 3;
/// Failed sign-ins from one address, over all accounts, before its attempts wait.
const FREE_ADDRESS_FAILURES: i64 = 20;
const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// Failures older than this (counted from the first) are forgotten.
const THROTTLE_WINDOW: Duration = Duration::from_secs(3600);

/// The wait after `failures` failures when `free` are allowed without one.
pub fn throttle_delay(failures: i64, free: i64) -> Duration {
    if failures < free {
        return Duration::ZERO;
    }
    let exp = (failures - free).min(20) as u32;
    Duration::from_secs(2u64.pow(exp)).min(MAX_DELAY)
}

fn throttle_keys(username: &str, ip: IpAddr) -> [String; 2] {
    [format!("acct:{}|{ip}", username.to_lowercase()), format!("addr:{ip}")]
}

/// The client's address: the peer, or — when the peer is a trusted reverse proxy — the last
/// address in `X-Forwarded-For` that is not a trusted proxy itself.
pub fn client_ip(config: &crate::Config, peer: IpAddr, headers: &axum::http::HeaderMap) -> IpAddr {
    if !config.trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded.into_iter().rev().find(|a| !config.trusted_proxies.contains(a)).unwrap_or(peer)
}

/// The signed-in user. Extracting it checks the session and, for state-changing methods, the CSRF
/// token: a handler that takes `Auth` is protected by construction.
pub struct Auth {
    pub user: User,
    pub actor: Actor,
    pub csrf: String,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()).ok_or_else(ApiError::unauthenticated)?;
        // Every change committed before this request (a sign-out on another server, a value
        // approved anywhere) is applied before anything is answered from memory.
        state.fresh().await?;
        let session = session(state, &token_hash(&token)).await?.ok_or_else(ApiError::unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if sent != Some(&*session.csrf) {
                return Err(ApiError::csrf());
            }
        }
        let user = User::clone(&session.user);
        Ok(Auth { actor: user.actor(), user, csrf: session.csrf.to_string() })
    }
}

/// A session from memory, or from the database (then kept).
async fn session(state: &AppState, hash: &str) -> Result<Option<CachedSession>, ApiError> {
    if let Some(s) = state.cache.session(hash) {
        return Ok(Some(s));
    }
    let epoch = state.cache.auth_epoch();
    let Some((user, csrf, expires)) = state.store.session(hash).await? else { return Ok(None) };
    let Ok(expires_at) = chrono::DateTime::parse_from_rfc3339(&expires) else { return Ok(None) };
    let s = CachedSession { user: Arc::new(user), csrf: csrf.into(), expires_at: expires_at.with_timezone(&chrono::Utc) };
    state.cache.put_session(hash, s.clone(), epoch);
    Ok(Some(s))
}

impl Auth {
    /// Only these roles may go on.
    pub fn require(&self, roles: &[Role]) -> ApiResult<()> {
        if roles.contains(&self.user.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!("role {}", self.user.role)))
        }
    }
}

/// The username of a session token, if valid (for the operation log).
pub(crate) async fn session_user(state: &AppState, token: &str) -> Option<String> {
    session(state, &token_hash(token)).await.ok().flatten().map(|s| s.user.username.clone())
}

/// Runs argon2 on a blocking thread, a few at a time (`AppState::hashing`).
async fn verify_off_thread(state: &AppState, password: String, hash: String) -> Result<bool, ApiError> {
    let _permit = state.hashing.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.map_err(ApiError::internal)
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    /// admin | province_office | department | city | county | viewer
    pub role: String,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub department_code: Option<String>,
    /// Send back in `X-CSRF-Token` on every POST/PUT/PATCH/DELETE.
    pub csrf_token: String,
}

fn me(state: &AppState, user: &User, csrf: String) -> Me {
    Me {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role.as_str().to_string(),
        region_name: user.region_code.as_deref().and_then(|c| state.region_name(c)),
        region_code: user.region_code.clone(),
        department_code: user.department_code.clone(),
        csrf_token: csrf,
    }
}

/// A browser-session cookie: it dies with the browser, and the server expires it after
/// `session_hours` regardless.
fn session_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(state.config.secure_cookie)
        .build()
}

/// 登录 / sign in
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = Me), (status = 401, body = ErrorResponse), (status = 422, body = ErrorResponse), (status = 429, body = ErrorResponse)))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<(CookieJar, Json<Me>)> {
    let mut v = Validator::default();
    v.check(!req.username.trim().is_empty(), "username", "必填 / required");
    v.check(!req.password.is_empty(), "password", "必填 / required");
    v.text("username", &req.username);
    v.finish()?;
    let ip = client_ip(&state.config, addr.ip(), &headers);
    let keys = throttle_keys(&req.username, ip);
    let ip = ip.to_string();
    let now = chrono::Utc::now();
    if let Some(until) = state.store.login_blocked(&keys, now).await? {
        // Refused before the password is looked at; nothing is written.
        let wait = (until - now).num_milliseconds().max(0) as u64;
        return Err(ApiError::throttled(wait.div_ceil(1000).max(1)));
    }
    let user = state.store.user(&req.username).await?;
    // Verify even for an unknown user, so timing does not reveal which usernames exist.
    let (hash, known) = match &user {
        Some(u) => (u.password_hash.clone(), u.active),
        None => (state.dummy_hash.clone(), false),
    };
    let verified = verify_off_thread(&state, req.password.clone(), hash).await?;
    let Some(user) = user.filter(|_| known && verified) else {
        state
            .store
            .record_login_failure(&keys[0], now, THROTTLE_WINDOW, |n| throttle_delay(n, FREE_ACCOUNT_FAILURES))
            .await?;
        state
            .store
            .record_login_failure(&keys[1], now, THROTTLE_WINDOW, |n| throttle_delay(n, FREE_ADDRESS_FAILURES))
            .await?;
        state.store.log_login(&req.username, &ip, false, "bad credentials").await?;
        return Err(ApiError::new(axum::http::StatusCode::UNAUTHORIZED, "unauthenticated", "用户名或密码错误 / wrong username or password"));
    };
    state.store.clear_login_failures(&keys[0]).await?;
    let token = random_token(32);
    let csrf = random_token(24);
    let ttl = Duration::from_secs(state.config.session_hours * 3600);
    let expires = (chrono::Utc::now() + ttl).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    state.store.create_session(&token_hash(&token), &user.username, &csrf, &expires).await?;
    state.store.log_login(&user.username, &ip, true, "ok").await?;
    let jar = jar.add(session_cookie(&state, token));
    Ok((jar, Json(me(&state, &user, csrf))))
}

/// 退出 / sign out
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse)))]
pub async fn logout(State(state): State<AppState>, _auth: Auth, jar: CookieJar) -> ApiResult<(CookieJar, axum::http::StatusCode)> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        state.store.delete_session(&token_hash(c.value())).await?;
    }
    let jar = jar.remove(session_cookie(&state, String::new()));
    Ok((jar, axum::http::StatusCode::NO_CONTENT))
}

/// 当前用户 / the signed-in user
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = Me), (status = 401, body = ErrorResponse)))]
pub async fn get_me(State(state): State<AppState>, auth: Auth) -> Json<Me> {
    Json(me(&state, &auth.user, auth.csrf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_grows_after_the_free_failures_and_is_capped() {
        assert_eq!(throttle_delay(1, 3), Duration::ZERO);
        assert_eq!(throttle_delay(2, 3), Duration::ZERO);
        assert_eq!(throttle_delay(3, 3), Duration::from_secs(1));
        assert_eq!(throttle_delay(4, 3), Duration::from_secs(2));
        assert_eq!(throttle_delay(10, 3), Duration::from_secs(128));
        assert_eq!(throttle_delay(1000, 3), MAX_DELAY);
    }

    #[test]
    fn the_client_address_comes_from_a_trusted_proxy_only() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9, 10.0.0.2".parse().unwrap());
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let direct = crate::Config::default();
        assert_eq!(client_ip(&direct, proxy, &headers), proxy, "an untrusted peer's header is ignored");
        let behind = crate::Config { trusted_proxies: vec![proxy], ..crate::Config::default() };
        // The proxy appended the peer it saw (10.0.0.2 is itself trusted, so look further left).
        assert_eq!(client_ip(&behind, proxy, &headers), "203.0.113.9".parse::<IpAddr>().unwrap());
        assert_eq!(client_ip(&behind, proxy, &axum::http::HeaderMap::new()), proxy);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token(32);
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token(32));
        assert_ne!(token_hash(&a), a);
    }
}
