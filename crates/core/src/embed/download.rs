//! The online path: fetching a preset's ONNX and tokenizer files from the
//! Hugging Face hub into the download cache, on first use.
//!
//! Each file is downloaded to `<name>.part` and renamed into place only when
//! complete and verified, so an interrupted download never leaves a broken
//! model behind; a later attempt resumes the `.part` file with an HTTP
//! `Range` request. Large (LFS) files are checked against the SHA-256 the hub
//! announces in `X-Linked-ETag`/`ETag`. Transient failures are retried with
//! exponential backoff.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::model::Preset;
use super::EmbedError;

/// Default hub; `$PROMPTVAULT_HF_ENDPOINT` (or `$HF_ENDPOINT`) overrides it.
pub const DEFAULT_ENDPOINT: &str = "https://huggingface.co";

/// Attempts per file before giving up.
const ATTEMPTS: u32 = 4;

/// Download progress: bytes of the current file and of all files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DownloadProgress {
    pub file: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub file_done: u64,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub file_total: Option<u64>,
    pub files_done: usize,
    pub files_total: usize,
}

/// The hub to download from.
pub fn endpoint() -> String {
    ["PROMPTVAULT_HF_ENDPOINT", "HF_ENDPOINT"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| DEFAULT_ENDPOINT.to_string())
}

/// Downloads every file of `preset` into `dest` (created if needed).
pub fn download_preset(
    preset: &Preset,
    dest: &Path,
    endpoint: &str,
    progress: &mut dyn FnMut(&DownloadProgress),
) -> Result<PathBuf, EmbedError> {
    std::fs::create_dir_all(dest).map_err(|e| EmbedError::Download {
        url: dest.display().to_string(),
        detail: e.to_string(),
    })?;
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .timeout(None)
        .user_agent(concat!("promptvault/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| EmbedError::Download {
            url: endpoint.into(),
            detail: e.to_string(),
        })?;
    for (i, file) in preset.files.iter().enumerate() {
        let target = dest.join(file.local);
        if target.is_file() {
            continue;
        }
        let url = format!(
            "{}/{}/resolve/main/{}",
            endpoint.trim_end_matches('/'),
            preset.repo,
            file.remote
        );
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut report = |done: u64, total: Option<u64>| {
                progress(&DownloadProgress {
                    file: file.local.to_string(),
                    file_done: done,
                    file_total: total,
                    files_done: i,
                    files_total: preset.files.len(),
                })
            };
            match fetch(&client, &url, &target, &mut report) {
                Ok(()) => break,
                Err(e @ EmbedError::Checksum { .. }) => return Err(e),
                Err(e) if attempt >= ATTEMPTS => return Err(e),
                Err(e) => {
                    let wait = Duration::from_millis(500 * 2u64.pow(attempt - 1));
                    tracing::warn!(%url, attempt, error = %e, ?wait, "download failed; retrying");
                    std::thread::sleep(wait);
                }
            }
        }
    }
    Ok(dest.to_path_buf())
}

/// Fetches one URL to `target`, resuming `target.part` if present.
fn fetch(
    client: &reqwest::blocking::Client,
    url: &str,
    target: &Path,
    report: &mut dyn FnMut(u64, Option<u64>),
) -> Result<(), EmbedError> {
    let fail = |detail: String| EmbedError::Download {
        url: url.to_string(),
        detail,
    };
    let part = target.with_extension(format!(
        "{}part",
        target
            .extension()
            .map(|e| format!("{}.", e.to_string_lossy()))
            .unwrap_or_default()
    ));
    let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let mut request = client.get(url);
    if have > 0 {
        request = request.header(reqwest::header::RANGE, format!("bytes={have}-"));
    }
    let mut response = request.send().map_err(|e| fail(e.to_string()))?;
    let status = response.status();
    let resumed = status == reqwest::StatusCode::PARTIAL_CONTENT;
    if !status.is_success() {
        return Err(fail(format!("HTTP {status}")));
    }
    let expected_sha = ["x-linked-etag", "etag"].iter().find_map(|h| {
        let v = response.headers().get(*h)?.to_str().ok()?;
        let v = v
            .trim_start_matches("W/")
            .trim_matches('"')
            .to_ascii_lowercase();
        (v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit())).then_some(v)
    });
    let offset = if resumed { have } else { 0 };
    let total = response.content_length().map(|n| n + offset);
    let mut out = OpenOptions::new()
        .create(true)
        .write(true)
        .append(resumed)
        .truncate(!resumed)
        .open(&part)
        .map_err(|e| fail(e.to_string()))?;
    let mut done = offset;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = response.read(&mut buf).map_err(|e| fail(e.to_string()))?;
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n]).map_err(|e| fail(e.to_string()))?;
        done += n as u64;
        report(done, total);
    }
    out.sync_all().map_err(|e| fail(e.to_string()))?;
    drop(out);
    if let Some(total) = total {
        if done != total {
            return Err(fail(format!(
                "connection closed after {done} of {total} bytes"
            )));
        }
    }
    if let Some(expected) = expected_sha {
        let actual = sha256_file(&part).map_err(|e| fail(e.to_string()))?;
        if actual != expected {
            let _ = std::fs::remove_file(&part);
            return Err(EmbedError::Checksum {
                file: target.display().to_string(),
                expected,
                actual,
            });
        }
    }
    std::fs::rename(&part, target).map_err(|e| fail(e.to_string()))?;
    Ok(())
}

/// Hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
