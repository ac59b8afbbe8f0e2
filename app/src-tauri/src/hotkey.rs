//! The global shortcut that shows the search window.
//!
//! The combination is the `hotkey_config` setting (default
//! `CmdOrCtrl+Shift+P`), registered at start and changed at run time: the new
//! one is registered before the old one is released, so a combination that
//! is invalid or taken by another application leaves the previous one
//! working and the setting unchanged.

use promptvault_core::vault::{SettingEntry, Vault, VaultError, VaultResult};
use serde_json::Value;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Runtime, Wry};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

use crate::window;

const SETTING: &str = "hotkey_config";

/// The plugin, with the handler that toggles the window.
pub fn plugin() -> TauriPlugin<Wry> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state() == ShortcutState::Pressed {
                window::toggle(app);
            }
        })
        .build()
}

/// Parses an accelerator such as `CmdOrCtrl+Shift+P`.
pub fn parse(accelerator: &str) -> VaultResult<Shortcut> {
    accelerator.trim().parse::<Shortcut>().map_err(|e| {
        VaultError::new(
            "hotkey",
            format!("{accelerator:?} is not a valid shortcut: {e}"),
        )
    })
}

fn saved(vault: &Vault) -> VaultResult<String> {
    vault
        .with_store_ref(|s| s.setting_str(SETTING))
        .map_err(Into::into)
}

/// Registers the saved combination at start; a failure is logged (the app
/// still works from the tray, and Settings shows the combination).
pub fn register_saved<R: Runtime>(app: &AppHandle<R>, vault: &Vault) {
    let result = saved(vault).and_then(|accel| {
        let shortcut = parse(&accel)?;
        app.global_shortcut()
            .register(shortcut)
            .map_err(|e| taken(&accel, e))
    });
    if let Err(e) = result {
        tracing::warn!(error = %e, "global shortcut not registered");
    }
}

fn taken(accelerator: &str, e: impl std::fmt::Display) -> VaultError {
    VaultError::new(
        "hotkey",
        format!(
            "cannot register {accelerator}: {e}; another application may be using it, \
             choose another combination"
        ),
    )
}

/// Switches to `accelerator`, keeping the previous combination (registered
/// and saved) when the new one cannot be registered.
pub fn change<R: Runtime>(
    app: &AppHandle<R>,
    vault: &std::sync::Arc<Vault>,
    accelerator: &str,
) -> VaultResult<SettingEntry> {
    let accelerator = accelerator.trim();
    let new = parse(accelerator)?;
    let old_text = saved(vault)?;
    let old = parse(&old_text).ok();
    let gs = app.global_shortcut();
    if old != Some(new) {
        gs.register(new).map_err(|e| taken(accelerator, e))?;
    }
    if let Err(e) = vault.set_setting(SETTING, Value::String(accelerator.to_string())) {
        if old != Some(new) {
            let _ = gs.unregister(new);
        }
        return Err(e);
    }
    if let Some(old) = old.filter(|o| *o != new) {
        let _ = gs.unregister(old);
    }
    tracing::info!(hotkey = accelerator, "global shortcut changed");
    vault.setting_entry(SETTING)
}

/// While the Settings screen records a new combination, the current one is
/// released so pressing it is recorded instead of hiding the window; it is
/// registered again (the saved one, which may be new by then) afterwards.
pub fn suspend<R: Runtime>(app: &AppHandle<R>, vault: &Vault, suspended: bool) -> VaultResult<()> {
    if suspended {
        app.global_shortcut()
            .unregister_all()
            .map_err(|e| VaultError::new("hotkey", format!("cannot release the shortcut: {e}")))
    } else {
        register_saved(app, vault);
        Ok(())
    }
}
