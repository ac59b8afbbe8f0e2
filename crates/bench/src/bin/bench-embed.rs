//! Embedding benchmark: model load time, single-query latency, bulk
//! throughput at several batch sizes, peak memory.
//!
//! `cargo run --release -p promptvault-bench --bin bench-embed`

use std::time::Instant;

use anyhow::Result;
use promptvault_bench::{import_shared, machine, peak_rss_mib, percentiles};
use promptvault_core::embed::{self, Embedder};
use promptvault_core::store::ListQuery;
use promptvault_core::Store;

fn main() -> Result<()> {
    let model = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sentence-transformers/all-MiniLM-L6-v2".into());
    println!("machine: {}", machine());
    let start = Instant::now();
    let embedder = Embedder::load(&embed::resolve(&model, None)?, None)?;
    println!(
        "model {model}: loaded in {:.0} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );

    let store = Store::open_in_memory()?;
    import_shared(&store)?;
    let docs: Vec<String> = store
        .list_prompts(&ListQuery {
            limit: 10_000,
            ..ListQuery::default()
        })?
        .items
        .into_iter()
        .map(|p| p.content)
        .collect();

    // Single queries: 50 distinct short queries (the cache is bypassed by
    // embedding them as documents would be slower; queries are distinct).
    let mut samples = Vec::new();
    for i in 0..50 {
        let q = format!("help me write prompt number {i} about a topic");
        let t = Instant::now();
        embedder.embed_query(&q)?;
        samples.push(t.elapsed());
    }
    let (p50, p95) = percentiles(&mut samples);
    println!("single query: median {p50:.1} ms, p95 {p95:.1} ms (50 queries)");

    let sample: Vec<&str> = docs.iter().take(256).map(String::as_str).collect();
    for batch in [1usize, 8, 32, 64] {
        let t = Instant::now();
        embedder.embed_documents(&sample, batch)?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "bulk: batch {batch:>2}: {:.1} docs/s ({} real prompts, median length {} chars)",
            sample.len() as f64 / secs,
            sample.len(),
            median_len(&sample)
        );
    }
    println!("peak RSS: {:.0} MiB", peak_rss_mib());
    Ok(())
}

fn median_len(docs: &[&str]) -> usize {
    let mut l: Vec<usize> = docs.iter().map(|d| d.chars().count()).collect();
    l.sort();
    l[l.len() / 2]
}
