//! The embedding queue and the worker that drains it.
//!
//! The queue is the table itself: a prompt is stale when its vector is NULL
//! or was made by another model (`embedding_model`). Nothing else is stored,
//! so the queue survives restarts and a crash mid-batch loses nothing: the
//! rows not yet written are simply still stale.
//!
//! A vector is written only if the prompt's content is still the content
//! that was embedded, so an edit made during embedding is never masked.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use duckdb::params;
use md5::{Digest, Md5};
use serde::Serialize;

use super::{EmbedError, Embedder};
use crate::store::Store;

/// Where an embedding run stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EmbedProgress {
    /// Prompts embedded so far in this run.
    pub done: usize,
    /// Prompts that failed in this run (left without a vector).
    pub failed: usize,
    /// Prompts that were stale when the run started (plus any added since).
    pub total: usize,
    /// Documents per second so far.
    pub docs_per_sec: f64,
}

/// Counts of the embedding queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EmbedStatus {
    pub total: u64,
    pub embedded: u64,
    pub stale: u64,
}

fn content_hash(content: &str) -> String {
    let digest = Md5::digest(content.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A vector as DuckDB array literal text, bound then cast to `FLOAT[N]`.
pub fn vector_literal(v: &[f32]) -> String {
    let mut s = String::with_capacity(v.len() * 12);
    s.push('[');
    for (i, x) in v.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&x.to_string());
    }
    s.push(']');
    s
}

impl Store {
    /// How many prompts have a current vector for `model`, and how many wait.
    pub fn embed_status(&self, model: &str) -> crate::Result<EmbedStatus> {
        let (total, embedded): (i64, i64) = self.connection().query_row(
            "SELECT count(*), count(*) FILTER (WHERE vector IS NOT NULL AND embedding_model = ?)
             FROM prompts",
            params![model],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(EmbedStatus {
            total: total as u64,
            embedded: embedded as u64,
            stale: (total - embedded) as u64,
        })
    }

    /// Dimension of the `vector` column.
    pub fn vector_dims(&self) -> crate::Result<usize> {
        let ty: String = self.connection().query_row(
            "SELECT data_type FROM information_schema.columns
             WHERE table_name = 'prompts' AND column_name = 'vector'",
            [],
            |r| r.get(0),
        )?;
        ty.trim_start_matches("FLOAT[")
            .trim_end_matches(']')
            .parse()
            .map_err(|_| crate::Error::Corrupt(format!("vector column type {ty}")))
    }

    /// Makes the `vector` column `FLOAT[dims]`. Changing the dimension drops
    /// every vector (they belong to another model) in one transaction.
    pub fn ensure_vector_dims(&self, dims: usize) -> crate::Result<()> {
        if self.vector_dims()? == dims {
            return Ok(());
        }
        tracing::info!(dims, "changing the vector column dimension");
        // Before the transaction: DuckDB does not let a column go in the
        // transaction that dropped the index depending on it.
        self.before_vector_column_change()?;
        self.in_transaction(|| {
            self.connection().execute_batch(&format!(
                "ALTER TABLE prompts DROP COLUMN vector;
                 ALTER TABLE prompts ADD COLUMN vector FLOAT[{dims}];
                 UPDATE prompts SET embedding_model = NULL;"
            ))?;
            Ok(())
        })
    }

    /// The HNSW index depends on the column's type: drop it (the worker
    /// rebuilds it once the new model's vectors are written).
    fn before_vector_column_change(&self) -> crate::Result<()> {
        self.drop_vector_index()?;
        Ok(())
    }

    /// Up to `limit` stale prompts (id, content), newest first, skipping `skip`.
    fn stale_batch(
        &self,
        model: &str,
        limit: usize,
        skip: &HashSet<String>,
    ) -> crate::Result<Vec<(String, String)>> {
        let mut stmt = self.connection().prepare(&format!(
            "SELECT CAST(id AS VARCHAR), content FROM prompts
             WHERE vector IS NULL OR embedding_model IS DISTINCT FROM ?
             ORDER BY created_at DESC LIMIT {}",
            limit + skip.len()
        ))?;
        let rows = stmt
            .query_map(params![model], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<(String, String)>, _>>()?;
        Ok(rows
            .into_iter()
            .filter(|(id, _)| !skip.contains(id))
            .take(limit)
            .collect())
    }

    /// Stores a vector if the prompt still has the embedded content.
    fn write_vector(&self, id: &str, content: &str, model: &str, v: &[f32]) -> crate::Result<bool> {
        let n = self.connection().execute(
            &format!(
                "UPDATE prompts SET vector = ?::FLOAT[{}], embedding_model = ?
                 WHERE id = ?::UUID AND md5(content) = ?",
                v.len()
            ),
            params![vector_literal(v), model, id, content_hash(content)],
        )?;
        Ok(n == 1)
    }
}

/// Embeds every stale prompt in batches of `batch`, calling `progress` after
/// each batch, until none is left or `cancel` is set. A prompt the model
/// cannot embed is logged with its id and left without a vector.
pub fn embed_pending(
    store: &Store,
    embedder: &Embedder,
    batch: usize,
    cancel: Option<&AtomicBool>,
    progress: &mut dyn FnMut(EmbedProgress),
) -> Result<EmbedProgress, EmbedError> {
    let spec = embedder.spec();
    store.ensure_vector_dims(spec.dims)?;
    let model = spec.name.as_str();
    // Vectors of another model are meaningless next to this model's query
    // vectors: drop them so search uses only comparable ones meanwhile. The
    // index over them goes too (cheaper to rebuild than to update row by
    // row while everything is re-embedded).
    let foreign = store
        .connection()
        .query_row(
            "SELECT count(*) FROM prompts
             WHERE vector IS NOT NULL AND embedding_model IS DISTINCT FROM ?",
            params![model],
            |r| r.get::<_, i64>(0),
        )
        .map_err(crate::Error::from)?;
    if foreign > 0 {
        tracing::info!(
            vectors = foreign,
            model,
            "the embedding model changed: dropping other models' vectors and the vector index"
        );
        store.drop_vector_index()?;
        store
            .connection()
            .execute(
                "UPDATE prompts SET vector = NULL
                 WHERE vector IS NOT NULL AND embedding_model IS DISTINCT FROM ?",
                params![model],
            )
            .map_err(crate::Error::from)?;
    }
    let start = Instant::now();
    let mut state = EmbedProgress {
        total: store.embed_status(model)?.stale as usize,
        ..EmbedProgress::default()
    };
    let mut failed_ids = HashSet::new();
    loop {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            break;
        }
        let rows = store.stale_batch(model, batch.max(1), &failed_ids)?;
        if rows.is_empty() {
            break;
        }
        let texts: Vec<&str> = rows.iter().map(|(_, c)| c.as_str()).collect();
        let vectors = match embedder.embed_documents(&texts, batch) {
            Ok(v) => v.into_iter().map(Ok).collect::<Vec<_>>(),
            // Isolate the prompt that broke the batch.
            Err(_) => texts
                .iter()
                .map(|t| embedder.embed_documents(&[*t], 1).map(|mut v| v.remove(0)))
                .collect(),
        };
        for ((id, content), vector) in rows.iter().zip(vectors) {
            match vector {
                Ok(v) => {
                    store.write_vector(id, content, model, &v)?;
                    state.done += 1;
                }
                Err(e) => {
                    tracing::warn!(prompt_id = %id, error = %e, "embedding failed");
                    failed_ids.insert(id.clone());
                    state.failed += 1;
                }
            }
        }
        state.total = state.total.max(state.done + state.failed);
        state.docs_per_sec = state.done as f64 / start.elapsed().as_secs_f64().max(1e-9);
        progress(state);
    }
    if !cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
        // This is the only writer of vectors, so the index is built here,
        // after the pass: a build never races vector writes (rows written
        // during a build could be missed by it).
        match store.maintain_vector_index() {
            Ok(action) => tracing::debug!(?action, "vector index maintenance"),
            Err(e) => tracing::error!(error = %e, "vector index maintenance failed"),
        }
    }
    Ok(state)
}

