//! Server configuration: an optional TOML file, overridden by environment
//! variables. Secrets are wrapped in [`Secret`], whose `Debug` never shows
//! the value, so the whole [`Config`] can be logged.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// A configuration value that must not appear in logs or `Debug` output.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; call only where it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("environment variable {name}: {message}")]
    Env { name: &'static str, message: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Everything the server needs to run. See `docs/server.md` for the
/// environment variable of each field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// PostgreSQL URL (it usually carries a password, hence a secret).
    pub database_url: Secret,
    #[serde(default = "default_listen_addr")]
    pub listen_addr: SocketAddr,
    /// HMAC-SHA256 key signing session tokens; at least 32 bytes. Every
    /// instance behind the load balancer must share it.
    pub jwt_secret: Secret,
    /// Former keys still accepted when verifying tokens (key rotation).
    #[serde(default)]
    pub jwt_previous_secrets: Vec<Secret>,
    #[serde(default = "default_session_ttl_secs")]
    pub session_ttl_secs: u64,
    #[serde(default = "ProviderConfig::google")]
    pub google: ProviderConfig,
    #[serde(default = "ProviderConfig::github")]
    pub github: ProviderConfig,
    #[serde(default)]
    pub rate_limits: RateLimits,
    /// Largest accepted request body; larger ones get 413.
    #[serde(default = "default_max_body_bytes")]
    pub max_body_bytes: usize,
    /// PEM certificate chain; with `tls_key_path`, the server speaks HTTPS.
    #[serde(default)]
    pub tls_cert_path: Option<PathBuf>,
    #[serde(default)]
    pub tls_key_path: Option<PathBuf>,
    #[serde(default = "default_db_max_connections")]
    pub db_max_connections: u32,
    /// Apply the embedded migrations at start (otherwise run `migrate`).
    #[serde(default = "default_true")]
    pub run_migrations: bool,
    /// Take the client address for per-IP rate limits from the last entry of
    /// `X-Forwarded-For` (set this only behind a proxy that appends it).
    #[serde(default)]
    pub trust_forwarded_for: bool,
    #[serde(default = "default_request_timeout_secs")]
    pub request_timeout_secs: u64,
}

/// Client registration and endpoints of one OAuth2 provider. The endpoints
/// default to the real Google/GitHub ones and point at the fake provider in
/// tests and local development.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Empty: sign-in with this provider is disabled.
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Secret,
    pub token_url: String,
    /// Google: the OpenID Connect userinfo URL. GitHub: the API base URL
    /// (`/user` and `/user/emails` are appended).
    pub profile_url: String,
}

impl ProviderConfig {
    pub fn google() -> Self {
        ProviderConfig {
            client_id: String::new(),
            client_secret: Secret::default(),
            token_url: "https://oauth2.googleapis.com/token".into(),
            profile_url: "https://openidconnect.googleapis.com/v1/userinfo".into(),
        }
    }

    pub fn github() -> Self {
        ProviderConfig {
            client_id: String::new(),
            client_secret: Secret::default(),
            token_url: "https://github.com/login/oauth/access_token".into(),
            profile_url: "https://api.github.com".into(),
        }
    }

    pub fn is_enabled(&self) -> bool {
        !self.client_id.is_empty()
    }
}

/// Requests per minute allowed for each client IP and, separately, for each
/// signed-in user, per group of endpoints. Limits are kept in memory by each
/// instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimits {
    #[serde(default = "default_auth_per_minute")]
    pub auth_per_minute: u32,
    #[serde(default = "default_upload_per_minute")]
    pub upload_per_minute: u32,
    #[serde(default = "default_sync_per_minute")]
    pub sync_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            auth_per_minute: default_auth_per_minute(),
            upload_per_minute: default_upload_per_minute(),
            sync_per_minute: default_sync_per_minute(),
        }
    }
}

fn default_listen_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}
fn default_session_ttl_secs() -> u64 {
    30 * 24 * 3600
}
fn default_max_body_bytes() -> usize {
    8 * 1024 * 1024
}
fn default_db_max_connections() -> u32 {
    20
}
fn default_true() -> bool {
    true
}
fn default_request_timeout_secs() -> u64 {
    30
}
fn default_auth_per_minute() -> u32 {
    30
}
fn default_upload_per_minute() -> u32 {
    60
}
fn default_sync_per_minute() -> u32 {
    120
}

/// How an environment variable's text becomes a TOML value.
#[derive(Clone, Copy)]
enum Kind {
    Str,
    Int,
    Bool,
    /// Comma-separated strings.
    List,
}

