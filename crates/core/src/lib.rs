//! PromptVault core: everything that runs on the user's machine.
//!
//! - [`store`]: the local DuckDB database (schema, migrations, the prompt
//!   lifecycle and its immutability rules, typed settings).
//! - [`validate`]: the limits and normalisation rules for prompt fields.
//! - [`transfer`]: import and export (JSON, CSV, Markdown, prompts.chat).
//! - [`paths`]: where data lives by default.
//! - [`embed`]: local embeddings with a real transformer model on ONNX
//!   Runtime, the stale-vector queue and its background worker.
//! - [`search`]: hybrid search (tags, BM25 full text, vectors, fused by
//!   RRF), autocomplete and search history.
//! - [`assets`]: the offline asset cache (runtime library, models, DuckDB
//!   extensions).
//! - [`ai`]: polishing, metadata and prompt generation over any
//!   OpenAI-compatible Chat Completions service.
//! - [`secrets`]: the AI API key in the OS credential store.
//! - [`vault`]: the application service a long-running front end (the
//!   desktop app) holds: all of the above behind one object with
//!   UI-ready errors and a live embedding state.
//!
//! Front ends (the `promptvault` CLI, the desktop app) are thin layers over
//! this crate; it never depends on a UI toolkit or a server framework.

pub mod ai;
pub mod assets;
pub mod embed;
pub mod error;
pub mod paths;
pub mod search;
pub mod secrets;
pub mod store;
pub mod transfer;
pub mod validate;
pub mod vault;

pub use error::{Error, Result};
pub use promptvault_types as types;
pub use store::{ListQuery, Store};
