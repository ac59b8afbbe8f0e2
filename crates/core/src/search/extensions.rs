//! DuckDB's `fts` and `vss` extensions, release-matched to the bundled
//! DuckDB, loaded on every open before anything else touches the tables.
//!
//! Order: `LOAD` an already installed copy; else install from the offline
//! asset cache (`<assets>/duckdb-extensions`, a local extension repository
//! that `scripts/provision-assets.sh` fills from PyPI); else `INSTALL` from
//! DuckDB's online repository. Signature checks stay on. A missing
//! extension never stops the store from opening: search falls back to what
//! is available (no `fts`: a plain scan; no `vss`: exact vector search).

use duckdb::Connection;
use serde::Serialize;

/// Whether each extension is usable, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionStatus {
    pub fts: Result<(), String>,
    pub vss: Result<(), String>,
}

fn try_load(conn: &Connection, name: &str) -> Result<(), String> {
    if conn.execute_batch(&format!("LOAD {name}")).is_ok() {
        return Ok(());
    }
    let mut errors = Vec::new();
    if let Some(repo) = crate::assets::dir().map(|d| d.join("duckdb-extensions")) {
        if repo.is_dir() {
            let repo = repo.display().to_string().replace('\'', "''");
            match conn.execute_batch(&format!("INSTALL {name} FROM '{repo}'; LOAD {name};")) {
                Ok(()) => return Ok(()),
                Err(e) => errors.push(format!("from {repo}: {e}")),
            }
        }
    }
    match conn.execute_batch(&format!("INSTALL {name}; LOAD {name};")) {
        Ok(()) => Ok(()),
        Err(e) => {
            errors.push(format!("online: {e}"));
            Err(format!(
                "DuckDB extension {name} is unavailable ({}); run scripts/provision-assets.sh \
                 or connect to the internet once",
                errors.join("; ")
            ))
        }
    }
}

/// Loads both extensions, reporting each outcome.
pub fn load(conn: &Connection) -> ExtensionStatus {
    let status = ExtensionStatus {
        fts: try_load(conn, "fts"),
        vss: try_load(conn, "vss"),
    };
    for (name, result) in [("fts", &status.fts), ("vss", &status.vss)] {
        if let Err(e) = result {
            tracing::warn!(extension = name, error = %e, "extension unavailable");
        }
    }
    status
}
