//! Bulk import benchmark: one JSON file of N prompts (the shared
//! collections varied), imported into a fresh database file in one
//! transaction, full-text index included. Prints the time and the peak
//! memory of the process; run it under `/usr/bin/time -v` for the kernel's
//! view too.
//!
//! `cargo run -p promptvault-bench --bin bench-import [N]` (default 20000)

use std::time::Instant;

use anyhow::Result;
use promptvault_bench::{machine, peak_rss_mib, shared_prompts, varied_prompts};
use promptvault_core::Store;

fn main() -> Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    println!("machine: {}", machine());
    let dir = std::env::temp_dir().join(format!("pv-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("prompts.json");
    std::fs::write(
        &file,
        serde_json::to_string(&varied_prompts(&shared_prompts()?, n))?,
    )?;
    let before = peak_rss_mib();
    let store = Store::open(dir.join("bench.duckdb"))?;
    let t = Instant::now();
    let summary = store.import_file(&file, None, &mut |_, _| {})?;
    let took = t.elapsed().as_secs_f64();
    println!(
        "imported {} of {} prompts in {took:.1} s ({:.0} prompts/s), full-text index included",
        summary.imported,
        summary.read,
        summary.imported as f64 / took
    );
    println!(
        "peak RSS: {:.0} MiB (before the import: {before:.0} MiB)",
        peak_rss_mib()
    );
    drop(store);
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
