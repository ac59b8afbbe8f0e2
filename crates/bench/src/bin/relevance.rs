//! Relevance harness: nDCG@10, Recall@10 and MRR of BM25-only,
//! vector-only and fused search over a labelled query set written from the
//! shared collections (keyword, paraphrase, short and Chinese queries).
//!
//! `cargo run --release -p promptvault-bench --bin relevance [QUERIES.json]`
//! (defaults to crates/bench/data/relevance-queries.json; needs the offline
//! MiniLM model from scripts/provision-assets.sh).

use std::collections::{BTreeMap, HashSet};

use anyhow::{Context, Result};
use promptvault_bench::import_shared;
use promptvault_core::embed::{self, worker::embed_pending, Embedder};
use promptvault_core::search::{SearchMode, SearchOptions};
use promptvault_core::Store;
use serde_json::Value;

const K: usize = 10;

#[derive(Default, Clone, Copy)]
struct Scores {
    ndcg: f64,
    recall: f64,
    mrr: f64,
    n: usize,
}

impl Scores {
    fn add(&mut self, ranked: &[String], relevant: &HashSet<String>) {
        let gains: Vec<f64> = ranked
            .iter()
            .take(K)
            .map(|s| if relevant.contains(s) { 1.0 } else { 0.0 })
            .collect();
        let dcg: f64 = gains
            .iter()
            .enumerate()
            .map(|(i, g)| g / ((i + 2) as f64).log2())
            .sum();
        let ideal: f64 = (0..relevant.len().min(K))
            .map(|i| 1.0 / ((i + 2) as f64).log2())
            .sum();
        self.ndcg += if ideal > 0.0 { dcg / ideal } else { 0.0 };
        let found = ranked
            .iter()
            .take(K)
            .filter(|s| relevant.contains(*s))
            .collect::<HashSet<_>>();
        self.recall += found.len() as f64 / relevant.len().max(1) as f64;
        self.mrr += ranked
            .iter()
            .position(|s| relevant.contains(s))
            .map_or(0.0, |i| 1.0 / (i + 1) as f64);
        self.n += 1;
    }

    fn line(&self) -> String {
        let n = self.n.max(1) as f64;
        format!(
            "nDCG@10 {:.3}  Recall@10 {:.3}  MRR {:.3}",
            self.ndcg / n,
            self.recall / n,
            self.mrr / n
        )
    }
}

fn main() -> Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/data/relevance-queries.json").into()
    });
    let queries: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).context("query set")?)?;
    let store = Store::open_in_memory()?;
    import_shared(&store)?;
    let model = Embedder::load(
        &embed::resolve("sentence-transformers/all-MiniLM-L6-v2", None)?,
        None,
    )?;
    eprintln!("embedding {} prompts...", store.count_prompts()?);
    embed_pending(&store, &model, 32, None, &mut |_| {})?;

    let modes = [
        ("bm25", SearchMode::FullTextOnly),
        ("vector", SearchMode::VectorOnly),
        ("fused", SearchMode::Hybrid),
    ];
    let mut table: BTreeMap<(String, &str), Scores> = BTreeMap::new();
    for q in &queries {
        let text = q["query"].as_str().context("query")?;
        let kind = q["kind"].as_str().unwrap_or("other").to_string();
        let relevant: HashSet<String> = q["relevant"]
            .as_array()
            .context("relevant")?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let v = model.embed_query(text)?;
        for (name, mode) in modes {
            let opts = SearchOptions {
                limit: K,
                mode,
                ..SearchOptions::default()
            };
            let hits = store.search(text, &opts, Some(&v))?.hits;
            let ranked: Vec<String> = hits
                .into_iter()
                .map(|h| h.prompt.synopsis.unwrap_or_default())
                .collect();
            table
                .entry((kind.clone(), name))
                .or_default()
                .add(&ranked, &relevant);
            table
                .entry(("all".to_string(), name))
                .or_default()
                .add(&ranked, &relevant);
        }
    }
    println!(
        "{} labelled queries over {} prompts (MiniLM-L6-v2)",
        queries.len(),
        store.count_prompts()?
    );
    for ((kind, name), s) in &table {
        println!("{kind:<10} {name:<7} {}  ({} queries)", s.line(), s.n);
    }
    Ok(())
}
