//! Generating a prompt's synopsis, tags and score with the spec's
//! instruction, and reading them out of what real models answer.
//!
//! The parser is lenient about form and strict about substance:
//!
//! - the JSON object may be wrapped in a markdown code fence or surrounded
//!   by prose; the first complete object with metadata keys is used, and
//!   keys match ignoring case;
//! - the synopsis is required; whitespace is collapsed, and one longer than
//!   [`MAX_SYNOPSIS_WORDS`] words is cut to that many words plus `…`;
//! - tags may be a JSON array or a comma-separated string; they are
//!   normalised like user tags ([`crate::validate::tags`]); fewer than
//!   [`MIN_TAGS`] is invalid, more than [`MAX_TAGS`] keeps the first five;
//! - the score may be an integer, a float or a numeric string (`"85"`,
//!   `"85.0"`, `"85%"`, `"85/100"`); it is rounded; a score within
//!   -10..=110 is clamped to 0..=100, anything further out is invalid.
//!
//! An invalid answer is retried like a transport error. Every adjustment is
//! reported in [`GeneratedMetadata::adjustments`].

use promptvault_types::{Prompt, PromptPatch};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::assistant::{Assistant, Control, Job};
use super::client::Message;
use super::error::AiError;
use crate::{validate, Store};

/// The spec's instruction prompt (section V); `{prompt_content_here}` is
/// replaced by the prompt's content.
pub const METADATA_INSTRUCTION: &str = r#"Analyze the following prompt content. Generate a concise, one-sentence synopsis (maximum 15 words), 3-5 relevant keyword tags (as a JSON array of strings), and a quality score (as a JSON integer between 0 and 100) based on clarity, completeness, and potential effectiveness.

Respond ONLY with a single, valid JSON object containing the keys "synopsis", "tags", and "score". Do not include any explanations, markdown formatting, or any text before or after the JSON object.

Example format: {"synopsis": "A concise summary.", "tags": ["tag1", "tag2", "tag3"], "score": 85}

Prompt Content:
"""
{prompt_content_here}
"""

JSON Response:"#;

/// Longest synopsis kept, in words.
pub const MAX_SYNOPSIS_WORDS: usize = 15;
/// Fewest tags accepted.
pub const MIN_TAGS: usize = 3;
/// Most tags kept.
pub const MAX_TAGS: usize = 5;
/// Scores this far outside 0..=100 are clamped; further out they are
/// refused.
const SCORE_TOLERANCE: i64 = 10;

/// Metadata generated for a prompt, not yet saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GeneratedMetadata {
    pub synopsis: String,
    pub tags: Vec<String>,
    pub score: i32,
    /// What was changed to fit the rules ("score 104 clamped to 100").
    #[serde(default)]
    pub adjustments: Vec<String>,
    /// Requests it took (1 unless retried).
    #[serde(default)]
    pub attempts: u32,
}

impl Assistant {
    /// Asks the metadata model for a synopsis, tags and score of `content`.
    /// Transport failures and unusable answers are retried; when retries
    /// run out, the raw answers are in the failure log and the error is
    /// [`AiError::Exhausted`]. Nothing is saved.
    pub async fn generate_metadata(
        &self,
        content: &str,
        ctl: &Control,
    ) -> Result<GeneratedMetadata, AiError> {
        validate::content(content).map_err(crate::Error::from)?;
        let job = Job {
            feature: "metadata",
            model: &self.config().meta,
            messages: vec![Message::user(METADATA_INSTRUCTION.replacen(
                "{prompt_content_here}",
                content,
                1,
            ))],
            stream: false,
        };
        let answer = self.run(job, ctl, parse_metadata).await?;
        Ok(GeneratedMetadata {
            attempts: answer.attempts,
            ..answer.value
        })
    }
}

/// Saves generated metadata on prompt `id` (refused for immutable ones).
pub fn apply_metadata(
    store: &Store,
    id: Uuid,
    meta: &GeneratedMetadata,
) -> Result<Prompt, AiError> {
    let patch = PromptPatch {
        synopsis: Some(Some(meta.synopsis.clone())),
        tags: Some(meta.tags.clone()),
        score: Some(Some(meta.score)),
        ..PromptPatch::default()
    };
    Ok(store.update_prompt(id, patch)?)
}

/// Reads metadata out of a model's answer by the rules above, or says why
/// it cannot. `attempts` is 1.
pub fn parse_metadata(answer: &str) -> Result<GeneratedMetadata, String> {
    let object = find_object(answer)?;
    let field = |name: &str| {
        object
            .iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    };
    let mut adjustments = Vec::new();
    let synopsis = synopsis(field("synopsis"), &mut adjustments)?;
    let tags = tags(field("tags"), &mut adjustments)?;
    let score = score(field("score"), &mut adjustments)?;
    Ok(GeneratedMetadata {
        synopsis,
        tags,
        score,
        adjustments,
        attempts: 1,
    })
}

