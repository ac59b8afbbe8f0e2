//! Test utilities shipped with the crate (feature `testing`).

pub mod fake_oauth;
