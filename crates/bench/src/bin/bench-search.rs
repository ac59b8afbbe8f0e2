//! Search benchmark at 1k, 10k and 100k prompts: hybrid search with and
//! without the query embedding, autocomplete, save-to-findable, cold start,
//! index build times and peak memory.
//!
//! Data: the shared collections (1,637 real prompts), varied to reach each
//! size (each copy gets a sentence of words drawn from another prompt).
//! Vectors: the real MiniLM embedding of each original prompt, with small
//! noise per copy (embedding 100k texts would take ~20 minutes here).
//!
//! `cargo run --release -p promptvault-bench --bin bench-search [SIZES...]`

use std::time::Instant;

use anyhow::Result;
use promptvault_bench::{import_shared, machine, peak_rss_mib, percentiles};
use promptvault_core::embed::worker::embed_pending;
use promptvault_core::embed::{self, Embedder};
use promptvault_core::search::SearchOptions;
use promptvault_core::transfer::Format;
use promptvault_core::types::NewPrompt;
use promptvault_core::Store;

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

/// A small deterministic random generator (xorshift), so runs compare.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f32 {
        (self.next() % 1_000_000) as f32 / 1_000_000.0 - 0.5
    }
}

fn main() -> Result<()> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect::<Vec<_>>();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000, 100_000]
    } else {
        sizes
    };
    println!("machine: {}", machine());
    let model = Embedder::load(
        &embed::resolve("sentence-transformers/all-MiniLM-L6-v2", None)?,
        None,
    )?;

    // The real prompts and their real vectors.
    let base = Store::open_in_memory()?;
    import_shared(&base)?;
    embed_pending(&base, &model, 32, None, &mut |_| {})?;
    let originals = base.all_prompts_oldest_first()?;
    let mut vectors = Vec::new();
    for p in &originals {
        let v: String = base.connection().query_row(
            "SELECT CAST(vector AS VARCHAR) FROM prompts WHERE id = ?::UUID",
            [p.id.to_string()],
            |r| r.get(0),
        )?;
        vectors.push(serde_json::from_str::<Vec<f32>>(&v)?);
    }
    let words: Vec<String> = originals
        .iter()
        .flat_map(|p| {
            p.content
                .split_whitespace()
                .take(50)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();

    for &n in &sizes {
        let dir = tempfile_dir()?;
        let path = dir.join(format!("bench-{n}.duckdb"));
        let mut rng = Rng(0x9e3779b97f4a7c15 ^ n as u64);
        {
            let store = Store::open(&path)?;
            store.set_setting(
                "embedding_model",
                serde_json::json!("sentence-transformers/all-MiniLM-L6-v2"),
            )?;
            let items: Vec<serde_json::Value> = (0..n)
                .map(|i| {
                    let p = &originals[i % originals.len()];
                    let extra: Vec<&str> = (0..12).map(|_| words[rng.next() as usize % words.len()].as_str()).collect();
                    serde_json::json!({
                        "content": format!("{}\n\n{}", p.content, extra.join(" ")),
                        "synopsis": if i < originals.len() { p.synopsis.clone() } else { p.synopsis.as_ref().map(|s| format!("{s} ({i})")) },
                        "tags": p.tags,
                    })
                })
                .collect();
            let t = Instant::now();
            store.import_text(
                &serde_json::to_string(&items)?,
                Format::Json,
                &mut |_, _| {},
            )?;
            let import_s = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let report = store.rebuild_fts_index()?;
            println!(
                "\n== {n} prompts ==\nimport {import_s:.1} s (incl. FTS build); FTS rebuild alone {:.2} s",
                t.elapsed().as_secs_f64()
            );
            let _ = report;
            // Vectors: the original's vector plus a little noise.
            let t = Instant::now();
            store.ensure_vector_dims(384)?;
            let ids: Vec<String> = store
                .all_prompts_oldest_first()?
                .into_iter()
                .map(|p| p.id.to_string())
                .collect();
            store.connection().execute_batch("BEGIN TRANSACTION")?;
            for (i, id) in ids.iter().enumerate() {
                let mut v = vectors[i % vectors.len()].clone();
                if i >= vectors.len() {
                    for x in v.iter_mut() {
                        *x += rng.unit() * 0.02;
                    }
                }
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                v.iter_mut().for_each(|x| *x /= norm);
                store.connection().execute(
                    "UPDATE prompts SET vector = ?::FLOAT[384], embedding_model = 'sentence-transformers/all-MiniLM-L6-v2' WHERE id = ?::UUID",
                    [promptvault_core::embed::worker::vector_literal(&v), id.clone()],
                )?;
            }
            store.connection().execute_batch("COMMIT")?;
            println!("vectors written in {:.1} s", t.elapsed().as_secs_f64());
        }

        // Cold start: open the file and run the first search.
        let t = Instant::now();
        let store = Store::open(&path)?;
        let opened = t.elapsed();
        store.search("linux terminal", &SearchOptions::default(), None)?;
        println!(
            "cold start: open {:.0} ms, first result {:.0} ms after open",
            opened.as_secs_f64() * 1000.0,
            (t.elapsed() - opened).as_secs_f64() * 1000.0
        );

        let opts = SearchOptions {
            limit: 20,
            ..SearchOptions::default()
        };
        let (mut lexical, mut hybrid, mut embed_t) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..5 {
            for q in QUERIES {
                let t = Instant::now();
                store.search(q, &opts, None)?;
                lexical.push(t.elapsed());
                let t = Instant::now();
                let v = model.embed_query(&format!("{q} {round}"))?;
                embed_t.push(t.elapsed());
                let t = Instant::now();
                store.search(q, &opts, Some(&v))?;
                hybrid.push(t.elapsed());
            }
        }
        let (l50, l95) = percentiles(&mut lexical);
        let (h50, h95) = percentiles(&mut hybrid);
        let (e50, e95) = percentiles(&mut embed_t);
        println!("search without query embedding (tags + BM25): p50 {l50:.1} ms, p95 {l95:.1} ms ({} queries)", lexical.len());
        println!("search with the vector list (exact cosine):    p50 {h50:.1} ms, p95 {h95:.1} ms");
        println!("query embedding (MiniLM, uncached):            p50 {e50:.1} ms, p95 {e95:.1} ms");

        let mut sugg = Vec::new();
        for prefix in [
            "l", "li", "lin", "tra", "wri", "#i", "co", "act", "pyt", "充当",
        ] {
            for _ in 0..5 {
                let t = Instant::now();
                store.suggest(prefix, 8)?;
                sugg.push(t.elapsed());
            }
        }
        let (s50, s95) = percentiles(&mut sugg);
        println!(
            "autocomplete: p50 {s50:.2} ms, p95 {s95:.2} ms ({} calls)",
            sugg.len()
        );

        let mut fresh = Vec::new();
        for i in 0..10 {
            let t = Instant::now();
            let word = format!("freshword{i}x{n}");
            store.create_prompt(NewPrompt {
                content: format!("A new prompt mentioning {word}"),
                ..NewPrompt::default()
            })?;
            let found = store.search(&word, &opts, None)?;
            assert!(!found.hits.is_empty(), "fresh prompt not found");
            fresh.push(t.elapsed());
        }
        let (f50, f95) = percentiles(&mut fresh);
        println!("save to keyword-findable (save + search): p50 {f50:.1} ms, p95 {f95:.1} ms");
        drop(store);
        std::fs::remove_dir_all(&dir).ok();
    }
    println!("\npeak RSS: {:.0} MiB", peak_rss_mib());
    Ok(())
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("pv-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