/// The first complete JSON object in `text` that has at least one metadata
/// key. Prose and code fences around it are skipped.
fn find_object(text: &str) -> Result<Map<String, Value>, String> {
    let mut saw_open = false;
    let mut last_error = None;
    for (start, _) in text.match_indices('{') {
        saw_open = true;
        let Some(len) = balanced_len(&text[start..]) else {
            continue;
        };
        match serde_json::from_str::<Value>(&text[start..start + len]) {
            Ok(Value::Object(map))
                if map.keys().any(|k| {
                    ["synopsis", "tags", "score"]
                        .iter()
                        .any(|want| k.trim().eq_ignore_ascii_case(want))
                }) =>
            {
                return Ok(map)
            }
            Ok(_) => {}
            Err(e) => last_error = Some(e.to_string()),
        }
    }
    Err(match (saw_open, last_error) {
        (false, _) => "the answer contains no JSON object".to_string(),
        (true, Some(e)) => format!("the answer's JSON is invalid: {e}"),
        (true, None) => {
            "the answer's JSON object is incomplete or has no metadata keys".to_string()
        }
    })
}

/// Length of the `{...}` that `text` starts with, respecting strings and
/// escapes; `None` when it is never closed (a truncated answer).
fn balanced_len(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn synopsis(value: Option<&Value>, adjustments: &mut Vec<String>) -> Result<String, String> {
    let text = value
        .and_then(Value::as_str)
        .ok_or("the synopsis is missing or not a string")?;
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return Err("the synopsis is empty".into());
    }
    let synopsis = if words.len() > MAX_SYNOPSIS_WORDS {
        adjustments.push(format!(
            "synopsis shortened from {} to {MAX_SYNOPSIS_WORDS} words",
            words.len()
        ));
        let cut = words[..MAX_SYNOPSIS_WORDS].join(" ");
        format!("{}…", cut.trim_end_matches([',', ';', ':', '.', '-']))
    } else {
        words.join(" ")
    };
    validate::synopsis(Some(&synopsis))
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "the synopsis is empty".to_string())
}

fn tags(value: Option<&Value>, adjustments: &mut Vec<String>) -> Result<Vec<String>, String> {
    let raw: Vec<String> = match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|t| match t {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => return Err("the tags are missing or neither a list nor a text".into()),
    };
    let split: Vec<&str> = raw.iter().flat_map(|t| t.split([',', ';'])).collect();
    let mut tags = validate::tags(&split).map_err(|e| e.to_string())?;
    if tags.len() < MIN_TAGS {
        return Err(format!(
            "only {} tag(s); {MIN_TAGS} to {MAX_TAGS} are needed",
            tags.len()
        ));
    }
    if tags.len() > MAX_TAGS {
        adjustments.push(format!("kept the first {MAX_TAGS} of {} tags", tags.len()));
        tags.truncate(MAX_TAGS);
    }
    Ok(tags)
}

