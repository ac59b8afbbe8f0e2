//! The online model download, against a local server that behaves like the
//! Hugging Face hub's `resolve` endpoint: Range requests, LFS checksums in
//! `X-Linked-ETag`, and a connection that drops halfway.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use promptvault_core::embed::download::{download_preset, sha256_file};
use promptvault_core::embed::model::{ModelFile, ModelSpec, Pooling, Preset, QueryFormat};
use promptvault_core::embed::EmbedError;

const FILES: &[ModelFile] = &[
    ModelFile {
        remote: "onnx/model.onnx",
        local: "model.onnx",
    },
    ModelFile {
        remote: "tokenizer.json",
        local: "tokenizer.json",
    },
];

fn spec() -> ModelSpec {
    ModelSpec {
        name: "test/model".into(),
        dims: 4,
        pooling: Pooling::Mean,
        max_length: 8,
        query: QueryFormat::Prefix {
            prefix: String::new(),
        },
        document_prefix: String::new(),
    }
}

const PRESET: Preset = Preset {
    repo: "test/model",
    files: FILES,
    spec,
};

/// How the fake hub misbehaves.
#[derive(Clone, Copy)]
enum Fault {
    None,
    /// The first response for the model stops after half its bytes.
    DropHalfway,
    /// The announced checksum is wrong.
    BadChecksum,
}

/// Requests the hub saw: path and the `Range` start, if any.
type RequestLog = Arc<Mutex<Vec<(String, Option<String>)>>>;

struct Hub {
    url: String,
    requests: RequestLog,
}

fn sha256(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn serve(files: HashMap<String, Vec<u8>>, fault: Fault) -> Hub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let log = requests.clone();
    std::thread::spawn(move || {
        let mut dropped = false;
        for stream in listener.incoming().take(20) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let path = request_line.split_whitespace().nth(1).unwrap().to_string();
            let mut range = None;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
                    range = Some(v.trim().trim_end_matches('-').to_string());
                }
            }
            log.lock().unwrap().push((path.clone(), range.clone()));
            let key = path
                .trim_start_matches("/test/model/resolve/main/")
                .to_string();
            let Some(body) = files.get(&key) else {
                let _ = stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
                continue;
            };
            let etag = match fault {
                Fault::BadChecksum => "0".repeat(64),
                _ => sha256(body),
            };
            let start: usize = range.as_deref().map_or(0, |r| r.parse().unwrap());
            let status = if start > 0 {
                "206 Partial Content"
            } else {
                "200 OK"
            };
            let part = &body[start..];
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nX-Linked-ETag: \"{etag}\"\r\nConnection: close\r\n\r\n",
                part.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            if matches!(fault, Fault::DropHalfway) && key.ends_with(".onnx") && !dropped {
                dropped = true;
                let _ = stream.write_all(&part[..part.len() / 2]);
                continue; // connection closes early
            }
            let _ = stream.write_all(part);
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
        }
    });
    Hub { url, requests }
}

fn files() -> HashMap<String, Vec<u8>> {
    let model: Vec<u8> = (0..300_000u32).flat_map(|i| i.to_le_bytes()).collect();
    HashMap::from([
        ("onnx/model.onnx".to_string(), model),
        (
            "tokenizer.json".to_string(),
            br#"{"version": "1.0"}"#.to_vec(),
        ),
    ])
}

#[test]
fn downloads_every_file_with_progress() {
    let hub = serve(files(), Fault::None);
    let dest = tempfile::tempdir().unwrap();
    let mut reports = 0;
    download_preset(&PRESET, dest.path(), &hub.url, &mut |p| {
        reports += 1;
        assert!(p.file_done <= p.file_total.unwrap());
        assert_eq!(p.files_total, 2);
    })
    .unwrap();
    assert!(reports > 2);
    let want = files();
    assert_eq!(
        std::fs::read(dest.path().join("model.onnx")).unwrap(),
        want["onnx/model.onnx"]
    );
    assert_eq!(
        std::fs::read(dest.path().join("tokenizer.json")).unwrap(),
        want["tokenizer.json"]
    );
    assert_eq!(
        sha256_file(&dest.path().join("model.onnx")).unwrap(),
        sha256(&want["onnx/model.onnx"])
    );
}

#[test]
fn an_interrupted_download_resumes_with_a_range_request() {
    let hub = serve(files(), Fault::DropHalfway);
    let dest = tempfile::tempdir().unwrap();
    download_preset(&PRESET, dest.path(), &hub.url, &mut |_| {}).unwrap();
    assert_eq!(
        std::fs::read(dest.path().join("model.onnx")).unwrap(),
        files()["onnx/model.onnx"]
    );
    let requests = hub.requests.lock().unwrap();
    let model_requests: Vec<_> = requests
        .iter()
        .filter(|(p, _)| p.ends_with(".onnx"))
        .collect();
    assert_eq!(model_requests.len(), 2, "{requests:?}");
    assert_eq!(model_requests[0].1, None);
    let resumed_from: usize = model_requests[1].1.as_deref().unwrap().parse().unwrap();
    assert_eq!(resumed_from, files()["onnx/model.onnx"].len() / 2);
    assert!(!dest.path().join("model.onnx.part").exists());
}

#[test]
fn a_checksum_mismatch_is_refused_and_leaves_no_file() {
    let hub = serve(files(), Fault::BadChecksum);
    let dest = tempfile::tempdir().unwrap();
    let err = download_preset(&PRESET, dest.path(), &hub.url, &mut |_| {}).unwrap_err();
    assert!(matches!(err, EmbedError::Checksum { .. }), "{err}");
    assert!(!dest.path().join("model.onnx").exists());
    assert!(!dest.path().join("model.onnx.part").exists());
}

#[test]
fn an_unreachable_hub_is_a_clear_error() {
    let dest = tempfile::tempdir().unwrap();
    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = download_preset(
        &PRESET,
        dest.path(),
        &format!("http://127.0.0.1:{port}"),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(err.to_string().contains("download of"), "{err}");
}
