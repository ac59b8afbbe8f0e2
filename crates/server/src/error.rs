//! The one error type of the HTTP layer and its JSON shape.
//!
//! Every 4xx/5xx response body is an [`ErrorResponse`]: handlers return
//! [`ApiError`], the JSON and query extractors map their rejections to it,
//! and [`json_error_bodies`] rewrites whatever else (timeouts, panics, a
//! layer's plain-text refusal) into the same shape. 5xx bodies never carry
//! internal detail; that goes to the log only.

use std::time::Duration;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use promptvault_types::api::{ErrorResponse, MAX_UPLOAD_BATCH};

use crate::oauth::OAuthError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("the request body is not valid JSON for this endpoint: {0}")]
    MalformedBody(String),
    #[error("invalid query string: {0}")]
    BadQuery(String),
    #[error("at most {} prompts may be uploaded at once", MAX_UPLOAD_BATCH)]
    BatchTooLarge,
    #[error("the request body is too large")]
    PayloadTooLarge,
    #[error("the request body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("missing or malformed Authorization: Bearer header")]
    MissingToken,
    #[error("the session token is invalid")]
    InvalidToken,
    #[error("the session has expired; sign in again")]
    SessionExpired,
    #[error("the session was revoked; sign in again")]
    SessionRevoked,
    #[error("unknown sign-in provider {0:?}")]
    UnknownProvider(String),
    #[error("sign-in with {0} is not configured on this server")]
    ProviderNotConfigured(&'static str),
    #[error("too many requests; retry later")]
    RateLimited { retry_after: Duration },
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        use ApiError::*;
        match self {
            BadRequest(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            MalformedBody(_) => (StatusCode::BAD_REQUEST, "malformed_body"),
            BadQuery(_) => (StatusCode::BAD_REQUEST, "invalid_query"),
            BatchTooLarge => (StatusCode::BAD_REQUEST, "batch_too_large"),
            PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            MissingToken => (StatusCode::UNAUTHORIZED, "missing_token"),
            InvalidToken => (StatusCode::UNAUTHORIZED, "invalid_token"),
            SessionExpired => (StatusCode::UNAUTHORIZED, "session_expired"),
            SessionRevoked => (StatusCode::UNAUTHORIZED, "session_revoked"),
            UnknownProvider(_) => (StatusCode::NOT_FOUND, "unknown_provider"),
            ProviderNotConfigured(_) => (StatusCode::NOT_FOUND, "provider_not_configured"),
            RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            OAuth(e) => e.status_and_code(),
            Database(_) | Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            public_message(status).to_owned()
        } else {
            self.to_string()
        };
        let mut response = error_response(status, code, message);
        if let ApiError::RateLimited { retry_after } = self {
            let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&secs.to_string()).expect("digits are a valid header"),
            );
        }
        response
    }
}

/// A JSON error body with the given status.
pub fn error_response(status: StatusCode, code: &str, message: String) -> Response {
    let body = ErrorResponse {
        error: code.to_owned(),
        message,
    };
    (status, axum::Json(body)).into_response()
}

/// What a client may read about a 5xx, and the canonical text of other codes.
fn public_message(status: StatusCode) -> &'static str {
    if status.is_server_error() {
        match status {
            StatusCode::BAD_GATEWAY => "an upstream service failed; try again later",
            StatusCode::SERVICE_UNAVAILABLE => "the service is unavailable; try again later",
            StatusCode::GATEWAY_TIMEOUT => "an upstream service timed out; try again later",
            _ => "internal server error",
        }
    } else {
        status.canonical_reason().unwrap_or("request refused")
    }
}

fn code_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_server_error() => "internal_error",
        _ => "invalid_request",
    }
}

/// Middleware: a 4xx/5xx response whose body is not JSON (axum's fallback
/// 404/405, a timeout, a body-limit refusal) gets the standard JSON body.
pub async fn json_error_bodies(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let mut replaced = error_response(
        status,
        code_for_status(status),
        public_message(status).to_owned(),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    replaced.headers_mut().extend(parts.headers);
    replaced
}

/// The panic handler for `CatchPanicLayer`: a JSON 500 without detail.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        public_message(StatusCode::INTERNAL_SERVER_ERROR).to_owned(),
    )
}

/// `axum::Json` whose rejections are [`ApiError`]s.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
                _ => ApiError::MalformedBody(rejection.body_text()),
            }),
        }
    }
}

/// `axum::extract::Query` whose rejections are [`ApiError`]s.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    axum::extract::Query<T>: FromRequestParts<S, Rejection = QueryRejection>,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|rejection| ApiError::BadQuery(rejection.body_text()))
    }
}
