//! The OAuth2 authorization-code exchange with Google and GitHub, and the
//! profile lookup that yields the provider's stable user id.
//!
//! Google: token endpoint, then the OpenID Connect userinfo endpoint (`sub`,
//! `email`, `email_verified`). GitHub: token endpoint (asked for JSON), then
//! `GET /user` (`id`) and `GET /user/emails` for the primary verified email.
//! An email is kept only when the provider says it is verified.

use std::time::Duration;

use axum::http::StatusCode;
use promptvault_types::api::AuthProvider;
use serde::Deserialize;

use crate::config::{Config, ProviderConfig};

/// How long one call to a provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// The code is unknown, used, expired, or does not match the redirect URI
    /// or PKCE verifier: the client must start the sign-in again.
    #[error("the provider refused the authorization code ({0})")]
    InvalidGrant(String),
    /// The provider refused the access token it had just issued (revoked).
    #[error("the provider refused the access token; sign in again")]
    TokenRejected,
    /// The provider could not be reached or answered with a server error.
    #[error("the sign-in provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider answered something we did not expect, or refused our
    /// client credentials (a server configuration problem).
    #[error("unexpected answer from the sign-in provider: {0}")]
    Unexpected(String),
}

impl OAuthError {
    pub(crate) fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            OAuthError::InvalidGrant(_) => (StatusCode::BAD_REQUEST, "invalid_grant"),
            OAuthError::TokenRejected => (StatusCode::UNAUTHORIZED, "provider_token_rejected"),
            OAuthError::Unavailable(_) => (StatusCode::BAD_GATEWAY, "provider_unavailable"),
            OAuthError::Unexpected(_) => (StatusCode::BAD_GATEWAY, "provider_error"),
        }
    }
}

/// Who the provider says the user is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderIdentity {
    pub provider: AuthProvider,
    /// Google `sub`, GitHub numeric `id` as text.
    pub provider_user_id: String,
    /// The primary email, only when verified.
    pub verified_email: Option<String>,
}

/// What the client obtained from the provider's authorization redirect.
pub struct AuthorizationGrant<'a> {
    pub code: &'a str,
    pub redirect_uri: &'a str,
    pub code_verifier: &'a str,
}

pub struct OAuthClient {
    http: reqwest::Client,
    google: ProviderConfig,
    github: ProviderConfig,
}

