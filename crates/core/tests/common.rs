//! Helpers shared by the core integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use promptvault_core::Store;
use tempfile::TempDir;

/// A store in a fresh temporary directory (kept alive by the returned guard).
pub fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("vault.duckdb")).unwrap();
    (dir, store)
}

/// The shared prompt collections (`../shared/data` beside the repository),
/// or `$PROMPTVAULT_SHARED_DATA`.
pub fn shared_data(rel: &str) -> PathBuf {
    let base = std::env::var_os("PROMPTVAULT_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = base.join(rel);
    assert!(
        path.exists(),
        "test data {} is missing: the shared/ folder must sit beside the repository \
         (or set PROMPTVAULT_SHARED_DATA)",
        path.display()
    );
    path
}
