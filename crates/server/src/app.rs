//! The application state shared by handlers, and the router with its
//! middleware stack.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use sqlx::PgPool;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;
use tracing::Level;

use crate::config::Config;
use crate::error;
use crate::metrics::{self, Metrics};
use crate::oauth::OAuthClient;
use crate::rate_limit::{self, Group, IpLimit, RateLimiter};
use crate::routes;
use crate::session::SessionKeys;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Everything a handler may use. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    pub sessions: Arc<SessionKeys>,
    pub oauth: Arc<OAuthClient>,
    pub limiter: Arc<RateLimiter>,
    pub metrics: Arc<Metrics>,
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("building the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("registering metrics: {0}")]
    Metrics(#[from] prometheus::Error),
}

impl AppState {
    pub fn new(config: Config, db: PgPool) -> Result<Self, StateError> {
        Ok(AppState {
            sessions: Arc::new(SessionKeys::new(
                &config.jwt_secret,
                &config.jwt_previous_secrets,
            )),
            oauth: Arc::new(OAuthClient::new(&config)?),
            limiter: Arc::new(RateLimiter::new(
                config.rate_limits,
                config.trust_forwarded_for,
            )),
            metrics: Arc::new(Metrics::new()?),
            config: Arc::new(config),
            db,
        })
    }
}

/// The whole HTTP API.
pub fn router(state: AppState) -> Router {
    let ip_limit = |group| {
        axum::middleware::from_fn_with_state(
            IpLimit {
                limiter: state.limiter.clone(),
                group,
            },
            rate_limit::limit_by_ip,
        )
    };
    let auth = Router::new()
        .route("/auth/callback/{provider}", post(routes::auth_callback))
        .route("/auth/logout", post(routes::logout))
        .route_layer(ip_limit(Group::Auth));
    let upload = Router::new()
        .route("/prompts/upload", post(routes::upload))
        .route_layer(ip_limit(Group::Upload));
    let sync = Router::new()
        .route("/prompts/sync", get(routes::sync))
        .route_layer(ip_limit(Group::Sync));
    let operations = Router::new()
        .route("/healthz", get(routes::healthz))
        .route("/readyz", get(routes::readyz))
        .route("/metrics", get(routes::metrics))
        .route("/openapi.json", get(routes::openapi_json));

    Router::new()
        .merge(auth)
        .merge(upload)
        .merge(sync)
        .merge(operations)
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(axum::middleware::from_fn(error::json_error_bodies))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            state.config.request_timeout(),
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                ),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// The span of one request: its id, method and route (never the query or
/// headers, which may carry tokens).
fn request_span(request: &Request) -> tracing::Span {
    let request_id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| request.uri().path(), |p| p.as_str());
    tracing::info_span!("request", request_id, method = %request.method(), route)
}
