//! Request and response bodies of the PromptVault cloud API.
//!
//! The server (`promptvault-server`) and the desktop sync client use these very
//! types, so the wire format is defined once. With the `openapi` feature the
//! types also derive `utoipa::ToSchema`, which the server uses to publish its
//! OpenAPI document; the feature is off by default and adds no runtime code.
//!
//! Every 4xx/5xx response carries an [`ErrorResponse`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Most prompts accepted in one `POST /prompts/upload` request.
pub const MAX_UPLOAD_BATCH: usize = 100;
/// Largest prompt `content`, in bytes of UTF-8.
pub const MAX_CONTENT_BYTES: usize = 32 * 1024;
/// Largest `synopsis`, in bytes of UTF-8.
pub const MAX_SYNOPSIS_BYTES: usize = 2 * 1024;
/// Most tags on one prompt.
pub const MAX_TAGS: usize = 32;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 64;
/// Page size of `GET /prompts/sync` when `limit` is not given.
pub const DEFAULT_SYNC_LIMIT: u32 = 100;
/// Largest page size of `GET /prompts/sync`.
pub const MAX_SYNC_LIMIT: u32 = 500;

/// The sign-in providers, as they appear in `/auth/callback/{provider}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AuthProvider {
    Google,
    Github,
}

impl AuthProvider {
    /// The name used in URLs and stored as `user_authentications.provider_id`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthProvider::Google => "google",
            AuthProvider::Github => "github",
        }
    }

    /// Parses a provider name as used in URLs.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "google" => Some(AuthProvider::Google),
            "github" => Some(AuthProvider::Github),
            _ => None,
        }
    }
}

impl std::fmt::Display for AuthProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Body of `POST /auth/callback/{provider}`: what the desktop app captured on
/// its loopback redirect, plus its persistent `local_user_id` (spec VI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthCallbackRequest {
    /// The authorization code from the provider's redirect.
    pub code: String,
    /// The redirect URI used in the authorization request, e.g.
    /// `http://127.0.0.1:{port}/oauth/callback`.
    pub redirect_uri: String,
    /// The PKCE code verifier matching the authorization request's challenge.
    pub code_verifier: String,
    /// The id this device has used as `owner_id` before signing in.
    pub local_user_id: Uuid,
}

/// Response of a successful sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthCallbackResponse {
    /// The definitive user id. When it differs from the `local_user_id` sent,
    /// the client re-owns its local prompts to it (spec VI, step 4).
    pub user_id: Uuid,
    /// Bearer token for every other endpoint (`Authorization: Bearer ...`).
    pub session_token: String,
    /// When the session token stops being accepted.
    pub expires_at: DateTime<Utc>,
    /// True when this sign-in created the user.
    pub is_new_user: bool,
}

/// One prompt in an upload batch. Only public prompts are accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadPrompt {
    pub id: Uuid,
    pub content: String,
    #[serde(default)]
    pub synopsis: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Quality score 0..=100.
    #[serde(default)]
    pub score: Option<i32>,
    /// Must be `false`: private prompts never leave the device.
    #[serde(default)]
    pub is_private: bool,
    /// Ignored by the server: an uploaded prompt always belongs to the
    /// authenticated user. Accepted so that clients can send their local row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl UploadPrompt {
    /// Checks the limits documented on this module's constants. The server
    /// runs the same check, so a client may pre-validate before uploading.
    pub fn validate(&self) -> Result<(), String> {
        if self.id.is_nil() {
            return Err("id must not be the nil UUID".into());
        }
        if self.is_private {
            return Err("private prompts are not uploaded".into());
        }
        if self.content.trim().is_empty() {
            return Err("content must not be empty".into());
        }
        if self.content.len() > MAX_CONTENT_BYTES {
            return Err(format!("content exceeds {MAX_CONTENT_BYTES} bytes"));
        }
        if let Some(synopsis) = &self.synopsis {
            if synopsis.len() > MAX_SYNOPSIS_BYTES {
                return Err(format!("synopsis exceeds {MAX_SYNOPSIS_BYTES} bytes"));
            }
        }
        if self.tags.len() > MAX_TAGS {
            return Err(format!("more than {MAX_TAGS} tags"));
        }
        for tag in &self.tags {
            let chars = tag.chars().count();
            if tag.trim().is_empty() || chars > MAX_TAG_CHARS {
                return Err(format!("tags must have 1 to {MAX_TAG_CHARS} characters"));
            }
            if tag.chars().any(char::is_control) {
                return Err("tags must not contain control characters".into());
            }
        }
        if let Some(score) = self.score {
            if !(0..=100).contains(&score) {
                return Err("score must be between 0 and 100".into());
            }
        }
        if self.updated_at < self.created_at {
            return Err("updated_at is before created_at".into());
        }
        Ok(())
    }
}

