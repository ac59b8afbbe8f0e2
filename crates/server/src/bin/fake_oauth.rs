//! `fake-oauth`: run the fake Google/GitHub provider for local development.
//!
//! ```text
//! cargo run -p promptvault-server --features testing --bin fake-oauth
//! ```
//! It prints the environment variables that point the server at it. A
//! browser (or the desktop app) can then use
//! `http://ADDR/google/authorize?redirect_uri=...&code_challenge=...&login_hint=alice`
//! (or `/github/authorize`), which consents at once and redirects with a code.

use std::net::SocketAddr;

use promptvault_server::api::AuthProvider;
use promptvault_server::testing::fake_oauth::FakeOAuth;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr: SocketAddr = std::env::var("PV_FAKE_OAUTH_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:8900".into())
        .parse()?;
    let fake = FakeOAuth::start(addr, "dev-client", "dev-secret").await?;
    println!("# fake OAuth provider on http://{}", fake.addr());
    for provider in [AuthProvider::Google, AuthProvider::Github] {
        let config = fake.provider_config(provider);
        let prefix = format!("PV_{}", provider.as_str().to_uppercase());
        println!("export {prefix}_CLIENT_ID={}", config.client_id);
        println!(
            "export {prefix}_CLIENT_SECRET={}",
            config.client_secret.expose()
        );
        println!("export {prefix}_TOKEN_URL={}", config.token_url);
        println!("export {prefix}_PROFILE_URL={}", config.profile_url);
    }
    tokio::signal::ctrl_c().await?;
    Ok(())
}
