//! API errors as types: every failure is JSON `{"error": {"code", "message", "fields"}}` with the
//! right status; validation errors list every field at once.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code: `unauthenticated`, `forbidden`, `csrf`, `not_found`,
    /// `validation`, `throttled`, `conflict`, `internal`.
    pub code: &'static str,
    /// zh-CN first, then English.
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// With `precondition_failed`: who changed the resource last, when, and its ETag now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflict: Option<ConflictInfo>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictInfo {
    pub changed_by: String,
    pub changed_at: String,
    pub etag: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    /// Seconds for a `Retry-After` header (429, 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, body: ErrorBody { code, message: message.into(), fields: Vec::new(), conflict: None }, retry_after: None }
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录 / sign in first")
    }

    pub fn forbidden(what: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", format!("无权访问 / not in your data scope: {what}"))
    }

    pub fn csrf() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "缺少或错误的 X-CSRF-Token / missing or wrong X-CSRF-Token header",
        )
    }

    pub fn not_found(what: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("不存在 / not found: {what}"))
    }

    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "conflict", message)
    }

    pub fn throttled(seconds: u64) -> ApiError {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            format!("登录失败次数过多，请 {seconds} 秒后再试 / too many failed sign-ins, try again in {seconds} s"),
        );
        e.retry_after = Some(seconds);
        e
    }

    /// 412: the resource changed since the caller read it (`If-Match`).
    pub fn precondition_failed(message: impl Into<String>, conflict: ConflictInfo) -> ApiError {
        let mut e = ApiError::new(StatusCode::PRECONDITION_FAILED, "precondition_failed", message);
        e.body.conflict = Some(conflict);
        e
    }

    /// 413: the request body is larger than the server accepts.
    pub fn too_large() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "请求内容过大（上限 2 MB），未写入任何数据 / the request body is too large (2 MB at most); nothing was written",
        )
    }

    /// 503: the database stayed busy (another process held it) through every retry.
    pub fn busy() -> ApiError {
        let mut e = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "数据库繁忙，请稍后重试，未写入任何数据 / the database is busy, nothing was written; try again",
        );
        e.retry_after = Some(1);
        e
    }

    /// A 422 listing every field that is wrong.
    pub fn validation(fields: Vec<FieldError>) -> ApiError {
        let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", "请求有误 / invalid request");
        e.body.fields = fields;
        e
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %e, "internal error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务器内部错误 / internal server error")
    }
}

/// Collects field errors; `finish` turns a non-empty list into a 422.
#[derive(Default)]
pub struct Validator(pub Vec<FieldError>);

impl Validator {
    pub fn check(&mut self, ok: bool, field: &str, message: impl Into<String>) {
        if !ok {
            self.0.push(FieldError { field: field.to_string(), message: message.into() });
        }
    }

    /// Text from a user: no NUL and no other control characters but tab and line breaks
    /// (PostgreSQL refuses NUL in text; the others hide what a record says).
    pub fn text(&mut self, field: &str, value: &str) {
        if let Some((pos, c)) = digecon_core::text::find_control(value) {
            self.0.push(FieldError { field: field.to_string(), message: digecon_core::text::control_message(pos, c) });
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}

impl From<digecon_store::StoreError> for ApiError {
    fn from(e: digecon_store::StoreError) -> Self {
        use digecon_store::{StoreError as S, Transient};
        if e.is_transient() {
            tracing::warn!(error = %e, "database busy through every retry");
            return ApiError::busy();
        }
        match e {
            // The request is fine; the database holds no dataset (yet).
            S::NotInitialised => {
                let mut a = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not_initialised", e.to_string());
                a.retry_after = Some(60);
                a
            }
            // Refused as it stands (a value not the generator's, data already there).
            S::Refused(_) | S::NotEmpty(_) => ApiError::conflict(e.to_string()),
            S::Stale { ref etag, ref changed_by, ref changed_at } => {
                let conflict = ConflictInfo { changed_by: changed_by.clone(), changed_at: changed_at.clone(), etag: etag.clone() };
                ApiError::precondition_failed(e.to_string(), conflict)
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<digecon_app::AppError> for ApiError {
    fn from(e: digecon_app::AppError) -> Self {
        use digecon_app::AppError as A;
        match e {
            A::NotFound(m) => ApiError::not_found(m),
            A::Invalid(v) => ApiError::validation(v.into_iter().map(|i| FieldError { field: i.field, message: i.message }).collect()),
            A::Forbidden(m) => ApiError::forbidden(m),
            A::Conflict(m) => ApiError::conflict(m),
            // A target text or a ledger the method cannot read is a problem of the data, stated.
            e @ (A::Track(_) | A::Bulletin(_) | A::Workbook(_)) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "data", e.to_string()),
            A::Evaluate(e) => ApiError::internal(e),
            A::Collect(e) => e.into(),
            // Rows of a file with problems, each at file:line.
            A::Data(e) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "data", e.to_string()),
            A::Store(e) => e.into(),
            // The machine lacks something (CJK fonts for a PDF): not the request's fault.
            A::Unavailable(m) | A::Report(digecon_report::ReportError::Fonts(m)) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", m),
            A::Report(e) => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(ErrorResponse { error: self.body })).into_response();
        if let Some(s) = self.retry_after {
            r.headers_mut().insert(axum::http::header::RETRY_AFTER, s.into());
        }
        r
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
