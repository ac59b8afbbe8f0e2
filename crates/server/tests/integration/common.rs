//! Test harness: a fresh PostgreSQL database per test, the fake OAuth
//! provider, and the server started in-process on an ephemeral port.

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::{Duration, Instant};

use promptvault_server::api::{AuthCallbackResponse, AuthProvider, SyncResponse, SyncedPrompt};
use promptvault_server::testing::fake_oauth::{pkce_challenge, FakeAccount, FakeOAuth};
use promptvault_server::{Config, RunningServer};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;

pub const JWT_SECRET: &str = "integration-test-secret-of-at-least-32-bytes";
pub const REDIRECT_URI: &str = "http://127.0.0.1:53682/oauth/callback";
pub const VERIFIER: &str = "a-pkce-verifier-that-is-long-enough-0123456789";

/// The admin URL from the environment, or a failure that says what to do.
pub fn admin_url() -> String {
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "DATABASE_URL is not set: the server's integration tests need PostgreSQL. \
             Run `eval \"$(scripts/postgres.sh)\"` (or scripts/test-server.sh) first."
        ),
    }
}

/// A database created for one test and dropped afterwards.
///
/// The drop runs on a detached thread: blocking the test's runtime while
/// PostgreSQL drops the database would freeze any connection the app's pool
/// is opening on that runtime mid-authentication, and DROP DATABASE waits
/// for every backend in the cluster, including that one (up to
/// `authentication_timeout`). Databases whose test process has died (by a
/// crash, or because the process exited before a detached drop ran) carry
/// its pid in their name and are dropped by the next run.
pub struct TestDb {
    pub name: String,
    pub url: String,
    admin_url: String,
}

const PREFIX: &str = "pvtest_";

impl TestDb {
    pub async fn create() -> Self {
        let admin_url = admin_url();
        let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!("cannot connect to DATABASE_URL ({e}); is scripts/postgres.sh running?")
        });
        drop_databases_of_dead_runs(&mut admin).await;
        let name = format!("{PREFIX}{}_{}", std::process::id(), Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("creating the test database (the role needs CREATEDB)");
        let _ = admin.close().await;
        let url = with_database(&admin_url, &name);
        TestDb {
            name,
            url,
            admin_url,
        }
    }

    /// A pool on the test database, for looking behind the API.
    pub async fn pool(&self) -> PgPool {
        PgPool::connect(&self.url)
            .await
            .expect("connecting to the test database")
    }

    /// Drops the database now, killing its connections (outage simulation).
    pub async fn drop_now(&self) {
        if let Ok(mut admin) = PgConnection::connect(&self.admin_url).await {
            drop_database(&mut admin, &self.name).await;
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                    drop_database(&mut admin, &name).await;
                }
            });
        });
    }
}

async fn drop_database(admin: &mut PgConnection, name: &str) {
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(admin)
        .await;
}

/// Drops test databases left by processes that no longer exist (once per run).
async fn drop_databases_of_dead_runs(admin: &mut PgConnection) {
    static DONE: std::sync::Once = std::sync::Once::new();
    let mut first = false;
    DONE.call_once(|| first = true);
    if !first {
        return;
    }
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'pvtest\\_%'")
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    for name in names {
        let pid = name[PREFIX.len()..].split('_').next().unwrap_or_default();
        let alive = !pid.is_empty() && std::path::Path::new(&format!("/proc/{pid}")).exists();
        if !alive {
            drop_database(admin, &name).await;
        }
    }
}

