//! The HTTP handlers and the OpenAPI document describing them.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use promptvault_types::api::{
    AuthCallbackRequest, AuthCallbackResponse, AuthProvider, ErrorResponse, HealthResponse,
    RejectReason, RejectedPrompt, SyncQuery, SyncResponse, SyncedPrompt, UploadPrompt,
    UploadRequest, UploadResponse, DEFAULT_SYNC_LIMIT, MAX_SYNC_LIMIT, MAX_UPLOAD_BATCH,
};
use serde::Deserialize;
use utoipa::OpenApi;

use crate::app::AppState;
use crate::error::{ApiError, ApiJson, ApiQuery};
use crate::oauth::AuthorizationGrant;
use crate::prompts::{self, Cursor, SyncStart};
use crate::rate_limit::Group;
use crate::session::{self, AuthUser};
use crate::users;

/// Exchanges an authorization code for a PromptVault session.
#[utoipa::path(
    post, path = "/auth/callback/{provider}", tag = "auth",
    params(("provider" = AuthProvider, Path, description = "`google` or `github`")),
    request_body = AuthCallbackRequest,
    responses(
        (status = 200, body = AuthCallbackResponse),
        (status = 400, description = "invalid_grant: code/redirect URI/PKCE refused", body = ErrorResponse),
        (status = 401, description = "provider_token_rejected", body = ErrorResponse),
        (status = 404, description = "unknown or unconfigured provider", body = ErrorResponse),
        (status = 429, body = ErrorResponse),
        (status = 502, description = "provider_unavailable / provider_error", body = ErrorResponse),
    )
)]
pub async fn auth_callback(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    ApiJson(request): ApiJson<AuthCallbackRequest>,
) -> Result<Json<AuthCallbackResponse>, ApiError> {
    let provider =
        AuthProvider::parse(&provider).ok_or_else(|| ApiError::UnknownProvider(provider))?;
    if !state.oauth.is_enabled(provider) {
        return Err(ApiError::ProviderNotConfigured(provider.as_str()));
    }
    if request.local_user_id.is_nil() {
        return Err(ApiError::BadRequest("local_user_id must not be nil".into()));
    }
    let grant = AuthorizationGrant {
        code: &request.code,
        redirect_uri: &request.redirect_uri,
        code_verifier: &request.code_verifier,
    };
    let identity = state.oauth.identify(provider, &grant).await?;
    let user = users::find_or_create_user(&state.db, &identity, request.local_user_id).await?;
    let (session_token, expires_at) = session::create_session(
        &state.db,
        &state.sessions,
        user.user_id,
        state.config.session_ttl(),
    )
    .await?;
    state
        .metrics
        .sign_ins
        .with_label_values(&[
            provider.as_str(),
            if user.is_new_user { "new" } else { "existing" },
        ])
        .inc();
    tracing::info!(%provider, user_id = %user.user_id, new = user.is_new_user, "signed in");
    Ok(Json(AuthCallbackResponse {
        user_id: user.user_id,
        session_token,
        expires_at,
        is_new_user: user.is_new_user,
    }))
}

