//! Secrets (the AI API key) in the OS credential store.
//!
//! The key lives in the Secret Service on Linux (GNOME Keyring, KWallet), the
//! Keychain on macOS and the Credential Manager on Windows, through the
//! `keyring` crate. It is never written to the database, the settings or any
//! other file: `app_settings` only holds `ai_api_key_placeholder = true`,
//! which says that a key is set.
//!
//! Headless machines often have no unlocked keychain. There the key can come
//! from the environment variable [`API_KEY_ENV`] instead; the environment
//! wins over the keychain when both are present. There is deliberately no
//! plaintext-file fallback.
//!
//! [`SecretStore`] is the seam: [`KeyringStore`] is the real one and
//! [`InMemoryStore`] serves tests and front ends that manage keys themselves.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Store;

/// Service name under which PromptVault's secrets are filed.
pub const SERVICE: &str = "promptvault";
/// Account name of the AI API key within [`SERVICE`].
pub const API_KEY_ACCOUNT: &str = "ai-api-key";
/// Environment variable that supplies the API key when the keychain cannot.
pub const API_KEY_ENV: &str = "PROMPTVAULT_AI_API_KEY";
/// The setting that records (as true/false) whether a key is in the keychain.
pub const PLACEHOLDER_SETTING: &str = "ai_api_key_placeholder";

/// Longest API key accepted, in bytes (real keys are about 200).
const MAX_KEY_BYTES: usize = 4096;

/// What can go wrong with the credential store.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "the OS keychain is not available ({detail}); unlock it or start a Secret Service \
         (GNOME Keyring, KWallet), or set {API_KEY_ENV} in the environment instead"
    )]
    Unavailable { detail: String },

    #[error("the OS keychain failed: {0}")]
    Failed(String),

    #[error("invalid API key: {0}")]
    InvalidKey(&'static str),

    #[error(transparent)]
    Store(#[from] crate::Error),
}

/// A place to keep secrets, addressed by account name.
pub trait SecretStore: Send + Sync {
    /// The secret of `account`, or `None` when none is stored.
    fn get(&self, account: &str) -> Result<Option<String>, SecretError>;
    /// Stores (or replaces) the secret of `account`.
    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError>;
    /// Removes the secret of `account`; true when there was one.
    fn delete(&self, account: &str) -> Result<bool, SecretError>;
}

/// The OS credential store.
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// PromptVault's entries ([`SERVICE`]).
    pub fn new() -> Self {
        Self::with_service(SERVICE)
    }

    /// Entries under another service name (tests use a unique one).
    pub fn with_service(service: impl Into<String>) -> Self {
        KeyringStore {
            service: service.into(),
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, account).map_err(keyring_error)
    }
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

fn keyring_error(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            SecretError::Unavailable {
                detail: e.to_string(),
            }
        }
        other => SecretError::Failed(other.to_string()),
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, account: &str) -> Result<Option<String>, SecretError> {
        match self.entry(account)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        self.entry(account)?
            .set_password(secret)
            .map_err(keyring_error)
    }

    fn delete(&self, account: &str) -> Result<bool, SecretError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

/// Secrets held in memory only, for tests and embedders.
#[derive(Default)]
pub struct InMemoryStore {
    secrets: Mutex<HashMap<String, String>>,
}

impl InMemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.secrets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SecretStore for InMemoryStore {
    fn get(&self, account: &str) -> Result<Option<String>, SecretError> {
        Ok(self.map().get(account).cloned())
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        self.map().insert(account.to_string(), secret.to_string());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<bool, SecretError> {
        Ok(self.map().remove(account).is_some())
    }
}

/// An API key. Its `Debug` output is redacted, so it cannot leak through a
/// log line or an error that prints a struct holding it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Checks and wraps a key as typed or pasted: surrounding whitespace is
    /// removed; an empty key, or one with inner whitespace or control
    /// characters (two keys pasted together, a stray newline), is refused.
    pub fn parse(raw: &str) -> Result<Self, SecretError> {
        let key = raw.trim();
        if key.is_empty() {
            return Err(SecretError::InvalidKey("it is empty"));
        }
        if key.len() > MAX_KEY_BYTES {
            return Err(SecretError::InvalidKey("it is longer than 4096 bytes"));
        }
        if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(SecretError::InvalidKey(
                "it contains spaces, line breaks or control characters",
            ));
        }
        Ok(ApiKey(key.to_string()))
    }

    /// The key itself, for the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Where the key in use comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum KeySource {
    /// The [`API_KEY_ENV`] environment variable.
    Environment,
    /// The OS credential store.
    Keychain,
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeySource::Environment => "the environment variable PROMPTVAULT_AI_API_KEY",
            KeySource::Keychain => "the OS keychain",
        })
    }
}

fn placeholder(store: &Store) -> Result<bool, SecretError> {
    Ok(store.setting(PLACEHOLDER_SETTING)? == Value::Bool(true))
}

/// The API key to use, and where it comes from: the environment first, then
/// the keychain. The keychain is only asked when the placeholder says a key
/// was saved there, so a machine that never stored a key (a local model
/// server without authentication) never touches a possibly locked keychain.
/// An empty variable counts as unset; a malformed one is an error rather
/// than silently ignored.
pub fn resolve_api_key(
    secrets: &dyn SecretStore,
    store: &Store,
) -> Result<Option<(ApiKey, KeySource)>, SecretError> {
    resolve_with_env(std::env::var(API_KEY_ENV).ok(), secrets, store)
}

