//! Polishing: a strategy's rewrite of a prompt, with a line diff for a
//! side-by-side view. The result is only a proposal: [`accept_polish`]
//! saves it (possibly edited), and rejecting it is simply not calling that.

use promptvault_types::{Prompt, PromptPatch};
use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use uuid::Uuid;

use super::assistant::{Assistant, Control, Job};
use super::client::Message;
use super::error::AiError;
use super::strategies::StrategyDef;
use crate::Store;

/// A polished prompt, not yet saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Polished {
    /// The strategy's id.
    pub strategy: String,
    pub model: String,
    /// The content that was polished (to detect an edit in between).
    pub original: String,
    pub polished: String,
    /// `original` against `polished`, line by line.
    pub diff: Vec<DiffLine>,
    /// Requests it took (1 unless retried).
    pub attempts: u32,
}

/// What happened to a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DiffKind {
    Same,
    Added,
    Removed,
}

/// One line of a diff. Line numbers count from 1; a removed line has no
/// new number and an added line no old one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiffLine {
    pub kind: DiffKind,
    pub old_line: Option<usize>,
    pub new_line: Option<usize>,
    /// The line without its line break.
    pub text: String,
}

/// The line diff of `old` against `new`.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|change| DiffLine {
            kind: match change.tag() {
                ChangeTag::Equal => DiffKind::Same,
                ChangeTag::Insert => DiffKind::Added,
                ChangeTag::Delete => DiffKind::Removed,
            },
            old_line: change.old_index().map(|i| i + 1),
            new_line: change.new_index().map(|i| i + 1),
            text: change.value().trim_end_matches(['\n', '\r']).to_string(),
        })
        .collect()
}

/// A unified diff (`---`/`+++`, `@@` hunks with 3 lines of context) for a
/// terminal.
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

impl Assistant {
    /// Rewrites `content` with `strategy` using the polish model.
    pub async fn polish(
        &self,
        content: &str,
        strategy: &StrategyDef,
        ctl: &Control,
    ) -> Result<Polished, AiError> {
        crate::validate::content(content).map_err(crate::Error::from)?;
        let model = &self.config().polish;
        let job = Job {
            feature: "polish",
            model,
            messages: vec![
                Message::system(strategy.meta_prompt()),
                Message::user(format!("<prompt>\n{content}\n</prompt>")),
            ],
            stream: true,
        };
        let answer = self
            .run(job, ctl, |text| clean_answer(content, text))
            .await?;
        Ok(Polished {
            strategy: strategy.id.to_string(),
            model: model.model.clone(),
            original: content.to_string(),
            diff: line_diff(content, &answer.value),
            polished: answer.value,
            attempts: answer.attempts,
        })
    }
}

/// The rewritten prompt in a model's answer: trimmed, without a code fence
/// or `<prompt>` tags wrapped around the whole of it (unless the original
/// itself was such a block), and ending with a line break if the original
/// did, so that an unchanged last line shows as unchanged.
pub(super) fn clean_answer(original: &str, answer: &str) -> Result<String, String> {
    let mut text = answer.trim();
    if let Some(inner) = text
        .strip_prefix("<prompt>")
        .and_then(|t| t.strip_suffix("</prompt>"))
    {
        text = inner.trim();
    }
    if !original.trim_start().starts_with("```") {
        text = strip_fence(text).unwrap_or(text).trim();
    }
    if text.is_empty() {
        return Err("the model returned no text".into());
    }
    let mut out = text.to_string();
    if original.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// The inside of a text that is exactly one fenced code block.
pub(super) fn strip_fence(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("```")?;
    let body_start = rest.find('\n')? + 1;
    let body = rest[body_start..].strip_suffix("```")?;
    (!body.contains("\n```")).then_some(body)
}

/// Saves polished (possibly hand-edited) `text` as the content of prompt
/// `id`. Refused for immutable prompts, and with [`AiError::Stale`] when the
/// prompt's content is no longer `original` (it was edited meanwhile).
pub fn accept_polish(
    store: &Store,
    id: Uuid,
    original: &str,
    text: &str,
) -> Result<Prompt, AiError> {
    let current = store.prompt(id)?;
    if let Some(reason) = current.immutability() {
        return Err(crate::Error::Immutable { id, reason }.into());
    }
    if current.content != original {
        return Err(AiError::Stale { id });
    }
    let patch = PromptPatch {
        content: Some(text.to_string()),
        ..PromptPatch::default()
    };
    Ok(store.update_prompt(id, patch)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_lines_carry_kinds_and_numbers() {
        let diff = line_diff("a\nb\nc\n", "a\nB\nc\nd\n");
        let rows: Vec<_> = diff
            .iter()
            .map(|d| (d.kind, d.old_line, d.new_line, d.text.as_str()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (DiffKind::Same, Some(1), Some(1), "a"),
                (DiffKind::Removed, Some(2), None, "b"),
                (DiffKind::Added, None, Some(2), "B"),
                (DiffKind::Same, Some(3), Some(3), "c"),
                (DiffKind::Added, None, Some(4), "d"),
            ]
        );
    }

    #[test]
    fn unified_diff_has_headers_and_hunks() {
        let text = unified_diff("a\nb\n", "a\nc\n", "original", "polished");
        assert!(text.starts_with("--- original\n+++ polished\n@@"), "{text}");
        assert!(text.contains("-b\n+c\n"), "{text}");
    }

    #[test]
    fn answers_lose_wrappers_but_keep_real_code_blocks() {
        assert_eq!(
            clean_answer("x", "  ```\nNew text\n```  ").unwrap(),
            "New text"
        );
        assert_eq!(
            clean_answer("x\n", "```markdown\nNew\ntext\n```").unwrap(),
            "New\ntext\n"
        );
        assert_eq!(
            clean_answer("x", "<prompt>\nNew\n</prompt>").unwrap(),
            "New"
        );
        // Two blocks, or text around a block: the fences are the prompt's own.
        let two = "```\na\n```\nand\n```\nb\n```";
        assert_eq!(clean_answer("x", two).unwrap(), two);
        // An original that is a code block keeps its fence.
        let block = "```mermaid\ngraph TD\n```";
        assert_eq!(
            clean_answer("```mermaid\nA-->B\n```", block).unwrap(),
            block
        );
        assert!(clean_answer("x", " \n ").is_err());
        assert!(clean_answer("x", "```\n```").is_err());
    }
}
