//! AI assistance over any OpenAI-compatible Chat Completions service
//! (OpenAI, Ollama, llama.cpp server, LM Studio, vLLM):
//!
//! - [`Assistant::polish`]: rewrite a prompt with a [strategy](strategies),
//!   returning the text and a line diff; [`accept_polish`] saves it.
//! - [`Assistant::generate_metadata`]: synopsis, tags and score as JSON,
//!   parsed leniently and retried; [`apply_metadata`] saves them.
//! - [`Assistant::generate_prompt`]: a draft prompt from a search query that
//!   found nothing; [`save_draft`] saves it.
//!
//! Every call is async and cancellable (drop the future, or cancel the
//! [`Control`]'s token), retries transient failures with backoff, and can
//! stream its answer to a progress callback. Nothing is written to a prompt
//! unless the caller accepts a result. See `docs/ai.md` for the rules.

mod assistant;
mod client;
mod config;
mod error;
mod failure_log;
mod generate;
mod metadata;
mod polish;
mod retry;
pub mod strategies;

pub use assistant::{Assistant, Control, Progress};
pub use config::{AiConfig, ModelConfig, FAILURE_LOG_FILE};
pub use error::AiError;
pub use generate::{save_draft, Draft, GENERATE_INSTRUCTION};
pub use metadata::{
    apply_metadata, parse_metadata, GeneratedMetadata, MAX_SYNOPSIS_WORDS, MAX_TAGS,
    METADATA_INSTRUCTION, MIN_TAGS,
};
pub use polish::{accept_polish, line_diff, unified_diff, DiffKind, DiffLine, Polished};
pub use retry::RetryPolicy;
pub use strategies::{strategy, StrategyDef, StrategyGroup, STRATEGIES};