fn resolve_with_env(
    env: Option<String>,
    secrets: &dyn SecretStore,
    store: &Store,
) -> Result<Option<(ApiKey, KeySource)>, SecretError> {
    if let Some(raw) = env.filter(|v| !v.trim().is_empty()) {
        let key =
            ApiKey::parse(&raw).map_err(|e| SecretError::Failed(format!("{API_KEY_ENV}: {e}")))?;
        return Ok(Some((key, KeySource::Environment)));
    }
    if !placeholder(store)? {
        return Ok(None);
    }
    match secrets.get(API_KEY_ACCOUNT)? {
        Some(raw) => Ok(ApiKey::parse(&raw)
            .ok()
            .map(|key| (key, KeySource::Keychain))),
        None => {
            tracing::warn!("the settings say an API key is set, but the keychain has none");
            Ok(None)
        }
    }
}

/// Saves the API key in the keychain and records the placeholder. Nothing
/// is recorded when the keychain refuses.
pub fn save_api_key(
    secrets: &dyn SecretStore,
    store: &Store,
    key: &ApiKey,
) -> Result<(), SecretError> {
    secrets.set(API_KEY_ACCOUNT, key.expose())?;
    store.set_setting(PLACEHOLDER_SETTING, Value::Bool(true))?;
    tracing::info!("AI API key saved in the keychain");
    Ok(())
}

/// Removes the API key from the keychain and clears the placeholder.
/// Returns whether the keychain held a key.
pub fn clear_api_key(secrets: &dyn SecretStore, store: &Store) -> Result<bool, SecretError> {
    let existed = secrets.delete(API_KEY_ACCOUNT)?;
    store.set_setting(PLACEHOLDER_SETTING, Value::Bool(false))?;
    Ok(existed)
}

/// What `ai key status` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeyStatus {
    /// A usable key was found.
    pub set: bool,
    /// Where it was found.
    pub source: Option<KeySource>,
    /// The settings' placeholder (a key was saved in the keychain).
    pub placeholder: bool,
    /// Why the keychain could not be read, when it could not.
    pub keychain_error: Option<String>,
}

/// Finds out whether a key is set and where, without failing on an
/// unavailable keychain (that is reported in the status).
pub fn key_status(secrets: &dyn SecretStore, store: &Store) -> Result<KeyStatus, SecretError> {
    let placeholder = placeholder(store)?;
    let (found, keychain_error) = match resolve_api_key(secrets, store) {
        Ok(found) => (found, None),
        Err(SecretError::Store(e)) => return Err(e.into()),
        Err(e) => (None, Some(e.to_string())),
    };
    Ok(KeyStatus {
        set: found.is_some(),
        source: found.map(|(_, source)| source),
        placeholder,
        keychain_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_trimmed_and_malformed_ones_refused() {
        assert_eq!(ApiKey::parse("  sk-abc\n").unwrap().expose(), "sk-abc");
        assert!(ApiKey::parse(" \n").is_err());
        assert!(ApiKey::parse("sk-a sk-b").is_err());
        assert!(ApiKey::parse("sk-a\nsk-b").is_err());
        assert!(ApiKey::parse(&"k".repeat(MAX_KEY_BYTES + 1)).is_err());
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let key = ApiKey::parse("sk-very-secret").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert!(!format!("{:?}", Some((key, KeySource::Keychain))).contains("very-secret"));
    }

    #[test]
    fn environment_wins_and_the_keychain_is_asked_only_with_the_placeholder() {
        let store = Store::open_in_memory().unwrap();
        let secrets = InMemoryStore::new();
        secrets.set(API_KEY_ACCOUNT, "sk-keychain").unwrap();
        // No placeholder: the keychain entry is not looked at.
        assert!(resolve_with_env(None, &secrets, &store).unwrap().is_none());
        store
            .set_setting(PLACEHOLDER_SETTING, Value::Bool(true))
            .unwrap();
        let (key, source) = resolve_with_env(None, &secrets, &store).unwrap().unwrap();
        assert_eq!((key.expose(), source), ("sk-keychain", KeySource::Keychain));
        let (key, source) = resolve_with_env(Some(" sk-env ".into()), &secrets, &store)
            .unwrap()
            .unwrap();
        assert_eq!((key.expose(), source), ("sk-env", KeySource::Environment));
        // An empty variable is unset; a malformed one is an error.
        let (_, source) = resolve_with_env(Some("".into()), &secrets, &store)
            .unwrap()
            .unwrap();
        assert_eq!(source, KeySource::Keychain);
        let err = resolve_with_env(Some("a b".into()), &secrets, &store).unwrap_err();
        assert!(err.to_string().contains(API_KEY_ENV), "{err}");
    }

    #[test]
    fn in_memory_store_round_trip() {
        let s = InMemoryStore::new();
        assert_eq!(s.get("a").unwrap(), None);
        s.set("a", "one").unwrap();
        s.set("a", "two").unwrap();
        assert_eq!(s.get("a").unwrap().as_deref(), Some("two"));
        assert!(s.delete("a").unwrap());
        assert!(!s.delete("a").unwrap());
    }
}