impl OAuthClient {
    pub fn new(config: &Config) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(PROVIDER_TIMEOUT)
            .user_agent(concat!("promptvault-server/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(OAuthClient {
            http,
            google: config.google.clone(),
            github: config.github.clone(),
        })
    }

    fn provider(&self, provider: AuthProvider) -> &ProviderConfig {
        match provider {
            AuthProvider::Google => &self.google,
            AuthProvider::Github => &self.github,
        }
    }

    pub fn is_enabled(&self, provider: AuthProvider) -> bool {
        self.provider(provider).is_enabled()
    }

    /// Exchanges the code and fetches the profile.
    pub async fn identify(
        &self,
        provider: AuthProvider,
        grant: &AuthorizationGrant<'_>,
    ) -> Result<ProviderIdentity, OAuthError> {
        let access_token = self.exchange_code(provider, grant).await?;
        match provider {
            AuthProvider::Google => self.google_identity(&access_token).await,
            AuthProvider::Github => self.github_identity(&access_token).await,
        }
    }

    async fn exchange_code(
        &self,
        provider: AuthProvider,
        grant: &AuthorizationGrant<'_>,
    ) -> Result<String, OAuthError> {
        let config = self.provider(provider);
        let form = [
            ("grant_type", "authorization_code"),
            ("code", grant.code),
            ("redirect_uri", grant.redirect_uri),
            ("code_verifier", grant.code_verifier),
            ("client_id", config.client_id.as_str()),
            ("client_secret", config.client_secret.expose()),
        ];
        let response = self
            .http
            .post(&config.token_url)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(unreachable_provider)?;
        let status = response.status();
        if status.is_server_error() {
            return Err(OAuthError::Unavailable(format!("token endpoint: {status}")));
        }
        // GitHub reports errors with HTTP 200 and an `error` field; Google
        // with HTTP 400/401 and the same field.
        let body: TokenResponse = response
            .json()
            .await
            .map_err(|e| OAuthError::Unexpected(format!("token response ({status}): {e}")))?;
        match (body.access_token, body.error) {
            (_, Some(error)) => Err(token_error(error)),
            (Some(token), None) if status.is_success() => Ok(token),
            _ => Err(OAuthError::Unexpected(format!(
                "token endpoint answered {status} without a token"
            ))),
        }
    }

    async fn google_identity(&self, access_token: &str) -> Result<ProviderIdentity, OAuthError> {
        let info: GoogleUserInfo = self
            .get_json(&self.google.profile_url, access_token)
            .await?;
        let verified_email = match (info.email, info.email_verified) {
            (Some(email), Some(true)) => Some(email),
            _ => None,
        };
        Ok(ProviderIdentity {
            provider: AuthProvider::Google,
            provider_user_id: info.sub,
            verified_email,
        })
    }

    async fn github_identity(&self, access_token: &str) -> Result<ProviderIdentity, OAuthError> {
        let base = self.github.profile_url.trim_end_matches('/');
        let user: GithubUser = self.get_json(&format!("{base}/user"), access_token).await?;
        // Without the user:email scope this list is refused; the email is
        // optional, so only a revoked token or an outage fails the sign-in.
        let emails: Vec<GithubEmail> = match self
            .get_json(&format!("{base}/user/emails"), access_token)
            .await
        {
            Ok(emails) => emails,
            Err(OAuthError::Unexpected(why)) => {
                tracing::warn!(%why, "GitHub did not list the user's emails");
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        let verified_email = emails
            .into_iter()
            .find(|e| e.primary && e.verified)
            .map(|e| e.email);
        Ok(ProviderIdentity {
            provider: AuthProvider::Github,
            provider_user_id: user.id.to_string(),
            verified_email,
        })
    }

    async fn get_json<T: for<'de> Deserialize<'de>>(
        &self,
        url: &str,
        access_token: &str,
    ) -> Result<T, OAuthError> {
        let response = self
            .http
            .get(url)
            .bearer_auth(access_token)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(unreachable_provider)?;
        let status = response.status();
        if status == reqwest::StatusCode::UNAUTHORIZED {
            return Err(OAuthError::TokenRejected);
        }
        if status.is_server_error() {
            return Err(OAuthError::Unavailable(format!("{url}: {status}")));
        }
        if !status.is_success() {
            return Err(OAuthError::Unexpected(format!("{url}: {status}")));
        }
        response
            .json()
            .await
            .map_err(|e| OAuthError::Unexpected(format!("{url}: {e}")))
    }
}

fn unreachable_provider(e: reqwest::Error) -> OAuthError {
    OAuthError::Unavailable(e.without_url().to_string())
}

fn token_error(error: String) -> OAuthError {
    match error.as_str() {
        // RFC 6749 `invalid_grant` (Google); GitHub's equivalents.
        "invalid_grant" | "bad_verification_code" | "redirect_uri_mismatch" | "invalid_request" => {
            OAuthError::InvalidGrant(error)
        }
        // invalid_client, incorrect_client_credentials, unauthorized_client...:
        // our registration is wrong, nothing the user can fix.
        _ => OAuthError::Unexpected(format!("token endpoint error {error}")),
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct GoogleUserInfo {
    sub: String,
    email: Option<String>,
    email_verified: Option<bool>,
}

#[derive(Deserialize)]
struct GithubUser {
    id: u64,
}

#[derive(Deserialize)]
struct GithubEmail {
    email: String,
    primary: bool,
    verified: bool,
}
