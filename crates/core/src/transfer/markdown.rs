//! Markdown: a readable export that is also lossless.
//!
//! Each prompt is a `##` heading (its synopsis, for readers), an HTML comment
//! `<!-- promptvault {...} -->` holding every field but the content as JSON,
//! and the content in a fenced block whose fence is longer than any run of
//! backticks inside it. The content is exactly the text between the opening
//! fence line and the newline before the closing fence line.

use promptvault_types::Prompt;
use serde_json::{Map, Value};

use super::{json_format, ImportError, Record};

const MARKER: &str = "<!-- promptvault ";

pub(super) fn write(prompts: &[Prompt]) -> String {
    let mut out = String::from("# PromptVault export\n\n");
    for p in prompts {
        let heading = p
            .synopsis
            .as_deref()
            .unwrap_or("Untitled prompt")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut meta = serde_json::to_value(p).expect("prompt serialises");
        if let Value::Object(map) = &mut meta {
            map.remove("content");
        }
        // `-->` cannot appear in JSON text once `>` is escaped.
        let meta = meta.to_string().replace('>', "\\u003e");
        let fence = "`".repeat(longest_backtick_run(&p.content).max(2) + 1);
        out.push_str(&format!(
            "## {heading}\n\n{MARKER}{meta} -->\n\n{fence}text\n{}\n{fence}\n\n",
            p.content
        ));
    }
    out
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

pub(super) fn parse(text: &str) -> Result<Vec<Record>, ImportError> {
    let mut records = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find(MARKER) {
        let line_of = |pos: usize| text[..pos].matches('\n').count() + 1;
        let at = offset + start;
        let location = format!("line {}", line_of(at));
        let after = &rest[start + MARKER.len()..];
        let end = after
            .find(" -->")
            .ok_or_else(|| ImportError::at(&location, "unterminated promptvault comment"))?;
        let meta: Value = serde_json::from_str(&after[..end])
            .map_err(|e| ImportError::at(&location, format!("malformed metadata JSON: {e}")))?;
        let Value::Object(mut meta) = meta else {
            return Err(ImportError::at(&location, "metadata must be a JSON object"));
        };
        let body = &after[end + 4..];
        let (content, consumed) = fenced_block(body).ok_or_else(|| {
            ImportError::at(&location, "no fenced content block after the metadata")
        })?;
        meta.insert("content".into(), Value::String(content.to_string()));
        let mut record = one_record(meta, &location)?;
        record.location = location;
        records.push(record);
        let advance = start + MARKER.len() + end + 4 + consumed;
        offset += advance;
        rest = &rest[advance..];
    }
    if records.is_empty() && !text.trim().is_empty() {
        return Err(ImportError::at(
            "line 1",
            "no PromptVault prompts found (expected sections written by `promptvault export --format md`)",
        ));
    }
    Ok(records)
}

fn one_record(meta: Map<String, Value>, location: &str) -> Result<Record, ImportError> {
    let array = Value::Array(vec![Value::Object(meta)]).to_string();
    let mut parsed =
        json_format::parse(&array).map_err(|e| ImportError::at(location, e.message))?;
    Ok(parsed.remove(0))
}

/// Finds the first fenced block in `s`: returns its content and how many
/// bytes of `s` it used, through the closing fence line.
fn fenced_block(s: &str) -> Option<(&str, usize)> {
    let open_start = s.find("```")?;
    if !s[..open_start].trim().is_empty() {
        return None;
    }
    let fence_len = s[open_start..].chars().take_while(|c| *c == '`').count();
    let fence = &s[open_start..open_start + fence_len];
    let content_start = open_start + s[open_start..].find('\n')? + 1;
    let closing = format!("\n{fence}\n");
    let mut search_from = content_start.saturating_sub(1);
    loop {
        let idx = search_from + s[search_from..].find(&closing[..closing.len() - 1])?;
        let after_fence = idx + closing.len() - 1;
        // The closing fence must be a whole line (end of text or newline next).
        if after_fence == s.len() || s[after_fence..].starts_with('\n') {
            let content_end = idx.max(content_start);
            let content = if idx < content_start {
                ""
            } else {
                &s[content_start..content_end]
            };
            let used = (after_fence + 1).min(s.len());
            return Some((content, used));
        }
        search_from = idx + 1;
    }
}
