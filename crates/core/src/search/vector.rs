//! The vector list: the prompts nearest to the query embedding by cosine
//! distance, above a similarity floor.
//!
//! Two ways to find them, chosen by measurement (`docs/benchmarks.md`):
//! - **exact**: a scan computing `array_cosine_distance` for every embedded
//!   prompt. Always correct, fast enough for personal libraries;
//! - **HNSW** (`vss`): an approximate index over the `vector` column, built
//!   once the library holds [`HNSW_MIN_VECTORS`] vectors and persisted in the
//!   database file (`hnsw_enable_experimental_persistence`), so start-up never
//!   waits for it. It is maintained incrementally as vectors are written.
//!
//! DuckDB applies the index to `ORDER BY distance LIMIT k` and evaluates a
//! `WHERE` clause *after* it, so a filtered query could return fewer than
//! `k` rows. The index is therefore asked for [`OVERFETCH`] unfiltered
//! neighbours, the filters are applied to those, and the search falls back
//! to the exact scan when they leave fewer than [`CANDIDATES`] above the
//! floor while more might exist.
//!
//! Whatever goes wrong with the index, search keeps working: a query that
//! fails on the index drops it and answers exactly; the embedding worker
//! rebuilds it in the background ([`Store::maintain_vector_index`]), and a
//! database opened without `vss` has its index dropped so writes go on (see
//! `extensions`).

use std::time::Instant;

use duckdb::params_from_iter;
use serde::Serialize;
use uuid::Uuid;

use super::{Filter, Ranked, CANDIDATES, MIN_SIMILARITY};
use crate::embed::worker::vector_literal;
use crate::error::{Error, Result};
use crate::store::Store;

/// Name of the HNSW index on `prompts.vector`.
pub const HNSW_INDEX: &str = "prompts_vector_hnsw";
/// Below this many embedded prompts the exact scan is used and no index is
/// built (exact search is then both fast and perfectly accurate).
pub const HNSW_MIN_VECTORS: u64 = 20_000;
/// HNSW graph degree (`m`) and construction beam (`ef_construction`).
pub const HNSW_M: u32 = 16;
pub const HNSW_EF_CONSTRUCTION: u32 = 64;
/// Default search beam (`hnsw_ef_search`); see [`Store::set_hnsw_ef_search`].
/// Searches ask for [`OVERFETCH`] neighbours, and that `LIMIT` already
/// widens the beam: 64, 128 and 256 measured the same recall.
pub const DEFAULT_EF_SEARCH: u32 = 128;
/// Neighbours asked of the index before filters apply.
pub const OVERFETCH: usize = CANDIDATES * 2;

/// How a vector list was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum VectorPath {
    /// Exact scan (no usable index, or a small library).
    Exact,
    /// The HNSW index answered.
    Hnsw,
    /// The index left too few results after the filters; exact scan.
    HnswThenExact,
    /// The index failed (and was dropped for a rebuild); exact scan.
    ExactAfterIndexError,
}

/// Which method [`Store::nearest`] should use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VectorStrategy {
    /// The index when there is one, else exact (what search does).
    #[default]
    Auto,
    /// Always the exact scan (reference for recall measurements).
    Exact,
}

/// The state of the vector index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VectorIndexStatus {
    /// The index exists.
    pub present: bool,
    /// Entries in the index (deleted ones included until compaction), when
    /// `vss` is loaded and the index exists.
    pub entries: Option<u64>,
    /// Prompts with a vector.
    pub vectors: u64,
    /// The index should be (re)built: enough vectors, and no index or an
    /// index missing some of them.
    pub needs_build: bool,
}

/// What [`Store::maintain_vector_index`] did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum VectorIndexAction {
    /// Nothing to do (`status` explains why).
    UpToDate(VectorIndexStatus),
    /// The index was (re)built over `vectors` vectors.
    Built { vectors: u64, millis: u128 },
    /// `vss` is not loaded; search stays exact.
    Unavailable(String),
}

