//! The offline asset cache: ONNX Runtime, embedding models and DuckDB
//! extensions, as `scripts/provision-assets.sh` lays them out.
//!
//! `$PROMPTVAULT_ASSETS_DIR`, else `<OS cache dir>/promptvault/assets`
//! (`~/.cache/promptvault/assets` on Linux).

use std::path::PathBuf;

/// Environment variable that overrides the asset directory.
pub const ASSETS_ENV: &str = "PROMPTVAULT_ASSETS_DIR";

/// The asset directory (it may not exist).
pub fn dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(ASSETS_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    dirs::cache_dir().map(|d| d.join("promptvault").join("assets"))
}

/// Where downloaded models are kept: `<OS cache dir>/promptvault/models`.
pub fn models_cache_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("promptvault").join("models"))
}
