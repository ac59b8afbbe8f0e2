//! What can go wrong with an AI request, each case with a message that says
//! what happened and what to do.

use std::path::PathBuf;
use std::time::Duration;

use uuid::Uuid;

use crate::secrets::{SecretError, API_KEY_ENV};

/// An AI feature's failure.
#[derive(Debug, thiserror::Error)]
pub enum AiError {
    #[error(
        "no API key is set for {endpoint}; save one with `promptvault ai key set` \
         (kept in the OS keychain) or set {API_KEY_ENV}"
    )]
    NoKey { endpoint: String },

    #[error(
        "the API key was rejected by {endpoint} (401): {detail}; save a valid key with \
         `promptvault ai key set` or set {API_KEY_ENV}"
    )]
    BadKey { endpoint: String, detail: String },

    #[error("rate limited by the AI service (429){}: {detail}", retry_note(.retry_after))]
    RateLimited {
        retry_after: Option<Duration>,
        detail: String,
    },

    #[error("the AI account has no quota left (429): {detail}; check its plan and billing")]
    QuotaExceeded { detail: String },

    #[error(
        "model {model:?} does not exist at {endpoint}, or the key has no access to it: {detail}; \
         choose another model in the settings"
    )]
    ModelNotFound {
        model: String,
        endpoint: String,
        detail: String,
    },

    #[error(
        "{url} does not exist (404); the endpoint setting should be the API's base URL, \
         such as https://api.openai.com/v1 or http://localhost:11434/v1"
    )]
    EndpointNotFound { url: String },

    #[error("the AI service failed ({status}): {detail}")]
    Server {
        status: u16,
        retry_after: Option<Duration>,
        detail: String,
    },

    #[error("the AI service refused the request ({status}): {detail}")]
    Api { status: u16, detail: String },

    #[error(
        "the AI service did not answer within {} s (setting ai_request_timeout_seconds)",
        .after.as_secs_f64()
    )]
    Timeout { after: Duration },

    #[error("cannot reach the AI service at {endpoint}: {detail}; check the network and the endpoint setting")]
    Network { endpoint: String, detail: String },

    #[error("the AI service sent a malformed answer: {detail}")]
    BadResponse { detail: String },

    #[error("the model's answer is not usable: {reason}")]
    InvalidOutput { reason: String },

    /// Retries ran out; `last` is the final attempt's error.
    #[error("gave up after {attempts} attempts{}: {last}", log_note(.log))]
    Exhausted {
        attempts: u32,
        /// The local log holding every attempt's raw response, if it could
        /// be written.
        log: Option<PathBuf>,
        last: Box<AiError>,
    },

    #[error("cancelled")]
    Cancelled,

    #[error("unknown polish strategy {name:?}; known strategies: {known}")]
    UnknownStrategy { name: String, known: String },

    #[error("prompt {id} changed since it was polished; polish it again")]
    Stale { id: Uuid },

    #[error("{0}")]
    InvalidInput(String),

    #[error("invalid AI configuration: {0}")]
    Config(String),

    #[error(transparent)]
    Secret(#[from] SecretError),

    #[error(transparent)]
    Store(#[from] crate::Error),
}

fn retry_note(after: &Option<Duration>) -> String {
    after
        .map(|d| format!("; the service asks to retry after {} s", d.as_secs_f64()))
        .unwrap_or_default()
}

fn log_note(log: &Option<PathBuf>) -> String {
    log.as_ref()
        .map(|p| format!(" (raw responses saved in {})", p.display()))
        .unwrap_or_default()
}

impl AiError {
    /// Whether another attempt may succeed: transport trouble, rate limits,
    /// server errors and unusable model output. A bad key, a missing model or
    /// a refused request fail the same way every time.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            AiError::RateLimited { .. }
                | AiError::Server { .. }
                | AiError::Timeout { .. }
                | AiError::Network { .. }
                | AiError::BadResponse { .. }
                | AiError::InvalidOutput { .. }
        )
    }

    /// How long the service asked us to wait before retrying.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            AiError::RateLimited { retry_after, .. } | AiError::Server { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// The underlying error: the last attempt's for [`AiError::Exhausted`],
    /// else this one.
    pub fn root(&self) -> &AiError {
        match self {
            AiError::Exhausted { last, .. } => last.root(),
            other => other,
        }
    }
}
