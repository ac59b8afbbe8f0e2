//! PromptVault desktop app: the Tauri v2 shell over `promptvault-core`.
//!
//! Everything the app does with prompts lives in
//! [`promptvault_core::vault::Vault`]; this crate only wires it to a window:
//! - [`commands`]: one `#[tauri::command]` per UI action, each a call into the
//!   vault (the React side calls them from `ui/src/lib/ipc.ts` only).
//! - [`hotkey`]: the global shortcut from `app_settings`, changeable at run
//!   time, that shows and hides the search window.
//! - [`window`]: showing, hiding and the close-to-tray behaviour.
//! - [`tray`]: the tray menu (Show, Settings, Quit).
//! - [`bindings`]: the TypeScript types of everything crossing the bridge,
//!   generated from the Rust types.
//!
//! Events sent to the UI: `embed-state` (model loading and re-embedding
//! progress), `window-shown` (focus the search input), `open-settings`.

pub mod bindings;
pub mod commands;
pub mod hotkey;
mod tray;
pub mod window;

use std::sync::Arc;

use promptvault_core::secrets::KeyringStore;
use promptvault_core::vault::{Vault, VaultError, VaultResult};
use tauri::{Emitter, Manager};

/// The vault, or why it could not be opened (shown by every command).
pub struct AppState(Result<Arc<Vault>, VaultError>);

impl AppState {
    pub fn vault(&self) -> VaultResult<&Arc<Vault>> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

/// Opens the library at `$PROMPTVAULT_DB` or the default data directory.
fn open_vault() -> VaultResult<Arc<Vault>> {
    let explicit = std::env::var_os("PROMPTVAULT_DB").map(std::path::PathBuf::from);
    let path = promptvault_core::paths::database_path(explicit.as_deref())
        .ok_or_else(|| VaultError::new("internal", "no data directory for the library"))?;
    tracing::info!(path = %path.display(), "opening the library");
    Ok(Arc::new(Vault::open(path, Box::new(KeyringStore::new()))?))
}

/// Forwards every embedding state change to the UI.
fn forward_embed_state(app: &tauri::AppHandle, vault: &Arc<Vault>) {
    let mut rx = vault.subscribe_embed_state();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        while rx.changed().await.is_ok() {
            let state = rx.borrow_and_update().clone();
            let _ = app.emit("embed-state", state);
        }
    });
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,promptvault=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            window::show(app);
        }))
        .plugin(hotkey::plugin())
        .plugin(tauri_plugin_clipboard_manager::init())
        .setup(|app| {
            let vault = open_vault();
            match &vault {
                Ok(vault) => {
                    let _guard = tauri::async_runtime::handle().inner().enter();
                    if let Err(e) = vault.start_background() {
                        tracing::error!(error = %e, "background work not started");
                    }
                    forward_embed_state(app.handle(), vault);
                    hotkey::register_saved(app.handle(), vault);
                }
                Err(e) => tracing::error!(error = %e, "cannot open the library"),
            }
            app.manage(AppState(vault));
            tray::create(app.handle())?;
            window::hide_on_close(app.handle());
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .expect("error while running PromptVault");
}
