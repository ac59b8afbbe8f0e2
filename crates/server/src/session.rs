//! Session tokens: HS256 JWTs naming a row of the `sessions` table.
//!
//! The signature and expiry are checked without the database; the row is
//! then looked up on every request so that `POST /auth/logout` takes effect
//! at once on every instance.

use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use crate::app::AppState;
use crate::config::Secret;
use crate::error::ApiError;

const ISSUER: &str = "promptvault";

/// What a session token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    /// The session id (`sessions.session_id`).
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

/// Why a token was refused before any database lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token expired")]
    Expired,
    #[error("token invalid")]
    Invalid,
}

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Expired => ApiError::SessionExpired,
            TokenError::Invalid => ApiError::InvalidToken,
        }
    }
}

/// Signs new tokens with the current key; verifies with it and the former ones.
pub struct SessionKeys {
    encoding: EncodingKey,
    decoding: Vec<DecodingKey>,
    validation: Validation,
}

impl SessionKeys {
    pub fn new(current: &Secret, previous: &[Secret]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        let decoding = std::iter::once(current)
            .chain(previous)
            .map(|s| DecodingKey::from_secret(s.expose().as_bytes()))
            .collect();
        SessionKeys {
            encoding: EncodingKey::from_secret(current.expose().as_bytes()),
            decoding,
            validation,
        }
    }

    pub fn issue(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        expires_at: DateTime<Utc>,
    ) -> Result<String, ApiError> {
        let claims = Claims {
            sub: user_id,
            sid: session_id,
            iat: Utc::now().timestamp(),
            exp: expires_at.timestamp(),
            iss: ISSUER.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(format!("signing a session token: {e}")))
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let mut outcome = TokenError::Invalid;
        for key in &self.decoding {
            match jsonwebtoken::decode::<Claims>(token, key, &self.validation) {
                Ok(data) => return Ok(data.claims),
                Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) => {
                    outcome = TokenError::Expired;
                }
                Err(_) => {}
            }
        }
        Err(outcome)
    }
}

/// Records a new session and returns its signed token.
pub async fn create_session(
    db: &PgPool,
    keys: &SessionKeys,
    user_id: Uuid,
    ttl: std::time::Duration,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let session_id = Uuid::new_v4();
    let ttl = chrono::Duration::from_std(ttl)
        .map_err(|_| ApiError::Internal("session ttl out of range".into()))?;
    // Whole seconds: the JWT `exp` claim has no finer resolution.
    let expires_at = DateTime::from_timestamp((Utc::now() + ttl).timestamp(), 0)
        .ok_or_else(|| ApiError::Internal("session expiry out of range".into()))?;
    sqlx::query("INSERT INTO sessions (session_id, user_id, expires_at) VALUES ($1, $2, $3)")
        .bind(session_id)
        .bind(user_id)
        .bind(expires_at)
        .execute(db)
        .await?;
    Ok((keys.issue(user_id, session_id, expires_at)?, expires_at))
}

/// Marks a session revoked; its token is refused from now on.
pub async fn revoke_session(db: &PgPool, session_id: Uuid) -> Result<(), ApiError> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = now() WHERE session_id = $1 AND revoked_at IS NULL",
    )
    .bind(session_id)
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes sessions that expired more than a day ago; returns how many.
pub async fn purge_expired_sessions(db: &PgPool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at < now() - interval '1 day'")
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// The authenticated caller of a request: extracting it validates the bearer
/// token and its session row, and refuses the request with 401 otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthUser {
    pub user_id: Uuid,
    pub session_id: Uuid,
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::MissingToken)?;
        let claims = state.sessions.verify(token)?;
        let row: Option<(bool, bool)> = sqlx::query_as(
            "SELECT revoked_at IS NOT NULL, expires_at <= now() FROM sessions \
             WHERE session_id = $1 AND user_id = $2",
        )
        .bind(claims.sid)
        .bind(claims.sub)
        .fetch_optional(&state.db)
        .await?;
        match row {
            None => Err(ApiError::InvalidToken),
            Some((true, _)) => Err(ApiError::SessionRevoked),
            Some((_, true)) => Err(ApiError::SessionExpired),
            Some((false, false)) => Ok(AuthUser {
                user_id: claims.sub,
                session_id: claims.sid,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> SessionKeys {
        SessionKeys::new(&Secret::new(secret), &[])
    }

    const A: &str = "a-secret-that-is-long-enough-for-hs256!";
    const B: &str = "b-secret-that-is-long-enough-for-hs256!";

    #[test]
    fn issued_tokens_verify_and_carry_their_claims() {
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let exp = Utc::now() + chrono::Duration::hours(1);
        let token = keys(A).issue(user, session, exp).unwrap();
        let claims = keys(A).verify(&token).unwrap();
        assert_eq!((claims.sub, claims.sid), (user, session));
    }

    #[test]
    fn forged_expired_and_garbage_tokens_are_refused() {
        let past = Utc::now() - chrono::Duration::minutes(5);
        let future = Utc::now() + chrono::Duration::hours(1);
        let forged = keys(B)
            .issue(Uuid::new_v4(), Uuid::new_v4(), future)
            .unwrap();
        assert_eq!(keys(A).verify(&forged), Err(TokenError::Invalid));
        let expired = keys(A).issue(Uuid::new_v4(), Uuid::new_v4(), past).unwrap();
        assert_eq!(keys(A).verify(&expired), Err(TokenError::Expired));
        assert_eq!(keys(A).verify("not.a.jwt"), Err(TokenError::Invalid));
    }

    #[test]
    fn unsigned_tokens_are_refused() {
        // {"alg":"none"} with valid-looking claims and an empty signature.
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let claims = serde_json::json!({
            "sub": Uuid::new_v4(), "sid": Uuid::new_v4(), "iat": 0,
            "exp": Utc::now().timestamp() + 3600, "iss": ISSUER,
        });
        let token = format!(
            "{}.{}.",
            b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
            b64.encode(claims.to_string())
        );
        assert_eq!(keys(A).verify(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn previous_keys_still_verify_after_rotation() {
        let exp = Utc::now() + chrono::Duration::hours(1);
        let old_token = keys(A).issue(Uuid::new_v4(), Uuid::new_v4(), exp).unwrap();
        let rotated = SessionKeys::new(&Secret::new(B), &[Secret::new(A)]);
        assert!(rotated.verify(&old_token).is_ok());
    }
}
