//! The prompt lifecycle: create, read, list, edit, delete, duplicate, and
//! the transitions that make a prompt immutable (upload, sync).
//!
//! The rules are enforced here, not in a UI: a prompt is editable only while
//! `source = 'local' AND uploaded_at IS NULL`, and its `updated_at` never
//! changes after upload.

use chrono::{DateTime, Utc};
use duckdb::{params, params_from_iter, OptionalExt, Row};
use promptvault_types::{NewPrompt, Prompt, PromptPage, PromptPatch, PromptSource};
use uuid::Uuid;

use super::{from_micros, now_micros, Store};
use crate::error::{Error, Result};
use crate::search::text::search_body;
use crate::search::Filter;
use crate::validate;

/// Shortest ID prefix accepted in place of a full ID.
pub const MIN_ID_PREFIX: usize = 4;

/// What to list, and which page.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub limit: u64,
    pub offset: u64,
    pub source: Option<PromptSource>,
    pub is_private: Option<bool>,
    pub tag: Option<String>,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            limit: 50,
            offset: 0,
            source: None,
            is_private: None,
            tag: None,
        }
    }
}

/// A complete prompt row as it comes from an import or a sync: every field
/// is kept, including ids and timestamps.
pub type ImportedPrompt = Prompt;

/// The columns of a [`Prompt`], in the order [`read_prompt`] expects.
pub(crate) const PROMPT_COLUMNS: &str = "CAST(id AS VARCHAR), content, synopsis, \
     CAST(to_json(tags) AS VARCHAR), score, CAST(owner_id AS VARCHAR), is_private, \
     epoch_us(uploaded_at), source, epoch_us(created_at), epoch_us(updated_at)";

/// Builds a [`Prompt`] from a row selected with [`PROMPT_COLUMNS`].
pub(crate) fn read_prompt(row: &Row<'_>) -> duckdb::Result<Result<Prompt>> {
    let id: String = row.get(0)?;
    let tags: Option<String> = row.get(3)?;
    let owner: String = row.get(5)?;
    let uploaded: Option<i64> = row.get(7)?;
    let source: String = row.get(8)?;
    let created: i64 = row.get(9)?;
    let updated: i64 = row.get(10)?;
    let content: String = row.get(1)?;
    let synopsis: Option<String> = row.get(2)?;
    let score: Option<i32> = row.get(4)?;
    let is_private: bool = row.get(6)?;
    Ok((|| {
        Ok(Prompt {
            id: parse_uuid(&id)?,
            content,
            synopsis,
            tags: match tags {
                None => Vec::new(),
                Some(t) => serde_json::from_str(&t)
                    .map_err(|e| Error::Corrupt(format!("tags of {id}: {e}")))?,
            },
            score,
            owner_id: parse_uuid(&owner)?,
            is_private,
            uploaded_at: uploaded.map(from_micros).transpose()?,
            source: PromptSource::parse(&source)
                .ok_or_else(|| Error::Corrupt(format!("source {source:?} of {id}")))?,
            created_at: from_micros(created)?,
            updated_at: from_micros(updated)?,
        })
    })())
}

fn parse_uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| Error::Corrupt(format!("bad UUID {s:?}")))
}

