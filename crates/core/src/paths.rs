//! Where PromptVault keeps its files by default.
//!
//! The database lives in the OS data directory (`$XDG_DATA_HOME/promptvault`
//! on Linux, `~/Library/Application Support/promptvault` on macOS,
//! `%APPDATA%\promptvault` on Windows) unless `PROMPTVAULT_DB` or an explicit
//! path says otherwise.

use std::path::{Path, PathBuf};

/// Environment variable that overrides the database path.
pub const DB_ENV: &str = "PROMPTVAULT_DB";

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "promptvault.duckdb";

/// PromptVault's directory inside the OS data directory.
pub fn data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("promptvault"))
}

/// The database to open: `explicit` if given, else `$PROMPTVAULT_DB`, else
/// the default file in [`data_dir`].
pub fn database_path(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(DB_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    data_dir().map(|d| d.join(DB_FILE))
}