fn score(value: Option<&Value>, adjustments: &mut Vec<String>) -> Result<i32, String> {
    let number = match value {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => {
            let s = s.trim();
            let s = s
                .strip_suffix("/100")
                .or_else(|| s.strip_suffix('%'))
                .unwrap_or(s);
            s.trim().parse::<f64>().ok()
        }
        None => return Err("the score is missing".into()),
        Some(_) => None,
    };
    let number = number.filter(|n| n.is_finite()).ok_or_else(|| {
        format!(
            "the score {} is not a number",
            value.map(Value::to_string).unwrap_or_default()
        )
    })?;
    let rounded = number.round() as i64;
    match rounded {
        0..=100 => Ok(rounded as i32),
        _ if (-SCORE_TOLERANCE..=100 + SCORE_TOLERANCE).contains(&rounded) => {
            let clamped = rounded.clamp(0, 100);
            adjustments.push(format!("score {rounded} clamped to {clamped}"));
            Ok(clamped as i32)
        }
        _ => Err(format!("the score {number} is outside 0-100")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(answer: &str) -> GeneratedMetadata {
        parse_metadata(answer).unwrap_or_else(|e| panic!("{answer:?}: {e}"))
    }

    fn invalid(answer: &str) -> String {
        parse_metadata(answer).expect_err(answer)
    }

    const PLAIN: &str = r#"{"synopsis": "Acts as a Linux terminal.", "tags": ["linux", "terminal", "roleplay"], "score": 85}"#;

    #[test]
    fn plain_fenced_and_prose_wrapped_json() {
        let expected = GeneratedMetadata {
            synopsis: "Acts as a Linux terminal.".into(),
            tags: vec!["linux".into(), "terminal".into(), "roleplay".into()],
            score: 85,
            adjustments: vec![],
            attempts: 1,
        };
        assert_eq!(ok(PLAIN), expected);
        assert_eq!(ok(&format!("```json\n{PLAIN}\n```")), expected);
        assert_eq!(
            ok(&format!(
                "Sure! Here is the JSON {{as requested}}:\n\n{PLAIN}\nHope it helps."
            )),
            expected
        );
    }

    #[test]
    fn lenient_field_shapes() {
        let m = ok(
            r##"{"Synopsis": "  Two\n words ", "TAGS": "#rust, CLI; rust , tools", "score": "85.0"}"##,
        );
        assert_eq!(m.synopsis, "Two words");
        assert_eq!(m.tags, vec!["rust", "CLI", "tools"]);
        assert_eq!(m.score, 85);
        assert_eq!(
            ok(r#"{"synopsis": "s", "tags": ["a","b","c"], "score": 84.6}"#).score,
            85
        );
        assert_eq!(
            ok(r#"{"synopsis": "s", "tags": ["a","b","c"], "score": "70%"}"#).score,
            70
        );
        assert_eq!(
            ok(r#"{"synopsis": "s", "tags": ["a","b","c"], "score": "70/100"}"#).score,
            70
        );
        // Braces inside strings do not confuse the scanner.
        assert_eq!(
            ok(r#"{"synopsis": "Uses {x} and \"}\"", "tags": ["a","b","c"], "score": 1}"#).synopsis,
            r#"Uses {x} and "}""#
        );
    }

    #[test]
    fn scores_clamp_near_the_range_and_fail_far_outside() {
        let at = |s: &str| {
            parse_metadata(&format!(
                r#"{{"synopsis": "s", "tags": ["a","b","c"], "score": {s}}}"#
            ))
        };
        let m = at("104").unwrap();
        assert_eq!(
            (m.score, m.adjustments),
            (100, vec!["score 104 clamped to 100".to_string()])
        );
        assert_eq!(at("-3").unwrap().score, 0);
        assert_eq!(at("110.4").unwrap().score, 100);
        assert!(at("111").unwrap_err().contains("outside 0-100"));
        assert!(at("850").is_err());
        assert!(at("-11").is_err());
        assert!(at("\"high\"").unwrap_err().contains("not a number"));
        assert!(at("null").unwrap_err().contains("missing"));
    }

    #[test]
    fn synopsis_over_fifteen_words_is_cut() {
        let long = (1..=20)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let m = ok(&format!(
            r#"{{"synopsis": "{long}.", "tags": ["a","b","c"], "score": 5}}"#
        ));
        assert_eq!(
            m.synopsis,
            format!(
                "{}…",
                (1..=15)
                    .map(|i| format!("w{i}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        );
        assert_eq!(
            m.adjustments,
            vec!["synopsis shortened from 20 to 15 words"]
        );
        assert!(
            invalid(r#"{"synopsis": "  ", "tags": ["a","b","c"], "score": 5}"#).contains("empty")
        );
        assert!(
            invalid(r#"{"synopsis": 5, "tags": ["a","b","c"], "score": 5}"#).contains("synopsis")
        );
    }

    #[test]
    fn three_to_five_tags() {
        let m = ok(r#"{"synopsis": "s", "tags": ["a","b","c","d","e","f","g"], "score": 5}"#);
        assert_eq!(m.tags, vec!["a", "b", "c", "d", "e"]);
        assert_eq!(m.adjustments, vec!["kept the first 5 of 7 tags"]);
        // Duplicates (ignoring case) and blanks do not count.
        let few = invalid(r##"{"synopsis": "s", "tags": ["a","A"," ","#b"], "score": 5}"##);
        assert!(few.contains("only 2 tag(s)"), "{few}");
        assert!(invalid(r#"{"synopsis": "s", "score": 5}"#).contains("tags are missing"));
    }

    #[test]
    fn unusable_answers_say_why() {
        assert!(invalid("I cannot help with that.").contains("no JSON object"));
        let truncated = r#"{"synopsis": "Acts as a terminal", "tags": ["linux", "ter"#;
        assert!(
            invalid(truncated).contains("incomplete"),
            "{}",
            invalid(truncated)
        );
        assert!(
            invalid(r#"{"synopsis": "s", "tags": ["a","b","c"], "score": 5,}"#).contains("invalid")
        );
        assert!(invalid(r#"{"answer": 42}"#).contains("no metadata keys"));
    }

    #[test]
    fn the_instruction_is_the_spec_text_with_one_placeholder() {
        assert_eq!(
            METADATA_INSTRUCTION
                .matches("{prompt_content_here}")
                .count(),
            1
        );
        assert!(METADATA_INSTRUCTION.starts_with("Analyze the following prompt content."));
        assert!(METADATA_INSTRUCTION.ends_with("JSON Response:"));
    }
}
