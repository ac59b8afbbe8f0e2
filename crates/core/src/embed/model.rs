//! Embedding model presets and custom model manifests.
//!
//! Each model knows the rules that make its vectors meaningful: pooling,
//! dimension, maximum token length, and how queries and documents are
//! prefixed. Getting one of these wrong silently ruins search, so they are
//! data here and each rule is tested.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How token embeddings become one sentence embedding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    /// Average of the token embeddings, weighted by the attention mask.
    Mean,
    /// The first (`[CLS]`) token's embedding.
    Cls,
}

/// How a search query is turned into model input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum QueryFormat {
    /// `prefix + query`.
    Prefix { prefix: String },
    /// The E5-instruct format: `Instruct: {task}\nQuery: {query}`.
    Instruct { task: String },
}

/// A file of a model in its Hugging Face repository, and where it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelFile {
    /// Path inside the repository.
    pub remote: &'static str,
    /// Name in the local model directory.
    pub local: &'static str,
}

/// Everything needed to run a model correctly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSpec {
    /// Stable name, recorded with each vector (`prompts.embedding_model`).
    pub name: String,
    pub dims: usize,
    pub pooling: Pooling,
    /// Longest input in tokens; longer text is truncated.
    pub max_length: usize,
    pub query: QueryFormat,
    /// Prepended to every stored document.
    #[serde(default)]
    pub document_prefix: String,
}

impl ModelSpec {
    /// The text the model sees for a search query.
    pub fn query_text(&self, query: &str) -> String {
        match &self.query {
            QueryFormat::Prefix { prefix } => format!("{prefix}{query}"),
            QueryFormat::Instruct { task } => format!("Instruct: {task}\nQuery: {query}"),
        }
    }

    /// The text the model sees for a stored prompt.
    pub fn document_text(&self, document: &str) -> String {
        format!("{}{document}", self.document_prefix)
    }
}

/// The task sentence given to instruction-following models.
pub const SEARCH_TASK: &str =
    "Given a short search query, retrieve the AI prompt that best matches what the user wants to do";

/// A built-in model: its spec, its repository and the files to fetch.
#[derive(Debug, Clone)]
pub struct Preset {
    pub repo: &'static str,
    pub files: &'static [ModelFile],
    /// Builds the preset's rules.
    pub spec: fn() -> ModelSpec,
}

impl Preset {
    /// The preset's rules.
    pub fn model_spec(&self) -> ModelSpec {
        (self.spec)()
    }

    /// Directory name used for this preset's local copy.
    pub fn dir_name(&self) -> String {
        self.repo
            .rsplit('/')
            .next()
            .unwrap_or(self.repo)
            .to_string()
    }
}

const TOKENIZER_FILES: [ModelFile; 4] = [
    ModelFile {
        remote: "tokenizer.json",
        local: "tokenizer.json",
    },
    ModelFile {
        remote: "config.json",
        local: "config.json",
    },
    ModelFile {
        remote: "special_tokens_map.json",
        local: "special_tokens_map.json",
    },
    ModelFile {
        remote: "tokenizer_config.json",
        local: "tokenizer_config.json",
    },
];

const ONNX: ModelFile = ModelFile {
    remote: "onnx/model.onnx",
    local: "model.onnx",
};

const fn files_with_onnx() -> [ModelFile; 5] {
    [
        ONNX,
        TOKENIZER_FILES[0],
        TOKENIZER_FILES[1],
        TOKENIZER_FILES[2],
        TOKENIZER_FILES[3],
    ]
}

const STANDARD_FILES: [ModelFile; 5] = files_with_onnx();

const E5_LARGE_FILES: [ModelFile; 6] = [
    ONNX,
    ModelFile {
        remote: "onnx/model.onnx_data",
        local: "model.onnx_data",
    },
    TOKENIZER_FILES[0],
    TOKENIZER_FILES[1],
    TOKENIZER_FILES[2],
    TOKENIZER_FILES[3],
];

fn prefix(p: &str) -> QueryFormat {
    QueryFormat::Prefix {
        prefix: p.to_string(),
    }
}

/// The built-in models. The first is the design spec's choice.
pub const PRESETS: &[Preset] = &[
    Preset {
        repo: "intfloat/multilingual-e5-large-instruct",
        files: &E5_LARGE_FILES,
        spec: || ModelSpec {
            name: "intfloat/multilingual-e5-large-instruct".into(),
            dims: 1024,
            pooling: Pooling::Mean,
            max_length: 512,
            query: QueryFormat::Instruct {
                task: SEARCH_TASK.into(),
            },
            document_prefix: String::new(),
        },
    },
    Preset {
        repo: "BAAI/bge-small-en-v1.5",
        files: &STANDARD_FILES,
        spec: || ModelSpec {
            name: "BAAI/bge-small-en-v1.5".into(),
            dims: 384,
            pooling: Pooling::Cls,
            max_length: 512,
            query: prefix("Represent this sentence for searching relevant passages: "),
            document_prefix: String::new(),
        },
    },
    Preset {
        repo: "intfloat/multilingual-e5-small",
        files: &STANDARD_FILES,
        spec: || ModelSpec {
            name: "intfloat/multilingual-e5-small".into(),
            dims: 384,
            pooling: Pooling::Mean,
            max_length: 512,
            query: prefix("query: "),
            document_prefix: "passage: ".into(),
        },
    },
    Preset {
        repo: "sentence-transformers/all-MiniLM-L6-v2",
        files: &STANDARD_FILES,
        spec: || ModelSpec {
            name: "sentence-transformers/all-MiniLM-L6-v2".into(),
            dims: 384,
            pooling: Pooling::Mean,
            max_length: 256,
            query: prefix(""),
            document_prefix: String::new(),
        },
    },
];

