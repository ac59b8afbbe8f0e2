//! Autocomplete: recent searches, tags and synopses starting with what the
//! user typed (ignoring case), de-duplicated, history and tags first.
//!
//! The three sources are queried concurrently, each on its own connection
//! of the same database. A UI that suggests on every keystroke keeps a
//! [`Suggester`]: three connections with their prepared statements, and the
//! library's tags with their counts, reloaded only when the prompts change
//! (counting tags means unnesting every prompt's list: 6-7 ms at 100k
//! prompts, over the 10 ms budget once the other queries run beside it).
//! [`Store::suggest`] makes a suggester for a single call.

use duckdb::params;
use promptvault_types::{Suggestion, SuggestionKind};

use crate::error::Result;
use crate::store::{now_micros, Store};

/// Longest query remembered in the history.
const MAX_HISTORY_QUERY: usize = 200;

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

    /// Up to `limit` suggestions for `prefix` (see [`Suggester::suggest`]).
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>> {
        self.suggester()?.suggest(prefix, limit)
    }

    /// A suggester on three connections of this database.
    pub fn suggester(&self) -> Result<Suggester> {
        Ok(Suggester {
            history: self.try_clone()?,
            tags: TagSource {
                store: self.try_clone()?,
                cache: None,
            },
            synopses: self.try_clone()?,
        })
    }
}

/// Most suggestions taken from each source before merging.
const HISTORY: usize = 3;
const TAGS: usize = 5;
const SYNOPSES: usize = 5;
/// Synopsis rows read to find [`SYNOPSES`] distinct ones.
const SYNOPSIS_ROWS: usize = 50;

/// Autocomplete over one connection per source.
pub struct Suggester {
    history: Store,
    tags: TagSource,
    synopses: Store,
}

/// The tags of the library with their counts, cached until the prompts
/// change.
struct TagSource {
    store: Store,
    cache: Option<(LibraryVersion, Vec<(String, i64)>)>,
}

/// Changes when a prompt is added, deleted or edited (an edit moves
/// `updated_at`; an add or delete changes the count or the newest
/// `created_at`). Cheap: one pass over two timestamp columns.
type LibraryVersion = (i64, Option<i64>, Option<i64>);

impl Suggester {
    /// Up to `limit` suggestions for `prefix`: history (most recent first),
    /// then tags (most used first), then synopses (shortest first), without
    /// repeats ignoring case.
    pub fn suggest(&mut self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>> {
        let p = prefix.trim_start().to_lowercase();
        if p.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let tag_prefix = p.trim_start_matches('#');
        let Suggester {
            history,
            tags,
            synopses,
        } = self;
        let (history, tags, synopses) = std::thread::scope(|scope| {
            let history = scope.spawn(|| recent_searches(history, &p));
            let tags = scope.spawn(|| tags.with_prefix(tag_prefix));
            let synopses = synopsis_prefixes(synopses, &p);
            (join(history), join(tags), synopses)
        });
        let mut out: Vec<Suggestion> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let sources = [
            (history?, SuggestionKind::History),
            (tags?, SuggestionKind::Tag),
            (synopses?, SuggestionKind::Synopsis),
        ];
        for (texts, kind) in sources {
            for text in texts {
                if out.len() < limit && seen.insert(text.to_lowercase()) {
                    out.push(Suggestion { text, kind });
                }
            }
        }
        Ok(out)
    }
}

fn join(handle: std::thread::ScopedJoinHandle<'_, Result<Vec<String>>>) -> Result<Vec<String>> {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn strings(store: &Store, sql: &str, prefix: &str) -> Result<Vec<String>> {
    let mut stmt = store.connection().prepare_cached(sql)?;
    let rows = stmt
        .query_map(params![prefix], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

fn recent_searches(store: &mut Store, prefix: &str) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT query FROM search_history WHERE starts_with(lower(query), ?)
         ORDER BY last_used_at DESC LIMIT {HISTORY}"
    );
    strings(store, &sql, prefix)
}

/// The shortest distinct synopses starting with `prefix`, ignoring case: a
/// top-N over matching rows (cheaper than `DISTINCT` over all of them),
/// matched with an anchored case-insensitive regular expression (about half
/// the cost of `starts_with(lower(synopsis), ?)`, which lower-cases every
/// synopsis).
fn synopsis_prefixes(store: &mut Store, prefix: &str) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT synopsis FROM prompts WHERE regexp_matches(synopsis, ?)
         ORDER BY length(synopsis), synopsis LIMIT {SYNOPSIS_ROWS}"
    );
    let pattern = format!("(?i)^{}", quote_regex(prefix));
    let mut out: Vec<String> = strings(store, &sql, &pattern)?;
    out.dedup();
    out.truncate(SYNOPSES);
    Ok(out)
}

/// `text` as a literal in an RE2 pattern (as RE2's `QuoteMeta`: every ASCII
/// character other than a letter, digit or `_` escaped).
fn quote_regex(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c {
            '\0' => out.push_str("\\x00"),
            c if c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '_') => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

impl TagSource {
    /// The most used tags starting with `prefix` (ignoring case), as `#tag`.
    fn with_prefix(&mut self, prefix: &str) -> Result<Vec<String>> {
        let version: LibraryVersion = self
            .store
            .connection()
            .prepare_cached(
                "SELECT count(*), epoch_us(max(created_at)), epoch_us(max(updated_at)) FROM prompts",
            )?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let tags = match &self.cache {
            Some((cached, tags)) if *cached == version => tags,
            _ => {
                let tags = self.load()?;
                &self.cache.insert((version, tags)).1
            }
        };
        Ok(tags
            .iter()
            .filter(|(t, _)| t.to_lowercase().starts_with(prefix))
            .take(TAGS)
            .map(|(t, _)| format!("#{t}"))
            .collect())
    }

    /// Every tag with its count, most used first.
    fn load(&self) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.store.connection().prepare_cached(
            "SELECT t, count(*) AS n FROM (SELECT unnest(tags) AS t FROM prompts)
             GROUP BY t ORDER BY n DESC, t",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::quote_regex;

    #[test]
    fn regex_quoting_leaves_only_literals() {
        assert_eq!(quote_regex("c++ (x)"), "c\\+\\+\\ \\(x\\)");
        assert_eq!(
            quote_regex("a.b*$^|?[]{}\\"),
            "a\\.b\\*\\$\\^\\|\\?\\[\\]\\{\\}\\\\"
        );
        assert_eq!(quote_regex("翻译_ok"), "翻译_ok");
        assert_eq!(quote_regex("\0"), "\\x00");
    }
}
