//! Local embeddings: a real transformer model on ONNX Runtime, run in the
//! background over every prompt that needs a vector.
//!
//! - [`model`]: presets and custom-model manifests (pooling, dims, prefixes).
//! - [`runtime`]: where `libonnxruntime` is found and loaded.
//! - [`engine`]: the loaded model, with a query-vector cache.
//! - [`download`]: the online path, fetching a preset into the cache.
//! - [`worker`]: the stale-vector queue and the background worker.
//!
//! Which model is used comes from the `embedding_model` setting (a preset
//! name or `custom`, with `embedding_model_dir`). A preset is used from the
//! offline asset cache when it is there, else from the download cache.

pub mod download;
pub mod engine;
pub mod model;
pub mod runtime;
pub mod worker;

use std::path::PathBuf;

pub use engine::Embedder;
pub use model::{ModelSource, ModelSpec};

use crate::store::Store;

/// What can go wrong while embedding.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error(
        "ONNX Runtime library not found (tried: {tried}); run scripts/provision-assets.sh, \
         set PROMPTVAULT_ORT_LIB, or set the onnxruntime_library setting"
    )]
    RuntimeMissing { tried: String },
    #[error("{0}")]
    Runtime(String),
    #[error("embedding model {name} is not available locally ({detail})")]
    ModelMissing { name: String, detail: String },
    #[error("embedding model in {}: {detail}", dir.display())]
    ModelFiles { dir: PathBuf, detail: String },
    #[error("model {model} declares {declared} dimensions but produces {actual}")]
    WrongDims {
        model: String,
        declared: usize,
        actual: usize,
    },
    #[error("embedding failed: {0}")]
    Inference(String),
    #[error("download of {url} failed: {detail}")]
    Download { url: String, detail: String },
    #[error("checksum mismatch for {file}: expected {expected}, got {actual}")]
    Checksum {
        file: String,
        expected: String,
        actual: String,
    },
    #[error(transparent)]
    Store(#[from] Box<crate::Error>),
}

impl From<crate::Error> for EmbedError {
    fn from(e: crate::Error) -> Self {
        EmbedError::Store(Box::new(e))
    }
}

/// Name of the setting value that selects a custom model directory.
pub const CUSTOM: &str = "custom";

/// Finds the files of the model named by the store's settings.
pub fn configured_model(store: &Store) -> Result<ModelSource, EmbedError> {
    let name = store.setting_str("embedding_model")?;
    let custom_dir = store.setting("embedding_model_dir")?;
    resolve(&name, custom_dir.as_str().map(PathBuf::from))
}

/// Finds the files of model `name`: a preset from the offline asset cache or
/// the download cache, or the custom directory.
pub fn resolve(name: &str, custom_dir: Option<PathBuf>) -> Result<ModelSource, EmbedError> {
    if name == CUSTOM {
        let dir = custom_dir.ok_or_else(|| EmbedError::ModelMissing {
            name: name.into(),
            detail: "set embedding_model_dir to a directory with model.onnx, tokenizer files and promptvault-model.json".into(),
        })?;
        return load_manifest_dir(dir);
    }
    let preset = model::preset(name).ok_or_else(|| EmbedError::ModelMissing {
        name: name.into(),
        detail: "unknown model name".into(),
    })?;
    let mut tried = Vec::new();
    let assets = crate::assets::dirs();
    let places = assets
        .iter()
        .map(|d| d.join("models").join(preset.dir_name()))
        .chain(crate::assets::models_cache_dir().map(|d| d.join(preset.dir_name())));
    for dir in places {
        if model::required_files(&dir).iter().all(|f| f.is_file()) {
            return Ok(ModelSource {
                spec: preset.model_spec(),
                dir,
            });
        }
        tried.push(dir.display().to_string());
    }
    Err(EmbedError::ModelMissing {
        name: name.into(),
        detail: format!(
            "not in {}; download it with `promptvault embed --download` or choose another model",
            tried.join(" or ")
        ),
    })
}

/// Reads a model directory described by `promptvault-model.json`.
pub fn load_manifest_dir(dir: PathBuf) -> Result<ModelSource, EmbedError> {
    let manifest_path = dir.join(model::MANIFEST);
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| EmbedError::ModelFiles {
        dir: dir.clone(),
        detail: format!("{}: {e}", model::MANIFEST),
    })?;
    let manifest: model::Manifest =
        serde_json::from_str(&text).map_err(|e| EmbedError::ModelFiles {
            dir: dir.clone(),
            detail: format!("{}: {e}", model::MANIFEST),
        })?;
    if let Some(missing) = model::required_files(&dir)
        .into_iter()
        .find(|f| !f.is_file())
    {
        return Err(EmbedError::ModelFiles {
            dir,
            detail: format!("missing {}", missing.display()),
        });
    }
    Ok(ModelSource {
        spec: manifest.spec(),
        dir,
    })
}
