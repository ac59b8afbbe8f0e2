//! The application service for long-running front ends (the desktop app).
//!
//! A [`Vault`] owns the open library and everything a window needs from it:
//! prompt editing, lexical-then-fused search, autocomplete, settings, the AI
//! features with cancellation, the API key in the OS keychain, and the
//! background embedding worker with a live [`EmbedState`]. Every method
//! returns a [`VaultError`], a `{kind, message}` pair a UI can show as it
//! is and branch on by kind.
//!
//! Methods that touch the database are blocking (DuckDB); a front end calls
//! them off its UI thread. The AI methods are async.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::ai::{self, AiConfig, AiError, Assistant, Control, Draft, GeneratedMetadata, Polished};
use crate::embed::download::{self, DownloadProgress};
use crate::embed::worker::{EmbedProgress, Worker};
use crate::embed::{self, EmbedError, Embedder, ModelSource};
use crate::search::refresh::{self, FtsRefresher};
use crate::search::{LexicalCache, SearchOptions, Suggester};
use crate::secrets::{self, ApiKey, KeyStatus, SecretError, SecretStore};
use crate::store::{SettingKind, SETTINGS};
use crate::types::{NewPrompt, Prompt, PromptPatch, SearchFilters, SearchResults, Suggestion};
use crate::Store;

/// Prompts embedded per model call by the background worker.
const EMBED_BATCH: usize = 32;
/// Suggestions returned by [`Vault::suggest`].
const SUGGESTIONS: usize = 8;
/// Settings whose change means another model: the embedder is reloaded.
const MODEL_SETTINGS: &[&str] = &[
    "embedding_model",
    "embedding_model_dir",
    "onnxruntime_library",
];

/// A failure as a front end shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[error("{message}")]
pub struct VaultError {
    /// A stable machine-readable class: `validation`, `immutable`,
    /// `not_found`, `locked`, `no_key`, `bad_key`, `rate_limited`,
    /// `timeout`, `network`, `cancelled`, `ai`, `keychain`, `embedding`,
    /// `hotkey`, `internal`.
    pub kind: String,
    /// What happened and what to do, in words.
    pub message: String,
}

impl VaultError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        VaultError {
            kind: kind.to_string(),
            message: message.into(),
        }
    }
}

/// The kind of a store error, wherever it surfaces.
fn store_kind(e: &crate::Error) -> &'static str {
    use crate::Error as E;
    match e {
        E::Invalid(_) | E::InvalidSetting { .. } | E::UnknownSetting { .. } | E::BadId(_) => {
            "validation"
        }
        E::Immutable { .. } => "immutable",
        E::NotFound(_) => "not_found",
        E::Locked { .. } => "locked",
        _ => "internal",
    }
}

impl From<crate::Error> for VaultError {
    fn from(e: crate::Error) -> Self {
        VaultError::new(store_kind(&e), e.to_string())
    }
}

impl From<AiError> for VaultError {
    fn from(e: AiError) -> Self {
        // After retries ran out, the last attempt's failure says what kind
        // of trouble it is; the message keeps the whole story.
        let kind = match e.root() {
            AiError::NoKey { .. } => "no_key",
            AiError::BadKey { .. } => "bad_key",
            AiError::RateLimited { .. } | AiError::QuotaExceeded { .. } => "rate_limited",
            AiError::Timeout { .. } => "timeout",
            AiError::Network { .. } => "network",
            AiError::Cancelled => "cancelled",
            AiError::Secret(_) => "keychain",
            AiError::Store(inner) => store_kind(inner),
            AiError::InvalidInput(_) | AiError::UnknownStrategy { .. } => "validation",
            _ => "ai",
        };
        VaultError::new(kind, e.to_string())
    }
}

impl From<SecretError> for VaultError {
    fn from(e: SecretError) -> Self {
        let kind = match &e {
            SecretError::InvalidKey(_) => "validation",
            _ => "keychain",
        };
        VaultError::new(kind, e.to_string())
    }
}

impl From<EmbedError> for VaultError {
    fn from(e: EmbedError) -> Self {
        VaultError::new("embedding", e.to_string())
    }
}

pub type VaultResult<T> = std::result::Result<T, VaultError>;

/// One user-settable setting as the settings screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SettingEntry {
    pub key: String,
    pub value: Value,
    pub default_value: Value,
    pub is_default: bool,
    /// `text`, `url`, `integer`, `bool`, `one_of`, `path`.
    pub kind: String,
    /// The allowed values of a `one_of` setting.
    pub options: Option<Vec<String>>,
    pub description: String,
}

