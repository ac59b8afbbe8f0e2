//! Real embeddings: all-MiniLM-L6-v2 on ONNX Runtime, from the offline
//! asset cache that scripts/provision-assets.sh builds.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use promptvault_core::embed::engine::cosine;
use promptvault_core::embed::model::{Manifest, Pooling};
use promptvault_core::embed::worker::{embed_pending, Worker};
use promptvault_core::embed::{self, EmbedError, Embedder, ModelSource};
use promptvault_core::types::{NewPrompt, PromptPatch};

const MINILM: &str = "sentence-transformers/all-MiniLM-L6-v2";

fn minilm_dir() -> PathBuf {
    let dir = promptvault_core::assets::dir()
        .expect("an asset directory")
        .join("models/all-MiniLM-L6-v2");
    assert!(
        dir.join("model.onnx").is_file(),
        "the offline model is missing at {}: run scripts/provision-assets.sh",
        dir.display()
    );
    dir
}

fn minilm() -> Embedder {
    let source =
        embed::resolve(MINILM, None).expect("the MiniLM preset resolves to the asset cache");
    assert_eq!(source.dir, minilm_dir());
    Embedder::load(&source, None).unwrap()
}

/// A copy of the MiniLM directory with another manifest (custom models).
fn custom_copy(manifest: &Manifest) -> (tempfile::TempDir, ModelSource) {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(minilm_dir()).unwrap() {
        let entry = entry.unwrap();
        let to = tmp.path().join(entry.file_name());
        // Hard links keep the 90 MB model from being copied.
        std::fs::hard_link(entry.path(), &to)
            .or_else(|_| std::fs::copy(entry.path(), &to).map(|_| ()))
            .unwrap();
    }
    std::fs::remove_file(tmp.path().join(embed::model::MANIFEST)).ok();
    std::fs::write(
        tmp.path().join(embed::model::MANIFEST),
        serde_json::to_string(manifest).unwrap(),
    )
    .unwrap();
    let source = embed::load_manifest_dir(tmp.path().to_path_buf()).unwrap();
    (tmp, source)
}

fn manifest(name: &str) -> Manifest {
    Manifest {
        name: name.into(),
        dims: 384,
        pooling: Pooling::Mean,
        max_length: 256,
        query_prefix: String::new(),
        query_instruct_task: None,
        document_prefix: String::new(),
        normalize: true,
    }
}

fn assert_same(a: &[f32], b: &[f32]) {
    assert!(
        cosine(a, b) > 0.9999,
        "expected the same vector, cosine {}",
        cosine(a, b)
    );
}

#[test]
fn a_paraphrase_ranks_above_an_unrelated_sentence() {
    let e = minilm();
    let v = e
        .embed_documents(
            &[
                "How do I reset my password?",
                "I forgot my password and need to change it",
                "The weather in Paris is sunny today",
            ],
            8,
        )
        .unwrap();
    let para = cosine(&v[0], &v[1]);
    let unrelated = cosine(&v[0], &v[2]);
    assert!(para > 0.7, "paraphrase {para}");
    assert!(unrelated < 0.2, "unrelated {unrelated}");
    // Queries find the right prompt.
    let q = e.embed_query("reset my password").unwrap();
    assert!(cosine(&q, &v[0]) > cosine(&q, &v[2]) + 0.3);
}

#[test]
fn vectors_are_normalised_and_have_the_declared_dimension() {
    let e = minilm();
    assert_eq!(e.spec().dims, 384);
    for v in e
        .embed_documents(
            &["short", "a much longer sentence about databases and search"],
            2,
        )
        .unwrap()
    {
        assert_eq!(v.len(), 384);
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
    }
}

#[test]
fn batching_does_not_change_vectors() {
    let e = minilm();
    let docs = [
        "one",
        "two words",
        "three words here",
        "and a fourth, longer, sentence",
    ];
    let together = e.embed_documents(&docs, 4).unwrap();
    for (doc, v) in docs.iter().zip(&together) {
        assert_same(&e.embed_documents(&[*doc], 1).unwrap()[0], v);
    }
}

#[test]
fn query_and_document_prefixes_are_applied() {
    let mut m = manifest("test/prefixed");
    m.query_prefix = "query: ".into();
    m.document_prefix = "passage: ".into();
    let (_tmp, source) = custom_copy(&m);
    let prefixed = Embedder::load(&source, None).unwrap();
    let plain = minilm();
    assert_same(
        &prefixed.embed_query("sql tutor").unwrap(),
        &plain.embed_documents(&["query: sql tutor"], 1).unwrap()[0],
    );
    assert_same(
        &prefixed.embed_documents(&["Act as a tutor"], 1).unwrap()[0],
        &plain
            .embed_documents(&["passage: Act as a tutor"], 1)
            .unwrap()[0],
    );
    // Without prefixes the query is the text itself.
    assert_same(
        &plain.embed_query("sql tutor").unwrap(),
        &plain.embed_documents(&["sql tutor"], 1).unwrap()[0],
    );
}

