//! Integration tests against a real PostgreSQL (`DATABASE_URL`, see
//! `scripts/postgres.sh`). Each test gets its own database and its own
//! server and fake OAuth provider on ephemeral ports, so tests run in
//! parallel.

mod auth;
mod common;
mod ops;
mod prompts;
mod sync;
