//! Hybrid search: tags, BM25 full text (DuckDB `fts`) and vectors, fused by
//! Reciprocal Rank Fusion (k = 60); plus autocomplete and search history.
//!
//! Each list holds up to [`CANDIDATES`] prompt ids in rank order:
//! - **tags**: prompts carrying a `#tag` of the query, or a tag equal to a
//!   query word (words that tag more than a tenth of the library are too
//!   broad to count, unless written as `#tag`);
//! - **full text**: BM25 over synopsis and content from the FTS index, with
//!   prompts changed since the last index build scanned directly (so a saved
//!   prompt is findable at once); queries of one or two characters, and
//!   libraries without the `fts` extension, use a substring scan instead;
//! - **vector**: nearest prompts to the query embedding by cosine distance,
//!   above a similarity floor, when a query vector is given (exact below
//!   [`vector::HNSW_MIN_VECTORS`] vectors, an HNSW index above; see `vector`).
//!
//! `search` without a vector is the lexical pass a UI shows at once; the
//! same call with the vector gives the fused list.

pub mod extensions;
pub mod index;
mod lexical;
pub mod refresh;
mod suggest;
pub mod text;
pub mod vector;

pub use suggest::Suggester;

use std::collections::HashMap;
use std::time::Instant;

use duckdb::params_from_iter;
use promptvault_types::{ListRanks, PromptSource, SearchHit, SearchResults};
use uuid::Uuid;

use crate::error::Result;
use crate::store::prompts::{read_prompt, PROMPT_COLUMNS};
use crate::store::Store;
use vector::VectorStrategy;

/// Length of each ranked list before fusion.
pub const CANDIDATES: usize = 100;
/// The RRF constant.
pub const RRF_K: f64 = 60.0;
/// Vector hits less similar than this (cosine) are dropped, so a query that
/// matches nothing finds nothing.
pub const MIN_SIMILARITY: f64 = 0.25;

/// Which lists take part (single lists are for evaluation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchMode {
    /// Tags, full text and vectors fused (the product's search).
    #[default]
    Hybrid,
    /// The full-text list alone.
    FullTextOnly,
    /// The vector list alone.
    VectorOnly,
}

/// Filters and size of a search.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    pub limit: usize,
    pub source: Option<PromptSource>,
    pub is_private: Option<bool>,
    pub tag: Option<String>,
    pub mode: SearchMode,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 20,
            source: None,
            is_private: None,
            tag: None,
            mode: SearchMode::Hybrid,
        }
    }
}

/// SQL conditions on `prompts p` for the filters, with their parameters.
pub(crate) struct Filter {
    pub sql: String,
    pub args: Vec<String>,
}

impl Filter {
    /// The conditions for a source, a privacy and a tag (each optional).
    pub(crate) fn new(
        source: Option<PromptSource>,
        is_private: Option<bool>,
        tag: Option<&str>,
    ) -> Filter {
        let mut sql = String::from("TRUE");
        let mut args = Vec::new();
        if let Some(source) = source {
            sql.push_str(" AND p.source = ?");
            args.push(source.as_str().to_string());
        }
        if let Some(private) = is_private {
            sql.push_str(if private {
                " AND p.is_private"
            } else {
                " AND NOT p.is_private"
            });
        }
        if let Some(tag) = tag {
            sql.push_str(" AND list_contains(list_transform(p.tags, t -> lower(t)), lower(?))");
            args.push(tag.trim().trim_start_matches('#').to_string());
        }
        Filter { sql, args }
    }
}

/// A list of ids in rank order.
pub(crate) type Ranked = Vec<Uuid>;

impl Store {
    /// Runs a query whose only column is a prompt id, in rank order.
    pub(crate) fn ranked_ids(&self, sql: &str, params: impl duckdb::Params) -> Result<Ranked> {
        let mut stmt = self.connection().prepare(sql)?;
        let rows = stmt
            .query_map(params, |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows
            .iter()
            .filter_map(|s| Uuid::parse_str(s).ok())
            .collect())
    }
}