#[test]
fn the_instruct_query_format_is_applied() {
    let mut m = manifest("test/instruct");
    m.query_instruct_task = Some("Find the prompt".into());
    let (_tmp, source) = custom_copy(&m);
    let instruct = Embedder::load(&source, None).unwrap();
    let plain = minilm();
    assert_same(
        &instruct.embed_query("sql tutor").unwrap(),
        &plain
            .embed_documents(&["Instruct: Find the prompt\nQuery: sql tutor"], 1)
            .unwrap()[0],
    );
}

#[test]
fn pooling_follows_the_spec() {
    let mut m = manifest("test/cls");
    m.pooling = Pooling::Cls;
    let (_tmp, source) = custom_copy(&m);
    let cls = Embedder::load(&source, None).unwrap();
    let mean = minilm();
    let text = ["Summarise the following meeting notes into action items"];
    let a = cls.embed_documents(&text, 1).unwrap();
    let b = mean.embed_documents(&text, 1).unwrap();
    assert!(
        cosine(&a[0], &b[0]) < 0.99,
        "CLS and mean pooling must differ"
    );
}

#[test]
fn input_is_truncated_at_the_models_max_length() {
    let base = "The quick brown fox jumps over the lazy dog. ".repeat(40); // ~400 tokens
    let docs = [format!("{base} cats"), format!("{base} quantum physics")];
    let short = minilm();
    let v = short.embed_documents(&docs, 2).unwrap();
    assert_same(&v[0], &v[1]);
    let mut m = manifest("test/long");
    m.max_length = 512;
    let (_tmp, source) = custom_copy(&m);
    let long = Embedder::load(&source, None).unwrap();
    let w = long.embed_documents(&docs, 2).unwrap();
    assert!(
        cosine(&w[0], &w[1]) < 0.9999,
        "with 512 tokens the tails are seen"
    );
}

#[test]
fn a_wrong_dimension_in_a_manifest_is_refused() {
    let mut m = manifest("test/wrong");
    m.dims = 768;
    let (_tmp, source) = custom_copy(&m);
    match Embedder::load(&source, None) {
        Err(EmbedError::WrongDims {
            declared, actual, ..
        }) => assert_eq!((declared, actual), (768, 384)),
        other => panic!("expected WrongDims, got {other:?}"),
    }
}