/// A background worker: a thread with its own database handle that embeds
/// whatever is stale whenever it is woken, publishing progress.
pub struct Worker {
    wake: Arc<tokio::sync::Notify>,
    stop: Arc<AtomicBool>,
    progress: tokio::sync::watch::Receiver<EmbedProgress>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker on the current Tokio runtime. `store` must be a
    /// handle of its own (see [`Store::try_clone`]).
    pub fn spawn(store: Store, embedder: Arc<Embedder>, batch: usize) -> Worker {
        let wake = Arc::new(tokio::sync::Notify::new());
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = tokio::sync::watch::channel(EmbedProgress::default());
        let (w, s) = (wake.clone(), stop.clone());
        let store = Arc::new(std::sync::Mutex::new(store));
        let handle = tokio::spawn(async move {
            loop {
                if s.load(Ordering::Relaxed) {
                    break;
                }
                let (store, embedder, tx, s2) =
                    (store.clone(), embedder.clone(), tx.clone(), s.clone());
                let run = tokio::task::spawn_blocking(move || {
                    let store = store.lock().unwrap_or_else(|p| p.into_inner());
                    embed_pending(&store, &embedder, batch, Some(&s2), &mut |p| {
                        let _ = tx.send(p);
                    })
                })
                .await;
                match run {
                    Ok(Ok(p)) => {
                        tracing::debug!(done = p.done, failed = p.failed, "embedding pass")
                    }
                    Ok(Err(e)) => tracing::error!(error = %e, "embedding pass failed"),
                    Err(e) => tracing::error!(error = %e, "embedding worker panicked"),
                }
                if s.load(Ordering::Relaxed) {
                    break;
                }
                w.notified().await;
            }
        });
        Worker {
            wake,
            stop,
            progress: rx,
            handle: Some(handle),
        }
    }

    /// Asks the worker to look for stale prompts (after a save or an edit).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Progress of the current or last pass.
    pub fn progress(&self) -> tokio::sync::watch::Receiver<EmbedProgress> {
        self.progress.clone()
    }

    /// Stops after the current batch and waits for the worker to end.
    pub async fn shutdown(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.wake.notify_one();
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
    }
}
