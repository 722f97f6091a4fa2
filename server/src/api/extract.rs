//! Extractors whose refusals are API errors with a useful message.

use super::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// A JSON object body; a missing or malformed one is a 400 that says what is wrong. Every body
/// the API takes is an object: an array is refused here (serde would otherwise read `[…]` as a
/// struct's fields in order).
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(rejection) => {
                return Err(ApiError::BadRequest(match rejection {
                    JsonRejection::MissingJsonContentType(_) => {
                        "send the body as JSON with 'Content-Type: application/json'".to_owned()
                    }
                    other => other.body_text(),
                }));
            }
        };
        body_from(value).map(ApiJson)
    }
}

/// A JSON body's bytes, for a handler that reads them itself (the A/B calculator reads a large
/// call straight into its tests); the content type is checked as for [`ApiJson`].
pub struct JsonBytes(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|t| {
                t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"))
            });
        if !json {
            return Err(ApiError::BadRequest(
                "send the body as JSON with 'Content-Type: application/json'".to_owned(),
            ));
        }
        axum::body::Bytes::from_request(req, state)
            .await
            .map(JsonBytes)
            .map_err(|e| match e.status() {
                axum::http::StatusCode::PAYLOAD_TOO_LARGE => ApiError::Status(
                    axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "the request body is too large".to_owned(),
                ),
                _ => ApiError::BadRequest(e.body_text()),
            })
    }
}

/// A request body read into `T`: it must be a JSON object (serde would otherwise read `[…]` as a
/// struct's fields in order), and a mismatch is a 400 that names the field.
pub fn body_from<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    if !value.is_object() {
        return Err(ApiError::BadRequest(
            "the request body must be a JSON object".to_owned(),
        ));
    }
    serde_json::from_value(value).map_err(|e| ApiError::BadRequest(format!("the request body: {e}")))
}

/// Query parameters, read as text so each can be parsed with a clear message.
pub struct Params(pub HashMap<String, String>);

impl Params {
    /// A parameter parsed with `parse`, or `None` when absent. An empty value counts as absent
    /// where empty text is a valid value (a search); elsewhere (a date, a number, an id) it is
    /// refused like any other value that does not parse.
    pub fn get<T, E: std::fmt::Display>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ApiError> {
        let refused = |e: E| ApiError::BadRequest(format!("query parameter '{name}': {e}"));
        match self.0.get(name).map(|v| v.trim()) {
            None => Ok(None),
            Some("") => parse("").map(|_| None).map_err(refused),
            Some(v) => parse(v).map(Some).map_err(refused),
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map(|q| Params(q.0))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// One path segment as text; a malformed one (bad percent-encoding) is a 400 in the API's shape.
pub struct Segment(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Segment {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|p| Segment(p.0))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}