#[test]
fn missing_models_and_manifests_are_clear_errors() {
    let err = embed::resolve("intfloat/multilingual-e5-large-instruct", None);
    if let Err(e) = &err {
        assert!(e.to_string().contains("not available locally"), "{e}");
    }
    let err = embed::resolve("custom", None).unwrap_err();
    assert!(err.to_string().contains("embedding_model_dir"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let err = embed::load_manifest_dir(empty.path().to_path_buf()).unwrap_err();
    assert!(err.to_string().contains("promptvault-model.json"), "{err}");
    let err = embed::resolve("no/such-model", None).unwrap_err();
    assert!(err.to_string().contains("unknown model"), "{err}");
}

#[test]
fn the_runtime_search_order_is_setting_env_exe_assets() {
    let explicit = Path::new("/opt/custom/libonnxruntime.so");
    let list = embed::runtime::candidates(Some(explicit));
    assert_eq!(list[0], explicit);
    let exe_dir = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let exe_pos = list.iter().position(|p| p.starts_with(&exe_dir)).unwrap();
    let assets = promptvault_core::assets::dir().unwrap();
    let asset_pos = list.iter().position(|p| p.starts_with(&assets)).unwrap();
    assert!(exe_pos < asset_pos);
    let err = embed::runtime::locate(Some(Path::new("/nonexistent/libonnxruntime.so")));
    // The asset cache still provides one; without it the error lists all places.
    assert!(err.is_ok(), "the provisioned runtime is found: {err:?}");
}

#[test]
fn query_vectors_are_cached() {
    let e = minilm();
    let a = e.embed_query("translate to French").unwrap();
    let b = e.embed_query("translate to French").unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert_eq!(e.cached_queries(), 1);
}

fn add(store: &promptvault_core::Store, text: &str) -> uuid::Uuid {
    store
        .create_prompt(NewPrompt {
            content: text.into(),
            ..NewPrompt::default()
        })
        .unwrap()
        .id
}

#[test]
fn the_queue_embeds_stale_prompts_and_survives_interruption() {
    let (_dir, store) = common::temp_store();
    let e = minilm();
    let ids: Vec<_> = (0..20)
        .map(|i| add(&store, &format!("Prompt number {i} about topic {}", i % 3)))
        .collect();
    assert_eq!(store.embed_status(MINILM).unwrap().stale, 20);

    // Interrupted after the first batch: what was written stays written.
    let cancel = AtomicBool::new(false);
    let mut batches = 0;
    let first = embed_pending(&store, &e, 8, Some(&cancel), &mut |_| {
        batches += 1;
        cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    })
    .unwrap();
    assert_eq!((first.done, batches), (8, 1));
    assert_eq!(store.embed_status(MINILM).unwrap().stale, 12);

    // A new run picks up the rest.
    let mut seen = Vec::new();
    let rest = embed_pending(&store, &e, 8, None, &mut |p| seen.push(p)).unwrap();
    assert_eq!(rest.done, 12);
    assert_eq!(seen.last().unwrap().done, 12);
    assert!(rest.docs_per_sec > 0.0);
    assert_eq!(store.embed_status(MINILM).unwrap().stale, 0);

    // Editing content makes exactly that prompt stale; metadata edits do not.
    store
        .update_prompt(
            ids[3],
            PromptPatch {
                content: Some("new text".into()),
                ..PromptPatch::default()
            },
        )
        .unwrap();
    store
        .update_prompt(
            ids[4],
            PromptPatch {
                synopsis: Some(Some("syn".into())),
                ..PromptPatch::default()
            },
        )
        .unwrap();
    assert_eq!(store.embed_status(MINILM).unwrap().stale, 1);
    assert_eq!(
        embed_pending(&store, &e, 8, None, &mut |_| {})
            .unwrap()
            .done,
        1
    );

    // The stored vector is the model's vector for the content.
    let stored: String = store
        .connection()
        .query_row(
            "SELECT CAST(vector AS VARCHAR) FROM prompts WHERE id = ?::UUID",
            [ids[3].to_string()],
            |r| r.get(0),
        )
        .unwrap();
    let stored: Vec<f32> = serde_json::from_str(&stored).unwrap();
    assert_same(&stored, &e.embed_documents(&["new text"], 1).unwrap()[0]);
}

#[test]
fn changing_the_model_re_embeds_everything_and_dimensions_follow() {
    let (_dir, store) = common::temp_store();
    let e = minilm();
    for i in 0..5 {
        add(&store, &format!("text {i}"));
    }
    embed_pending(&store, &e, 16, None, &mut |_| {}).unwrap();
    let (_tmp, source) = custom_copy(&manifest("test/other-model"));
    let other = Embedder::load(&source, None).unwrap();
    assert_eq!(store.embed_status("test/other-model").unwrap().stale, 5);
    assert_eq!(
        embed_pending(&store, &other, 16, None, &mut |_| {})
            .unwrap()
            .done,
        5
    );
    assert_eq!(
        store.embed_status(MINILM).unwrap().stale,
        5,
        "back to stale for MiniLM"
    );
    // Switching back drops the other model's vectors at once, then re-embeds.
    let mut first = None;
    embed_pending(&store, &e, 2, None, &mut |p| {
        first.get_or_insert(p);
    })
    .unwrap();
    assert_eq!(first.unwrap().done, 2);
    assert_eq!(store.embed_status(MINILM).unwrap().stale, 0);
    embed_pending(&store, &other, 16, None, &mut |_| {}).unwrap();

    store.ensure_vector_dims(1024).unwrap();
    assert_eq!(store.vector_dims().unwrap(), 1024);
    assert_eq!(store.embed_status("test/other-model").unwrap().embedded, 0);
    // The worker restores the dimension its model needs.
    embed_pending(&store, &e, 16, None, &mut |_| {}).unwrap();
    assert_eq!(store.vector_dims().unwrap(), 384);
    assert_eq!(store.embed_status(MINILM).unwrap().stale, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_worker_embeds_on_wake() {
    let (_dir, store) = common::temp_store();
    let e = Arc::new(minilm());
    let worker = Worker::spawn(store.try_clone().unwrap(), e.clone(), 4);
    let mut progress = worker.progress();
    for i in 0..6 {
        add(&store, &format!("background prompt {i}"));
    }
    worker.wake();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while store.embed_status(MINILM).unwrap().stale > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "worker did not finish"
        );
        let _ =
            tokio::time::timeout(std::time::Duration::from_millis(200), progress.changed()).await;
    }
    worker.shutdown().await;
    assert_eq!(store.embed_status(MINILM).unwrap().embedded, 6);
}
