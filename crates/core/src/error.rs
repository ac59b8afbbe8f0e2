//! The one error type of the core library.

use std::path::PathBuf;

use promptvault_types::ImmutableReason;
use uuid::Uuid;

use crate::validate::ValidationError;

/// Everything that can go wrong in the core, each variant with a message a
/// user can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid prompt: {0}")]
    Invalid(#[from] ValidationError),

    #[error("prompt {id} cannot be edited: {reason}; duplicate it to make an editable copy")]
    Immutable { id: Uuid, reason: ImmutableReason },

    #[error("no prompt matches ID {0:?}")]
    NotFound(String),

    #[error("ID prefix {prefix:?} is ambiguous: it matches {}", .matches.join(", "))]
    AmbiguousId {
        prefix: String,
        matches: Vec<String>,
    },

    #[error("{0:?} is not a prompt ID (give a UUID or at least 4 of its leading hex digits)")]
    BadId(String),

    #[error(
        "the database {} is locked by another PromptVault process (is the desktop app \
         or another command running?): {detail}",
        path.display()
    )]
    Locked { path: PathBuf, detail: String },

    #[error("cannot open database {}: {detail}", path.display())]
    Open { path: PathBuf, detail: String },

    #[error(
        "database {} has schema version {found}, newer than this PromptVault understands \
         ({supported}); upgrade PromptVault",
        path.display()
    )]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: duckdb::Error,
    },

    #[error("unknown setting {key:?}; known settings: {known}")]
    UnknownSetting { key: String, known: String },

    #[error("invalid value for setting {key}: {reason}")]
    InvalidSetting { key: String, reason: String },

    #[error("{0}")]
    Import(#[from] crate::transfer::ImportError),

    #[error("I/O error on {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("database error: {0}")]
    Db(#[from] duckdb::Error),

    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// Result with the core [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