/// Environment variable, dotted config key, kind. Environment wins over file.
const ENV_KEYS: &[(&str, &str, Kind)] = &[
    ("DATABASE_URL", "database_url", Kind::Str),
    ("PV_LISTEN_ADDR", "listen_addr", Kind::Str),
    ("PV_JWT_SECRET", "jwt_secret", Kind::Str),
    (
        "PV_JWT_PREVIOUS_SECRETS",
        "jwt_previous_secrets",
        Kind::List,
    ),
    ("PV_SESSION_TTL_SECS", "session_ttl_secs", Kind::Int),
    ("PV_GOOGLE_CLIENT_ID", "google.client_id", Kind::Str),
    ("PV_GOOGLE_CLIENT_SECRET", "google.client_secret", Kind::Str),
    ("PV_GOOGLE_TOKEN_URL", "google.token_url", Kind::Str),
    ("PV_GOOGLE_PROFILE_URL", "google.profile_url", Kind::Str),
    ("PV_GITHUB_CLIENT_ID", "github.client_id", Kind::Str),
    ("PV_GITHUB_CLIENT_SECRET", "github.client_secret", Kind::Str),
    ("PV_GITHUB_TOKEN_URL", "github.token_url", Kind::Str),
    ("PV_GITHUB_PROFILE_URL", "github.profile_url", Kind::Str),
    (
        "PV_RATE_AUTH_PER_MINUTE",
        "rate_limits.auth_per_minute",
        Kind::Int,
    ),
    (
        "PV_RATE_UPLOAD_PER_MINUTE",
        "rate_limits.upload_per_minute",
        Kind::Int,
    ),
    (
        "PV_RATE_SYNC_PER_MINUTE",
        "rate_limits.sync_per_minute",
        Kind::Int,
    ),
    ("PV_MAX_BODY_BYTES", "max_body_bytes", Kind::Int),
    ("PV_TLS_CERT", "tls_cert_path", Kind::Str),
    ("PV_TLS_KEY", "tls_key_path", Kind::Str),
    ("PV_DB_MAX_CONNECTIONS", "db_max_connections", Kind::Int),
    ("PV_RUN_MIGRATIONS", "run_migrations", Kind::Bool),
    ("PV_TRUST_FORWARDED_FOR", "trust_forwarded_for", Kind::Bool),
    ("PV_REQUEST_TIMEOUT_SECS", "request_timeout_secs", Kind::Int),
];

impl Config {
    /// A configuration with every optional setting at its default.
    pub fn new(database_url: impl Into<String>, jwt_secret: impl Into<String>) -> Self {
        Config {
            database_url: Secret::new(database_url),
            listen_addr: default_listen_addr(),
            jwt_secret: Secret::new(jwt_secret),
            jwt_previous_secrets: Vec::new(),
            session_ttl_secs: default_session_ttl_secs(),
            google: ProviderConfig::google(),
            github: ProviderConfig::github(),
            rate_limits: RateLimits::default(),
            max_body_bytes: default_max_body_bytes(),
            tls_cert_path: None,
            tls_key_path: None,
            db_max_connections: default_db_max_connections(),
            run_migrations: true,
            trust_forwarded_for: false,
            request_timeout_secs: default_request_timeout_secs(),
        }
    }

    /// Reads the optional file, then applies the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(file, |name| std::env::var(name).ok())
    }

    /// As [`Config::load`], with the environment given as a function.
    pub fn load_from(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                text.parse::<toml::Table>()
                    .map_err(|source| ConfigError::Parse {
                        path: path.to_owned(),
                        source,
                    })?
            }
            None => toml::Table::new(),
        };
        for &(name, key, kind) in ENV_KEYS {
            if let Some(text) = env(name).filter(|t| !t.is_empty()) {
                set_dotted(&mut table, key, env_value(name, &text, kind)?);
            }
        }
        fill_provider_endpoints(&mut table);
        let path = file.map(Path::to_owned).unwrap_or_default();
        let config: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|source| ConfigError::Parse { path, source })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks the relations between settings that serde cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.jwt_secret.expose().len() < 32 {
            return Err(ConfigError::Invalid(
                "jwt_secret (PV_JWT_SECRET) must have at least 32 bytes".into(),
            ));
        }
        if self.tls_cert_path.is_some() != self.tls_key_path.is_some() {
            return Err(ConfigError::Invalid(
                "set both tls_cert_path and tls_key_path, or neither".into(),
            ));
        }
        let limits = self.rate_limits;
        if [
            limits.auth_per_minute,
            limits.upload_per_minute,
            limits.sync_per_minute,
        ]
        .contains(&0)
        {
            return Err(ConfigError::Invalid("rate limits must be positive".into()));
        }
        Ok(())
    }

    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(self.session_ttl_secs)
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }
}

