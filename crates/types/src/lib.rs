//! Shared domain and API types for PromptVault.
//!
//! Everything here is plain data with serde derives and no I/O, so that the
//! local core, the command line, the desktop app and the cloud server all
//! speak exactly the same shapes. Field names follow the design spec
//! (section IV/V) in `snake_case`.

pub mod api;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a prompt came from: written on this device, or downloaded by sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PromptSource {
    Local,
    Synced,
}

impl PromptSource {
    /// The value stored in the `source` column.
    pub fn as_str(self) -> &'static str {
        match self {
            PromptSource::Local => "local",
            PromptSource::Synced => "synced",
        }
    }

    /// Parses the stored column value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "local" => Some(PromptSource::Local),
            "synced" => Some(PromptSource::Synced),
            _ => None,
        }
    }
}

impl std::fmt::Display for PromptSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A prompt as stored locally (the spec's `prompts` row without its vector).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Prompt {
    pub id: Uuid,
    pub content: String,
    pub synopsis: Option<String>,
    /// Keyword tags, already normalised (trimmed, unique ignoring case).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Quality score 0..=100.
    pub score: Option<i32>,
    pub owner_id: Uuid,
    pub is_private: bool,
    pub uploaded_at: Option<DateTime<Utc>>,
    pub source: PromptSource,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Prompt {
    /// A prompt may be edited only while it is a local draft that was never
    /// uploaded; uploaded and synced prompts are immutable.
    pub fn is_editable(&self) -> bool {
        self.immutability().is_none()
    }

    /// Why this prompt can no longer be edited, if it cannot.
    pub fn immutability(&self) -> Option<ImmutableReason> {
        if self.source == PromptSource::Synced {
            Some(ImmutableReason::Synced)
        } else if self.uploaded_at.is_some() {
            Some(ImmutableReason::Uploaded)
        } else {
            None
        }
    }
}

/// Why a prompt is read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ImmutableReason {
    /// It was uploaded to the cloud and is shared as it is.
    Uploaded,
    /// It was downloaded from another user by sync.
    Synced,
}

impl std::fmt::Display for ImmutableReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ImmutableReason::Uploaded => "it has been uploaded and shared",
            ImmutableReason::Synced => "it was downloaded from another user by sync",
        })
    }
}

/// The fields a user supplies when creating a prompt.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PromptFields"))]
pub struct NewPrompt {
    pub content: String,
    #[serde(default)]
    pub synopsis: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub score: Option<i32>,
    /// Defaults to private, as in the spec.
    #[serde(default = "default_true")]
    pub is_private: bool,
}

fn default_true() -> bool {
    true
}

/// A partial edit: `None` leaves a field as it is. For the nullable fields,
/// `Some(None)` clears them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PromptPatch {
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub synopsis: Option<Option<String>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub score: Option<Option<i32>>,
    #[serde(default)]
    pub is_private: Option<bool>,
}

impl PromptPatch {
    /// True when the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.content.is_none()
            && self.synopsis.is_none()
            && self.tags.is_none()
            && self.score.is_none()
            && self.is_private.is_none()
    }
}

/// One page of a listing, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PromptPage {
    pub items: Vec<Prompt>,
    /// Number of prompts matching the listing's filter, over all pages.
    pub total: u64,
    pub offset: u64,
    pub limit: u64,
}

/// A prompt's position in each of the ranked lists that hybrid search fuses
/// (1-based; `None` when the list did not contain it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListRanks {
    pub tag: Option<u32>,
    pub fts: Option<u32>,
    pub vector: Option<u32>,
}

/// One search result: the prompt, its fused (RRF) score and its ranks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    #[serde(flatten)]
    pub prompt: Prompt,
    /// Reciprocal Rank Fusion score (k = 60), higher is better.
    pub fused_score: f64,
    pub ranks: ListRanks,
}

/// The answer to one search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchResults {
    pub query: String,
    pub hits: Vec<SearchHit>,
    /// Whether the vector list took part (false: lexical results only, e.g.
    /// before the query embedding is ready).
    pub semantic: bool,
    /// Sizes of the three lists before fusion.
    pub tag_count: usize,
    pub fts_count: usize,
    pub vector_count: usize,
    pub took_ms: f64,
}

/// Where an autocomplete suggestion comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SuggestionKind {
    History,
    Tag,
    Synopsis,
}

/// One autocomplete suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Suggestion {
    pub text: String,
    pub kind: SuggestionKind,
}

/// The filters and size of a search, as a front end sends them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchFilters {
    /// Only prompts from this source.
    #[serde(default)]
    pub source: Option<PromptSource>,
    /// Only private (`true`) or only public (`false`) prompts.
    #[serde(default)]
    pub is_private: Option<bool>,
    /// Only prompts with this tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// Most results returned.
    #[serde(default = "default_limit")]
    pub limit: u32,
}

fn default_limit() -> u32 {
    20
}

impl Default for SearchFilters {
    fn default() -> Self {
        SearchFilters {
            source: None,
            is_private: None,
            tag: None,
            limit: default_limit(),
        }
    }
}
