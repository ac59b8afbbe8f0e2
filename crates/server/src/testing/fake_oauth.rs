//! A local OAuth2 provider that behaves like Google and GitHub, for the
//! integration tests and for local development without real app
//! registrations.
//!
//! Google look-alike under `/google`: `POST /google/token` (form-encoded,
//! RFC 6749 errors with HTTP 400/401: `invalid_grant`, `invalid_client`,
//! `redirect_uri_mismatch`) and `GET /google/userinfo` (OpenID Connect
//! userinfo: `sub`, `email`, `email_verified`).
//!
//! GitHub look-alike under `/github`: `POST /github/login/oauth/access_token`
//! (errors with HTTP 200 and `bad_verification_code`,
//! `incorrect_client_credentials`, `redirect_uri_mismatch`; form-encoded
//! answer unless `Accept: application/json`), `GET /github/api/user` and
//! `GET /github/api/user/emails`.
//!
//! Both check PKCE (S256), the redirect URI and the client credentials, and
//! codes are single-use. Tests obtain codes with [`FakeOAuth::authorize`];
//! a browser gets them from `GET /{provider}/authorize`, which consents at
//! once for the account named by `login_hint`. Failure modes: the whole
//! provider down (503), and access revoked for an account (401 on profile).

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use promptvault_types::api::AuthProvider;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::config::{ProviderConfig, Secret};

/// A user at the fake provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeAccount {
    /// Google `sub`; for GitHub it must be decimal digits (the numeric `id`).
    pub subject: String,
    pub login: String,
    pub email: Option<String>,
    pub email_verified: bool,
}

impl FakeAccount {
    /// An account with a fresh numeric subject and a verified email.
    pub fn new(login: &str) -> Self {
        let subject = (Uuid::new_v4().as_u128() % 1_000_000_000_000).to_string();
        FakeAccount {
            email: Some(format!("{login}-{subject}@example.test")),
            subject,
            login: login.to_owned(),
            email_verified: true,
        }
    }

    pub fn unverified(mut self) -> Self {
        self.email_verified = false;
        self
    }
}

/// The S256 PKCE challenge of a verifier.
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

struct PendingCode {
    provider: AuthProvider,
    account: FakeAccount,
    redirect_uri: String,
    code_challenge: String,
}

#[derive(Default)]
struct Inner {
    codes: HashMap<String, PendingCode>,
    tokens: HashMap<String, FakeAccount>,
    revoked_subjects: HashSet<String>,
    down: bool,
}