/// Fuses ranked lists by Reciprocal Rank Fusion: each list adds
/// `1 / (k + rank)` to the score of every id it holds. Ties keep the order
/// of first appearance (tags, then full text, then vectors).
pub fn rrf(lists: &[&[Uuid]], k: f64) -> Vec<(Uuid, f64, [Option<u32>; 3])> {
    let mut scores: HashMap<Uuid, (f64, [Option<u32>; 3], usize)> = HashMap::new();
    let mut order = 0;
    for (li, list) in lists.iter().enumerate() {
        for (i, id) in list.iter().enumerate() {
            let rank = i as u32 + 1;
            let entry = scores.entry(*id).or_insert_with(|| {
                order += 1;
                (0.0, [None; 3], order)
            });
            if entry.1[li].is_none() {
                entry.0 += 1.0 / (k + rank as f64);
                entry.1[li] = Some(rank);
            }
        }
    }
    let mut fused: Vec<_> = scores.into_iter().collect();
    fused.sort_by(|a, b| b.1 .0.total_cmp(&a.1 .0).then(a.1 .2.cmp(&b.1 .2)));
    fused
        .into_iter()
        .map(|(id, (s, r, _))| (id, s, r))
        .collect()
}

/// The tag and full-text lists of the last query, kept so that the fused
/// search that follows a lexical one (as the desktop app does for every
/// keystroke) does not compute them again. Clear it after any write.
#[derive(Debug, Default)]
pub struct LexicalCache {
    last: Option<(LexicalKey, Vec<Uuid>, Vec<Uuid>)>,
}

type LexicalKey = (String, String, Vec<String>, SearchMode);

impl LexicalCache {
    /// Forgets the kept lists (the library changed).
    pub fn clear(&mut self) {
        self.last = None;
    }
}

impl Store {
    /// Searches the library. With `query_vector` (the query's embedding from
    /// the configured model) the vector list takes part; without it the
    /// result is lexical only. An empty query lists recent prompts.
    pub fn search(
        &self,
        query: &str,
        opts: &SearchOptions,
        query_vector: Option<&[f32]>,
    ) -> Result<SearchResults> {
        self.search_cached(query, opts, query_vector, &mut LexicalCache::default())
    }

    /// [`Store::search`], reusing the tag and full-text lists kept in
    /// `cache` when the query and filters are the same as last time.
    pub fn search_cached(
        &self,
        query: &str,
        opts: &SearchOptions,
        query_vector: Option<&[f32]>,
        cache: &mut LexicalCache,
    ) -> Result<SearchResults> {
        let start = Instant::now();
        let filter = Filter::new(opts.source, opts.is_private, opts.tag.as_deref());
        let trimmed = text::clip_query(query.trim());
        if trimmed.is_empty() {
            return self.recent(query, opts, &filter, start);
        }
        let mode = opts.mode;
        let key: LexicalKey = (
            trimmed.to_string(),
            filter.sql.clone(),
            filter.args.clone(),
            mode,
        );
        let (tags, fts) = match &cache.last {
            Some((k, tags, fts)) if *k == key => (tags.clone(), fts.clone()),
            _ => {
                let tags = match mode {
                    SearchMode::Hybrid => self.tag_list(trimmed, &filter)?,
                    _ => Vec::new(),
                };
                let fts = match mode {
                    SearchMode::VectorOnly => Vec::new(),
                    _ => self.lexical_list(trimmed, &filter)?,
                };
                cache.last = Some((key, tags.clone(), fts.clone()));
                (tags, fts)
            }
        };
        let vector = match (query_vector, mode) {
            (Some(v), SearchMode::Hybrid | SearchMode::VectorOnly) => {
                let (ids, path) = self.vector_list(v, &filter, VectorStrategy::Auto)?;
                tracing::debug!(?path, hits = ids.len(), "vector list");
                ids
            }
            _ => Vec::new(),
        };
        let fused = rrf(&[&tags, &fts, &vector], RRF_K);
        let top: Vec<_> = fused.into_iter().take(opts.limit).collect();
        let prompts = self.prompts_by_id(&top.iter().map(|t| t.0).collect::<Vec<_>>())?;
        let hits = top
            .into_iter()
            .filter_map(|(id, score, r)| {
                prompts.get(&id).map(|p| SearchHit {
                    prompt: p.clone(),
                    fused_score: score,
                    ranks: ListRanks {
                        tag: r[0],
                        fts: r[1],
                        vector: r[2],
                    },
                })
            })
            .collect();
        Ok(SearchResults {
            query: query.to_string(),
            hits,
            semantic: query_vector.is_some(),
            tag_count: tags.len(),
            fts_count: fts.len(),
            vector_count: vector.len(),
            took_ms: start.elapsed().as_secs_f64() * 1000.0,
        })
    }

