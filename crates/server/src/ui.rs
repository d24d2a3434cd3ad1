//! The web UI, built by Vite into `web/dist` and compiled into the binary, so one file serves
//! everything. Unknown paths get `index.html` (the UI routes on the client).

use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct Assets;

pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") {
        return crate::error::ApiError::not_found(uri.path()).into_response();
    }
    if let Some(file) = Assets::get(path).filter(|_| !path.is_empty()) {
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        // Vite fingerprints everything under assets/, so those can be cached for good.
        let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        return ([(header::CONTENT_TYPE, mime.as_ref()), (header::CACHE_CONTROL, cache)], file.data).into_response();
    }
    match Assets::get("index.html") {
        Some(index) => ([(header::CACHE_CONTROL, "no-cache")], Html(index.data)).into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            Html(
                "<!doctype html><meta charset=utf-8><title>digecon</title>\
                 <p>网页界面未构建 / the web UI was not built into this binary: \
                 run <code>npm ci &amp;&amp; npm run build</code> in <code>web/</code>, then rebuild. \
                 The API is at <a href=/api/v1/openapi.json>/api/v1/openapi.json</a>.</p>",
            ),
        )
            .into_response(),
    }
}
