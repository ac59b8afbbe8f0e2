//! PromptVault cloud server.
//!
//! An Axum service on PostgreSQL that signs users in with Google or GitHub
//! (spec VI, including the `local_user_id` migration rules), accepts uploads
//! of public prompts, and serves other users' public prompts to sync clients
//! with a cursor that stays correct under concurrent uploads (spec VII).
//!
//! Reading order: [`config`] (settings), [`server`] (start/stop), [`app`]
//! (state, router, middleware), [`routes`] (handlers, OpenAPI), then the
//! domain modules they call: [`oauth`] and [`users`] for sign-in,
//! [`session`] for tokens, [`prompts`] for upload and sync, and the
//! cross-cutting [`error`], [`rate_limit`] and [`metrics`].
//!
//! The request/response types live in `promptvault_types::api`, shared with
//! the desktop client. With the `testing` feature, [`testing::fake_oauth`]
//! provides a local Google/GitHub look-alike for tests and development.

pub mod app;
pub mod config;
pub mod db;
pub mod error;
pub mod metrics;
pub mod oauth;
pub mod prompts;
pub mod rate_limit;
pub mod routes;
pub mod server;
pub mod session;
pub mod users;

#[cfg(feature = "testing")]
pub mod testing;

pub use config::Config;
pub use promptvault_types::api;
pub use server::{start, RunningServer, ServerError};