/// What the semantic half of search is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum EmbedPhase {
    /// Not started yet.
    Idle,
    /// The model is being loaded.
    Loading,
    /// The configured preset is not on this machine: it is being
    /// downloaded (see `download`), then loaded.
    Downloading,
    /// Stale prompts are being embedded.
    Embedding,
    /// Every prompt has a vector of the configured model.
    Ready,
    /// The model or runtime could not be loaded (see `error`): search is
    /// lexical only.
    Unavailable,
}

/// The embedding model and queue, as a settings screen shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EmbedState {
    pub model: String,
    pub phase: EmbedPhase,
    pub error: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub embedded: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub stale: u64,
    /// The running pass, while embedding.
    pub progress: Option<EmbedProgress>,
    /// The model download, while downloading.
    pub download: Option<DownloadProgress>,
}

/// The loaded model and its worker.
#[derive(Default)]
struct Embedding {
    embedder: Option<Arc<Embedder>>,
    worker: Option<Worker>,
    /// Bumped on every (re)load so a superseded load is discarded.
    generation: u64,
}

/// The open library and its services. Shared by a front end as `Arc<Vault>`.
pub struct Vault {
    store: Mutex<Store>,
    secrets: Box<dyn SecretStore>,
    embedding: Mutex<Embedding>,
    state: watch::Sender<EmbedState>,
    ai_cancel: Mutex<CancellationToken>,
    /// The runtime the background tasks run on (set by `start_background`).
    runtime: Mutex<Option<tokio::runtime::Handle>>,
    /// Rebuilds the full-text index after writes, debounced.
    fts: Mutex<Option<FtsRefresher>>,
    /// Autocomplete on connections of its own, created on first use.
    suggester: Mutex<Option<Suggester>>,
    /// The last query's lexical lists, reused by the fused search that
    /// follows (cleared by every write).
    lexical: Mutex<LexicalCache>,
}

impl Vault {
    /// Opens (creating if needed) the library at `path`.
    pub fn open(path: impl AsRef<Path>, secrets: Box<dyn SecretStore>) -> VaultResult<Self> {
        Self::with_store(Store::open(path)?, secrets)
    }

    /// A vault over an already open store.
    pub fn with_store(store: Store, secrets: Box<dyn SecretStore>) -> VaultResult<Self> {
        let model = store.setting_str("embedding_model")?;
        let counts = store.embed_status(&model)?;
        let (state, _) = watch::channel(EmbedState {
            model,
            phase: EmbedPhase::Idle,
            error: None,
            total: counts.total,
            embedded: counts.embedded,
            stale: counts.stale,
            progress: None,
            download: None,
        });
        Ok(Vault {
            store: Mutex::new(store),
            secrets,
            embedding: Mutex::new(Embedding::default()),
            state,
            ai_cancel: Mutex::new(CancellationToken::new()),
            runtime: Mutex::new(None),
            fts: Mutex::new(None),
            suggester: Mutex::new(None),
            lexical: Mutex::new(LexicalCache::default()),
        })
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lexical_cache(&self) -> MutexGuard<'_, LexicalCache> {
        self.lexical.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn embedding(&self) -> MutexGuard<'_, Embedding> {
        self.embedding.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the store (for front-end needs not covered here).
    pub fn with_store_ref<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        f(&self.store())
    }

    // ---- prompts ----------------------------------------------------------

    pub fn get_prompt(&self, id: Uuid) -> VaultResult<Prompt> {
        Ok(self.store().prompt(id)?)
    }

    pub fn create_prompt(&self, fields: NewPrompt) -> VaultResult<Prompt> {
        let prompt = self.store().create_prompt(fields)?;
        self.changed();
        Ok(prompt)
    }

    /// Replaces every editable field of prompt `id` with `fields`.
    pub fn update_prompt(&self, id: Uuid, fields: NewPrompt) -> VaultResult<Prompt> {
        let patch = PromptPatch {
            content: Some(fields.content),
            synopsis: Some(fields.synopsis),
            tags: Some(fields.tags),
            score: Some(fields.score),
            is_private: Some(fields.is_private),
        };
        let prompt = self.store().update_prompt(id, patch)?;
        self.changed();
        Ok(prompt)
    }

    pub fn delete_prompt(&self, id: Uuid) -> VaultResult<Prompt> {
        let deleted = self.store().delete_prompt(id)?;
        self.changed();
        Ok(deleted)
    }

    pub fn duplicate_prompt(&self, id: Uuid) -> VaultResult<Prompt> {
        let copy = self.store().duplicate_prompt(id)?;
        self.changed();
        Ok(copy)
    }

