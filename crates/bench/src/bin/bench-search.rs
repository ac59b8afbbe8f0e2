//! Search benchmark at 1k, 10k and 100k prompts: hybrid search with and
//! without the query embedding, the vector list exact and through the HNSW
//! index (with its recall@10 against exact), autocomplete, save-to-findable,
//! cold start, index build times and peak memory.
//!
//! Data: the shared collections (1,637 real prompts), varied to reach each
//! size (each copy gets 12 words drawn from other prompts). Vectors: the
//! real MiniLM embedding of each varied text for the first
//! `BENCH_REAL_VECTORS` prompts (default 10,000; cached in the temp
//! directory between runs); beyond that, a normalised blend of two real
//! vectors plus noise (embedding 100k texts takes ~30 minutes here).
//!
//! `cargo run -p promptvault-bench --bin bench-search [SIZES...]`

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use promptvault_bench::{machine, peak_rss_mib, percentiles, shared_prompts, varied_prompts, Rng};
use promptvault_core::embed::worker::vector_literal;
use promptvault_core::embed::{self, Embedder};
use promptvault_core::search::vector::{VectorIndexAction, VectorStrategy, DEFAULT_EF_SEARCH};
use promptvault_core::search::SearchOptions;
use promptvault_core::transfer::Format;
use promptvault_core::types::NewPrompt;
use promptvault_core::Store;

const MODEL: &str = "sentence-transformers/all-MiniLM-L6-v2";
const DIMS: usize = 384;

const QUERIES: &[&str] = &[
    "linux terminal",
    "translate english and improve my writing",
    "act as a travel guide",
    "write a poem about the sea",
    "sql database expert",
    "help me prepare for a job interview",
    "generate a regular expression",
    "#image",
    "story for children",
    "code review for python",
    "充当英语翻译",
    "explain like I'm five",
];

