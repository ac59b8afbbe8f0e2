//! `promptvault embed`: run the embedding queue to completion, show its
//! status, or download the configured model.

use std::io::IsTerminal;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use promptvault_core::embed::{self, download, worker, EmbedError, Embedder};
use promptvault_core::Store;
use serde_json::json;

#[derive(Debug, Args)]
pub struct EmbedArgs {
    /// Prompts per model call
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=1024))]
    batch: u64,
    /// Only print how many prompts have vectors and how many wait
    #[arg(long)]
    status: bool,
    /// Download the configured preset model first if it is not available
    #[arg(long)]
    download: bool,
}

fn bar(template: &str) -> ProgressBar {
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template(template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}

/// Loads the configured model, downloading a preset first when asked.
pub fn load_model(store: &Store, download_missing: bool) -> Result<Embedder> {
    let source = match embed::configured_model(store) {
        Err(EmbedError::ModelMissing { .. }) if download_missing => fetch_preset(store)?,
        other => other?,
    };
    let ort = store.setting("onnxruntime_library")?;
    Ok(Embedder::load(
        &source,
        ort.as_str().map(std::path::Path::new),
    )?)
}

fn fetch_preset(store: &Store) -> Result<embed::ModelSource> {
    let name = store.setting_str("embedding_model")?;
    let preset = embed::model::preset(&name)
        .with_context(|| format!("{name} is not a downloadable preset"))?;
    let dest = promptvault_core::assets::models_cache_dir()
        .context("no cache directory")?
        .join(preset.dir_name());
    let bar = bar("downloading {msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})");
    download::download_preset(preset, &dest, &download::endpoint(), &mut |p| {
        bar.set_message(format!(
            "{} ({}/{})",
            p.file,
            p.files_done + 1,
            p.files_total
        ));
        bar.set_length(p.file_total.unwrap_or(0));
        bar.set_position(p.file_done);
    })?;
    bar.finish_and_clear();
    Ok(embed::resolve(&name, None)?)
}

pub fn run(store: &Store, args: EmbedArgs, json: bool) -> Result<()> {
    if args.status {
        return status(store, json);
    }
    let embedder = load_model(store, args.download)?;
    let progress = embed_all(store, &embedder, args.batch as usize)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&progress)?);
    } else {
        println!(
            "embedded {} prompts with {} ({:.1} docs/s){}",
            progress.done,
            embedder.spec().name,
            progress.docs_per_sec,
            if progress.failed > 0 {
                format!("; {} failed (see the log)", progress.failed)
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

/// Embeds every stale prompt with a progress bar on a terminal.
pub fn embed_all(
    store: &Store,
    embedder: &Embedder,
    batch: usize,
) -> Result<worker::EmbedProgress> {
    let bar = bar("embedding [{bar:30}] {pos}/{len} prompts ({msg})");
    let progress = worker::embed_pending(store, embedder, batch, None, &mut |p| {
        bar.set_length(p.total as u64);
        bar.set_position((p.done + p.failed) as u64);
        bar.set_message(format!("{:.1} docs/s", p.docs_per_sec));
    })?;
    bar.finish_and_clear();
    Ok(progress)
}

fn status(store: &Store, json: bool) -> Result<()> {
    let name = store.setting_str("embedding_model")?;
    let counts = store.embed_status(&name)?;
    let model = embed::configured_model(store);
    let ort = store.setting("onnxruntime_library")?;
    let runtime = embed::runtime::locate(ort.as_str().map(std::path::Path::new));
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "model": name,
                "model_dir": model.as_ref().ok().map(|m| m.dir.display().to_string()),
                "model_error": model.as_ref().err().map(|e| e.to_string()),
                "runtime": runtime.as_ref().ok().map(|p| p.display().to_string()),
                "runtime_error": runtime.as_ref().err().map(|e| e.to_string()),
                "total": counts.total,
                "embedded": counts.embedded,
                "stale": counts.stale,
            }))?
        );
        return Ok(());
    }
    println!("model:    {name}");
    match &model {
        Ok(m) => println!("files:    {}", m.dir.display()),
        Err(e) => println!("files:    unavailable: {e}"),
    }
    match &runtime {
        Ok(p) => println!("runtime:  {}", p.display()),
        Err(e) => println!("runtime:  unavailable: {e}"),
    }
    println!(
        "prompts:  {} total, {} embedded, {} waiting",
        counts.total, counts.embedded, counts.stale
    );
    Ok(())
}