impl Store {
    /// Whether the HNSW index exists (whether or not `vss` is loaded).
    pub fn vector_index_exists(&self) -> Result<bool> {
        let n: i64 = self.connection().query_row(
            "SELECT count(*) FROM duckdb_indexes() WHERE index_name = ? AND table_name = 'prompts'",
            [HNSW_INDEX],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// The index's state and whether it needs a build at the default
    /// threshold, [`HNSW_MIN_VECTORS`].
    pub fn vector_index_status(&self) -> Result<VectorIndexStatus> {
        self.vector_index_status_at(HNSW_MIN_VECTORS)
    }

    /// The index's state; a build is needed from `min_vectors` vectors on.
    pub fn vector_index_status_at(&self, min_vectors: u64) -> Result<VectorIndexStatus> {
        let present = self.vector_index_exists()?;
        let vectors: i64 =
            self.connection()
                .query_row("SELECT count(vector) FROM prompts", [], |r| r.get(0))?;
        let vectors = vectors as u64;
        let entries = if present && self.extensions().vss.is_ok() {
            let n: i64 = self.connection().query_row(
                "SELECT CAST(coalesce(sum(count), 0) AS BIGINT) FROM pragma_hnsw_index_info() WHERE index_name = ?",
                [HNSW_INDEX],
                |r| r.get(0),
            )?;
            Some(n as u64)
        } else {
            None
        };
        // Vectors written while a build was scanning the table can be missing
        // from the index: an index holding fewer entries than there are
        // vectors is rebuilt.
        let incomplete = entries.is_some_and(|e| e < vectors);
        let needs_build = vectors >= min_vectors.max(1) && (!present || incomplete);
        Ok(VectorIndexStatus {
            present,
            entries,
            vectors,
            needs_build,
        })
    }

    /// Builds the index when the library needs one (enough vectors, and no
    /// index or an incomplete one). Run by the embedding worker after each
    /// pass, on its own connection, so it never blocks a search.
    pub fn maintain_vector_index(&self) -> Result<VectorIndexAction> {
        self.maintain_vector_index_at(HNSW_MIN_VECTORS)
    }

    /// [`maintain_vector_index`](Self::maintain_vector_index) with another
    /// threshold (tests, benchmarks).
    pub fn maintain_vector_index_at(&self, min_vectors: u64) -> Result<VectorIndexAction> {
        if let Err(e) = &self.extensions().vss {
            return Ok(VectorIndexAction::Unavailable(e.clone()));
        }
        let status = self.vector_index_status_at(min_vectors)?;
        if !status.needs_build {
            return Ok(VectorIndexAction::UpToDate(status));
        }
        self.rebuild_vector_index()
    }

    /// Drops and builds the index over the current vectors, whatever their
    /// number.
    pub fn rebuild_vector_index(&self) -> Result<VectorIndexAction> {
        if let Err(e) = &self.extensions().vss {
            return Ok(VectorIndexAction::Unavailable(e.clone()));
        }
        let start = Instant::now();
        self.in_transaction(|| {
            self.connection()
                .execute_batch(&format!("DROP INDEX IF EXISTS {HNSW_INDEX}"))?;
            self.connection().execute_batch(&format!(
                "CREATE INDEX {HNSW_INDEX} ON prompts USING HNSW (vector)
                 WITH (metric = 'cosine', m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
            ))?;
            Ok(())
        })?;
        let vectors = self.vector_index_status()?.vectors;
        let millis = start.elapsed().as_millis();
        tracing::info!(vectors, ms = millis as u64, "built the HNSW vector index");
        Ok(VectorIndexAction::Built { vectors, millis })
    }

    /// Drops the index if it exists; returns whether it did.
    pub fn drop_vector_index(&self) -> Result<bool> {
        if !self.vector_index_exists()? {
            return Ok(false);
        }
        self.connection()
            .execute_batch(&format!("DROP INDEX IF EXISTS {HNSW_INDEX}"))?;
        tracing::info!("dropped the HNSW vector index");
        Ok(true)
    }

    /// Sets the HNSW search beam for every connection of this database:
    /// higher is more accurate and slower (default [`DEFAULT_EF_SEARCH`];
    /// it matters only above [`OVERFETCH`], the number of neighbours a
    /// search asks for).
    pub fn set_hnsw_ef_search(&self, ef: u32) -> Result<()> {
        if self.extensions().vss.is_ok() {
            self.connection()
                .execute_batch(&format!("SET GLOBAL hnsw_ef_search = {}", ef.max(1)))?;
        }
        Ok(())
    }

    /// The ids of the prompts nearest to `v` that pass `filter`, best first,
    /// at most [`CANDIDATES`], and how they were found.
    pub(crate) fn vector_list(
        &self,
        v: &[f32],
        filter: &Filter,
        strategy: VectorStrategy,
    ) -> Result<(Ranked, VectorPath)> {
        let dims = self.vector_dims()?;
        if v.len() != dims {
            return Err(Error::Corrupt(format!(
                "query vector has {} dimensions, the library {dims}",
                v.len()
            )));
        }
        let literal = vector_literal(v);
        let use_index = strategy == VectorStrategy::Auto
            && self.extensions().vss.is_ok()
            && self.vector_index_exists()?;
        if !use_index {
            return Ok((self.exact_list(&literal, dims, filter)?, VectorPath::Exact));
        }
        match self.hnsw_list(&literal, dims, filter) {
            Ok(Some(ids)) => Ok((ids, VectorPath::Hnsw)),
            Ok(None) => Ok((
                self.exact_list(&literal, dims, filter)?,
                VectorPath::HnswThenExact,
            )),
            Err(e) => {
                tracing::warn!(error = %e, "the HNSW index failed; dropping it and searching exactly");
                if let Err(e) = self.drop_vector_index() {
                    tracing::error!(error = %e, "could not drop the failing HNSW index");
                }
                Ok((
                    self.exact_list(&literal, dims, filter)?,
                    VectorPath::ExactAfterIndexError,
                ))
            }
        }
    }

    /// Exact cosine search. The second sort key keeps DuckDB from answering
    /// it with the (approximate, filter-blind) HNSW index.
    fn exact_list(&self, literal: &str, dims: usize, filter: &Filter) -> Result<Ranked> {
        let sql = exact_sql(dims, filter);
        let mut args: Vec<Box<dyn duckdb::ToSql>> = vec![Box::new(literal.to_string())];
        for a in &filter.args {
            args.push(Box::new(a.clone()));
        }
        args.push(Box::new(1.0 - MIN_SIMILARITY));
        self.ranked_ids(&sql, params_from_iter(args.iter().map(|b| b.as_ref())))
    }

    /// Nearest neighbours from the index, filtered afterwards. `None` when
    /// the filters left too few of them and more might exist: the last one
    /// is still above the similarity floor and the index was not exhausted.
    fn hnsw_list(&self, literal: &str, dims: usize, filter: &Filter) -> Result<Option<Ranked>> {
        let sql = hnsw_sql(dims, filter);
        let mut args = vec![literal.to_string()];
        args.extend(filter.args.iter().cloned());
        let mut stmt = self.connection().prepare(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(&args), |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, f64>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let max_distance = 1.0 - MIN_SIMILARITY;
        let floor_reached = rows.last().is_some_and(|(_, d, _)| *d > max_distance);
        let kept: Ranked = rows
            .iter()
            .filter(|(_, d, keep)| *keep && *d <= max_distance)
            .filter_map(|(id, _, _)| Uuid::parse_str(id).ok())
            .take(CANDIDATES)
            .collect();
        if kept.len() < CANDIDATES && !floor_reached && !self.all_vectors_seen(rows.len())? {
            return Ok(None);
        }
        Ok(Some(kept))
    }

    /// Whether `seen` index results cover every vector (a small library:
    /// the index had nothing more to give).
    fn all_vectors_seen(&self, seen: usize) -> Result<bool> {
        let vectors: i64 =
            self.connection()
                .query_row("SELECT count(vector) FROM prompts", [], |r| r.get(0))?;
        Ok(seen as i64 >= vectors)
    }

    /// The query plan of the vector query for `strategy` (diagnostics and
    /// tests: an index search shows `HNSW_INDEX_SCAN`).
    #[doc(hidden)]
    pub fn vector_query_plan(&self, v: &[f32], strategy: VectorStrategy) -> Result<String> {
        let dims = self.vector_dims()?;
        let filter = Filter::new(None, None, None);
        let (sql, extra) = match strategy {
            VectorStrategy::Auto => (hnsw_sql(dims, &filter), false),
            VectorStrategy::Exact => (exact_sql(dims, &filter), true),
        };
        let literal = vector_literal(v);
        let mut args: Vec<Box<dyn duckdb::ToSql>> = vec![Box::new(literal)];
        if extra {
            args.push(Box::new(1.0 - MIN_SIMILARITY));
        }
        let mut stmt = self.connection().prepare(&format!("EXPLAIN {sql}"))?;
        let lines = stmt
            .query_map(params_from_iter(args.iter().map(|b| b.as_ref())), |r| {
                r.get::<_, String>(1)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(lines.join("\n"))
    }

    /// The vector list alone, by `strategy`, with the search's filters
    /// (benchmarks: recall of the index against the exact scan).
    pub fn nearest(
        &self,
        v: &[f32],
        opts: &super::SearchOptions,
        strategy: VectorStrategy,
    ) -> Result<(Vec<Uuid>, VectorPath)> {
        let filter = Filter::new(opts.source, opts.is_private, opts.tag.as_deref());
        self.vector_list(v, &filter, strategy)
    }
}

fn exact_sql(dims: usize, filter: &Filter) -> String {
    format!(
        "SELECT id FROM (
            SELECT CAST(p.id AS VARCHAR) AS id,
                   array_cosine_distance(p.vector, ?::FLOAT[{dims}]) AS d
            FROM prompts p WHERE p.vector IS NOT NULL AND {}
         ) WHERE d <= ? ORDER BY d, id LIMIT {CANDIDATES}",
        filter.sql
    )
}

/// `ORDER BY distance LIMIT n` over the bare table is the shape DuckDB's
/// optimizer answers with the HNSW index; the filters are evaluated on the
/// neighbours it returns.
fn hnsw_sql(dims: usize, filter: &Filter) -> String {
    format!(
        "WITH nn AS (
            SELECT p.id, array_cosine_distance(p.vector, ?::FLOAT[{dims}]) AS d
            FROM prompts p ORDER BY d LIMIT {OVERFETCH}
         )
         SELECT CAST(nn.id AS VARCHAR), CAST(nn.d AS DOUBLE), coalesce(({}), false) AS keep
         FROM nn JOIN prompts p ON p.id = nn.id
         WHERE nn.d IS NOT NULL ORDER BY nn.d, nn.id",
        filter.sql
    )
}
