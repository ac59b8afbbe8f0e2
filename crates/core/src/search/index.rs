//! Keeping the full-text index fresh.
//!
//! Every write to a prompt updates its row in `prompt_search` and marks it in
//! `fts_pending`. DuckDB's FTS index does not see rows written after it was
//! built, so searches exclude pending prompts from the index's results and
//! scan them directly instead (see `lexical`); a rebuild (after an import,
//! or debounced in the background by the desktop app) folds them in.

use std::time::Instant;

use duckdb::{params, OptionalExt};
use serde::Serialize;
use uuid::Uuid;

use super::text::{search_body, IGNORE_PATTERN};
use crate::error::Result;
use crate::store::Store;

/// Name of the schema DuckDB's FTS creates for `prompt_search`.
pub(crate) const FTS_SCHEMA: &str = "fts_main_prompt_search";

/// What a rebuild did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RebuildReport {
    pub documents: u64,
    pub millis: u128,
}

impl Store {
    /// Writes a prompt's indexed text and marks it for the next rebuild.
    pub(crate) fn index_prompt(
        &self,
        id: Uuid,
        synopsis: Option<&str>,
        content: &str,
    ) -> Result<()> {
        if !self.has_search_tables() {
            return Ok(());
        }
        self.connection()
            .prepare_cached(
                "INSERT INTO prompt_search (id, body) VALUES (?::UUID, ?)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![id.to_string(), search_body(synopsis, content)])?;
        self.mark_fts_pending(id)
    }

    /// Removes a deleted prompt's indexed text.
    pub(crate) fn unindex_prompt(&self, id: Uuid) -> Result<()> {
        if !self.has_search_tables() {
            return Ok(());
        }
        self.connection().execute(
            "DELETE FROM prompt_search WHERE id = ?::UUID",
            params![id.to_string()],
        )?;
        self.mark_fts_pending(id)
    }

    fn mark_fts_pending(&self, id: Uuid) -> Result<()> {
        self.connection()
            .prepare_cached(
                "INSERT INTO fts_pending (id, seq) VALUES (?::UUID, nextval('fts_pending_seq'))
                 ON CONFLICT (id) DO UPDATE SET seq = excluded.seq",
            )?
            .execute(params![id.to_string()])?;
        Ok(())
    }

    /// Gives prompts written by an older release their indexed text.
    pub(crate) fn backfill_search_bodies(&self) -> Result<usize> {
        let mut stmt = self.connection().prepare(
            "SELECT CAST(p.id AS VARCHAR), p.synopsis, p.content FROM prompts p
             ANTI JOIN prompt_search s ON s.id = p.id",
        )?;
        let missing = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        if missing.is_empty() {
            return Ok(0);
        }
        self.in_transaction(|| {
            for (id, synopsis, content) in &missing {
                let id = Uuid::parse_str(id).map_err(|e| crate::Error::Corrupt(e.to_string()))?;
                self.index_prompt(id, synopsis.as_deref(), content)?;
            }
            Ok(())
        })?;
        Ok(missing.len())
    }

    /// Whether the FTS index has been built.
    pub fn fts_index_exists(&self) -> Result<bool> {
        Ok(self
            .connection()
            .query_row(
                "SELECT 1 FROM duckdb_schemas() WHERE schema_name = ?",
                params![FTS_SCHEMA],
                |r| r.get::<_, i32>(0),
            )
            .optional()?
            .is_some())
    }

    /// Prompts changed since the last index build.
    pub fn fts_pending_count(&self) -> Result<u64> {
        let n: i64 = self
            .connection()
            .query_row("SELECT count(*) FROM fts_pending", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Whether a rebuild would change anything: the `fts` extension is
    /// loaded and the index is missing or prompts changed since it was
    /// built. A long-running app polls this (see `refresh::FtsRefresher`).
    pub fn fts_rebuild_needed(&self) -> Result<bool> {
        if self.extensions().fts.is_err() || !self.has_search_tables() {
            return Ok(false);
        }
        Ok(!self.fts_index_exists()? || self.fts_pending_count()? > 0)
    }

    /// Rebuilds the FTS index over every prompt (porter stemmer, English
    /// stopwords, letters and digits of all scripts) and clears the pending
    /// marks it covers, in one transaction: searches on other connections
    /// keep using the previous index until it commits, and prompts changed
    /// while it runs stay pending (so they are still scanned directly).
    pub fn rebuild_fts_index(&self) -> Result<RebuildReport> {
        let start = Instant::now();
        let documents = self.in_transaction(|| self.rebuild_fts_in_transaction())?;
        let report = RebuildReport {
            documents,
            millis: start.elapsed().as_millis(),
        };
        tracing::info!(
            documents = report.documents,
            ms = report.millis as u64,
            "rebuilt the full-text index"
        );
        Ok(report)
    }

    /// The rebuild itself, inside the caller's transaction. Returns the
    /// number of documents indexed.
    fn rebuild_fts_in_transaction(&self) -> Result<u64> {
        let watermark: i64 = self.connection().query_row(
            "SELECT coalesce(max(seq), 0) FROM fts_pending",
            [],
            |r| r.get(0),
        )?;
        self.connection().execute_batch(&format!(
            "PRAGMA create_fts_index('prompt_search', 'id', 'body', stemmer = 'porter',
                 stopwords = 'english', ignore = '{IGNORE_PATTERN}', strip_accents = 1,
                 lower = 1, overwrite = 1)"
        ))?;
        self.connection()
            .execute("DELETE FROM fts_pending WHERE seq <= ?", params![watermark])?;
        let documents: i64 =
            self.connection()
                .query_row("SELECT count(*) FROM prompt_search", [], |r| r.get(0))?;
        Ok(documents as u64)
    }

    /// Indexes the rows of a bulk insert's staging table (columns `id` and
    /// `body`), inside the caller's transaction. With `fts` loaded the index
    /// is rebuilt in the same transaction, so the new prompts become visible
    /// already indexed, with no pending marks (scanning thousands of pending
    /// prompts would slow every search until a rebuild). Without `fts` they
    /// are marked pending in one statement, for the day the index is back.
    pub(crate) fn index_staged(&self, staging: &str) -> Result<()> {
        if !self.has_search_tables() {
            return Ok(());
        }
        let start = Instant::now();
        self.connection().execute_batch(&format!(
            "INSERT INTO prompt_search (id, body) SELECT id::UUID, body FROM {staging}
             ON CONFLICT (id) DO UPDATE SET body = excluded.body"
        ))?;
        if self.extensions().fts.is_ok() {
            let documents = self.rebuild_fts_in_transaction()?;
            tracing::info!(
                documents,
                ms = start.elapsed().as_millis() as u64,
                "indexed an import and rebuilt the full-text index"
            );
        } else {
            self.connection().execute_batch(&format!(
                "INSERT INTO fts_pending (id, seq)
                 SELECT id::UUID, nextval('fts_pending_seq') FROM {staging}
                 ON CONFLICT (id) DO UPDATE SET seq = excluded.seq"
            ))?;
        }
        Ok(())
    }
}