fn env_value(name: &'static str, text: &str, kind: Kind) -> Result<toml::Value, ConfigError> {
    let invalid = |message: &str| ConfigError::Env {
        name,
        message: message.to_owned(),
    };
    Ok(match kind {
        Kind::Str => toml::Value::String(text.to_owned()),
        Kind::Int => toml::Value::Integer(
            text.trim()
                .parse()
                .map_err(|_| invalid("expected an integer"))?,
        ),
        Kind::Bool => match text.trim() {
            "1" | "true" | "yes" => toml::Value::Boolean(true),
            "0" | "false" | "no" => toml::Value::Boolean(false),
            _ => return Err(invalid("expected true or false")),
        },
        Kind::List => toml::Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| toml::Value::String(s.to_owned()))
                .collect(),
        ),
    })
}

/// Sets `a.b.c` in a TOML table, creating the intermediate tables.
fn set_dotted(table: &mut toml::Table, key: &str, value: toml::Value) {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().expect("keys are not empty");
    let mut current = table;
    for part in parts {
        let entry = current
            .entry(part)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if !entry.is_table() {
            *entry = toml::Value::Table(toml::Table::new());
        }
        current = entry.as_table_mut().expect("just made a table");
    }
    current.insert(last.to_owned(), value);
}

/// A provider table given only in part (say, just its client id) keeps the
/// real provider's endpoints.
fn fill_provider_endpoints(table: &mut toml::Table) {
    for (name, defaults) in [
        ("google", ProviderConfig::google()),
        ("github", ProviderConfig::github()),
    ] {
        let Some(toml::Value::Table(provider)) = table.get_mut(name) else {
            continue;
        };
        for (key, url) in [
            ("token_url", defaults.token_url),
            ("profile_url", defaults.profile_url),
        ] {
            provider
                .entry(key)
                .or_insert_with(|| toml::Value::String(url));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn environment_overrides_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.toml");
        std::fs::write(
            &path,
            format!(
                "database_url = \"postgres://file\"\njwt_secret = \"{SECRET}\"\n\
                 listen_addr = \"0.0.0.0:9000\"\n[rate_limits]\nsync_per_minute = 7\n"
            ),
        )
        .unwrap();
        let config = Config::load_from(
            Some(&path),
            env_of(&[
                ("DATABASE_URL", "postgres://env"),
                ("PV_RATE_AUTH_PER_MINUTE", "3"),
                ("PV_GITHUB_CLIENT_ID", "gh-id"),
            ]),
        )
        .unwrap();
        assert_eq!(config.database_url.expose(), "postgres://env");
        assert_eq!(config.listen_addr, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(config.rate_limits.auth_per_minute, 3);
        assert_eq!(config.rate_limits.sync_per_minute, 7);
        assert_eq!(config.github.client_id, "gh-id");
        assert_eq!(config.github.token_url, ProviderConfig::github().token_url);
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let mut config = Config::new("postgres://u:hunter2@db/pv", SECRET);
        config.google.client_secret = Secret::new("google-secret-value");
        let shown = format!("{config:?}");
        for secret in ["hunter2", SECRET, "google-secret-value"] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
    }

    #[test]
    fn short_jwt_secret_and_half_tls_are_refused() {
        let err = Config::load_from(
            None,
            env_of(&[("DATABASE_URL", "postgres://x"), ("PV_JWT_SECRET", "short")]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("32 bytes"), "{err}");

        let err = Config::load_from(
            None,
            env_of(&[
                ("DATABASE_URL", "postgres://x"),
                ("PV_JWT_SECRET", SECRET),
                ("PV_TLS_CERT", "/tmp/cert.pem"),
            ]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("tls"), "{err}");
    }

    #[test]
    fn bad_integer_names_the_variable() {
        let err = Config::load_from(
            None,
            env_of(&[
                ("DATABASE_URL", "postgres://x"),
                ("PV_JWT_SECRET", SECRET),
                ("PV_MAX_BODY_BYTES", "lots"),
            ]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("PV_MAX_BODY_BYTES"), "{err}");
    }
}