/// Revokes the session whose token authenticates this request.
#[utoipa::path(
    post, path = "/auth/logout", tag = "auth",
    security(("bearer" = [])),
    responses((status = 204, description = "revoked"), (status = 401, body = ErrorResponse))
)]
pub async fn logout(State(state): State<AppState>, user: AuthUser) -> Result<StatusCode, ApiError> {
    state.limiter.check_user(Group::Auth, user.user_id)?;
    session::revoke_session(&state.db, user.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The wire shape of an upload as the server reads it: each item is parsed
/// on its own, so one malformed item refuses only itself.
#[derive(Deserialize)]
pub struct RawUploadRequest {
    prompts: Vec<serde_json::Value>,
}

/// Stores a batch of public prompts owned by the caller (partial success).
#[utoipa::path(
    post, path = "/prompts/upload", tag = "prompts",
    security(("bearer" = [])),
    request_body(content = UploadRequest,
        description = "At most 100 prompts (`MAX_UPLOAD_BATCH`); `owner_id` is ignored"),
    responses(
        (status = 200, description = "accepted ids and per-item refusals", body = UploadResponse),
        (status = 400, body = ErrorResponse),
        (status = 401, body = ErrorResponse),
        (status = 413, body = ErrorResponse),
        (status = 429, body = ErrorResponse),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(request): ApiJson<RawUploadRequest>,
) -> Result<Json<UploadResponse>, ApiError> {
    state.limiter.check_user(Group::Upload, user.user_id)?;
    if request.prompts.len() > MAX_UPLOAD_BATCH {
        return Err(ApiError::BatchTooLarge);
    }
    let response = prompts::upload(&state.db, user.user_id, request.prompts).await?;
    let counter = &state.metrics.prompts_uploaded;
    counter
        .with_label_values(&["accepted"])
        .inc_by(response.accepted.len() as u64);
    counter
        .with_label_values(&["rejected"])
        .inc_by(response.rejected.len() as u64);
    Ok(Json(response))
}

/// Public prompts of other users, oldest first, one page at a time.
#[utoipa::path(
    get, path = "/prompts/sync", tag = "prompts",
    security(("bearer" = [])),
    params(SyncQuery),
    responses(
        (status = 200, body = SyncResponse),
        (status = 400, description = "bad cursor, since or limit", body = ErrorResponse),
        (status = 401, body = ErrorResponse),
        (status = 429, body = ErrorResponse),
    )
)]
pub async fn sync(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<SyncQuery>,
) -> Result<Json<SyncResponse>, ApiError> {
    state.limiter.check_user(Group::Sync, user.user_id)?;
    let limit = query.limit.unwrap_or(DEFAULT_SYNC_LIMIT);
    if !(1..=MAX_SYNC_LIMIT).contains(&limit) {
        return Err(ApiError::BadQuery(format!(
            "limit must be between 1 and {MAX_SYNC_LIMIT}"
        )));
    }
    let start = match (query.cursor.as_deref(), query.since) {
        (Some(cursor), _) => SyncStart::After(
            cursor
                .parse::<Cursor>()
                .map_err(|e| ApiError::BadQuery(e.to_string()))?,
        ),
        (None, Some(since)) => SyncStart::UploadedAfter(since),
        (None, None) => SyncStart::After(Cursor::START),
    };
    let page = prompts::sync_page(&state.db, user.user_id, start, limit).await?;
    state
        .metrics
        .prompts_served
        .inc_by(page.prompts.len() as u64);
    Ok(Json(page))
}

/// Liveness: the process serves HTTP.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = HealthResponse)))]
pub async fn healthz() -> Json<HealthResponse> {
    Json(HealthResponse {
        status: "ok".into(),
    })
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = HealthResponse), (status = 503, body = HealthResponse)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let probe = sqlx::query("SELECT 1").execute(&state.db);
    match tokio::time::timeout(std::time::Duration::from_secs(2), probe).await {
        Ok(Ok(_)) => healthz().await.into_response(),
        outcome => {
            tracing::warn!(?outcome, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(HealthResponse {
                    status: "unavailable".into(),
                }),
            )
                .into_response()
        }
    }
}

/// Prometheus exposition.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// This document.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[derive(OpenApi)]
#[openapi(
    info(title = "PromptVault API", description = "Sign-in, public prompt upload and sync."),
    paths(auth_callback, logout, upload, sync, healthz, readyz, metrics),
    components(schemas(
        AuthProvider, AuthCallbackRequest, AuthCallbackResponse, UploadPrompt, UploadRequest,
        UploadResponse, RejectedPrompt, RejectReason, SyncResponse, SyncedPrompt,
        ErrorResponse, HealthResponse
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
