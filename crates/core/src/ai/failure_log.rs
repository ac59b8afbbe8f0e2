//! The local log of AI requests that failed after their retries: one JSON
//! object per line with every attempt's outcome and raw answer, for
//! debugging a model that does not follow the instructions.
//!
//! The file is owner-only (0600) in an owner-only directory. It holds model
//! output (which may quote the prompt) but never the API key: answers are
//! scrubbed before they get here.

use std::io::Write;
use std::path::Path;

use chrono::{SecondsFormat, Utc};
use serde::Serialize;

/// Longest raw answer kept per attempt, in bytes.
const MAX_RAW_BYTES: usize = 64 * 1024;

/// One attempt of a failed request.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptRecord {
    pub attempt: u32,
    pub at: String,
    /// What went wrong with this attempt.
    pub error: String,
    /// The model's answer as received, when there was one.
    pub raw: Option<String>,
}

impl AttemptRecord {
    pub fn new(attempt: u32, error: &impl ToString, raw: Option<String>) -> Self {
        AttemptRecord {
            attempt,
            at: now(),
            error: error.to_string(),
            raw: raw.map(truncate),
        }
    }
}

fn truncate(mut raw: String) -> String {
    if raw.len() > MAX_RAW_BYTES {
        let mut cut = MAX_RAW_BYTES;
        while !raw.is_char_boundary(cut) {
            cut -= 1;
        }
        raw.truncate(cut);
        raw.push_str("…[truncated]");
    }
    raw
}

/// A failed request as logged.
#[derive(Debug, Serialize)]
pub struct FailureRecord<'a> {
    pub at: String,
    pub feature: &'a str,
    pub endpoint: &'a str,
    pub model: &'a str,
    pub attempts: &'a [AttemptRecord],
}

/// Appends `record` to the log at `path`, creating it owner-only.
pub fn append(path: &Path, record: &FailureRecord<'_>) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut file = opts.open(path)?;
    let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    line.push(b'\n');
    file.write_all(&line)
}

/// The current time as the log writes it.
pub fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_answers_are_cut_on_a_character_boundary() {
        let raw = "é".repeat(MAX_RAW_BYTES);
        let cut = truncate(raw);
        assert!(cut.ends_with("…[truncated]"));
        assert!(cut.len() <= MAX_RAW_BYTES + "…[truncated]".len());
        assert_eq!(truncate("short".into()), "short");
    }
}