    /// The content to put on the clipboard for prompt `id`; the query that
    /// found it (if any) goes into the search history.
    pub fn content_for_copy(&self, id: Uuid, query: Option<&str>) -> VaultResult<String> {
        let store = self.store();
        let prompt = store.prompt(id)?;
        if let Some(q) = query.filter(|q| !q.trim().is_empty()) {
            store.record_search(q)?;
        }
        Ok(prompt.content)
    }

    // ---- search -------------------------------------------------------------

    /// Keyword and tag results, at once (no model involved).
    pub fn search_lexical(
        &self,
        query: &str,
        filters: &SearchFilters,
    ) -> VaultResult<SearchResults> {
        let store = self.store();
        Ok(store.search_cached(query, &options(filters), None, &mut self.lexical_cache())?)
    }

    /// The fused list: the query is embedded (outside the database lock)
    /// when the model is loaded; otherwise the result equals the lexical one
    /// with `semantic == false`.
    pub fn search_hybrid(
        &self,
        query: &str,
        filters: &SearchFilters,
    ) -> VaultResult<SearchResults> {
        let embedder = self.embedding().embedder.clone();
        let vector = match embedder {
            Some(e) if !query.trim().is_empty() => match e.embed_query(query) {
                Ok(v) => Some(v),
                Err(err) => {
                    tracing::warn!(error = %err, "query embedding failed; lexical results only");
                    None
                }
            },
            _ => None,
        };
        let store = self.store();
        let vector = vector.as_ref().map(|v| v.as_slice());
        Ok(store.search_cached(query, &options(filters), vector, &mut self.lexical_cache())?)
    }