    fn recent(
        &self,
        query: &str,
        opts: &SearchOptions,
        filter: &Filter,
        start: Instant,
    ) -> Result<SearchResults> {
        let sql = format!(
            "SELECT {PROMPT_COLUMNS} FROM prompts p WHERE {} ORDER BY created_at DESC, id DESC LIMIT {}",
            filter.sql, opts.limit
        );
        let mut stmt = self.connection().prepare(&sql)?;
        let prompts = stmt
            .query_map(params_from_iter(&filter.args), read_prompt)?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        Ok(SearchResults {
            query: query.to_string(),
            hits: prompts
                .into_iter()
                .map(|prompt| SearchHit {
                    prompt,
                    fused_score: 0.0,
                    ranks: ListRanks::default(),
                })
                .collect(),
            semantic: false,
            tag_count: 0,
            fts_count: 0,
            vector_count: 0,
            took_ms: start.elapsed().as_secs_f64() * 1000.0,
        })
    }

    /// Prompts with a tag named in the query.
    fn tag_list(&self, query: &str, filter: &Filter) -> Result<Ranked> {
        let words = text::words(query);
        let explicit: Vec<String> = words
            .iter()
            .filter_map(|w| w.strip_prefix('#'))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let bare: Vec<String> = words
            .iter()
            .filter(|w| !w.starts_with('#'))
            .cloned()
            .collect();
        let mut wanted = explicit;
        if !bare.is_empty() {
            // Bare words count only for tags that are specific enough.
            let total = self.count_prompts()?.max(1) as f64;
            let sql = "SELECT t, count(*) FROM (SELECT lower(unnest(tags)) AS t FROM prompts)
                       WHERE t IN (SELECT unnest(CAST(?::JSON AS VARCHAR[]))) GROUP BY t";
            let mut stmt = self.connection().prepare(sql)?;
            let rows = stmt
                .query_map([serde_json::to_string(&bare).expect("strings")], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            wanted.extend(
                rows.into_iter()
                    .filter(|(_, n)| (*n as f64) <= (total * 0.1).max(50.0))
                    .map(|(t, _)| t),
            );
        }
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id FROM (
                SELECT CAST(p.id AS VARCHAR) AS id, p.created_at,
                       len(list_intersect(list_transform(p.tags, t -> lower(t)),
                                          CAST(?::JSON AS VARCHAR[]))) AS hits
                FROM prompts p WHERE {}
             ) WHERE hits > 0 ORDER BY hits DESC, created_at DESC LIMIT {CANDIDATES}",
            filter.sql
        );
        let mut args = vec![serde_json::to_string(&wanted).expect("strings")];
        args.extend(filter.args.iter().cloned());
        self.ranked_ids(&sql, params_from_iter(&args))
    }

    fn prompts_by_id(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, promptvault_types::Prompt>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT {PROMPT_COLUMNS} FROM prompts WHERE id IN (SELECT unnest(CAST(?::JSON AS UUID[])))"
        );
        let list: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let mut stmt = self.connection().prepare(&sql)?;
        let prompts = stmt
            .query_map(
                [serde_json::to_string(&list).expect("strings")],
                read_prompt,
            )?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        Ok(prompts.into_iter().map(|p| (p.id, p)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rrf_rewards_agreement_between_lists() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let c = Uuid::from_u128(3);
        let fused = rrf(&[&[a, b], &[b, c], &[b]], 60.0);
        assert_eq!(fused[0].0, b);
        let score_b = 1.0 / 62.0 + 1.0 / 61.0 + 1.0 / 61.0;
        assert!((fused[0].1 - score_b).abs() < 1e-12);
        assert_eq!(fused[0].2, [Some(2), Some(1), Some(1)]);
        // a (rank 1 once) beats c (rank 2 once).
        assert_eq!(fused[1].0, a);
        assert_eq!(fused[2].0, c);
    }

    #[test]
    fn rrf_ignores_repeats_within_a_list() {
        let a = Uuid::from_u128(1);
        let fused = rrf(&[&[a, a]], 60.0);
        assert_eq!(fused.len(), 1);
        assert!((fused[0].1 - 1.0 / 61.0).abs() < 1e-12);
    }
}
