//! `promptvault search` and `promptvault suggest`.

use anyhow::Result;
use clap::Args;
use promptvault_core::search::SearchOptions;
use promptvault_core::types::{PromptSource, SearchResults};
use promptvault_core::Store;

use crate::embed;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for (empty: the most recent prompts)
    #[arg(default_value = "")]
    query: String,
    /// Most results to show
    #[arg(long, short = 'n', default_value_t = 10)]
    limit: usize,
    /// Only prompts with this tag
    #[arg(long)]
    tag: Option<String>,
    /// Only prompts from this source
    #[arg(long, value_parser = ["local", "synced"])]
    source: Option<String>,
    /// Show each result's rank in the tag, full-text and vector lists
    #[arg(long)]
    explain: bool,
    /// Keyword search only (do not embed the query)
    #[arg(long)]
    lexical: bool,
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// The beginning of a query
    prefix: String,
    /// Most suggestions
    #[arg(long, short = 'n', default_value_t = 8)]
    limit: usize,
}

pub fn search(store: &Store, args: SearchArgs, json: bool) -> Result<()> {
    let opts = SearchOptions {
        limit: args.limit,
        source: args.source.as_deref().and_then(PromptSource::parse),
        is_private: None,
        tag: args.tag,
        ..SearchOptions::default()
    };
    let vector = if args.lexical || args.query.trim().is_empty() {
        None
    } else {
        match embed::load_model(store, false) {
            Ok(model) => Some(model.embed_query(&args.query)?),
            Err(e) => {
                eprintln!("note: keyword search only ({e:#})");
                None
            }
        }
    };
    let results = store.search(&args.query, &opts, vector.as_deref().map(|v| v.as_slice()))?;
    store.record_search(&args.query)?;
    print(&results, args.explain, json)
}

fn print(results: &SearchResults, explain: bool, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(&results.hits)?);
        return Ok(());
    }
    if results.hits.is_empty() {
        println!("no prompts match {:?}", results.query);
        return Ok(());
    }
    for (i, hit) in results.hits.iter().enumerate() {
        let p = &hit.prompt;
        let title = p.synopsis.clone().unwrap_or_else(|| {
            p.content
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(60)
                .collect()
        });
        let tags = if p.tags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", p.tags.join(", "))
        };
        println!(
            "{:>2}. {}  {}{}",
            i + 1,
            &p.id.to_string()[..8],
            title,
            tags
        );
        if explain {
            let rank = |r: Option<u32>| r.map_or("-".to_string(), |r| r.to_string());
            println!(
                "    fused {:.4}  tag {}  fts {}  vector {}",
                hit.fused_score,
                rank(hit.ranks.tag),
                rank(hit.ranks.fts),
                rank(hit.ranks.vector)
            );
        }
    }
    eprintln!(
        "{} results in {:.1} ms ({})",
        results.hits.len(),
        results.took_ms,
        if results.semantic {
            "hybrid"
        } else {
            "keywords only"
        }
    );
    Ok(())
}

pub fn suggest(store: &Store, args: SuggestArgs, json: bool) -> Result<()> {
    let suggestions = store.suggest(&args.prefix, args.limit)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&suggestions)?);
        return Ok(());
    }
    for s in suggestions {
        println!("{}\t{:?}", s.text, s.kind);
    }
    Ok(())
}
