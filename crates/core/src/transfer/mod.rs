//! Import and export of prompt collections.
//!
//! Formats:
//! - **JSON** (PromptVault's own): an array of full prompt objects; lossless
//!   and re-importable. On import only `content` is required, so a
//!   hand-written `[{"content": "...", "tags": ["x"]}]` works too.
//! - **CSV** (PromptVault's own): one row per prompt with a header; `tags`
//!   is a JSON array in its cell. Lossless and re-importable.
//! - **Markdown**: readable, one section per prompt, with the metadata in an
//!   HTML comment and the content in a fenced block; lossless and
//!   re-importable.
//! - **prompts.chat CSV** (`act,prompt,for_devs,type,contributor`, import
//!   only): `act` becomes the synopsis, `prompt` the content, `type`
//!   (lower-cased) a tag, and `for_devs = TRUE` the tag `for-devs`.
//! - **`{act, prompt}` JSON array** (import only), as in prompts-zh.
//!
//! An import is all or nothing: the whole file is parsed and validated
//! before the first write, then written in one transaction (set-based, see
//! `Store::insert_prompts_bulk`) that also rebuilds the full-text index, so
//! the new prompts are searchable the moment they appear. Skipped rows:
//! a row whose id is already in the library, and a row whose content and
//! synopsis are both identical to a prompt already in the library (or to
//! an earlier row of the same file). Both are counted in the summary.

mod csv_format;
mod json_format;
mod markdown;

use std::collections::HashSet;
use std::path::Path;

use md5::{Digest, Md5};
use promptvault_types::{Prompt, PromptSource};
use serde::Serialize;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::{from_micros, now_micros, Store};
use crate::validate;

/// File formats PromptVault reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Markdown,
}

impl Format {
    /// Guesses the format from a file name's extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }

    /// Parses a format name (`json`, `csv`, `md`/`markdown`).
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// Why a file could not be imported. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct ImportError {
    /// "line 12", "item 3", or the file name for whole-file problems.
    pub location: String,
    pub message: String,
}

impl ImportError {
    pub(crate) fn at(location: impl Into<String>, message: impl Into<String>) -> Self {
        ImportError {
            location: location.into(),
            message: message.into(),
        }
    }
}

/// One parsed row, before validation. Fields absent from the file are
/// `None` and get defaults (new id, now, this device's user, local, private).
#[derive(Debug, Clone, Default)]
pub(crate) struct Record {
    /// Where the row is, for error messages ("line 12", "item 3").
    pub location: String,
    pub id: Option<Uuid>,
    pub content: String,
    pub synopsis: Option<String>,
    pub tags: Vec<String>,
    pub score: Option<i64>,
    pub owner_id: Option<Uuid>,
    pub is_private: Option<bool>,
    pub uploaded_at: Option<chrono::DateTime<chrono::Utc>>,
    pub source: Option<PromptSource>,
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Rows read from the file.
    pub read: usize,
    /// Prompts added to the library.
    pub imported: usize,
    /// Rows skipped because the same content and synopsis already exist.
    pub duplicates: usize,
    /// Rows skipped because a prompt with the same id already exists.
    pub already_present: usize,
    /// Ids of the prompts added, in file order.
    #[serde(skip)]
    pub imported_ids: Vec<Uuid>,
}

/// Parses `text` (the contents of a file in `format`) into records.
pub(crate) fn parse(format: Format, text: &str) -> Result<Vec<Record>, ImportError> {
    match format {
        Format::Json => json_format::parse(text),
        Format::Csv => csv_format::parse(text),
        Format::Markdown => markdown::parse(text),
    }
}

/// Key identifying "the same prompt" for de-duplication: content and
/// synopsis, both exactly.
fn identity(synopsis: Option<&str>, content: &str) -> [u8; 16] {
    let mut h = Md5::new();
    h.update(synopsis.unwrap_or("").as_bytes());
    h.update([0u8]);
    h.update(content.as_bytes());
    h.finalize().into()
}

