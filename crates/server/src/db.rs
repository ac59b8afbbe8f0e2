//! The PostgreSQL pool and the embedded, numbered migrations.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::config::Config;

/// Migrations in `crates/server/migrations`, embedded at build time. Several
/// instances may run them at once: sqlx serialises them with an advisory lock.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub async fn connect(config: &Config) -> Result<PgPool, sqlx::Error> {
    let options = PgConnectOptions::from_str(config.database_url.expose())?
        .application_name("promptvault-server")
        // A transaction left open would hold back the sync horizon
        // (pg_snapshot_xmin) for every reader: never let one linger.
        .options([
            ("idle_in_transaction_session_timeout", "30s"),
            ("statement_timeout", "30s"),
        ]);
    PgPoolOptions::new()
        .max_connections(config.db_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
}

pub async fn migrate(db: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(db).await
}
