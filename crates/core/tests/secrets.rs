//! The API key's storage rules with an in-memory credential store and a
//! failing one: only the placeholder reaches the database, and a keychain
//! that cannot be used is a clear error with nothing recorded.

mod common;

use promptvault_core::secrets::{
    self, ApiKey, InMemoryStore, KeySource, SecretError, SecretStore, API_KEY_ACCOUNT, API_KEY_ENV,
    PLACEHOLDER_SETTING,
};
use serde_json::json;

const KEY: &str = "sk-proj-Zq81pLmN0vX3bT5yK2wR7cH4";

/// These tests are about the keychain path: make sure the environment does
/// not supply a key. (Every test sets the same state, so running them in
/// parallel is harmless.)
fn without_env_key() {
    std::env::remove_var(API_KEY_ENV);
}

/// Every byte of every file under `dir`.
fn all_file_bytes(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(all_file_bytes(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn a_saved_key_is_in_the_secret_store_and_only_a_placeholder_in_the_database() {
    without_env_key();
    let (dir, store) = common::temp_store();
    let keychain = InMemoryStore::new();
    assert_eq!(store.setting(PLACEHOLDER_SETTING).unwrap(), json!(false));

    secrets::save_api_key(
        &keychain,
        &store,
        &ApiKey::parse(&format!(" {KEY}\n")).unwrap(),
    )
    .unwrap();
    assert_eq!(keychain.get(API_KEY_ACCOUNT).unwrap().as_deref(), Some(KEY));
    assert_eq!(store.setting(PLACEHOLDER_SETTING).unwrap(), json!(true));
    let (key, source) = secrets::resolve_api_key(&keychain, &store)
        .unwrap()
        .unwrap();
    assert_eq!((key.expose(), source), (KEY, KeySource::Keychain));
    let status = secrets::key_status(&keychain, &store).unwrap();
    assert!(status.set && status.placeholder && status.keychain_error.is_none());
    assert_eq!(status.source, Some(KeySource::Keychain));

    store.connection().execute_batch("CHECKPOINT").unwrap();
    drop(store);
    let files = all_file_bytes(dir.path());
    assert!(!files.is_empty());
    for (path, bytes) in &files {
        assert!(!contains(bytes, KEY), "{} contains the key", path.display());
    }

    let store = promptvault_core::Store::open(dir.path().join("vault.duckdb")).unwrap();
    assert!(secrets::clear_api_key(&keychain, &store).unwrap());
    assert!(
        !secrets::clear_api_key(&keychain, &store).unwrap(),
        "nothing left to clear"
    );
    assert_eq!(store.setting(PLACEHOLDER_SETTING).unwrap(), json!(false));
    assert!(secrets::resolve_api_key(&keychain, &store)
        .unwrap()
        .is_none());
    assert!(!secrets::key_status(&keychain, &store).unwrap().set);
}

/// A keychain that is locked or absent, as on a headless machine.
struct Unavailable;

impl SecretStore for Unavailable {
    fn get(&self, _: &str) -> Result<Option<String>, SecretError> {
        Err(SecretError::Unavailable {
            detail: "no secret service on the session bus".into(),
        })
    }
    fn set(&self, account: &str, _: &str) -> Result<(), SecretError> {
        self.get(account).map(|_| ())
    }
    fn delete(&self, account: &str) -> Result<bool, SecretError> {
        self.get(account).map(|_| false)
    }
}

#[test]
fn an_unavailable_keychain_is_a_clear_error_and_records_nothing() {
    without_env_key();
    let (_dir, store) = common::temp_store();
    let err =
        secrets::save_api_key(&Unavailable, &store, &ApiKey::parse(KEY).unwrap()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("OS keychain is not available"),
        "{message}"
    );
    assert!(
        message.contains(API_KEY_ENV),
        "names the fallback: {message}"
    );
    assert!(!message.contains(KEY));
    assert_eq!(store.setting(PLACEHOLDER_SETTING).unwrap(), json!(false));

    // Without the placeholder the keychain is not even asked.
    assert!(secrets::resolve_api_key(&Unavailable, &store)
        .unwrap()
        .is_none());
    // With it, resolving fails, and the status reports why.
    store.set_setting(PLACEHOLDER_SETTING, json!(true)).unwrap();
    assert!(matches!(
        secrets::resolve_api_key(&Unavailable, &store),
        Err(SecretError::Unavailable { .. })
    ));
    let status = secrets::key_status(&Unavailable, &store).unwrap();
    assert!(!status.set && status.placeholder);
    assert!(status.keychain_error.unwrap().contains("not available"));
}

#[test]
fn the_placeholder_cannot_be_set_by_hand() {
    let (_dir, store) = common::temp_store();
    assert!(store
        .set_setting_from_user(PLACEHOLDER_SETTING, "true")
        .is_err());
}