    pub fn suggest(&self, prefix: &str) -> VaultResult<Vec<Suggestion>> {
        let mut slot = self.suggester.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(self.store().suggester()?);
        }
        let suggester = slot.as_mut().expect("just set");
        Ok(suggester.suggest(prefix, SUGGESTIONS)?)
    }

    pub fn record_search(&self, query: &str) -> VaultResult<()> {
        Ok(self.store().record_search(query)?)
    }

    // ---- settings -----------------------------------------------------------

    /// The user-settable settings with their values.
    pub fn settings(&self) -> VaultResult<Vec<SettingEntry>> {
        let all = self.store().settings()?;
        Ok(all
            .into_iter()
            .filter(|(def, _, _)| def.user_settable)
            .map(|(def, value, is_default)| SettingEntry {
                key: def.key.to_string(),
                value,
                default_value: def.default_value(),
                is_default,
                kind: kind_name(def.kind).to_string(),
                options: match def.kind {
                    SettingKind::OneOf(names) => {
                        Some(names.iter().map(|n| n.to_string()).collect())
                    }
                    _ => None,
                },
                description: def.description.to_string(),
            })
            .collect())
    }

    pub fn setting_entry(&self, key: &str) -> VaultResult<SettingEntry> {
        self.settings()?
            .into_iter()
            .find(|e| e.key == key)
            .ok_or_else(|| VaultError::new("validation", format!("{key} cannot be set here")))
    }

    /// Stores a setting after checking it. A change of the embedding model
    /// (or its directory or runtime) reloads the model and re-embeds in the
    /// background; the model is reloaded when background work runs.
    pub fn set_setting(self: &Arc<Self>, key: &str, value: Value) -> VaultResult<SettingEntry> {
        let def = SETTINGS
            .iter()
            .find(|d| d.key == key && d.user_settable)
            .ok_or_else(|| VaultError::new("validation", format!("{key} cannot be set here")))?;
        let value = match (def.kind, value) {
            (SettingKind::OptionalPath, Value::String(s)) if s.trim().is_empty() => Value::Null,
            (_, v) => v,
        };
        let changed = {
            let store = self.store();
            let before = store.setting(key)?;
            store.set_setting(key, value.clone())?;
            before != value
        };
        if changed && MODEL_SETTINGS.contains(&key) {
            self.reload_embeddings();
        }
        self.setting_entry(key)
    }

    // ---- the API key ----------------------------------------------------------

    pub fn key_status(&self) -> VaultResult<KeyStatus> {
        Ok(secrets::key_status(self.secrets.as_ref(), &self.store())?)
    }

    pub fn set_api_key(&self, raw: &str) -> VaultResult<KeyStatus> {
        let key = ApiKey::parse(raw)?;
        secrets::save_api_key(self.secrets.as_ref(), &self.store(), &key)?;
        self.key_status()
    }

    pub fn clear_api_key(&self) -> VaultResult<KeyStatus> {
        secrets::clear_api_key(self.secrets.as_ref(), &self.store())?;
        self.key_status()
    }

    // ---- AI -------------------------------------------------------------------

    /// The polish strategies, in menu order.
    pub fn strategies(&self) -> &'static [ai::StrategyDef] {
        ai::STRATEGIES
    }

    /// An assistant with the current settings and key, and a fresh
    /// cancellation token that [`Vault::cancel_ai`] cancels.
    fn assistant(&self) -> VaultResult<(Assistant, Control)> {
        let (config, key) = {
            let store = self.store();
            let config = AiConfig::from_store(&store)?;
            let key = secrets::resolve_api_key(self.secrets.as_ref(), &store)?.map(|(k, _)| k);
            (config, key)
        };
        let token = CancellationToken::new();
        *self.ai_cancel.lock().unwrap_or_else(|p| p.into_inner()) = token.clone();
        Ok((
            Assistant::new(config, key)?,
            Control::new().with_cancel(token),
        ))
    }

    pub async fn polish(&self, content: &str, strategy: &str) -> VaultResult<Polished> {
        let strategy = ai::strategy(strategy)?;
        let (assistant, ctl) = self.assistant()?;
        Ok(assistant.polish(content, strategy, &ctl).await?)
    }

    pub async fn generate_metadata(&self, content: &str) -> VaultResult<GeneratedMetadata> {
        let (assistant, ctl) = self.assistant()?;
        Ok(assistant.generate_metadata(content, &ctl).await?)
    }

    pub async fn generate_prompt(&self, query: &str) -> VaultResult<Draft> {
        let (assistant, ctl) = self.assistant()?;
        Ok(assistant.generate_prompt(query, &ctl).await?)
    }

    /// Cancels the AI call in flight (it fails with kind `cancelled`).
    pub fn cancel_ai(&self) {
        self.ai_cancel
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .cancel();
    }

    // ---- embeddings -----------------------------------------------------------

    /// The embedding state now.
    pub fn embed_state(&self) -> EmbedState {
        self.state.borrow().clone()
    }

    /// Every change of the embedding state (model loading, progress).
    pub fn subscribe_embed_state(&self) -> watch::Receiver<EmbedState> {
        self.state.subscribe()
    }

    /// Starts the background work of a long-running front end, on the
    /// current Tokio runtime: the debounced full-text index refresher, and
    /// loading the configured model then embedding stale prompts. Search is
    /// lexical until the model is loaded; a model that cannot be loaded
    /// leaves the state `unavailable` with the reason.
    pub fn start_background(self: &Arc<Self>) -> VaultResult<()> {
        *self.runtime.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(tokio::runtime::Handle::current());
        let fts_store = self.store().try_clone()?;
        *self.fts.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(FtsRefresher::spawn(fts_store, refresh::DEFAULT_DEBOUNCE));
        self.reload_embeddings();
        Ok(())
    }

    /// Drops the loaded model and loads the configured one again (after a
    /// model setting changed). Does nothing before `start_background`.
    fn reload_embeddings(self: &Arc<Self>) {
        let Some(rt) = self
            .runtime
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        else {
            return;
        };
        let _guard = rt.enter();
        let generation = {
            let mut slot = self.embedding();
            slot.generation += 1;
            slot.embedder = None;
            if let Some(worker) = slot.worker.take() {
                tokio::spawn(worker.shutdown());
            }
            slot.generation
        };
        self.refresh_state(EmbedPhase::Loading, None, None);
        let vault = self.clone();
        tokio::spawn(async move {
            let loaded = {
                let vault = vault.clone();
                tokio::task::spawn_blocking(move || vault.load_model()).await
            };
            match loaded {
                Ok(Ok((embedder, worker_store))) => {
                    vault.run_worker(generation, embedder, worker_store)
                }
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "semantic search unavailable");
                    vault.refresh_state(EmbedPhase::Unavailable, Some(e.message), None);
                }
                Err(e) => vault.refresh_state(
                    EmbedPhase::Unavailable,
                    Some(format!("loading the model crashed: {e}")),
                    None,
                ),
            }
        });
    }

    fn load_model(&self) -> VaultResult<(Arc<Embedder>, Store)> {
        let (configured, name, ort, worker_store) = {
            let store = self.store();
            let configured = embed::configured_model(&store);
            let name = store.setting_str("embedding_model")?;
            let ort = store.setting("onnxruntime_library")?;
            (configured, name, ort, store.try_clone()?)
        };
        let source = match configured {
            Err(EmbedError::ModelMissing { .. }) if embed::model::preset(&name).is_some() => {
                self.download_preset(&name)?
            }
            other => other?,
        };
        let embedder = Embedder::load(&source, ort.as_str().map(Path::new))?;
        Ok((Arc::new(embedder), worker_store))
    }

    /// Downloads preset `name` into the model cache (the normal path for a
    /// user whose machine does not have it yet), publishing the progress.
    fn download_preset(&self, name: &str) -> VaultResult<ModelSource> {
        let preset = embed::model::preset(name).expect("checked by the caller");
        let dest = crate::assets::models_cache_dir()
            .ok_or_else(|| VaultError::new("embedding", "no cache directory for the model"))?
            .join(preset.dir_name());
        tracing::info!(model = name, dest = %dest.display(), "downloading the embedding model");
        let mut publish = |p: &DownloadProgress| {
            self.state.send_modify(|s| {
                s.phase = EmbedPhase::Downloading;
                s.download = Some(p.clone());
            });
        };
        download::download_preset(preset, &dest, &download::endpoint(), &mut publish)?;
        self.state.send_modify(|s| {
            s.phase = EmbedPhase::Loading;
            s.download = None;
        });
        Ok(embed::resolve(name, None)?)
    }

    fn run_worker(self: &Arc<Self>, generation: u64, embedder: Arc<Embedder>, store: Store) {
        let worker = Worker::spawn(store, embedder.clone(), EMBED_BATCH);
        let mut progress = worker.progress();
        {
            let mut slot = self.embedding();
            if slot.generation != generation {
                tokio::spawn(worker.shutdown());
                return;
            }
            slot.embedder = Some(embedder);
            slot.worker = Some(worker);
        }
        self.refresh_state(EmbedPhase::Embedding, None, None);
        let vault = Arc::downgrade(self);
        tokio::spawn(async move {
            while progress.changed().await.is_ok() {
                let Some(vault) = vault.upgrade() else { break };
                if vault.embedding().generation != generation {
                    break;
                }
                let p = *progress.borrow_and_update();
                vault.refresh_state(EmbedPhase::Embedding, None, Some(p));
            }
        });
        self.refresh_state(EmbedPhase::Embedding, None, None);
    }

    /// After a write: the worker embeds what is stale, the full-text index
    /// is rebuilt in the background (until then the pending set is searched).
    fn changed(&self) {
        self.lexical_cache().clear();
        if let Some(w) = &self.embedding().worker {
            w.wake();
        }
        if let Some(fts) = &*self.fts.lock().unwrap_or_else(|p| p.into_inner()) {
            fts.notify();
        }
    }

    /// Recounts the queue and publishes the state; `Embedding` becomes
    /// `Ready` once nothing is stale.
    fn refresh_state(
        &self,
        phase: EmbedPhase,
        error: Option<String>,
        progress: Option<EmbedProgress>,
    ) {
        let counts = {
            let store = self.store();
            store
                .setting_str("embedding_model")
                .and_then(|model| store.embed_status(&model).map(|c| (model, c)))
        };
        let (model, counts) = match counts {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cannot count the embedding queue");
                return;
            }
        };
        let phase = match phase {
            EmbedPhase::Embedding if counts.stale == 0 => EmbedPhase::Ready,
            other => other,
        };
        self.state.send_replace(EmbedState {
            model,
            phase,
            error,
            total: counts.total,
            embedded: counts.embedded,
            stale: counts.stale,
            progress: progress.filter(|_| phase == EmbedPhase::Embedding),
            download: None,
        });
    }

    /// Stops the background work (the worker after its current batch).
    pub async fn shutdown(&self) {
        let worker = self.embedding().worker.take();
        if let Some(w) = worker {
            w.shutdown().await;
        }
        let fts = self.fts.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(fts) = fts {
            fts.shutdown().await;
        }
    }
}

fn options(filters: &SearchFilters) -> SearchOptions {
    SearchOptions {
        limit: filters.limit.clamp(1, 200) as usize,
        source: filters.source,
        is_private: filters.is_private,
        tag: filters.tag.clone().filter(|t| !t.trim().is_empty()),
        ..SearchOptions::default()
    }
}

fn kind_name(kind: SettingKind) -> &'static str {
    match kind {
        SettingKind::Text => "text",
        SettingKind::Url => "url",
        SettingKind::Uuid => "uuid",
        SettingKind::Integer { .. } => "integer",
        SettingKind::Timestamp => "timestamp",
        SettingKind::Bool => "bool",
        SettingKind::OneOf(_) => "one_of",
        SettingKind::OptionalPath => "path",
    }
}
