//! `GET /api/openapi.json` (the REST API's OpenAPI 3.1 document) and `GET /api/docs` (Swagger UI
//! over it, served from this server: the npm package's files are copied to `/vendor/swagger-ui`).

use axum::body::Bytes;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

/// The document, serialized once at start-up.
#[derive(Clone)]
pub struct ApiDocument(Bytes);

impl ApiDocument {
    pub fn new(doc: &utoipa::openapi::OpenApi) -> anyhow::Result<Self> {
        Ok(Self(Bytes::from(serde_json::to_vec(doc)?)))
    }
}

pub async fn document(doc: ApiDocument) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        doc.0,
    )
        .into_response()
}

/// Swagger UI. Logged-in users can try requests with their session; others authorize with an API
/// key. The validator badge is off: it would send the document to a third-party service.
pub async fn page() -> Html<String> {
    Html(format!(
        r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard API</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
<style>body {{ margin: 0; }} .sb-back {{ font: 14px system-ui, sans-serif; padding: 10px 20px; background: #1f2430; }} .sb-back a {{ color: #fff; }}</style>
</head>
<body>
<div class="sb-back"><a href="/">&larr; Switchboard</a></div>
<div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: "{document}",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  docExpansion: "none",
  filter: true,
  tryItOutEnabled: false,
  presets: [SwaggerUIBundle.presets.apis],
}});
</script>
</body>
</html>
"##,
        document = crate::api::DOCUMENT_PATH
    ))
}
