//! A database whose vector index cannot be loaded (no `vss`) stays usable:
//! the index is dropped at open so writes go on, vector search is exact,
//! and the index is rebuilt once `vss` is back.
//!
//! Its own test binary: it switches `vss` off through the environment.

mod common;

use promptvault_core::embed::worker::vector_literal;
use promptvault_core::search::vector::{VectorIndexAction, VectorPath, VectorStrategy};
use promptvault_core::search::SearchOptions;
use promptvault_core::types::NewPrompt;
use promptvault_core::Store;

#[test]
fn a_database_whose_index_cannot_load_stays_usable() {
    let (dir, store) = common::temp_store();
    let path = dir.path().join("vault.duckdb");
    store.ensure_vector_dims(8).unwrap();
    let mut ids = Vec::new();
    for i in 0..60 {
        let id = store
            .create_prompt(NewPrompt {
                content: format!("prompt {i}"),
                ..NewPrompt::default()
            })
            .unwrap()
            .id;
        let v: Vec<f32> = (0..8)
            .map(|d| (i as f32 * 1.3 + d as f32 * 0.7).sin() + 1.5)
            .collect();
        store
            .connection()
            .execute(
                "UPDATE prompts SET vector = ?::FLOAT[8], embedding_model = 'test' WHERE id = ?::UUID",
                [vector_literal(&v), id.to_string()],
            )
            .unwrap();
        ids.push((id, v));
    }
    store.rebuild_vector_index().unwrap();
    let (expected, _) = store
        .nearest(&ids[4].1, &SearchOptions::default(), VectorStrategy::Exact)
        .unwrap();
    drop(store);

    std::env::set_var("PROMPTVAULT_DISABLE_EXTENSIONS", "vss");
    let store = Store::open(&path).unwrap();
    assert!(store.extensions().vss.is_err());
    assert!(!store.vector_index_exists().unwrap(), "dropped at open");
    // Writes go on (DuckDB refuses them on a table with an unloadable index).
    store
        .create_prompt(NewPrompt {
            content: "written without vss".into(),
            ..NewPrompt::default()
        })
        .unwrap();
    let (found, path_taken) = store
        .nearest(&ids[4].1, &SearchOptions::default(), VectorStrategy::Auto)
        .unwrap();
    assert_eq!(path_taken, VectorPath::Exact);
    assert_eq!(found, expected);
    assert!(matches!(
        store.maintain_vector_index_at(1).unwrap(),
        VectorIndexAction::Unavailable(_)
    ));
    drop(store);

    std::env::remove_var("PROMPTVAULT_DISABLE_EXTENSIONS");
    let store = Store::open(&path).unwrap();
    assert!(store.vector_index_status_at(1).unwrap().needs_build);
    assert!(matches!(
        store.maintain_vector_index_at(1).unwrap(),
        VectorIndexAction::Built { vectors: 60, .. }
    ));
    let (found, path_taken) = store
        .nearest(&ids[4].1, &SearchOptions::default(), VectorStrategy::Auto)
        .unwrap();
    assert_eq!(path_taken, VectorPath::Hnsw);
    assert_eq!(found[..10], expected[..10]);
}
