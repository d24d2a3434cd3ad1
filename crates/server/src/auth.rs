//! Sign-in, sessions and CSRF.
//!
//! - Passwords are argon2id PHC strings.
//! - A session is a random 256-bit token in an HttpOnly, SameSite=Strict cookie; the database keeps
//!   only its SHA-256, so a leaked database does not leak sessions.
//! - Every state-changing request (POST, PUT, PATCH, DELETE) must carry the session's CSRF token in
//!   `X-CSRF-Token` (returned by sign-in and `GET /api/v1/me`). SameSite alone is not enough for
//!   older browsers and same-site subdomains.
//! - Failed sign-ins are throttled per username and per client address.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::Method;
use axum::Json;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use digecon_core::{Actor, Role};
use digecon_store::User;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, ErrorResponse, Validator};
use crate::extract::ApiJson;
use crate::AppState;

pub const SESSION_COOKIE: &str = "digecon_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A URL-safe random token of `bytes` bytes from the OS generator.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS random generator is available");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

fn token_hash(token: &str) -> String {
    let d = sha2::Sha256::digest(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d)
}

/// Failed sign-ins per key (`user:…`, `ip:…`) within a sliding window.
#[derive(Default)]
pub struct Throttle {
    failures: HashMap<String, Vec<Instant>>,
}

impl Throttle {
    const LIMIT: usize = 5;
    const WINDOW: Duration = Duration::from_secs(15 * 60);

    /// Seconds to wait if any key is locked.
    fn locked(&mut self, keys: &[String], now: Instant) -> Option<u64> {
        keys.iter()
            .filter_map(|k| {
                let v = self.failures.get_mut(k)?;
                v.retain(|t| now.duration_since(*t) < Self::WINDOW);
                (v.len() >= Self::LIMIT).then(|| (Self::WINDOW - now.duration_since(v[0])).as_secs().max(1))
            })
            .max()
    }

    fn fail(&mut self, keys: &[String], now: Instant) {
        for k in keys {
            self.failures.entry(k.clone()).or_default().push(now);
        }
    }

    fn succeed(&mut self, user_key: &str) {
        self.failures.remove(user_key);
    }
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
        let (user, csrf) =
            state.store.session(&token_hash(&token)).await?.ok_or_else(ApiError::unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if sent != Some(csrf.as_str()) {
                return Err(ApiError::csrf());
            }
        }
        Ok(Auth { actor: user.actor(), user, csrf })
    }
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
    state.store.session(&token_hash(token)).await.ok().flatten().map(|(u, _)| u.username)
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
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<(CookieJar, Json<Me>)> {
    let mut v = Validator::default();
    v.check(!req.username.trim().is_empty(), "username", "必填 / required");
    v.check(!req.password.is_empty(), "password", "必填 / required");
    v.finish()?;
    let ip = addr.ip().to_string();
    let keys = [format!("user:{}", req.username.to_lowercase()), format!("ip:{ip}")];
    let locked = state.throttle.lock().unwrap().locked(&keys, Instant::now());
    if let Some(wait) = locked {
        state.store.log_login(&req.username, &ip, false, "throttled").await?;
        return Err(ApiError::throttled(wait));
    }
    let user = state.store.user(&req.username).await?;
    // Verify even for an unknown user, so timing does not reveal which usernames exist.
    let ok = match &user {
        Some(u) => u.active && verify_password(&req.password, &u.password_hash),
        None => {
            let _ = verify_password(&req.password, &state.dummy_hash);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        state.throttle.lock().unwrap().fail(&keys, Instant::now());
        state.store.log_login(&req.username, &ip, false, "bad credentials").await?;
        return Err(ApiError {
            status: axum::http::StatusCode::UNAUTHORIZED,
            body: crate::error::ErrorBody {
                code: "unauthenticated",
                message: "用户名或密码错误 / wrong username or password".into(),
                fields: Vec::new(),
            },
        });
    };
    state.throttle.lock().unwrap().succeed(&keys[0]);
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
    fn passwords_hash_and_verify() {
        let h = hash_password("s3cret").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("s3cret", &h));
        assert!(!verify_password("s3creT", &h));
        assert!(!verify_password("s3cret", "not a hash"));
    }

    #[test]
    fn throttle_locks_after_five_failures_in_the_window() {
        let mut t = Throttle::default();
        let keys = ["user:a".to_string(), "ip:1".to_string()];
        let t0 = Instant::now();
        for _ in 0..4 {
            t.fail(&keys, t0);
        }
        assert_eq!(t.locked(&keys, t0), None);
        t.fail(&keys, t0);
        assert_eq!(t.locked(&keys, t0), Some(900));
        assert_eq!(t.locked(&keys, t0 + Duration::from_secs(600)), Some(300));
        assert_eq!(t.locked(&keys, t0 + Duration::from_secs(900)), None, "failures age out");
        // Another user from another address is not affected.
        assert_eq!(t.locked(&["user:b".into(), "ip:2".into()], t0), None);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token(32);
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token(32));
        assert_ne!(token_hash(&a), a);
    }
}
