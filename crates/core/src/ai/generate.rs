//! Generating a new prompt from a search query that found nothing. The
//! result is a draft: it is saved only when the user saves it
//! ([`save_draft`]).

use promptvault_types::{NewPrompt, Prompt};
use serde::{Deserialize, Serialize};

use super::assistant::{Assistant, Control, Job};
use super::client::Message;
use super::error::AiError;
use super::polish::clean_answer;
use crate::Store;

/// The spec's instruction (section V, "Empty Search"); `{search_query}` is
/// replaced by the query.
pub const GENERATE_INSTRUCTION: &str =
    "Based on the following user request, generate a detailed and effective AI prompt: '{search_query}'";

/// How the model is asked to answer.
const GENERATE_SYSTEM: &str = "You write prompts for AI models. Reply with the prompt only, ready \
to paste into an AI assistant: no preamble, no explanation, no title, no quotes around it.";

/// A generated prompt, not saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Draft {
    /// The search query it was generated from.
    pub query: String,
    pub content: String,
    pub model: String,
    /// Requests it took (1 unless retried).
    pub attempts: u32,
}

impl Assistant {
    /// Writes a prompt for what `query` asks, with the polish model.
    pub async fn generate_prompt(&self, query: &str, ctl: &Control) -> Result<Draft, AiError> {
        let query = query.trim();
        if query.is_empty() {
            return Err(AiError::InvalidInput("the search query is empty".into()));
        }
        let model = &self.config().polish;
        let job = Job {
            feature: "generate",
            model,
            messages: vec![
                Message::system(GENERATE_SYSTEM),
                Message::user(GENERATE_INSTRUCTION.replacen("{search_query}", query, 1)),
            ],
            stream: true,
        };
        let answer = self
            .run(job, ctl, |text| clean_answer("", unquote(text.trim())))
            .await?;
        Ok(Draft {
            query: query.to_string(),
            content: answer.value,
            model: model.model.clone(),
            attempts: answer.attempts,
        })
    }
}

/// The text inside quotes that wrap the whole answer (models echo the
/// instruction's quoting), when there are no other quotes of that kind.
fn unquote(text: &str) -> &str {
    for (open, close) in [('"', '"'), ('\'', '\''), ('“', '”')] {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close)) {
            if !inner.contains(open) && !inner.contains(close) {
                return inner;
            }
        }
    }
    text
}

/// Saves a draft (possibly edited first) as a new private local prompt.
pub fn save_draft(store: &Store, content: &str) -> Result<Prompt, AiError> {
    Ok(store.create_prompt(NewPrompt {
        content: content.to_string(),
        is_private: true,
        ..NewPrompt::default()
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_answer_quotes_are_removed_inner_ones_kept() {
        assert_eq!(unquote("\"Write a haiku\""), "Write a haiku");
        assert_eq!(unquote("“Write a haiku”"), "Write a haiku");
        assert_eq!(unquote("\"a\" and \"b\""), "\"a\" and \"b\"");
        assert_eq!(unquote("Say 'hi'"), "Say 'hi'");
    }
}
