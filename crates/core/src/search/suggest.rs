//! Autocomplete: recent searches, tags and synopses starting with what the
//! user typed (ignoring case), de-duplicated, history and tags first.

use duckdb::params;
use promptvault_types::{Suggestion, SuggestionKind};

use crate::error::Result;
use crate::store::{now_micros, Store};

/// Longest query remembered in the history.
const MAX_HISTORY_QUERY: usize = 200;

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Store {
    /// Remembers a search the user ran (for autocomplete).
    pub fn record_search(&self, query: &str) -> Result<()> {
        let q = query.trim();
        if q.is_empty() || q.chars().count() > MAX_HISTORY_QUERY {
            return Ok(());
        }
        self.connection().execute(
            "INSERT INTO search_history (query, last_used_at, use_count)
             VALUES (?, make_timestamp(?::BIGINT), 1)
             ON CONFLICT (query) DO UPDATE
             SET last_used_at = excluded.last_used_at, use_count = search_history.use_count + 1",
            params![q, now_micros()],
        )?;
        Ok(())
    }

    /// Up to `limit` suggestions for `prefix`: history (most recent first),
    /// then tags (most used first), then synopses (shortest first).
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>> {
        let p = prefix.trim_start().to_lowercase();
        if p.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let pattern = format!("{}%", escape_like(&p));
        let tag_pattern = format!("{}%", escape_like(p.trim_start_matches('#')));
        let mut out: Vec<Suggestion> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut push = |text: String, kind: SuggestionKind, out: &mut Vec<Suggestion>| {
            if out.len() < limit && seen.insert(text.to_lowercase()) {
                out.push(Suggestion { text, kind });
            }
        };
        let conn = self.connection();
        let mut stmt = conn.prepare_cached(
            "SELECT query FROM search_history WHERE lower(query) LIKE ? ESCAPE '\\'
             ORDER BY last_used_at DESC LIMIT 3",
        )?;
        for q in stmt.query_map(params![pattern], |r| r.get::<_, String>(0))? {
            push(q?, SuggestionKind::History, &mut out);
        }
        let mut stmt = conn.prepare_cached(
            "SELECT t, count(*) AS n FROM (SELECT unnest(tags) AS t FROM prompts)
             WHERE lower(t) LIKE ? ESCAPE '\\' GROUP BY t ORDER BY n DESC, t LIMIT 5",
        )?;
        for t in stmt.query_map(params![tag_pattern], |r| r.get::<_, String>(0))? {
            push(format!("#{}", t?), SuggestionKind::Tag, &mut out);
        }
        let mut stmt = conn.prepare_cached(
            "SELECT DISTINCT synopsis FROM prompts WHERE synopsis ILIKE ? ESCAPE '\\'
             ORDER BY length(synopsis), synopsis LIMIT 5",
        )?;
        for s in stmt.query_map(params![pattern], |r| r.get::<_, String>(0))? {
            push(s?, SuggestionKind::Synopsis, &mut out);
        }
        Ok(out)
    }
}
