//! `promptvault-server`: serve the API, or apply the database migrations.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use promptvault_server::{db, Config};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(version, about = "PromptVault cloud server")]
struct Cli {
    /// Optional TOML config file; environment variables override it.
    #[arg(long, env = "PV_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Log format: `json` (one object per line) or `text`.
    #[arg(long, env = "PV_LOG_FORMAT", default_value = "json", global = true)]
    log_format: String,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging(&cli.log_format);
    let config = Config::load(cli.config.as_deref()).context("loading configuration")?;
    tracing::info!(?config, "configuration loaded");
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            let pool = db::connect(&config).await.context("connecting")?;
            db::migrate(&pool).await.context("migrating")?;
            tracing::info!("migrations applied");
        }
        Command::Serve => {
            let server = promptvault_server::start(config).await?;
            let stopper = server.shutdown_handle();
            tokio::spawn(async move {
                shutdown_signal().await;
                tracing::info!("shutting down");
                stopper.shutdown();
            });
            server.wait().await?;
        }
    }
    Ok(())
}

fn init_logging(format: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if format == "text" {
        builder.init();
    } else {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init();
    }
}

/// SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing the SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