/// Finds a preset by its name (the repository id).
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.repo == name)
}

/// Name of the manifest file in a custom model directory.
pub const MANIFEST: &str = "promptvault-model.json";

/// The manifest of a custom model directory: `model.onnx`, the tokenizer
/// files, and `promptvault-model.json` describing the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub name: String,
    pub dims: usize,
    pub pooling: Pooling,
    #[serde(default = "default_max_length")]
    pub max_length: usize,
    #[serde(default)]
    pub query_prefix: String,
    /// When set, queries use the instruct format with this task instead of
    /// `query_prefix`.
    #[serde(default)]
    pub query_instruct_task: Option<String>,
    #[serde(default)]
    pub document_prefix: String,
    /// Always true for the models PromptVault supports; kept for clarity.
    #[serde(default = "default_true")]
    pub normalize: bool,
}

fn default_max_length() -> usize {
    512
}

fn default_true() -> bool {
    true
}

impl Manifest {
    pub fn spec(&self) -> ModelSpec {
        ModelSpec {
            name: self.name.clone(),
            dims: self.dims,
            pooling: self.pooling,
            max_length: self.max_length,
            query: match &self.query_instruct_task {
                Some(task) => QueryFormat::Instruct { task: task.clone() },
                None => prefix(&self.query_prefix),
            },
            document_prefix: self.document_prefix.clone(),
        }
    }
}

/// Where a chosen model's files are and how to run it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSource {
    pub spec: ModelSpec,
    pub dir: PathBuf,
}

/// Files a model directory must hold.
pub fn required_files(dir: &Path) -> Vec<PathBuf> {
    [
        "model.onnx",
        "tokenizer.json",
        "config.json",
        "tokenizer_config.json",
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_preset_follows_its_model_card() {
        let e5l = preset("intfloat/multilingual-e5-large-instruct")
            .unwrap()
            .model_spec();
        assert_eq!(
            (e5l.dims, e5l.pooling, e5l.max_length),
            (1024, Pooling::Mean, 512)
        );
        assert_eq!(
            e5l.query_text("sql tutor"),
            format!("Instruct: {SEARCH_TASK}\nQuery: sql tutor")
        );
        assert_eq!(e5l.document_text("Act as a tutor"), "Act as a tutor");

        let bge = preset("BAAI/bge-small-en-v1.5").unwrap().model_spec();
        assert_eq!((bge.dims, bge.pooling), (384, Pooling::Cls));
        assert_eq!(
            bge.query_text("sql tutor"),
            "Represent this sentence for searching relevant passages: sql tutor"
        );
        assert_eq!(bge.document_text("doc"), "doc");

        let e5s = preset("intfloat/multilingual-e5-small")
            .unwrap()
            .model_spec();
        assert_eq!((e5s.dims, e5s.pooling), (384, Pooling::Mean));
        assert_eq!(e5s.query_text("q"), "query: q");
        assert_eq!(e5s.document_text("d"), "passage: d");

        let mini = preset("sentence-transformers/all-MiniLM-L6-v2")
            .unwrap()
            .model_spec();
        assert_eq!(
            (mini.dims, mini.pooling, mini.max_length),
            (384, Pooling::Mean, 256)
        );
        assert_eq!(mini.query_text("q"), "q");
        assert_eq!(mini.document_text("d"), "d");
    }

    #[test]
    fn the_large_model_fetches_its_external_weights() {
        let p = preset("intfloat/multilingual-e5-large-instruct").unwrap();
        assert!(p.files.iter().any(|f| f.local == "model.onnx_data"));
        assert_eq!(p.dir_name(), "multilingual-e5-large-instruct");
    }

    #[test]
    fn manifests_parse_with_defaults() {
        let m: Manifest = serde_json::from_str(
            r#"{"name": "my/model", "dims": 768, "pooling": "cls", "query_prefix": "q: "}"#,
        )
        .unwrap();
        let s = m.spec();
        assert_eq!((s.dims, s.pooling, s.max_length), (768, Pooling::Cls, 512));
        assert_eq!(s.query_text("x"), "q: x");
        let m: Manifest = serde_json::from_str(
            r#"{"name": "i", "dims": 8, "pooling": "mean", "query_instruct_task": "Find it"}"#,
        )
        .unwrap();
        assert_eq!(m.spec().query_text("x"), "Instruct: Find it\nQuery: x");
        assert!(
            serde_json::from_str::<Manifest>(r#"{"name": "x", "dims": 8, "pooling": "max"}"#)
                .is_err()
        );
    }
}
