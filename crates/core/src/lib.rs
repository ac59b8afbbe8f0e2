//! PromptVault core: everything that runs on the user's machine.
//!
//! - [`store`]: the local DuckDB database (schema, migrations, the prompt
//!   lifecycle and its immutability rules, typed settings).
//! - [`validate`]: the limits and normalisation rules for prompt fields.
//! - [`transfer`]: import and export (JSON, CSV, Markdown, prompts.chat).
//! - [`paths`]: where data lives by default.
//!
//! Front ends (the `promptvault` CLI, the desktop app) are thin layers over
//! this crate; it never depends on a UI toolkit or a server framework.

pub mod error;
pub mod paths;
pub mod store;
pub mod transfer;
pub mod validate;

pub use error::{Error, Result};
pub use promptvault_types as types;
pub use store::{ListQuery, Store};
