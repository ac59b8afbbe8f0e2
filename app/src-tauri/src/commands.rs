//! The commands the UI invokes, one per action, each a call into the vault.
//!
//! Database work is blocking, so every command runs off the main thread
//! (`async`). Errors reach the UI as `{kind, message}` ([`VaultError`]).

use promptvault_core::ai::{Draft, GeneratedMetadata, Polished, StrategyDef};
use promptvault_core::secrets::KeyStatus;
use promptvault_core::types::{NewPrompt, Prompt, SearchFilters, SearchResults, Suggestion};
use promptvault_core::vault::{EmbedState, SettingEntry, VaultError, VaultResult};
use serde_json::Value;
use tauri::{AppHandle, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use uuid::Uuid;

use crate::{hotkey, window, AppState};

type Vault<'a> = State<'a, AppState>;

/// Every command, for `Builder::invoke_handler`.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        search_lexical,
        search_hybrid,
        suggest,
        record_search,
        get_prompt,
        create_prompt,
        update_prompt,
        delete_prompt,
        duplicate_prompt,
        copy_prompt,
        copy_text,
        hide_window,
        show_window,
        ai_strategies,
        ai_polish,
        ai_metadata,
        ai_generate,
        ai_cancel,
        get_settings,
        set_setting,
        set_hotkey,
        suspend_hotkey,
        key_status,
        set_api_key,
        clear_api_key,
        embed_status,
    ]
}

#[tauri::command(async)]
pub fn search_lexical(
    v: Vault<'_>,
    query: String,
    filters: SearchFilters,
) -> VaultResult<SearchResults> {
    v.vault()?.search_lexical(&query, &filters)
}

#[tauri::command(async)]
pub fn search_hybrid(
    v: Vault<'_>,
    query: String,
    filters: SearchFilters,
) -> VaultResult<SearchResults> {
    v.vault()?.search_hybrid(&query, &filters)
}

#[tauri::command(async)]
pub fn suggest(v: Vault<'_>, prefix: String) -> VaultResult<Vec<Suggestion>> {
    v.vault()?.suggest(&prefix)
}

#[tauri::command(async)]
pub fn record_search(v: Vault<'_>, query: String) -> VaultResult<()> {
    v.vault()?.record_search(&query)
}

#[tauri::command(async)]
pub fn get_prompt(v: Vault<'_>, id: Uuid) -> VaultResult<Prompt> {
    v.vault()?.get_prompt(id)
}

#[tauri::command(async)]
pub fn create_prompt(v: Vault<'_>, fields: NewPrompt) -> VaultResult<Prompt> {
    v.vault()?.create_prompt(fields)
}

#[tauri::command(async)]
pub fn update_prompt(v: Vault<'_>, id: Uuid, fields: NewPrompt) -> VaultResult<Prompt> {
    v.vault()?.update_prompt(id, fields)
}

#[tauri::command(async)]
pub fn delete_prompt(v: Vault<'_>, id: Uuid) -> VaultResult<Prompt> {
    v.vault()?.delete_prompt(id)
}

#[tauri::command(async)]
pub fn duplicate_prompt(v: Vault<'_>, id: Uuid) -> VaultResult<Prompt> {
    v.vault()?.duplicate_prompt(id)
}

/// Puts prompt `id` on the clipboard, remembers the query, hides the window.
#[tauri::command(async)]
pub fn copy_prompt(
    app: AppHandle,
    v: Vault<'_>,
    id: Uuid,
    query: Option<String>,
) -> VaultResult<()> {
    copy_text(
        app.clone(),
        v.vault()?.content_for_copy(id, query.as_deref())?,
    )?;
    window::hide(&app);
    Ok(())
}

#[tauri::command(async)]
pub fn copy_text(app: AppHandle, text: String) -> VaultResult<()> {
    app.clipboard()
        .write_text(text)
        .map_err(|e| VaultError::new("clipboard", format!("cannot write the clipboard: {e}")))
}

#[tauri::command]
pub fn hide_window(app: AppHandle) {
    window::hide(&app)
}

#[tauri::command]
pub fn show_window(app: AppHandle) {
    window::show(&app)
}

#[tauri::command]
pub fn ai_strategies() -> &'static [StrategyDef] {
    promptvault_core::ai::STRATEGIES
}

#[tauri::command]
pub async fn ai_polish(v: Vault<'_>, content: String, strategy: String) -> VaultResult<Polished> {
    v.vault()?.polish(&content, &strategy).await
}

#[tauri::command]
pub async fn ai_metadata(v: Vault<'_>, content: String) -> VaultResult<GeneratedMetadata> {
    v.vault()?.generate_metadata(&content).await
}

#[tauri::command]
pub async fn ai_generate(v: Vault<'_>, query: String) -> VaultResult<Draft> {
    v.vault()?.generate_prompt(&query).await
}

#[tauri::command]
pub fn ai_cancel(v: Vault<'_>) -> VaultResult<()> {
    v.vault()?.cancel_ai();
    Ok(())
}

#[tauri::command(async)]
pub fn get_settings(v: Vault<'_>) -> VaultResult<Vec<SettingEntry>> {
    v.vault()?.settings()
}

#[tauri::command(async)]
pub fn set_setting(v: Vault<'_>, key: String, value: Value) -> VaultResult<SettingEntry> {
    v.vault()?.set_setting(&key, value)
}

#[tauri::command(async)]
pub fn set_hotkey(app: AppHandle, v: Vault<'_>, accelerator: String) -> VaultResult<SettingEntry> {
    hotkey::change(&app, v.vault()?, &accelerator)
}

#[tauri::command(async)]
pub fn suspend_hotkey(app: AppHandle, v: Vault<'_>, suspended: bool) -> VaultResult<()> {
    hotkey::suspend(&app, v.vault()?, suspended)
}

#[tauri::command(async)]
pub fn key_status(v: Vault<'_>) -> VaultResult<KeyStatus> {
    v.vault()?.key_status()
}

#[tauri::command(async)]
pub fn set_api_key(v: Vault<'_>, key: String) -> VaultResult<KeyStatus> {
    v.vault()?.set_api_key(&key)
}

#[tauri::command(async)]
pub fn clear_api_key(v: Vault<'_>) -> VaultResult<KeyStatus> {
    v.vault()?.clear_api_key()
}

#[tauri::command]
pub fn embed_status(v: Vault<'_>) -> VaultResult<EmbedState> {
    Ok(v.vault()?.embed_state())
}
