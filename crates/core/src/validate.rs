//! Validation and normalisation of user-supplied prompt fields.
//!
//! The limits are part of the product's contract and documented in the
//! README: content up to [`MAX_CONTENT_BYTES`], synopsis up to
//! [`MAX_SYNOPSIS_CHARS`], at most [`MAX_TAGS`] tags of at most
//! [`MAX_TAG_CHARS`] characters each, score 0..=100.

/// Largest accepted prompt content, in bytes of UTF-8 (4 MiB).
pub const MAX_CONTENT_BYTES: usize = 4 * 1024 * 1024;
/// Longest accepted synopsis, in characters.
pub const MAX_SYNOPSIS_CHARS: usize = 1_000;
/// Most tags on one prompt.
pub const MAX_TAGS: usize = 32;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 64;

/// A rule a prompt field broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("content is empty")]
    EmptyContent,
    #[error("content is {size} bytes, over the limit of {MAX_CONTENT_BYTES} bytes (4 MiB)")]
    ContentTooLarge { size: usize },
    #[error("content contains a NUL character, which cannot be stored")]
    NulInContent,
    #[error("synopsis is {chars} characters, over the limit of {MAX_SYNOPSIS_CHARS}")]
    SynopsisTooLong { chars: usize },
    #[error("score {0} is outside 0..=100")]
    ScoreOutOfRange(i64),
    #[error("{count} tags given, over the limit of {MAX_TAGS}")]
    TooManyTags { count: usize },
    #[error("tag {tag:?} is {chars} characters, over the limit of {MAX_TAG_CHARS}")]
    TagTooLong { tag: String, chars: usize },
}

/// Checks prompt content. Content is stored exactly as given (no trimming):
/// only an all-whitespace text is refused.
pub fn content(text: &str) -> Result<(), ValidationError> {
    if text.trim().is_empty() {
        return Err(ValidationError::EmptyContent);
    }
    if text.len() > MAX_CONTENT_BYTES {
        return Err(ValidationError::ContentTooLarge { size: text.len() });
    }
    if text.contains('\0') {
        return Err(ValidationError::NulInContent);
    }
    Ok(())
}

/// Normalises a synopsis: trimmed, and an empty one becomes `None`.
pub fn synopsis(text: Option<&str>) -> Result<Option<String>, ValidationError> {
    let Some(trimmed) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let chars = trimmed.chars().count();
    if chars > MAX_SYNOPSIS_CHARS {
        return Err(ValidationError::SynopsisTooLong { chars });
    }
    if trimmed.contains('\0') {
        return Err(ValidationError::NulInContent);
    }
    Ok(Some(trimmed.to_string()))
}

/// Checks a score.
pub fn score(score: Option<i64>) -> Result<Option<i32>, ValidationError> {
    match score {
        None => Ok(None),
        Some(s @ 0..=100) => Ok(Some(s as i32)),
        Some(s) => Err(ValidationError::ScoreOutOfRange(s)),
    }
}

/// Normalises tags: each is trimmed and loses leading `#`s and NULs, empty
/// ones are dropped, and later spellings of a tag already seen (ignoring
/// case) are dropped, keeping the first spelling and the order.
pub fn tags<S: AsRef<str>>(tags: &[S]) -> Result<Vec<String>, ValidationError> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for raw in tags {
        let tag: String = raw
            .as_ref()
            .trim()
            .trim_start_matches('#')
            .trim()
            .chars()
            .filter(|c| *c != '\0')
            .collect();
        if tag.is_empty() {
            continue;
        }
        let chars = tag.chars().count();
        if chars > MAX_TAG_CHARS {
            return Err(ValidationError::TagTooLong { tag, chars });
        }
        if seen.insert(tag.to_lowercase()) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(ValidationError::TooManyTags { count: out.len() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_rules() {
        assert_eq!(content(""), Err(ValidationError::EmptyContent));
        assert_eq!(
            content(" \n\t\u{3000} "),
            Err(ValidationError::EmptyContent)
        );
        assert!(content(" x ").is_ok());
        let big = "a".repeat(MAX_CONTENT_BYTES);
        assert!(content(&big).is_ok());
        let too_big = "a".repeat(MAX_CONTENT_BYTES + 1);
        assert_eq!(
            content(&too_big),
            Err(ValidationError::ContentTooLarge {
                size: MAX_CONTENT_BYTES + 1
            })
        );
        assert_eq!(content("a\0b"), Err(ValidationError::NulInContent));
    }

    #[test]
    fn synopsis_is_trimmed_and_empty_becomes_none() {
        assert_eq!(synopsis(None), Ok(None));
        assert_eq!(synopsis(Some("   ")), Ok(None));
        assert_eq!(
            synopsis(Some("  Linux terminal ")),
            Ok(Some("Linux terminal".into()))
        );
        let long = "é".repeat(MAX_SYNOPSIS_CHARS + 1);
        assert_eq!(
            synopsis(Some(&long)),
            Err(ValidationError::SynopsisTooLong {
                chars: MAX_SYNOPSIS_CHARS + 1
            })
        );
        // The limit counts characters, not bytes.
        assert!(synopsis(Some(&"é".repeat(MAX_SYNOPSIS_CHARS))).is_ok());
    }

    #[test]
    fn score_bounds() {
        assert_eq!(score(Some(0)), Ok(Some(0)));
        assert_eq!(score(Some(100)), Ok(Some(100)));
        assert_eq!(score(Some(101)), Err(ValidationError::ScoreOutOfRange(101)));
        assert_eq!(score(Some(-1)), Err(ValidationError::ScoreOutOfRange(-1)));
        assert_eq!(score(None), Ok(None));
    }

    #[test]
    fn tags_are_trimmed_deduplicated_and_bounded() {
        let got = tags(&[
            "  Rust ",
            "rust",
            "",
            "  ",
            "#CLI",
            "cli",
            "Ünïcode",
            "ünïcode",
            "日本",
        ])
        .unwrap();
        assert_eq!(got, vec!["Rust", "CLI", "Ünïcode", "日本"]);
        let many: Vec<String> = (0..MAX_TAGS + 1).map(|i| format!("t{i}")).collect();
        assert_eq!(
            tags(&many),
            Err(ValidationError::TooManyTags {
                count: MAX_TAGS + 1
            })
        );
        // Duplicates do not count towards the limit.
        let dup: Vec<String> = (0..MAX_TAGS * 2)
            .map(|i| format!("T{}", i % MAX_TAGS))
            .collect();
        assert_eq!(tags(&dup).unwrap().len(), MAX_TAGS);
        let long = "x".repeat(MAX_TAG_CHARS + 1);
        assert!(matches!(
            tags(&[long]),
            Err(ValidationError::TagTooLong { .. })
        ));
    }
}