/// `url` with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    // Validate it is a URL sqlx understands before editing it.
    PgConnectOptions::from_str(url).expect("DATABASE_URL is not a valid PostgreSQL URL");
    let (without_query, query) = match url.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (url, None),
    };
    let authority_end = without_query
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| without_query[start..].find('/').map(|j| start + j))
        .unwrap_or(without_query.len());
    let mut out = format!("{}/{name}", &without_query[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// A test configuration: both providers on the fake, generous limits.
pub fn test_config(db: &TestDb, fake: &FakeOAuth) -> Config {
    let mut config = Config::new(db.url.clone(), JWT_SECRET);
    config.listen_addr = SocketAddr::from(([127, 0, 0, 1], 0));
    config.google = fake.provider_config(AuthProvider::Google);
    config.github = fake.provider_config(AuthProvider::Github);
    config.rate_limits.auth_per_minute = 1_000_000;
    config.rate_limits.upload_per_minute = 1_000_000;
    config.rate_limits.sync_per_minute = 1_000_000;
    config.db_max_connections = 10;
    config
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: Uuid,
    pub token: String,
}

pub struct TestApp {
    pub base: String,
    pub config: Config,
    pub http: reqwest::Client,
    pub fake: FakeOAuth,
    pub server: Option<RunningServer>,
    pub db: TestDb,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(edit: impl FnOnce(&mut Config)) -> Self {
        let db = TestDb::create().await;
        let fake = FakeOAuth::start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            "test-client",
            "test-secret",
        )
        .await
        .expect("starting the fake OAuth provider");
        let mut config = test_config(&db, &fake);
        edit(&mut config);
        let server = promptvault_server::start(config.clone())
            .await
            .expect("starting the server");
        TestApp {
            base: server.base_url(),
            config,
            http: reqwest::Client::new(),
            fake,
            server: Some(server),
            db,
        }
    }

    /// A second instance of the server on the same database, as behind a
    /// load balancer.
    pub async fn start_another_instance(&self) -> RunningServer {
        promptvault_server::start(self.config.clone())
            .await
            .expect("starting another instance")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Runs the browser step at the fake and posts the code to the server.
    pub async fn sign_in(
        &self,
        provider: AuthProvider,
        account: &FakeAccount,
        local_user_id: Uuid,
    ) -> Response {
        let code = self
            .fake
            .authorize(provider, account, REDIRECT_URI, &pkce_challenge(VERIFIER));
        self.callback(
            provider.as_str(),
            &code,
            REDIRECT_URI,
            VERIFIER,
            local_user_id,
        )
        .await
    }

    pub async fn callback(
        &self,
        provider: &str,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
        local_user_id: Uuid,
    ) -> Response {
        self.http
            .post(self.url(&format!("/auth/callback/{provider}")))
            .json(&json!({
                "code": code, "redirect_uri": redirect_uri,
                "code_verifier": verifier, "local_user_id": local_user_id,
            }))
            .send()
            .await
            .expect("callback request")
    }

    /// A new Google user, signed in.
    pub async fn new_user(&self, login: &str) -> Session {
        let response = self
            .sign_in(
                AuthProvider::Google,
                &FakeAccount::new(login),
                Uuid::new_v4(),
            )
            .await;
        let body: AuthCallbackResponse = expect_json(response, StatusCode::OK).await;
        Session {
            user_id: body.user_id,
            token: body.session_token,
        }
    }

    pub async fn upload(&self, token: &str, prompts: Value) -> Response {
        self.http
            .post(self.url("/prompts/upload"))
            .bearer_auth(token)
            .json(&json!({ "prompts": prompts }))
            .send()
            .await
            .expect("upload request")
    }

    pub async fn sync(&self, token: &str, query: &str) -> Response {
        self.http
            .get(self.url(&format!("/prompts/sync{query}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("sync request")
    }
}

/// A valid public prompt as an upload item.
pub fn prompt_json(content: &str) -> Value {
    json!({
        "id": Uuid::new_v4(), "content": content, "synopsis": "a synopsis",
        "tags": ["test"], "score": 50, "is_private": false,
        "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z",
    })
}

/// Asserts the status and decodes the JSON body.
pub async fn expect_json<T: serde::de::DeserializeOwned>(
    response: Response,
    status: StatusCode,
) -> T {
    let actual = response.status();
    let text = response.text().await.expect("response body");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON ({e}): {text}"))
}

/// Asserts an error response: status, the standard JSON shape, and its code.
pub async fn expect_error(response: Response, status: StatusCode, code: &str) -> Value {
    let body: Value = expect_json(response, status).await;
    assert_eq!(body["error"], code, "error code; body: {body}");
    assert!(body["message"].is_string(), "message missing: {body}");
    body
}

/// Syncs from the start until at least `n` prompts are visible. A prompt can
/// be held back for a moment while any transaction that began before it is
/// still in flight in the cluster (other tests run in parallel).
pub async fn visible_prompts(app: &TestApp, token: &str, n: usize) -> Vec<SyncedPrompt> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let page: SyncResponse =
            expect_json(app.sync(token, "?limit=500").await, StatusCode::OK).await;
        if page.prompts.len() >= n || Instant::now() > deadline {
            return page.prompts;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