struct Shared {
    client_id: String,
    client_secret: String,
    inner: Mutex<Inner>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake provider; stops when dropped.
pub struct FakeOAuth {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl FakeOAuth {
    /// Serves on `addr` (port 0 for an ephemeral one), accepting only the
    /// given client credentials.
    pub async fn start(
        addr: SocketAddr,
        client_id: &str,
        client_secret: &str,
    ) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            inner: Mutex::new(Inner::default()),
        });
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(FakeOAuth {
            shared,
            addr,
            stop: Some(stop),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server configuration pointing at this fake for `provider`.
    pub fn provider_config(&self, provider: AuthProvider) -> ProviderConfig {
        let base = format!("http://{}", self.addr);
        let (token_url, profile_url) = match provider {
            AuthProvider::Google => (
                format!("{base}/google/token"),
                format!("{base}/google/userinfo"),
            ),
            AuthProvider::Github => (
                format!("{base}/github/login/oauth/access_token"),
                format!("{base}/github/api"),
            ),
        };
        ProviderConfig {
            client_id: self.shared.client_id.clone(),
            client_secret: Secret::new(self.shared.client_secret.clone()),
            token_url,
            profile_url,
        }
    }

    /// What the browser step yields: an authorization code for `account`,
    /// bound to the redirect URI and PKCE challenge.
    pub fn authorize(
        &self,
        provider: AuthProvider,
        account: &FakeAccount,
        redirect_uri: &str,
        code_challenge: &str,
    ) -> String {
        let code = format!("code-{}", Uuid::new_v4().simple());
        self.shared.lock().codes.insert(
            code.clone(),
            PendingCode {
                provider,
                account: account.clone(),
                redirect_uri: redirect_uri.to_owned(),
                code_challenge: code_challenge.to_owned(),
            },
        );
        code
    }

    /// Simulates an outage: every endpoint answers 503.
    pub fn set_down(&self, down: bool) {
        self.shared.lock().down = down;
    }

    /// Simulates the user revoking the app: the account's access tokens are
    /// refused by the profile endpoints (the code exchange still works).
    pub fn revoke_access(&self, account: &FakeAccount) {
        self.shared
            .lock()
            .revoked_subjects
            .insert(account.subject.clone());
    }
}

impl Drop for FakeOAuth {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/google/authorize", get(authorize_google))
        .route("/github/authorize", get(authorize_github))
        .route("/google/token", post(google_token))
        .route("/google/userinfo", get(google_userinfo))
        .route("/github/login/oauth/access_token", post(github_token))
        .route("/github/api/user", get(github_user))
        .route("/github/api/user/emails", get(github_emails))
        .layer(axum::middleware::from_fn_with_state(shared.clone(), outage))
        .with_state(shared)
}

async fn outage(
    State(shared): State<Arc<Shared>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if shared.lock().down {
        return (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response();
    }
    next.run(request).await
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    redirect_uri: String,
    code_challenge: String,
    #[serde(default)]
    state: Option<String>,
    /// Which account consents; a new one is made up for each name.
    #[serde(default)]
    login_hint: Option<String>,
}

async fn authorize_google(shared: State<Arc<Shared>>, query: Query<AuthorizeQuery>) -> Redirect {
    authorize_redirect(&shared, AuthProvider::Google, &query)
}

async fn authorize_github(shared: State<Arc<Shared>>, query: Query<AuthorizeQuery>) -> Redirect {
    authorize_redirect(&shared, AuthProvider::Github, &query)
}

/// Development consent screen: consents at once and redirects with a code.
/// The same `login_hint` always maps to the same account.
fn authorize_redirect(shared: &Shared, provider: AuthProvider, query: &AuthorizeQuery) -> Redirect {
    let login = query.login_hint.clone().unwrap_or_else(|| "dev".into());
    let digest = Sha256::digest(login.as_bytes());
    let subject = (u64::from_be_bytes(digest[..8].try_into().expect("8 bytes")) >> 16).to_string();
    let account = FakeAccount {
        email: Some(format!("{login}@example.test")),
        subject,
        login,
        email_verified: true,
    };
    let code = format!("code-{}", Uuid::new_v4().simple());
    shared.lock().codes.insert(
        code.clone(),
        PendingCode {
            provider,
            account,
            redirect_uri: query.redirect_uri.clone(),
            code_challenge: query.code_challenge.clone(),
        },
    );
    let mut target = format!("{}?code={code}", query.redirect_uri);
    if let Some(state) = &query.state {
        target.push_str("&state=");
        target.push_str(state);
    }
    Redirect::to(&target)
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// Why a token request fails, before mapping to each provider's dialect.
enum TokenFailure {
    BadClient,
    BadGrantType,
    BadCode,
    RedirectMismatch,
    BadVerifier,
}

/// The checks both providers make; consumes the code on any attempt.
fn redeem(
    shared: &Shared,
    provider: AuthProvider,
    form: &TokenForm,
) -> Result<String, TokenFailure> {
    if form.client_id.as_deref() != Some(shared.client_id.as_str())
        || form.client_secret.as_deref() != Some(shared.client_secret.as_str())
    {
        return Err(TokenFailure::BadClient);
    }
    if provider == AuthProvider::Google && form.grant_type.as_deref() != Some("authorization_code")
    {
        return Err(TokenFailure::BadGrantType);
    }
    let mut inner = shared.lock();
    let pending = form
        .code
        .as_ref()
        .and_then(|code| inner.codes.remove(code))
        .filter(|pending| pending.provider == provider)
        .ok_or(TokenFailure::BadCode)?;
    if form.redirect_uri.as_deref() != Some(pending.redirect_uri.as_str()) {
        return Err(TokenFailure::RedirectMismatch);
    }
    let verifier = form.code_verifier.as_deref().unwrap_or_default();
    if pkce_challenge(verifier) != pending.code_challenge {
        return Err(TokenFailure::BadVerifier);
    }
    let token = format!("tok-{}", Uuid::new_v4().simple());
    inner.tokens.insert(token.clone(), pending.account);
    Ok(token)
}

async fn google_token(State(shared): State<Arc<Shared>>, Form(form): Form<TokenForm>) -> Response {
    match redeem(&shared, AuthProvider::Google, &form) {
        Ok(token) => Json(json!({
            "access_token": token, "expires_in": 3599, "token_type": "Bearer",
            "scope": "openid email profile",
        }))
        .into_response(),
        Err(failure) => {
            let (status, error, description) = match failure {
                TokenFailure::BadClient => (
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "The OAuth client was not found.",
                ),
                TokenFailure::BadGrantType => (
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "Invalid grant_type",
                ),
                TokenFailure::BadCode => (StatusCode::BAD_REQUEST, "invalid_grant", "Bad Request"),
                TokenFailure::RedirectMismatch => (
                    StatusCode::BAD_REQUEST,
                    "redirect_uri_mismatch",
                    "Bad Request",
                ),
                TokenFailure::BadVerifier => (
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid code verifier.",
                ),
            };
            (
                status,
                Json(json!({"error": error, "error_description": description})),
            )
                .into_response()
        }
    }
}

async fn github_token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    let fields: Vec<(&str, String)> = match redeem(&shared, AuthProvider::Github, &form) {
        Ok(token) => vec![
            ("access_token", token),
            ("scope", "read:user,user:email".into()),
            ("token_type", "bearer".into()),
        ],
        Err(failure) => {
            let (error, description) = match failure {
                TokenFailure::BadClient => (
                    "incorrect_client_credentials",
                    "The client_id and/or client_secret passed are incorrect.",
                ),
                TokenFailure::RedirectMismatch => (
                    "redirect_uri_mismatch",
                    "The redirect_uri MUST match the registered callback URL for this application.",
                ),
                TokenFailure::BadGrantType | TokenFailure::BadCode | TokenFailure::BadVerifier => (
                    "bad_verification_code",
                    "The code passed is incorrect or expired.",
                ),
            };
            vec![
                ("error", error.into()),
                ("error_description", description.into()),
            ]
        }
    };
    // GitHub answers 200 even for errors, form-encoded unless asked for JSON.
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if wants_json {
        let object: serde_json::Map<String, serde_json::Value> = fields
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into()))
            .collect();
        Json(object).into_response()
    } else {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace(' ', "+")))
            .collect::<Vec<_>>()
            .join("&");
        (
            [(header::CONTENT_TYPE, "application/x-www-form-urlencoded")],
            body,
        )
            .into_response()
    }
}

