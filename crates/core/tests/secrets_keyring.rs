//! The API key in the real OS keychain: the Linux Secret Service (GNOME
//! Keyring) in a private session started by `scripts/keyring-session.sh`,
//! and the clear error when no Secret Service is reachable.
#![cfg(target_os = "linux")]

mod common;
#[path = "support/keyring_session.rs"]
mod keyring_session;

use promptvault_core::secrets::{
    self, ApiKey, KeySource, KeyringStore, SecretError, SecretStore, API_KEY_ENV,
};

#[test]
fn keys_round_trip_through_the_real_secret_service() {
    if !keyring_session::inside_session() {
        return keyring_session::rerun_in_keyring_session(
            "keys_round_trip_through_the_real_secret_service",
        );
    }
    std::env::remove_var(API_KEY_ENV);
    let service = format!("promptvault-test-{}", uuid::Uuid::new_v4());
    let keychain = KeyringStore::with_service(&service);
    assert_eq!(keychain.get("ai-api-key").unwrap(), None);
    keychain.set("ai-api-key", "sk-first-0000").unwrap();
    keychain.set("ai-api-key", "sk-second-1111").unwrap();
    assert_eq!(
        keychain.get("ai-api-key").unwrap().as_deref(),
        Some("sk-second-1111")
    );
    // A second handle (another process would do the same) sees it.
    assert_eq!(
        KeyringStore::with_service(&service)
            .get("ai-api-key")
            .unwrap()
            .as_deref(),
        Some("sk-second-1111")
    );
    assert!(keychain.delete("ai-api-key").unwrap());
    assert!(!keychain.delete("ai-api-key").unwrap());
    assert_eq!(keychain.get("ai-api-key").unwrap(), None);

    // The store-level flow, with the key nowhere in the database file.
    let (dir, store) = common::temp_store();
    let key = "sk-proj-RealKeychain-9f8e7d6c5b4a";
    secrets::save_api_key(&keychain, &store, &ApiKey::parse(key).unwrap()).unwrap();
    let (found, source) = secrets::resolve_api_key(&keychain, &store)
        .unwrap()
        .unwrap();
    assert_eq!((found.expose(), source), (key, KeySource::Keychain));
    store.connection().execute_batch("CHECKPOINT").unwrap();
    let db = std::fs::read(dir.path().join("vault.duckdb")).unwrap();
    assert!(
        !db.windows(key.len()).any(|w| w == key.as_bytes()),
        "the key is in the database"
    );
    assert!(secrets::clear_api_key(&keychain, &store).unwrap());
    assert_eq!(keychain.get("ai-api-key").unwrap(), None);
}

#[test]
fn an_unreachable_secret_service_is_a_clear_error() {
    if !keyring_session::is_child() {
        return keyring_session::rerun_with_env(
            "an_unreachable_secret_service_is_a_clear_error",
            &[(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/promptvault-bus",
            )],
        );
    }
    let keychain = KeyringStore::with_service("promptvault-test-unreachable");
    let err = keychain.set("ai-api-key", "sk-never-stored").unwrap_err();
    assert!(matches!(err, SecretError::Unavailable { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("OS keychain is not available"),
        "{message}"
    );
    assert!(message.contains(API_KEY_ENV), "{message}");
    assert!(matches!(
        keychain.get("ai-api-key"),
        Err(SecretError::Unavailable { .. })
    ));
}