fn to_prompt(store: &Store, r: Record) -> Result<Prompt, ImportError> {
    let invalid = |e: validate::ValidationError| ImportError::at(&r.location, e.to_string());
    validate::content(&r.content).map_err(invalid)?;
    let synopsis = validate::synopsis(r.synopsis.as_deref()).map_err(invalid)?;
    let tags = validate::tags(&r.tags).map_err(invalid)?;
    let score = validate::score(r.score).map_err(invalid)?;
    let now = from_micros(now_micros()).map_err(|e| ImportError::at(&r.location, e.to_string()))?;
    let created_at = r.created_at.unwrap_or(now);
    let source = r.source.unwrap_or(PromptSource::Local);
    let mut uploaded_at = r.uploaded_at;
    if source == PromptSource::Synced && uploaded_at.is_none() {
        uploaded_at = Some(created_at);
    }
    Ok(Prompt {
        id: r.id.unwrap_or_else(Uuid::new_v4),
        content: r.content,
        synopsis,
        tags,
        score,
        owner_id: r.owner_id.unwrap_or(store.local_user_id()),
        is_private: r.is_private.unwrap_or(source == PromptSource::Local),
        uploaded_at,
        source,
        created_at,
        updated_at: r.updated_at.unwrap_or(created_at),
    })
}

impl Store {
    /// Imports a file, detecting its format from the extension unless one is
    /// given. `progress(done, total)` is called as rows are written.
    pub fn import_file(
        &self,
        path: &Path,
        format: Option<Format>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportSummary> {
        let format = format.or_else(|| Format::from_path(path)).ok_or_else(|| {
            ImportError::at(
                path.display().to_string(),
                "unknown file type: use a .json, .csv or .md file, or name the format",
            )
        })?;
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
            ImportError::at(format!("line {line}"), "the file is not valid UTF-8 text")
        })?;
        self.import_text(&text, format, progress)
    }

    /// Imports text in `format`; all or nothing.
    pub fn import_text(
        &self,
        text: &str,
        format: Format,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportSummary> {
        let records = parse(format, text)?;
        let mut prompts = Vec::with_capacity(records.len());
        for r in records {
            prompts.push(to_prompt(self, r)?);
        }
        let mut summary = ImportSummary {
            read: prompts.len(),
            ..ImportSummary::default()
        };
        let mut known = self.prompt_identities()?;
        let mut ids = self.prompt_ids()?;
        let mut fresh = Vec::new();
        for p in prompts {
            if ids.contains(&p.id) {
                summary.already_present += 1;
            } else if !known.insert(identity(p.synopsis.as_deref(), &p.content)) {
                summary.duplicates += 1;
            } else {
                ids.insert(p.id);
                fresh.push(p);
            }
        }
        // One transaction: the prompts, their indexed text and the rebuilt
        // full-text index appear together or not at all.
        self.insert_prompts_bulk(&fresh, progress)?;
        summary.imported = fresh.len();
        summary.imported_ids = fresh.iter().map(|p| p.id).collect();
        Ok(summary)
    }

    /// Every prompt, oldest first, in `format`.
    pub fn export(&self, format: Format) -> Result<String> {
        let prompts = self.all_prompts_oldest_first()?;
        Ok(match format {
            Format::Json => json_format::write(&prompts),
            Format::Csv => csv_format::write(&prompts)?,
            Format::Markdown => markdown::write(&prompts),
        })
    }

    fn prompt_identities(&self) -> Result<HashSet<[u8; 16]>> {
        let mut stmt = self
            .connection()
            .prepare("SELECT synopsis, content FROM prompts")?;
        let mut rows = stmt.query([])?;
        let mut set = HashSet::new();
        while let Some(row) = rows.next()? {
            let synopsis: Option<String> = row.get(0)?;
            let content: String = row.get(1)?;
            set.insert(identity(synopsis.as_deref(), &content));
        }
        Ok(set)
    }

    fn prompt_ids(&self) -> Result<HashSet<Uuid>> {
        let mut stmt = self
            .connection()
            .prepare("SELECT CAST(id AS VARCHAR) FROM prompts")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .filter_map(|s| s.ok().and_then(|s| Uuid::parse_str(&s).ok()))
            .collect();
        Ok(ids)
    }
}