fn main() -> Result<()> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000, 100_000]
    } else {
        sizes
    };
    let real_cap: usize = std::env::var("BENCH_REAL_VECTORS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    println!("machine: {}", machine());
    let model = Embedder::load(&embed::resolve(MODEL, None)?, None)?;
    let originals = shared_prompts()?;
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let items = varied_prompts(&originals, largest);
    let vectors = bench_vectors(&model, &items, real_cap.min(largest))?;

    for &n in &sizes {
        let dir = std::env::temp_dir().join(format!("pv-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("bench-{n}.duckdb"));
        println!(
            "\n== {n} prompts ({} with real embeddings) ==",
            n.min(real_cap)
        );
        build_library(&path, &items[..n], &vectors[..n])?;
        measure(&path, &model, n)?;
        std::fs::remove_dir_all(&dir).ok();
    }
    println!("\npeak RSS: {:.0} MiB", peak_rss_mib());
    Ok(())
}

/// One vector per item: real embeddings for the first `real`, blends after.
fn bench_vectors(
    model: &Embedder,
    items: &[serde_json::Value],
    real: usize,
) -> Result<Vec<Vec<f32>>> {
    let mut vectors = cached_embeddings(model, items, real)?;
    let mut rng = Rng(0x5851f42d4c957f2d);
    while vectors.len() < items.len() {
        let a = &vectors[rng.next_u64() as usize % real];
        let b = &vectors[rng.next_u64() as usize % real];
        let w = 0.5 + rng.unit().abs();
        let mut v: Vec<f32> = a
            .iter()
            .zip(b)
            .map(|(x, y)| w * x + (1.0 - w) * y + rng.unit() * 0.02)
            .collect();
        normalise(&mut v);
        vectors.push(v);
    }
    Ok(vectors)
}

fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter_mut().for_each(|x| *x /= norm);
}

/// Real embeddings of the first `n` items, from the cache file when it has
/// them (the items are deterministic).
fn cached_embeddings(
    model: &Embedder,
    items: &[serde_json::Value],
    n: usize,
) -> Result<Vec<Vec<f32>>> {
    let cache = std::env::temp_dir().join(format!("promptvault-bench-minilm-v1-{n}.f32"));
    if let Ok(bytes) = std::fs::read(&cache) {
        if bytes.len() == n * DIMS * 4 {
            let floats: Vec<f32> = bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            return Ok(floats.chunks(DIMS).map(<[f32]>::to_vec).collect());
        }
    }
    let texts: Vec<&str> = items[..n]
        .iter()
        .map(|i| i["content"].as_str().unwrap_or_default())
        .collect();
    let t = Instant::now();
    let mut out = Vec::with_capacity(n);
    for chunk in texts.chunks(512) {
        out.extend(model.embed_documents(chunk, 32)?);
        eprint!("\rembedding {}/{n}", out.len());
    }
    eprintln!();
    println!(
        "embedded {n} varied texts in {:.0} s (cached in {})",
        t.elapsed().as_secs_f64(),
        cache.display()
    );
    let bytes: Vec<u8> = out.iter().flatten().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(&cache, bytes).context("writing the embedding cache")?;
    Ok(out)
}

/// Imports the items into a new database file and writes their vectors.
fn build_library(path: &Path, items: &[serde_json::Value], vectors: &[Vec<f32>]) -> Result<()> {
    let store = Store::open(path)?;
    store.set_setting("embedding_model", serde_json::json!(MODEL))?;
    let t = Instant::now();
    store.import_text(&serde_json::to_string(items)?, Format::Json, &mut |_, _| {})?;
    println!(
        "import {:.1} s (one transaction, FTS build included)",
        t.elapsed().as_secs_f64()
    );
    let report = store.rebuild_fts_index()?;
    println!(
        "FTS index rebuild alone {:.2} s",
        report.millis as f64 / 1000.0
    );
    let t = Instant::now();
    write_vectors(&store, vectors)?;
    println!("vectors written in {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// Writes vectors in prompt creation order, through a staging table.
fn write_vectors(store: &Store, vectors: &[Vec<f32>]) -> Result<()> {
    store.ensure_vector_dims(DIMS)?;
    let ids: Vec<String> = store
        .all_prompts_oldest_first()?
        .into_iter()
        .map(|p| p.id.to_string())
        .collect();
    let conn = store.connection();
    conn.execute_batch("CREATE OR REPLACE TEMP TABLE bench_vectors (id VARCHAR, v VARCHAR)")?;
    {
        let mut app = conn.appender_to_catalog_and_db("bench_vectors", "temp", "main")?;
        for (id, v) in ids.iter().zip(vectors) {
            app.append_row([id.clone(), vector_literal(v)])?;
        }
    }
    conn.execute_batch(&format!(
        "UPDATE prompts SET vector = s.v::FLOAT[{DIMS}], embedding_model = '{MODEL}'
         FROM temp.bench_vectors s WHERE prompts.id = s.id::UUID;
         DROP TABLE temp.bench_vectors;"
    ))?;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn measure(path: &Path, model: &Embedder, n: usize) -> Result<()> {
    let opts = SearchOptions {
        limit: 20,
        ..SearchOptions::default()
    };
    let query_vectors: Vec<Vec<f32>> = QUERIES
        .iter()
        .map(|q| model.embed_query(q).map(|v| v.to_vec()))
        .collect::<Result<_, _>>()?;

    // Exact vector search (no index).
    let store = Store::open(path)?;
    let (l50, l95) = timed(5, |i| {
        store
            .search(QUERIES[i % QUERIES.len()], &opts, None)
            .map(drop)
    })?;
    println!("search without query embedding (tags + BM25): p50 {l50:.1} ms, p95 {l95:.1} ms");
    let (h50, h95) = timed(5, |i| {
        let q = i % QUERIES.len();
        store
            .search(QUERIES[q], &opts, Some(&query_vectors[q]))
            .map(drop)
    })?;
    println!("search with the vector list, exact:           p50 {h50:.1} ms, p95 {h95:.1} ms");
    let all = SearchOptions::default();
    let (v50, v95) = timed(5, |i| {
        store
            .nearest(
                &query_vectors[i % QUERIES.len()],
                &all,
                VectorStrategy::Exact,
            )
            .map(drop)
    })?;
    println!("vector list alone, exact:                     p50 {v50:.1} ms, p95 {v95:.1} ms");

    // The HNSW index: build, recall against exact, timings.
    let built = store.rebuild_vector_index()?;
    if let VectorIndexAction::Built { vectors, millis } = built {
        println!(
            "HNSW build (m=16, ef_construction=64): {:.1} s over {vectors} vectors",
            millis as f64 / 1000.0
        );
    }
    let recall_queries: Vec<Vec<f32>> = query_vectors
        .iter()
        .cloned()
        .chain(recall_probes(model)?)
        .collect();
    let exact: Vec<Vec<_>> = recall_queries
        .iter()
        .map(|q| store.nearest(q, &all, VectorStrategy::Exact).map(|r| r.0))
        .collect::<Result<_, _>>()?;
    for ef in [64, 128, 256] {
        store.set_hnsw_ef_search(ef)?;
        let mut overlap = 0usize;
        let mut took = Vec::new();
        for (q, exact) in recall_queries.iter().zip(&exact) {
            let t = Instant::now();
            let (approx, _) = store.nearest(q, &all, VectorStrategy::Auto)?;
            took.push(t.elapsed());
            let top: std::collections::HashSet<_> = exact.iter().take(10).collect();
            overlap += approx.iter().take(10).filter(|id| top.contains(id)).count();
            overlap += 10usize.saturating_sub(exact.len().min(10)); // nothing to miss
        }
        let (t50, t95) = percentiles(&mut took);
        println!(
            "HNSW ef_search {ef:>3}: recall@10 vs exact {:.3} ({} queries), vector list p50 {t50:.1} ms, p95 {t95:.1} ms",
            overlap as f64 / (10 * recall_queries.len()) as f64,
            recall_queries.len()
        );
    }
    store.set_hnsw_ef_search(DEFAULT_EF_SEARCH)?;
    let (v50, v95) = timed(5, |i| {
        store
            .nearest(
                &query_vectors[i % QUERIES.len()],
                &all,
                VectorStrategy::Auto,
            )
            .map(drop)
    })?;
    println!("vector list alone, HNSW:                      p50 {v50:.1} ms, p95 {v95:.1} ms");
    let (h50, h95) = timed(5, |i| {
        let q = i % QUERIES.len();
        store
            .search(QUERIES[q], &opts, Some(&query_vectors[q]))
            .map(drop)
    })?;
    println!("search with the vector list, HNSW:            p50 {h50:.1} ms, p95 {h95:.1} ms");
    drop(store);

    // Cold start with the persisted index.
    let t = Instant::now();
    let store = Store::open(path)?;
    let opened = t.elapsed();
    store.search("linux terminal", &opts, None)?;
    let first = t.elapsed() - opened;
    store.search("linux terminal", &opts, Some(&query_vectors[0]))?;
    let first_vector = t.elapsed() - opened - first;
    println!(
        "cold start: open {:.0} ms, first result {:.0} ms after open, first vector search {:.0} ms (index loaded from the file)",
        ms(opened),
        ms(first),
        ms(first_vector)
    );
    let (e50, e95) = timed(5, |i| {
        model
            .embed_query(&format!("{} {n} {i}", QUERIES[i % QUERIES.len()]))
            .map(drop)
    })?;
    println!("query embedding (MiniLM, uncached):           p50 {e50:.1} ms, p95 {e95:.1} ms");

    let prefixes = [
        "l", "li", "lin", "tra", "wri", "#i", "co", "act", "pyt", "充当",
    ];
    let mut suggester = store.suggester()?;
    let (s50, s95) = timed(5, |i| {
        suggester.suggest(prefixes[i % prefixes.len()], 8).map(drop)
    })?;
    println!(
        "autocomplete (kept suggester, 3 concurrent queries): p50 {s50:.2} ms, p95 {s95:.2} ms"
    );
    let (s50, s95) = timed(2, |i| {
        store.suggest(prefixes[i % prefixes.len()], 8).map(drop)
    })?;
    println!("autocomplete (one-off, opens 3 connections):   p50 {s50:.2} ms, p95 {s95:.2} ms");

    let mut fresh = Vec::new();
    for i in 0..10 {
        let t = Instant::now();
        let word = format!("freshword{i}x{n}");
        store.create_prompt(NewPrompt {
            content: format!("A new prompt mentioning {word}"),
            ..NewPrompt::default()
        })?;
        let found = store.search(&word, &opts, None)?;
        anyhow::ensure!(!found.hits.is_empty(), "fresh prompt not found");
        fresh.push(t.elapsed());
    }
    let (f50, f95) = percentiles(&mut fresh);
    println!("save to keyword-findable (save + search): p50 {f50:.1} ms, p95 {f95:.1} ms");
    println!("peak RSS so far: {:.0} MiB", peak_rss_mib());
    Ok(())
}

/// Prompt texts as queries (synopses of the shared collections), embedded.
fn recall_probes(model: &Embedder) -> Result<Vec<Vec<f32>>> {
    let prompts = shared_prompts()?;
    let step = (prompts.len() / 38).max(1);
    prompts
        .iter()
        .step_by(step)
        .take(38)
        .map(|p| {
            let text = p
                .synopsis
                .clone()
                .unwrap_or_else(|| p.content.chars().take(80).collect());
            model
                .embed_query(&text)
                .map(|v| v.to_vec())
                .map_err(Into::into)
        })
        .collect()
}

/// Runs `f` `rounds` times per query slot (12 slots) and returns p50/p95.
fn timed<E: Into<anyhow::Error>>(
    rounds: usize,
    mut f: impl FnMut(usize) -> Result<(), E>,
) -> Result<(f64, f64)> {
    let mut samples = Vec::with_capacity(rounds * QUERIES.len());
    for i in 0..rounds * QUERIES.len() {
        let t = Instant::now();
        f(i).map_err(Into::into)?;
        samples.push(t.elapsed());
    }
    Ok(percentiles(&mut samples))
}