/// Body of `POST /prompts/upload`: at most [`MAX_UPLOAD_BATCH`] prompts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadRequest {
    pub prompts: Vec<UploadPrompt>,
}

/// Why one prompt of an upload batch was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The item is not a valid prompt object (missing field, bad UUID, ...).
    Malformed,
    /// The item breaks a limit (empty content, score out of range, private...).
    Invalid,
    /// Another user already uploaded a prompt with this id.
    IdTaken,
    /// The same id appears more than once in the batch; the first is used.
    DuplicateInBatch,
}

/// A refused item of an upload batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectedPrompt {
    /// Position of the item in the request's `prompts` array.
    pub index: usize,
    /// The item's id, when it had a readable one.
    pub id: Option<Uuid>,
    pub reason: RejectReason,
    /// Human-readable detail.
    pub message: String,
}

/// Response of `POST /prompts/upload` (HTTP 200 even when some items fail).
/// A client marks exactly the `accepted` ids as uploaded; re-uploading an id
/// it already owns is accepted again without creating a duplicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadResponse {
    pub accepted: Vec<Uuid>,
    pub rejected: Vec<RejectedPrompt>,
}

/// Query of `GET /prompts/sync`.
///
/// Pass the previous response's `next_cursor` as `cursor`. With no cursor the
/// listing starts at the beginning, or, when `since` is given (first sync of a
/// client that still has a spec-style timestamp), at the prompts uploaded
/// after `since`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SyncQuery {
    /// Opaque position returned as `next_cursor` by the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// RFC 3339 timestamp; used only when `cursor` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
    /// Page size, 1..=[`MAX_SYNC_LIMIT`]; defaults to [`DEFAULT_SYNC_LIMIT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A public prompt of another user, as served by sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncedPrompt {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub content: String,
    pub synopsis: Option<String>,
    pub tags: Vec<String>,
    pub score: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the server stored the prompt.
    pub uploaded_at: DateTime<Utc>,
}

/// One page of `GET /prompts/sync`, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResponse {
    pub prompts: Vec<SyncedPrompt>,
    /// Where the next request continues. Always present: store it once the
    /// page is processed, and send it next time even when `has_more` is false.
    pub next_cursor: String,
    /// True when more prompts are available right now.
    pub has_more: bool,
    /// The server's clock when the page was read.
    pub server_time: DateTime<Utc>,
}

/// The body of every 4xx and 5xx response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorResponse {
    /// Stable machine-readable code, e.g. `invalid_token`, `rate_limited`.
    pub error: String,
    /// Human-readable explanation; never internal detail.
    pub message: String,
}

/// Body of `/healthz` and `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthResponse {
    /// `ok`, or `unavailable` when a dependency is down.
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt() -> UploadPrompt {
        let now = Utc::now();
        UploadPrompt {
            id: Uuid::new_v4(),
            content: "Summarise this text".into(),
            synopsis: None,
            tags: vec!["writing".into()],
            score: Some(80),
            is_private: false,
            owner_id: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_plain_public_prompt_is_valid() {
        assert_eq!(prompt().validate(), Ok(()));
    }

    #[test]
    fn limits_are_enforced() {
        type Edit = fn(&mut UploadPrompt);
        let cases: [(&str, Edit); 8] = [
            ("private", |p| p.is_private = true),
            ("empty", |p| p.content = "  \n".into()),
            ("big", |p| p.content = "x".repeat(MAX_CONTENT_BYTES + 1)),
            ("score", |p| p.score = Some(101)),
            ("negative", |p| p.score = Some(-1)),
            ("tag", |p| p.tags = vec![String::new()]),
            ("tags", |p| p.tags = vec!["t".into(); MAX_TAGS + 1]),
            ("nil", |p| p.id = Uuid::nil()),
        ];
        for (name, edit) in cases {
            let mut p = prompt();
            edit(&mut p);
            assert!(p.validate().is_err(), "{name} should be refused");
        }
    }

    #[test]
    fn provider_names_round_trip() {
        for p in [AuthProvider::Google, AuthProvider::Github] {
            assert_eq!(AuthProvider::parse(p.as_str()), Some(p));
        }
        assert_eq!(AuthProvider::parse("wechat"), None);
    }
}
