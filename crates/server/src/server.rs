//! Binding, serving (HTTP, or HTTPS with rustls when a certificate is
//! configured), background housekeeping and graceful shutdown.

use std::net::SocketAddr;
use std::time::Duration;

use axum_server::tls_rustls::RustlsConfig;
use axum_server::Handle;
use tokio::task::JoinHandle;

use crate::app::{self, AppState, StateError};
use crate::config::Config;
use crate::{db, session};

/// How long in-flight requests may take to finish on shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
/// How often idle rate-limit buckets and long-expired sessions are dropped.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(300);

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("connecting to the database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("running migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error("listening on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("loading the TLS certificate or key: {0}")]
    Tls(std::io::Error),
    #[error("serving: {0}")]
    Serve(std::io::Error),
}

/// A server accepting connections in the background.
pub struct RunningServer {
    local_addr: SocketAddr,
    tls: bool,
    handle: Handle,
    serving: JoinHandle<std::io::Result<()>>,
    housekeeping: JoinHandle<()>,
}

impl RunningServer {
    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://addr` or `https://addr`.
    pub fn base_url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.local_addr)
    }

    /// Stops accepting, lets in-flight requests finish, and waits.
    pub async fn shutdown(self) -> Result<(), ServerError> {
        self.handle.graceful_shutdown(Some(SHUTDOWN_GRACE));
        self.wait().await
    }

    /// Waits until the server stops (after [`RunningServer::shutdown`] or a
    /// fatal error).
    pub async fn wait(self) -> Result<(), ServerError> {
        let outcome = self.serving.await;
        self.housekeeping.abort();
        match outcome {
            Ok(result) => result.map_err(ServerError::Serve),
            Err(join) => Err(ServerError::Serve(std::io::Error::other(join))),
        }
    }

    /// A handle that can trigger graceful shutdown from elsewhere (signals).
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(self.handle.clone())
    }
}

/// Triggers a graceful shutdown of a [`RunningServer`].
#[derive(Clone)]
pub struct ShutdownHandle(Handle);

impl ShutdownHandle {
    pub fn shutdown(&self) {
        self.0.graceful_shutdown(Some(SHUTDOWN_GRACE));
    }
}

/// Connects to the database, applies migrations if configured, binds the
/// listen address and starts serving in the background.
pub async fn start(config: Config) -> Result<RunningServer, ServerError> {
    let pool = db::connect(&config).await?;
    if config.run_migrations {
        db::migrate(&pool).await?;
    }
    let listener =
        std::net::TcpListener::bind(config.listen_addr).map_err(|source| ServerError::Bind {
            addr: config.listen_addr,
            source,
        })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| ServerError::Bind {
            addr: config.listen_addr,
            source,
        })?;
    let local_addr = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: config.listen_addr,
        source,
    })?;
    let tls = match (&config.tls_cert_path, &config.tls_key_path) {
        // rustls picks its crypto provider from the compiled-in features:
        // only `ring` is enabled (see Cargo.toml).
        (Some(cert), Some(key)) => Some(
            RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(ServerError::Tls)?,
        ),
        _ => None,
    };

    let state = AppState::new(config, pool)?;
    let housekeeping = tokio::spawn(housekeeping(state.clone()));
    let service = app::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let handle = Handle::new();
    let serving = match &tls {
        Some(tls) => tokio::spawn(
            axum_server::from_tcp_rustls(listener, tls.clone())
                .handle(handle.clone())
                .serve(service),
        ),
        None => tokio::spawn(
            axum_server::from_tcp(listener)
                .handle(handle.clone())
                .serve(service),
        ),
    };
    tracing::info!(%local_addr, tls = tls.is_some(), "listening");
    Ok(RunningServer {
        local_addr,
        tls: tls.is_some(),
        handle,
        serving,
        housekeeping,
    })
}

async fn housekeeping(state: AppState) {
    let mut ticks = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        ticks.tick().await;
        state.limiter.forget_idle();
        match session::purge_expired_sessions(&state.db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "purged expired sessions"),
            Err(e) => tracing::warn!(error = %e, "purging expired sessions"),
        }
    }
}
