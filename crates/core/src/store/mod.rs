//! The local store: one DuckDB database file holding the spec's `prompts`
//! and `app_settings` tables (and the tables later features need).
//!
//! Opening a store creates the file with owner-only permissions if needed,
//! applies pending migrations in one transaction and makes sure the device
//! has its persistent `local_user_id`. DuckDB allows one writing process per
//! file; a second process gets [`Error::Locked`].

mod migrations;
pub(crate) mod prompts;
mod settings;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use duckdb::Connection;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::search::extensions::{self, ExtensionStatus};

pub use migrations::{latest_version, Migration, MIGRATIONS};
pub use prompts::{ImportedPrompt, ListQuery};
pub use settings::{SettingDef, SettingKind, EMBEDDING_MODELS, SETTINGS};

/// A handle on the local database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    local_user_id: Uuid,
    extensions: ExtensionStatus,
    /// The search tables exist (schema 4 and later).
    search_tables: bool,
}

impl Store {
    /// Opens (creating if needed) the database file at `path` and brings its
    /// schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_at_version(path, latest_version())
    }

    /// Opens a throwaway in-memory database (tests, benchmarks).
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        Self::init(conn, None, latest_version())
    }

    /// Opens the database but migrates it only up to `version`. Used by tests
    /// that need a database as an older release left it.
    #[doc(hidden)]
    pub fn open_at_version(path: impl AsRef<Path>, version: i64) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        prepare_dir(&path)?;
        let conn = Connection::open(&path).map_err(|e| open_error(&path, e))?;
        restrict_file(&path)?;
        Self::init(conn, Some(path), version)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>, version: i64) -> Result<Self> {
        // Before anything else: a database holding an HNSW index refuses
        // writes until `vss` is loaded.
        let extensions = extensions::load(&conn);
        let found = migrations::current_version(&conn)?;
        if found > latest_version() {
            return Err(Error::SchemaTooNew {
                path: path.unwrap_or_default(),
                found,
                supported: latest_version(),
            });
        }
        migrations::migrate_to(&mut conn, version)?;
        let local_user_id = settings::ensure_local_user_id(&conn)?;
        let store = Store {
            conn,
            path,
            local_user_id,
            extensions,
            search_tables: version >= 4,
        };
        if store.search_tables {
            store.backfill_search_bodies()?;
        }
        Ok(store)
    }

    /// Another handle on the same open database, for a worker thread.
    pub fn try_clone(&self) -> Result<Store> {
        Ok(Store {
            conn: self.conn.try_clone()?,
            path: self.path.clone(),
            local_user_id: self.local_user_id,
            extensions: self.extensions.clone(),
            search_tables: self.search_tables,
        })
    }

    /// Whether the search tables exist (only an old schema lacks them).
    pub(crate) fn has_search_tables(&self) -> bool {
        self.search_tables
    }

    /// Which DuckDB extensions loaded (full-text and vector search).
    pub fn extensions(&self) -> &ExtensionStatus {
        &self.extensions
    }

    /// The database file, or `None` for an in-memory store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// This device's persistent user id; new prompts are owned by it.
    pub fn local_user_id(&self) -> Uuid {
        self.local_user_id
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        migrations::current_version(&self.conn)
    }

    /// The underlying connection, for features layered on the store
    /// (search, embeddings) that run their own SQL.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Names of the user tables, sorted (diagnostics and tests).
    pub fn table_names(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT table_name FROM information_schema.tables
             WHERE table_schema = 'main' ORDER BY table_name",
        )?;
        let names = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(names)
    }
}

/// Creates the parent directory, owner-only (0700), when it does not exist.
fn prepare_dir(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            create_private_dir(dir)?;
        }
    }
    Ok(())
}

/// Makes the database file owner-only (0600). DuckDB creates it with the
/// process umask; front ends also set a 077 umask for the WAL file.
fn restrict_file(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::Permissions::from_mode(0o600);
        std::fs::set_permissions(path, perms).map_err(|e| Error::io(path, e))?;
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

fn open_error(path: &Path, e: duckdb::Error) -> Error {
    let detail = e.to_string();
    if detail.contains("Could not set lock") || detail.contains("Conflicting lock") {
        Error::Locked {
            path: path.to_path_buf(),
            detail,
        }
    } else {
        Error::Open {
            path: path.to_path_buf(),
            detail,
        }
    }
}

/// Wall-clock time in microseconds, strictly increasing within the process,
/// so that "newest first" is a total order even for prompts saved in the
/// same microsecond (an import of thousands of rows).
pub(crate) fn now_micros() -> i64 {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let wall = Utc::now().timestamp_micros();
    let mut prev = LAST.load(Ordering::Relaxed);
    loop {
        let next = wall.max(prev + 1);
        match LAST.compare_exchange_weak(prev, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => prev = seen,
        }
    }
}

pub(crate) fn from_micros(us: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us).ok_or_else(|| Error::Corrupt(format!("timestamp {us}")))
}

impl Store {
    /// Runs `f` inside one transaction: committed if it returns `Ok`, rolled
    /// back otherwise.
    pub(crate) fn in_transaction<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN TRANSACTION")?;
        match f() {
            Ok(v) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                if let Err(rollback) = self.conn.execute_batch("ROLLBACK") {
                    tracing::error!(%rollback, "rollback failed");
                }
                Err(e)
            }
        }
    }
}
