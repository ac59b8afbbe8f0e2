//! A machine without the configured model: the vault downloads the preset
//! from the hub (a local server speaking the `resolve` protocol, serving the
//! real all-MiniLM-L6-v2 files), publishes the progress, loads it and embeds.
//! Its own test binary: it points the asset and cache directories and the
//! hub at temporary places through the environment.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use promptvault_core::secrets::InMemoryStore;
use promptvault_core::types::{NewPrompt, SearchFilters};
use promptvault_core::vault::{EmbedPhase, Vault};
use serde_json::json;

const MINILM: &str = "sentence-transformers/all-MiniLM-L6-v2";

/// Serves `GET /<repo>/resolve/main/<path>` from `dir` (by file name), and
/// records the paths asked for.
fn hub(dir: PathBuf) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap() <= 2 {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            log.lock().unwrap().push(path.clone());
            let name = Path::new(&path).file_name().unwrap().to_owned();
            let mut out = stream;
            match std::fs::read(dir.join(&name)) {
                Ok(body) => {
                    write!(
                        out,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .unwrap();
                    out.write_all(&body).unwrap();
                }
                Err(_) => {
                    write!(
                        out,
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                    .unwrap();
                }
            }
        }
    });
    (url, asked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_preset_is_downloaded_with_progress_then_used() {
    let real_assets = promptvault_core::assets::dir().unwrap();
    let model_files = real_assets.join("models/all-MiniLM-L6-v2");
    let ort = real_assets.join("onnxruntime/libonnxruntime.so.1.24.4");
    assert!(
        model_files.is_dir() && ort.is_file(),
        "run scripts/provision-assets.sh"
    );

    let scratch = tempfile::tempdir().unwrap();
    let (url, asked) = hub(model_files);
    // A machine with neither the asset cache nor a downloaded model.
    std::env::set_var("PROMPTVAULT_ASSETS_DIR", scratch.path().join("no-assets"));
    std::env::set_var("XDG_CACHE_HOME", scratch.path().join("cache"));
    std::env::set_var("PROMPTVAULT_HF_ENDPOINT", &url);

    let (_dir, store) = common::temp_store();
    let vault = Arc::new(Vault::with_store(store, Box::new(InMemoryStore::new())).unwrap());
    vault.set_setting("embedding_model", json!(MINILM)).unwrap();
    vault
        .set_setting("onnxruntime_library", json!(ort.display().to_string()))
        .unwrap();
    let meal = vault
        .create_prompt(NewPrompt {
            content: "Suggest a weekly dinner plan with recipes and a shopping list.".into(),
            synopsis: Some("Meal planner".into()),
            ..NewPrompt::default()
        })
        .unwrap();

    let mut rx = vault.subscribe_embed_state();
    vault.start_background().unwrap();
    let mut saw_download = false;
    let ready = tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            let state = rx.borrow_and_update().clone();
            if state.phase == EmbedPhase::Downloading {
                let d = state.download.as_ref().expect("progress while downloading");
                assert!(d.files_total >= 4 && d.files_done < d.files_total, "{d:?}");
                saw_download = true;
            }
            if state.phase == EmbedPhase::Ready || state.phase == EmbedPhase::Unavailable {
                return state;
            }
            rx.changed().await.unwrap();
        }
    })
    .await
    .expect("the model is downloaded and loaded");
    assert_eq!(ready.phase, EmbedPhase::Ready, "{ready:?}");
    assert!(saw_download, "the download's progress was published");
    assert_eq!(ready.embedded, 1);

    let asked = asked.lock().unwrap().clone();
    assert!(
        asked
            .iter()
            .any(|p| p == &format!("/{MINILM}/resolve/main/onnx/model.onnx")),
        "{asked:?}"
    );
    let cached = scratch.path().join("cache/promptvault/models");
    assert!(std::fs::read_dir(&cached).unwrap().next().is_some());

    let found = vault
        .search_hybrid("what should I cook for supper", &SearchFilters::default())
        .unwrap();
    assert!(found.semantic);
    assert_eq!(found.hits.first().map(|h| h.prompt.id), Some(meal.id));
    vault.shutdown().await;
}
