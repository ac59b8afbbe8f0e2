//! Sign-in (spec VI migration rules), provider failures, and session tokens.

use chrono::Utc;
use promptvault_server::api::{AuthCallbackResponse, AuthProvider};
use promptvault_server::config::Secret;
use promptvault_server::session::SessionKeys;
use promptvault_server::testing::fake_oauth::{pkce_challenge, FakeAccount};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::common::*;

async fn signed_in(
    app: &TestApp,
    provider: AuthProvider,
    account: &FakeAccount,
    local: Uuid,
) -> AuthCallbackResponse {
    expect_json(app.sign_in(provider, account, local).await, StatusCode::OK).await
}

#[tokio::test]
async fn case_a_new_identity_adopts_the_local_user_id() {
    let app = TestApp::spawn().await;
    let account = FakeAccount::new("alice");
    let local = Uuid::new_v4();
    let body = signed_in(&app, AuthProvider::Google, &account, local).await;
    assert_eq!(body.user_id, local);
    assert!(body.is_new_user);
    assert!(body.expires_at > Utc::now());

    let pool = app.db.pool().await;
    let (email,): (Option<String>,) = sqlx::query_as("SELECT email FROM users WHERE user_id = $1")
        .bind(local)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(email, account.email);
    let (linked,): (Uuid,) = sqlx::query_as(
        "SELECT user_id FROM user_authentications WHERE provider_id = 'google' AND provider_user_id = $1",
    )
    .bind(&account.subject)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(linked, local);
}

#[tokio::test]
async fn case_b_known_identity_returns_the_existing_user() {
    let app = TestApp::spawn().await;
    let account = FakeAccount::new("bob");
    let first_device = Uuid::new_v4();
    let second_device = Uuid::new_v4();
    signed_in(&app, AuthProvider::Github, &account, first_device).await;
    let body = signed_in(&app, AuthProvider::Github, &account, second_device).await;
    assert_eq!(
        body.user_id, first_device,
        "the second device must migrate to the first id"
    );
    assert!(!body.is_new_user);
    let (users,): (i64,) = sqlx::query_as("SELECT count(*) FROM users")
        .fetch_one(&app.db.pool().await)
        .await
        .unwrap();
    assert_eq!(users, 1);
}

#[tokio::test]
async fn case_a_with_a_taken_local_id_creates_a_user_under_a_fresh_id() {
    let app = TestApp::spawn().await;
    let shared_local = Uuid::new_v4();
    let first = signed_in(
        &app,
        AuthProvider::Google,
        &FakeAccount::new("carol"),
        shared_local,
    )
    .await;
    assert_eq!(first.user_id, shared_local);
    // Another identity claiming the same local id must not get into carol's account.
    let second = signed_in(
        &app,
        AuthProvider::Google,
        &FakeAccount::new("mallory"),
        shared_local,
    )
    .await;
    assert_ne!(second.user_id, shared_local);
    assert!(second.is_new_user);
}

