//! Shared helpers of the benchmark programs: timing statistics, peak
//! memory, and the shared prompt collections as benchmark data.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use promptvault_core::transfer::Format;
use promptvault_core::types::Prompt;
use promptvault_core::Store;

/// Median and 95th percentile of a set of durations, in milliseconds.
pub fn percentiles(samples: &mut [Duration]) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[i].as_secs_f64() * 1000.0
    };
    (at(0.5), at(0.95))
}

/// Peak resident memory of this process (VmHWM), in MiB.
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The shared data directory (`../shared/data` or `$PROMPTVAULT_SHARED_DATA`).
pub fn shared_data() -> PathBuf {
    std::env::var_os("PROMPTVAULT_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// Loads both shared collections into `store`.
pub fn import_shared(store: &Store) -> Result<()> {
    let data = shared_data();
    for (file, format) in [
        ("prompts-chat/prompts.csv", Format::Csv),
        ("prompts-zh/prompts-zh.json", Format::Json),
    ] {
        let text =
            std::fs::read_to_string(data.join(file)).with_context(|| format!("reading {file}"))?;
        store.import_text(&text, format, &mut |_, _| {})?;
    }
    Ok(())
}

/// A short description of the machine, for the report.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cores} cores, {cpu}")
}

/// A small deterministic random generator (xorshift), so runs compare.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform in [-0.5, 0.5).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() % 1_000_000) as f32 / 1_000_000.0 - 0.5
    }
}

/// The real prompts, varied to reach `n`: item `i` is original `i % len`
/// with 12 words drawn from other prompts appended (and a numbered synopsis
/// after the first round), so every item is distinct text. Item `i` is the
/// same whatever `n`.
pub fn varied_prompts(originals: &[Prompt], n: usize) -> Vec<serde_json::Value> {
    let words: Vec<&str> = originals
        .iter()
        .flat_map(|p| p.content.split_whitespace().take(50))
        .collect();
    let mut rng = Rng(0x9e3779b97f4a7c15);
    (0..n)
        .map(|i| {
            let p = &originals[i % originals.len()];
            let extra: Vec<&str> = (0..12)
                .map(|_| words[rng.next_u64() as usize % words.len()])
                .collect();
            let synopsis = match (&p.synopsis, i < originals.len()) {
                (Some(s), false) => Some(format!("{s} ({i})")),
                (s, _) => s.clone(),
            };
            serde_json::json!({
                "content": format!("{}\n\n{}", p.content, extra.join(" ")),
                "synopsis": synopsis,
                "tags": p.tags,
            })
        })
        .collect()
}

/// The shared collections as prompts (imported into a throwaway store).
pub fn shared_prompts() -> Result<Vec<Prompt>> {
    let base = Store::open_in_memory()?;
    import_shared(&base)?;
    Ok(base.all_prompts_oldest_first()?)
}
