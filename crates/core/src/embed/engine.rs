//! Running a model: documents and queries to normalised vectors.

use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::{Arc, Mutex};

use fastembed::{InitOptionsUserDefined, TextEmbedding, TokenizerFiles, UserDefinedEmbeddingModel};
use lru::LruCache;

use super::model::{ModelSource, ModelSpec, Pooling};
use super::{runtime, EmbedError};

/// How many query vectors are remembered (as-you-type queries repeat).
const QUERY_CACHE: usize = 256;

/// A loaded embedding model. Cheap to share behind an `Arc`; calls are
/// serialised internally (ONNX Runtime already uses every core per call).
pub struct Embedder {
    spec: ModelSpec,
    model: Mutex<TextEmbedding>,
    queries: Mutex<LruCache<String, Arc<Vec<f32>>>>,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("spec", &self.spec)
            .finish()
    }
}

fn read(dir: &Path, name: &str) -> Result<Vec<u8>, EmbedError> {
    let path = dir.join(name);
    std::fs::read(&path).map_err(|e| EmbedError::ModelFiles {
        dir: dir.to_path_buf(),
        detail: format!("{name}: {e}"),
    })
}

impl Embedder {
    /// Loads the model at `source`, after loading ONNX Runtime (see
    /// [`runtime`] for where the library is looked for).
    pub fn load(source: &ModelSource, ort_library: Option<&Path>) -> Result<Self, EmbedError> {
        let (_, environment) = runtime::init(ort_library)?;
        let dir = &source.dir;
        let tokenizer_files = TokenizerFiles {
            tokenizer_file: read(dir, "tokenizer.json")?,
            config_file: read(dir, "config.json")?,
            special_tokens_map_file: read(dir, "special_tokens_map.json")
                .unwrap_or_else(|_| b"{}".to_vec()),
            tokenizer_config_file: read(dir, "tokenizer_config.json")?,
        };
        let mut model = UserDefinedEmbeddingModel::new(read(dir, "model.onnx")?, tokenizer_files)
            .with_pooling(match source.spec.pooling {
                Pooling::Mean => fastembed::Pooling::Mean,
                Pooling::Cls => fastembed::Pooling::Cls,
            });
        if dir.join("model.onnx_data").is_file() {
            model = model
                .with_external_initializer("model.onnx_data".into(), read(dir, "model.onnx_data")?);
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let options = InitOptionsUserDefined::new()
            .with_max_length(source.spec.max_length)
            .with_intra_threads(threads)
            .with_environment(environment);
        let model = TextEmbedding::try_new_from_user_defined(model, options).map_err(|e| {
            EmbedError::ModelFiles {
                dir: dir.clone(),
                detail: e.to_string(),
            }
        })?;
        let embedder = Embedder {
            spec: source.spec.clone(),
            model: Mutex::new(model),
            queries: Mutex::new(LruCache::new(
                NonZeroUsize::new(QUERY_CACHE).expect("non-zero"),
            )),
        };
        // A wrong `dims` in a manifest would corrupt the vector column: check
        // it against what the model really produces.
        let probe = embedder.run(&["dimension probe".to_string()], 1)?;
        if probe[0].len() != embedder.spec.dims {
            return Err(EmbedError::WrongDims {
                model: embedder.spec.name.clone(),
                declared: embedder.spec.dims,
                actual: probe[0].len(),
            });
        }
        Ok(embedder)
    }

    /// The model's rules.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    fn run(&self, texts: &[String], batch: usize) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut model = self.model.lock().unwrap_or_else(|p| p.into_inner());
        model
            .embed(texts, Some(batch.max(1)))
            .map_err(|e| EmbedError::Inference(e.to_string()))
    }

    /// Embeds stored prompts (with the model's document prefix). Texts are
    /// batched by length, so short prompts are not padded to the length of
    /// long ones; the vectors come back in the order of `docs`.
    pub fn embed_documents<S: AsRef<str>>(
        &self,
        docs: &[S],
        batch: usize,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut order: Vec<usize> = (0..docs.len()).collect();
        order.sort_by_key(|&i| docs[i].as_ref().len());
        let texts: Vec<String> = order
            .iter()
            .map(|&i| self.spec.document_text(docs[i].as_ref()))
            .collect();
        let sorted = self.run(&texts, batch)?;
        let mut out = vec![Vec::new(); docs.len()];
        for (vector, &i) in sorted.into_iter().zip(&order) {
            out[i] = vector;
        }
        Ok(out)
    }

    /// Embeds a search query (in the model's query format), remembering
    /// recent queries.
    pub fn embed_query(&self, query: &str) -> Result<Arc<Vec<f32>>, EmbedError> {
        if let Some(hit) = self
            .queries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(query)
        {
            return Ok(hit.clone());
        }
        let vector = Arc::new(self.run(&[self.spec.query_text(query)], 1)?.remove(0));
        self.queries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .put(query.to_string(), vector.clone());
        Ok(vector)
    }

    /// Number of queries currently cached.
    pub fn cached_queries(&self) -> usize {
        self.queries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// Cosine similarity of two vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}