/// Tags as the JSON text bound into `CAST(?::JSON AS TEXT[])`; `None` (SQL
/// NULL) when there are none.
fn tags_param(tags: &[String]) -> Option<String> {
    (!tags.is_empty()).then(|| serde_json::to_string(tags).expect("strings serialise"))
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// The connection-local table a bulk insert stages its rows in.
const STAGING: &str = "import_staging";

const INSERT_PROMPT: &str = "INSERT INTO prompts
    (id, content, synopsis, tags, score, owner_id, is_private, uploaded_at, source,
     created_at, updated_at)
    VALUES (?::UUID, ?, ?, CAST(?::JSON AS TEXT[]), ?, ?::UUID, ?,
            make_timestamp(?::BIGINT), ?, make_timestamp(?::BIGINT), make_timestamp(?::BIGINT))";

impl Store {
    /// Validates and saves a new local prompt owned by this device's user.
    pub fn create_prompt(&self, new: NewPrompt) -> Result<Prompt> {
        let prompt = self.draft_from(new)?;
        self.insert_prompt(&prompt)?;
        Ok(prompt)
    }

    /// Builds a validated, not yet saved, local draft.
    pub(crate) fn draft_from(&self, new: NewPrompt) -> Result<Prompt> {
        validate::content(&new.content)?;
        let now = from_micros(now_micros())?;
        Ok(Prompt {
            id: Uuid::new_v4(),
            content: new.content,
            synopsis: validate::synopsis(new.synopsis.as_deref())?,
            tags: validate::tags(&new.tags)?,
            score: validate::score(new.score.map(i64::from))?,
            owner_id: self.local_user_id,
            is_private: new.is_private,
            uploaded_at: None,
            source: PromptSource::Local,
            created_at: now,
            updated_at: now,
        })
    }

    /// Inserts a complete row as it is (ids and timestamps included).
    pub(crate) fn insert_prompt(&self, p: &Prompt) -> Result<()> {
        // Cached: an import runs this once per row.
        self.conn.prepare_cached(INSERT_PROMPT)?.execute(params![
            p.id.to_string(),
            p.content,
            p.synopsis,
            tags_param(&p.tags),
            p.score,
            p.owner_id.to_string(),
            p.is_private,
            p.uploaded_at.map(micros),
            p.source.as_str(),
            micros(p.created_at),
            micros(p.updated_at),
        ])?;
        self.index_prompt(p.id, p.synopsis.as_deref(), &p.content)
    }

    /// Inserts many complete rows (an import) in one transaction, all or
    /// nothing. Rows go through a connection-local staging table filled by
    /// DuckDB's appender, then into `prompts` and the search tables with one
    /// set-based statement each: memory stays proportional to the data, not
    /// to the number of statements (row-by-row inserts of 100k prompts in
    /// one transaction grew the process to 17 GiB).
    pub(crate) fn insert_prompts_bulk(
        &self,
        prompts: &[Prompt],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<()> {
        if prompts.is_empty() {
            return Ok(());
        }
        self.conn.execute_batch(&format!(
            "CREATE OR REPLACE TEMP TABLE {STAGING} (
                id VARCHAR, content VARCHAR, synopsis VARCHAR, tags VARCHAR, score INTEGER,
                owner_id VARCHAR, is_private BOOLEAN, uploaded_at BIGINT, source VARCHAR,
                created_at BIGINT, updated_at BIGINT, body VARCHAR)"
        ))?;
        let result = self.stage_prompts(prompts, progress).and_then(|()| {
            self.in_transaction(|| {
                self.conn.execute_batch(&format!(
                    "INSERT INTO prompts
                        (id, content, synopsis, tags, score, owner_id, is_private, uploaded_at,
                         source, created_at, updated_at)
                     SELECT id::UUID, content, synopsis, CAST(tags::JSON AS TEXT[]), score,
                            owner_id::UUID, is_private, make_timestamp(uploaded_at), source,
                            make_timestamp(created_at), make_timestamp(updated_at)
                     FROM temp.{STAGING}"
                ))?;
                self.index_staged(&format!("temp.{STAGING}"))
            })
        });
        if let Err(e) = self
            .conn
            .execute_batch(&format!("DROP TABLE IF EXISTS temp.{STAGING}"))
        {
            tracing::warn!(error = %e, "could not drop the import staging table");
        }
        result
    }

    fn stage_prompts(
        &self,
        prompts: &[Prompt],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<()> {
        let total = prompts.len();
        let mut appender = self
            .conn
            .appender_to_catalog_and_db(STAGING, "temp", "main")?;
        for (i, p) in prompts.iter().enumerate() {
            appender.append_row(params![
                p.id.to_string(),
                p.content,
                p.synopsis,
                tags_param(&p.tags),
                p.score,
                p.owner_id.to_string(),
                p.is_private,
                p.uploaded_at.map(micros),
                p.source.as_str(),
                micros(p.created_at),
                micros(p.updated_at),
                search_body(p.synopsis.as_deref(), &p.content),
            ])?;
            if i % 1024 == 1023 || i + 1 == total {
                progress(i + 1, total);
            }
        }
        appender.flush()?;
        Ok(())
    }

    /// The prompt with this exact id, if any.
    pub fn find_prompt(&self, id: Uuid) -> Result<Option<Prompt>> {
        let sql = format!("SELECT {PROMPT_COLUMNS} FROM prompts WHERE id = ?::UUID");
        self.conn
            .query_row(&sql, params![id.to_string()], read_prompt)
            .optional()?
            .transpose()
    }

    /// The prompt with this id, or [`Error::NotFound`].
    pub fn prompt(&self, id: Uuid) -> Result<Prompt> {
        self.find_prompt(id)?
            .ok_or_else(|| Error::NotFound(id.to_string()))
    }

    /// Resolves a full ID or a unique prefix of at least [`MIN_ID_PREFIX`]
    /// hex digits (like git), ignoring case.
    pub fn resolve_id(&self, text: &str) -> Result<Uuid> {
        let wanted = text.trim().to_ascii_lowercase();
        if let Ok(id) = Uuid::parse_str(&wanted) {
            return self.prompt(id).map(|p| p.id);
        }
        let is_prefix = wanted.len() >= MIN_ID_PREFIX
            && wanted.len() < 36
            && wanted.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        if !is_prefix {
            return Err(Error::BadId(text.to_string()));
        }
        let mut stmt = self.conn.prepare(
            "SELECT CAST(id AS VARCHAR) AS s FROM prompts
             WHERE starts_with(CAST(id AS VARCHAR), ?) ORDER BY s LIMIT 6",
        )?;
        let matches = stmt
            .query_map(params![wanted], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        match matches.as_slice() {
            [] => Err(Error::NotFound(text.to_string())),
            [one] => parse_uuid(one),
            _ => Err(Error::AmbiguousId {
                prefix: text.to_string(),
                matches,
            }),
        }
    }

    /// One page of prompts, newest first, with the total count.
    pub fn list_prompts(&self, q: &ListQuery) -> Result<PromptPage> {
        let filter = Filter::new(q.source, q.is_private, q.tag.as_deref());
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM prompts p WHERE {}", filter.sql),
            params_from_iter(&filter.args),
            |r| r.get(0),
        )?;
        let sql = format!(
            "SELECT {PROMPT_COLUMNS} FROM prompts p WHERE {}
             ORDER BY created_at DESC, id DESC LIMIT {} OFFSET {}",
            filter.sql, q.limit, q.offset
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let items = stmt
            .query_map(params_from_iter(&filter.args), read_prompt)?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        Ok(PromptPage {
            items,
            total: total as u64,
            offset: q.offset,
            limit: q.limit,
        })
    }

    /// Number of prompts in the library.
    pub fn count_prompts(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM prompts", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Applies an edit to an editable prompt. Refused with
    /// [`Error::Immutable`] for uploaded and synced prompts. A patch that
    /// changes nothing leaves the prompt (and its `updated_at`) untouched.
    /// Changing the content clears the vector, marking it for re-embedding.
    pub fn update_prompt(&self, id: Uuid, patch: PromptPatch) -> Result<Prompt> {
        let old = self.prompt(id)?;
        if let Some(reason) = old.immutability() {
            return Err(Error::Immutable { id, reason });
        }
        let mut new = old.clone();
        if let Some(content) = patch.content {
            validate::content(&content)?;
            new.content = content;
        }
        if let Some(synopsis) = patch.synopsis {
            new.synopsis = validate::synopsis(synopsis.as_deref())?;
        }
        if let Some(tags) = patch.tags {
            new.tags = validate::tags(&tags)?;
        }
        if let Some(score) = patch.score {
            new.score = validate::score(score.map(i64::from))?;
        }
        if let Some(private) = patch.is_private {
            new.is_private = private;
        }
        if new == old {
            return Ok(old);
        }
        new.updated_at = from_micros(now_micros())?;
        let content_changed = new.content != old.content;
        // The WHERE clause re-checks editability, so an upload that lands
        // between the read above and this write still wins.
        let changed = self.conn.execute(
            "UPDATE prompts SET content = ?, synopsis = ?, tags = CAST(?::JSON AS TEXT[]),
                 score = ?, is_private = ?, updated_at = make_timestamp(?::BIGINT),
                 vector = CASE WHEN ? THEN NULL ELSE vector END
             WHERE id = ?::UUID AND source = 'local' AND uploaded_at IS NULL",
            params![
                new.content,
                new.synopsis,
                tags_param(&new.tags),
                new.score,
                new.is_private,
                micros(new.updated_at),
                content_changed,
                id.to_string(),
            ],
        )?;
        if changed == 0 {
            let now = self.prompt(id)?;
            return Err(match now.immutability() {
                Some(reason) => Error::Immutable { id, reason },
                None => Error::NotFound(id.to_string()),
            });
        }
        if content_changed || new.synopsis != old.synopsis {
            self.index_prompt(id, new.synopsis.as_deref(), &new.content)?;
        }
        Ok(new)
    }

    /// Deletes a prompt from the local library and returns it.
    pub fn delete_prompt(&self, id: Uuid) -> Result<Prompt> {
        let old = self.prompt(id)?;
        self.conn.execute(
            "DELETE FROM prompts WHERE id = ?::UUID",
            params![id.to_string()],
        )?;
        self.unindex_prompt(id)?;
        Ok(old)
    }

    /// Copies a prompt into a new editable local draft. This is how a user
    /// builds on an uploaded or synced prompt. A copy of another user's
    /// synced prompt starts private.
    pub fn duplicate_prompt(&self, id: Uuid) -> Result<Prompt> {
        let old = self.prompt(id)?;
        let is_private = old.is_private || old.source == PromptSource::Synced;
        self.create_prompt(NewPrompt {
            content: old.content,
            synopsis: old.synopsis,
            tags: old.tags,
            score: old.score,
            is_private,
        })
    }

    /// Records a confirmed upload: the prompt becomes immutable. Only public
    /// local prompts can be uploaded; the first confirmation wins.
    pub fn mark_uploaded(&self, id: Uuid, at: DateTime<Utc>) -> Result<Prompt> {
        let p = self.prompt(id)?;
        if p.source == PromptSource::Synced || p.is_private {
            return Err(Error::Corrupt(format!(
                "prompt {id} is not a public local prompt and cannot be uploaded"
            )));
        }
        self.conn.execute(
            "UPDATE prompts SET uploaded_at = make_timestamp(?::BIGINT)
             WHERE id = ?::UUID AND uploaded_at IS NULL",
            params![micros(at), id.to_string()],
        )?;
        self.prompt(id)
    }

    /// Stores a prompt downloaded by sync: `source = 'synced'`, public, and
    /// `uploaded_at` set to its server creation time, so it is immutable and
    /// never uploaded again. Returns false when the id is already present.
    pub fn insert_synced(&self, mut p: Prompt) -> Result<bool> {
        if self.find_prompt(p.id)?.is_some() {
            return Ok(false);
        }
        validate::content(&p.content)?;
        p.synopsis = validate::synopsis(p.synopsis.as_deref())?;
        p.tags = validate::tags(&p.tags)?;
        p.score = validate::score(p.score.map(i64::from))?;
        p.source = PromptSource::Synced;
        p.is_private = false;
        p.uploaded_at = Some(p.uploaded_at.unwrap_or(p.created_at));
        self.insert_prompt(&p)?;
        Ok(true)
    }
}

impl Store {
    /// Every prompt, oldest first (exports).
    pub fn all_prompts_oldest_first(&self) -> Result<Vec<Prompt>> {
        let sql = format!("SELECT {PROMPT_COLUMNS} FROM prompts ORDER BY created_at, id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map([], read_prompt)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().collect()
    }
}