#[tokio::test]
async fn concurrent_first_sign_ins_of_one_identity_make_one_user() {
    let app = TestApp::spawn().await;
    let account = FakeAccount::new("dave");
    let same_local = Uuid::new_v4();
    // Ten devices at once; half of them share a copied local id.
    let locals: Vec<Uuid> = (0..10)
        .map(|i| {
            if i % 2 == 0 {
                same_local
            } else {
                Uuid::new_v4()
            }
        })
        .collect();
    let attempts = locals.iter().map(|&local| {
        let app = &app;
        let account = &account;
        async move { app.sign_in(AuthProvider::Google, account, local).await }
    });
    let responses = futures::future::join_all(attempts).await;
    let mut bodies = Vec::new();
    for response in responses {
        bodies.push(expect_json::<AuthCallbackResponse>(response, StatusCode::OK).await);
    }
    let winner = bodies[0].user_id;
    assert!(bodies.iter().all(|b| b.user_id == winner), "{bodies:?}");
    assert!(locals.contains(&winner));
    assert_eq!(bodies.iter().filter(|b| b.is_new_user).count(), 1);
    let pool = app.db.pool().await;
    let (users,): (i64,) = sqlx::query_as("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (links,): (i64,) = sqlx::query_as("SELECT count(*) FROM user_authentications")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((users, links), (1, 1));
}

#[tokio::test]
async fn only_verified_emails_are_recorded() {
    let app = TestApp::spawn().await;
    let google = FakeAccount::new("erin").unverified();
    let github = FakeAccount::new("frank").unverified();
    let github_verified = FakeAccount::new("grace");
    let pool = app.db.pool().await;
    for (provider, account, expected) in [
        (AuthProvider::Google, &google, None),
        (AuthProvider::Github, &github, None),
        (
            AuthProvider::Github,
            &github_verified,
            github_verified.email.clone(),
        ),
    ] {
        let body = signed_in(&app, provider, account, Uuid::new_v4()).await;
        let (email,): (Option<String>,) =
            sqlx::query_as("SELECT email FROM users WHERE user_id = $1")
                .bind(body.user_id)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(email, expected, "{provider} {}", account.login);
    }
}

#[tokio::test]
async fn refused_codes_are_invalid_grant_for_both_providers() {
    let app = TestApp::spawn().await;
    let account = FakeAccount::new("heidi");
    let challenge = pkce_challenge(VERIFIER);
    for provider in [AuthProvider::Google, AuthProvider::Github] {
        let name = provider.as_str();
        // Unknown code.
        let response = app
            .callback(name, "no-such-code", REDIRECT_URI, VERIFIER, Uuid::new_v4())
            .await;
        expect_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
        // Wrong PKCE verifier.
        let code = app
            .fake
            .authorize(provider, &account, REDIRECT_URI, &challenge);
        let response = app
            .callback(
                name,
                &code,
                REDIRECT_URI,
                "another-verifier",
                Uuid::new_v4(),
            )
            .await;
        expect_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
        // Redirect URI differing from the authorization request's.
        let code = app
            .fake
            .authorize(provider, &account, REDIRECT_URI, &challenge);
        let response = app
            .callback(
                name,
                &code,
                "http://127.0.0.1:1/oauth/callback",
                VERIFIER,
                Uuid::new_v4(),
            )
            .await;
        expect_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
        // A code works once.
        let code = app
            .fake
            .authorize(provider, &account, REDIRECT_URI, &challenge);
        let ok = app
            .callback(name, &code, REDIRECT_URI, VERIFIER, Uuid::new_v4())
            .await;
        assert_eq!(ok.status(), StatusCode::OK);
        let again = app
            .callback(name, &code, REDIRECT_URI, VERIFIER, Uuid::new_v4())
            .await;
        expect_error(again, StatusCode::BAD_REQUEST, "invalid_grant").await;
    }
}

#[tokio::test]
async fn revoked_access_and_provider_outage_fail_without_creating_users() {
    let app = TestApp::spawn().await;
    for provider in [AuthProvider::Google, AuthProvider::Github] {
        let revoked = FakeAccount::new("ivan");
        app.fake.revoke_access(&revoked);
        let response = app.sign_in(provider, &revoked, Uuid::new_v4()).await;
        expect_error(
            response,
            StatusCode::UNAUTHORIZED,
            "provider_token_rejected",
        )
        .await;
    }
    app.fake.set_down(true);
    let response = app
        .sign_in(
            AuthProvider::Google,
            &FakeAccount::new("judy"),
            Uuid::new_v4(),
        )
        .await;
    let body = expect_error(response, StatusCode::BAD_GATEWAY, "provider_unavailable").await;
    assert!(
        !body["message"].as_str().unwrap().contains("127.0.0.1"),
        "no internals: {body}"
    );
    app.fake.set_down(false);
    let (users,): (i64,) = sqlx::query_as("SELECT count(*) FROM users")
        .fetch_one(&app.db.pool().await)
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn unknown_and_unconfigured_providers_are_not_found() {
    let app = TestApp::spawn_with(|config| config.github.client_id.clear()).await;
    let response = app
        .callback("wechat", "c", REDIRECT_URI, VERIFIER, Uuid::new_v4())
        .await;
    expect_error(response, StatusCode::NOT_FOUND, "unknown_provider").await;
    let response = app
        .sign_in(
            AuthProvider::Github,
            &FakeAccount::new("ken"),
            Uuid::new_v4(),
        )
        .await;
    expect_error(response, StatusCode::NOT_FOUND, "provider_not_configured").await;
}

#[tokio::test]
async fn endpoints_require_a_valid_unexpired_unrevoked_session() {
    let app = TestApp::spawn().await;
    let user = app.new_user("leo").await;
    assert_eq!(app.sync(&user.token, "").await.status(), StatusCode::OK);

    // No token, or not a bearer token.
    let response = app.http.get(app.url("/prompts/sync")).send().await.unwrap();
    expect_error(response, StatusCode::UNAUTHORIZED, "missing_token").await;
    let response = app
        .http
        .get(app.url("/prompts/sync"))
        .header("authorization", format!("Basic {}", user.token))
        .send()
        .await
        .unwrap();
    expect_error(response, StatusCode::UNAUTHORIZED, "missing_token").await;

    // Forged: right claims, wrong key.
    let claims = SessionKeys::new(&Secret::new(JWT_SECRET), &[])
        .verify(&user.token)
        .unwrap();
    let in_an_hour = Utc::now() + chrono::Duration::hours(1);
    let forged = SessionKeys::new(&Secret::new("an-attacker-key-that-is-32-bytes-long!!"), &[])
        .issue(claims.sub, claims.sid, in_an_hour)
        .unwrap();
    expect_error(
        app.sync(&forged, "").await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;

    // Right key, but a session id the server never issued.
    let keys = SessionKeys::new(&Secret::new(JWT_SECRET), &[]);
    let unknown = keys.issue(claims.sub, Uuid::new_v4(), in_an_hour).unwrap();
    expect_error(
        app.sync(&unknown, "").await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    )
    .await;

    // Expired token for a real session.
    let expired = keys
        .issue(
            claims.sub,
            claims.sid,
            Utc::now() - chrono::Duration::minutes(1),
        )
        .unwrap();
    expect_error(
        app.sync(&expired, "").await,
        StatusCode::UNAUTHORIZED,
        "session_expired",
    )
    .await;

    // Session expired server-side while the token's own expiry is later.
    let other = app.new_user("mia").await;
    let other_claims = keys.verify(&other.token).unwrap();
    sqlx::query(
        "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE session_id = $1",
    )
    .bind(other_claims.sid)
    .execute(&app.db.pool().await)
    .await
    .unwrap();
    expect_error(
        app.sync(&other.token, "").await,
        StatusCode::UNAUTHORIZED,
        "session_expired",
    )
    .await;

    // Logout revokes the token; other sessions of the user are unaffected.
    let second = app.new_user("nina").await;
    let logout = |token: String| {
        let app = &app;
        async move {
            app.http
                .post(app.url("/auth/logout"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        logout(user.token.clone()).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_error(
        app.sync(&user.token, "").await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    expect_error(
        logout(user.token.clone()).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    assert_eq!(app.sync(&second.token, "").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_ip_with_retry_after() {
    let app = TestApp::spawn_with(|config| config.rate_limits.auth_per_minute = 2).await;
    for _ in 0..2 {
        let response = app
            .callback("google", "bad", REDIRECT_URI, VERIFIER, Uuid::new_v4())
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let response = app
        .callback("google", "bad", REDIRECT_URI, VERIFIER, Uuid::new_v4())
        .await;
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .expect("Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    expect_error(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}
