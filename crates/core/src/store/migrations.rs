//! Numbered schema migrations, applied in one transaction when a database is
//! opened. A released migration is never edited: changes go in a new file.

use duckdb::Connection;

use crate::error::{Error, Result};

/// One migration: its number, a name for messages, and its SQL.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// All migrations, in order. The last one's version is the schema version
/// this build understands.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../../migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "search_history",
        sql: include_str!("../../migrations/0002_search_history.sql"),
    },
    Migration {
        version: 3,
        name: "embedding_model",
        sql: include_str!("../../migrations/0003_embedding_model.sql"),
    },
    Migration {
        version: 4,
        name: "search",
        sql: include_str!("../../migrations/0004_search.sql"),
    },
];

/// The schema version of a fully migrated database.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const CREATE_VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)";

/// The highest applied migration, 0 for a new database.
pub fn current_version(conn: &Connection) -> Result<i64> {
    let exists: bool = conn.query_row(
        "SELECT count(*) > 0 FROM information_schema.tables
         WHERE table_schema = 'main' AND table_name = 'schema_migrations'",
        [],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(0);
    }
    Ok(conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?)
}

/// Applies every migration above the current version and up to `target`,
/// all in one transaction: either the database ends at `target` or it is
/// left as it was. Returns the versions applied.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<Vec<i64>> {
    let tx = conn.transaction()?;
    tx.execute_batch(CREATE_VERSION_TABLE)?;
    let current = current_version(&tx)?;
    let mut applied = Vec::new();
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version > current && m.version <= target)
    {
        tx.execute_batch(m.sql).map_err(|source| Error::Migration {
            version: m.version,
            name: m.name,
            source,
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
            duckdb::params![m.version, m.name],
        )?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        applied.push(m.version);
    }
    tx.commit()?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_numbered_without_gaps() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "migration {}", m.name);
        }
    }

    #[test]
    fn a_failing_migration_leaves_the_database_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 1).unwrap();
        // Make migration 2 fail by creating its table beforehand.
        conn.execute_batch("CREATE TABLE search_history (x INTEGER)")
            .unwrap();
        let err = migrate_to(&mut conn, 2).unwrap_err();
        assert!(matches!(err, Error::Migration { version: 2, .. }), "{err}");
        assert_eq!(current_version(&conn).unwrap(), 1);
    }
}