/// The account behind a bearer token, unless unknown or revoked.
fn bearer_account(shared: &Shared, headers: &HeaderMap) -> Option<FakeAccount> {
    let token = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    let inner = shared.lock();
    let account = inner.tokens.get(token)?;
    (!inner.revoked_subjects.contains(&account.subject)).then(|| account.clone())
}

async fn google_userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let Some(account) = bearer_account(&shared, &headers) else {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
            Json(json!({"error": "invalid_request", "error_description": "Invalid Credentials"})),
        )
            .into_response();
    };
    let mut info = json!({
        "sub": account.subject, "name": account.login, "given_name": account.login,
        "picture": "https://example.test/avatar.png",
    });
    if let Some(email) = account.email {
        info["email"] = email.into();
        info["email_verified"] = account.email_verified.into();
    }
    Json(info).into_response()
}

fn github_bad_credentials() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({
            "message": "Bad credentials",
            "documentation_url": "https://docs.github.com/rest", "status": "401",
        })),
    )
        .into_response()
}

async fn github_user(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let Some(account) = bearer_account(&shared, &headers) else {
        return github_bad_credentials();
    };
    let id: u64 = account.subject.parse().unwrap_or_default();
    Json(json!({
        "login": account.login, "id": id, "node_id": format!("U_{id}"),
        "avatar_url": "https://example.test/avatar.png", "type": "User",
        "name": account.login, "email": null,
    }))
    .into_response()
}

async fn github_emails(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let Some(account) = bearer_account(&shared, &headers) else {
        return github_bad_credentials();
    };
    let mut emails = vec![json!({
        "email": format!("{}@users.noreply.github.com", account.login),
        "primary": false, "verified": true, "visibility": null,
    })];
    if let Some(email) = account.email {
        emails.push(json!({
            "email": email, "primary": true, "verified": account.email_verified,
            "visibility": "private",
        }));
    }
    Json(emails).into_response()
}
