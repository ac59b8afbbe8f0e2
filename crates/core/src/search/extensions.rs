//! DuckDB's `fts` and `vss` extensions, release-matched to the bundled
//! DuckDB, loaded on every open before anything else touches the tables.
//!
//! Order: `LOAD` an already installed copy; else install from the offline
//! asset cache (`<assets>/duckdb-extensions`, a local extension repository
//! that `scripts/provision-assets.sh` fills from PyPI); else `INSTALL` from
//! DuckDB's online repository. Signature checks stay on. A missing
//! extension never stops the store from opening: search falls back to what
//! is available (no `fts`: a plain scan; no `vss`: exact vector search).
//!
//! With `vss` loaded, HNSW indexes may be persisted in the database file and
//! searched with the default beam. Without it, DuckDB refuses every write to
//! a table holding an HNSW index, so such an index is dropped at once (the
//! embedding worker rebuilds it once `vss` is back): the user is never
//! locked out of their prompts.
//!
//! `PROMPTVAULT_DISABLE_EXTENSIONS=fts,vss` skips loading the named
//! extensions (diagnostics, and a way around a broken extension).

use duckdb::Connection;
use serde::Serialize;

use super::vector::{DEFAULT_EF_SEARCH, HNSW_INDEX};

/// Whether each extension is usable, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionStatus {
    pub fts: Result<(), String>,
    pub vss: Result<(), String>,
}

fn try_load(conn: &Connection, name: &str) -> Result<(), String> {
    if disabled(name) {
        return Err(format!(
            "DuckDB extension {name} is disabled by PROMPTVAULT_DISABLE_EXTENSIONS"
        ));
    }
    if conn.execute_batch(&format!("LOAD {name}")).is_ok() {
        return Ok(());
    }
    let mut errors = Vec::new();
    for repo in crate::assets::dirs()
        .iter()
        .map(|d| d.join("duckdb-extensions"))
    {
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

fn disabled(name: &str) -> bool {
    std::env::var("PROMPTVAULT_DISABLE_EXTENSIONS")
        .is_ok_and(|v| v.split(',').any(|n| n.trim().eq_ignore_ascii_case(name)))
}

/// Loads both extensions, reporting each outcome, and makes the database
/// usable with what loaded (see the module documentation).
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
    let prepared = match status.vss {
        Ok(()) => conn.execute_batch(&format!(
            "SET GLOBAL hnsw_enable_experimental_persistence = true;
             SET GLOBAL hnsw_ef_search = {DEFAULT_EF_SEARCH};"
        )),
        Err(_) => drop_hnsw_index(conn),
    };
    if let Err(e) = prepared {
        tracing::error!(error = %e, "could not prepare the database for vector search");
    }
    status
}

/// Drops the vector index of a database opened without `vss`.
fn drop_hnsw_index(conn: &Connection) -> duckdb::Result<()> {
    let present: i64 = conn.query_row(
        "SELECT count(*) FROM duckdb_indexes() WHERE index_name = ?",
        [HNSW_INDEX],
        |r| r.get(0),
    )?;
    if present > 0 {
        tracing::warn!("vss is unavailable: dropping the HNSW index so the library stays writable");
        conn.execute_batch(&format!("DROP INDEX IF EXISTS {HNSW_INDEX}"))?;
    }
    Ok(())
}
