//! The full-text list: BM25 from the FTS index, merged with a direct scan
//! of prompts changed since the last index build; and a substring scan for
//! very short queries or when the `fts` extension is unavailable.

use duckdb::params_from_iter;

use super::index::FTS_SCHEMA;
use super::{text, Filter, Ranked, CANDIDATES};
use crate::error::Result;
use crate::store::Store;

/// More pending prompts than this and a search rebuilds the index first
/// (an app running [`super::refresh::FtsRefresher`] rarely gets there).
pub const PENDING_REBUILD: u64 = 200;

/// The regular expression that splits words, as in the index.
const SPLIT: &str = r"[^\p{L}\p{N}]+";

impl Store {
    pub(super) fn lexical_list(&self, query: &str, filter: &Filter) -> Result<Ranked> {
        let short = query.chars().filter(|c| !c.is_whitespace()).count() <= 2;
        if short || self.extensions().fts.is_err() {
            return self.substring_list(query, filter);
        }
        let indexed = self.fts_index_exists()?;
        if !indexed || self.fts_pending_count()? > PENDING_REBUILD {
            // Best effort: a rebuild running on another connection (the
            // app's background refresher) can make this one conflict; the
            // pending prompts are scanned meanwhile, so results stay right.
            if let Err(e) = self.rebuild_fts_index() {
                tracing::warn!(error = %e, "full-text index rebuild failed; scanning instead");
                if !indexed && !self.fts_index_exists()? {
                    return self.substring_list(query, filter);
                }
            }
        }
        let query = text::expand_cjk(query);
        let pending = self.pending_matches(&query, filter)?;
        let indexed = self.bm25_list(&query, filter)?;
        // Pending prompts that contain every query term rank first (a prompt
        // the user just saved is probably what they are looking for), then
        // the index's ranking, then pending prompts matching some terms.
        let mut out: Ranked = Vec::with_capacity(CANDIDATES);
        out.extend(pending.iter().filter(|(_, all)| *all).map(|(id, _)| *id));
        out.extend(indexed);
        out.extend(pending.iter().filter(|(_, all)| !*all).map(|(id, _)| *id));
        out.truncate(CANDIDATES);
        Ok(out)
    }

    fn bm25_list(&self, query: &str, filter: &Filter) -> Result<Ranked> {
        let sql = format!(
            "SELECT id FROM (
                SELECT CAST(s.id AS VARCHAR) AS id, p.created_at,
                       {FTS_SCHEMA}.match_bm25(s.id, ?) AS score
                FROM prompt_search s JOIN prompts p ON p.id = s.id
                WHERE s.id NOT IN (SELECT id FROM fts_pending) AND {}
             ) WHERE score IS NOT NULL
             -- Equal scores (near-identical prompts) in a stable order, newest
             -- first, so the same query always lists the same prompts.
             ORDER BY score DESC, created_at DESC, id LIMIT {CANDIDATES}",
            filter.sql
        );
        let mut args = vec![query.to_string()];
        args.extend(filter.args.iter().cloned());
        self.ranked_ids(&sql, params_from_iter(&args))
    }

    /// Pending prompts matching the query's stemmed, non-stopword terms,
    /// best first, each with whether it matched all of them.
    fn pending_matches(&self, query: &str, filter: &Filter) -> Result<Vec<(uuid::Uuid, bool)>> {
        let sql = format!(
            "WITH terms AS (
                SELECT DISTINCT stem(w, 'porter') AS term
                FROM (SELECT unnest(string_split_regex(lower(strip_accents(?)), '{SPLIT}')) AS w)
                WHERE w <> '' AND w NOT IN (SELECT sw FROM {FTS_SCHEMA}.stopwords)
             ),
             docs AS (
                SELECT s.id, p.created_at,
                       list_transform(string_split_regex(lower(strip_accents(s.body)), '{SPLIT}'),
                                      w -> stem(w, 'porter')) AS words
                FROM prompt_search s JOIN fts_pending f ON f.id = s.id JOIN prompts p ON p.id = s.id
                WHERE {}
             )
             SELECT CAST(d.id AS VARCHAR), count(*) AS hits, (SELECT count(*) FROM terms) AS n
             FROM docs d JOIN terms t ON list_contains(d.words, t.term)
             GROUP BY d.id, d.created_at ORDER BY hits DESC, d.created_at DESC LIMIT {CANDIDATES}",
            filter.sql
        );
        let mut args = vec![query.to_string()];
        args.extend(filter.args.iter().cloned());
        let mut stmt = self.connection().prepare(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(&args), |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, hits, n)| uuid::Uuid::parse_str(&id).ok().map(|id| (id, hits >= n)))
            .collect())
    }

    /// Prompts whose synopsis, tags or content contain the query's words
    /// (case-insensitive), ranked by where they match: synopsis prefix 4,
    /// synopsis 2, tag prefix 2, content 1, summed over words.
    fn substring_list(&self, query: &str, filter: &Filter) -> Result<Ranked> {
        let mut words: Vec<String> = text::words(query)
            .into_iter()
            .map(|w| w.trim_start_matches('#').to_string())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            words.push(query.trim().to_lowercase());
        }
        words.truncate(8);
        let mut score = Vec::new();
        let mut args = Vec::new();
        for w in &words {
            score.push(
                "(CASE WHEN starts_with(lower(coalesce(p.synopsis, '')), ?) THEN 4
                       WHEN contains(lower(coalesce(p.synopsis, '')), ?) THEN 2 ELSE 0 END
                  + CASE WHEN len(list_filter(p.tags, t -> starts_with(lower(t), ?))) > 0 THEN 2 ELSE 0 END
                  + CASE WHEN contains(lower(p.content), ?) THEN 1 ELSE 0 END)",
            );
            args.extend(std::iter::repeat_n(w.clone(), 4));
        }
        let sql = format!(
            "SELECT id FROM (
                SELECT CAST(p.id AS VARCHAR) AS id, p.created_at, {} AS score
                FROM prompts p WHERE {}
             ) WHERE score > 0 ORDER BY score DESC, created_at DESC LIMIT {CANDIDATES}",
            score.join(" + "),
            filter.sql
        );
        args.extend(filter.args.iter().cloned());
        self.ranked_ids(&sql, params_from_iter(&args))
    }
}
