//! The HNSW vector index (DuckDB `vss`): built, used, kept equal to exact
//! search, dropped on a model change and rebuilt, and never in the way when
//! it is missing.

mod common;

use promptvault_core::embed::worker::vector_literal;
use promptvault_core::search::vector::{VectorIndexAction, VectorPath, VectorStrategy};
use promptvault_core::search::SearchOptions;
use promptvault_core::types::{NewPrompt, PromptSource};
use promptvault_core::Store;
use uuid::Uuid;

const DIMS: usize = 384;

/// Deterministic pseudo-random numbers (xorshift).
struct Rng(u64);
impl Rng {
    fn unit(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 1_000_000) as f32 / 1_000_000.0 - 0.5
    }
    fn vector(&mut self, dims: usize) -> Vec<f32> {
        (0..dims).map(|_| self.unit()).collect()
    }
}

fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter_mut().for_each(|x| *x /= n);
    v
}

/// `n` prompts whose vectors form `clusters` groups (as topics do), every
/// fifth one tagged `five`; returns their ids and vectors.
fn library(store: &Store, n: usize, clusters: usize, dims: usize) -> Vec<(Uuid, Vec<f32>)> {
    let mut rng = Rng(0x2545F4914F6CDD1D);
    let centres: Vec<Vec<f32>> = (0..clusters).map(|_| rng.vector(dims)).collect();
    store.ensure_vector_dims(dims).unwrap();
    (0..n)
        .map(|i| {
            let id = store
                .create_prompt(NewPrompt {
                    content: format!("prompt number {i}"),
                    tags: if i % 5 == 0 {
                        vec!["five".into()]
                    } else {
                        vec![]
                    },
                    ..NewPrompt::default()
                })
                .unwrap()
                .id;
            let noise = rng.vector(dims);
            let v = normalised(
                centres[i % clusters]
                    .iter()
                    .zip(noise)
                    .map(|(c, e)| c + 0.6 * e)
                    .collect(),
            );
            write_vector(store, id, &v);
            (id, v)
        })
        .collect()
}

fn write_vector(store: &Store, id: Uuid, v: &[f32]) {
    store
        .connection()
        .execute(
            &format!(
                "UPDATE prompts SET vector = ?::FLOAT[{}], embedding_model = 'test' WHERE id = ?::UUID",
                v.len()
            ),
            [vector_literal(v), id.to_string()],
        )
        .unwrap();
}

fn nearest(
    store: &Store,
    v: &[f32],
    opts: &SearchOptions,
    s: VectorStrategy,
) -> (Vec<Uuid>, VectorPath) {
    store.nearest(v, opts, s).unwrap()
}

#[test]
fn the_index_is_used_and_agrees_with_exact_search() {
    let (_dir, store) = common::temp_store();
    let data = library(&store, 400, 8, DIMS);
    assert!(!store.vector_index_exists().unwrap());
    let action = store.rebuild_vector_index().unwrap();
    assert!(
        matches!(action, VectorIndexAction::Built { vectors: 400, .. }),
        "{action:?}"
    );
    let status = store.vector_index_status().unwrap();
    assert!(status.present);
    assert_eq!(status.entries, Some(400));

    let query = &data[3].1;
    let plan = store
        .vector_query_plan(query, VectorStrategy::Auto)
        .unwrap();
    assert!(plan.contains("HNSW_INDEX_SCAN"), "{plan}");
    let plan = store
        .vector_query_plan(query, VectorStrategy::Exact)
        .unwrap();
    assert!(
        !plan.contains("HNSW_INDEX_SCAN"),
        "the exact query must not use the index: {plan}"
    );

    let opts = SearchOptions::default();
    for (_, q) in data.iter().step_by(37) {
        let (approx, path) = nearest(&store, q, &opts, VectorStrategy::Auto);
        let (exact, exact_path) = nearest(&store, q, &opts, VectorStrategy::Exact);
        assert_eq!(path, VectorPath::Hnsw);
        assert_eq!(exact_path, VectorPath::Exact);
        assert_eq!(approx.len(), exact.len());
        assert_eq!(approx[..10], exact[..10], "top 10 of a small set are exact");
    }
    // The fused search uses the same list.
    let r = store.search("prompt", &opts, Some(query)).unwrap();
    assert_eq!(
        r.hits
            .iter()
            .find(|h| h.ranks.vector == Some(1))
            .unwrap()
            .prompt
            .id,
        data[3].0
    );
}

#[test]
fn filtered_searches_over_the_index_stay_complete() {
    let (_dir, store) = common::temp_store();
    // One topic: every prompt is above the similarity floor.
    let data = library(&store, 400, 1, DIMS);
    store.rebuild_vector_index().unwrap();
    // 80 prompts carry the tag: the 200 unfiltered neighbours hold too few
    // of them, so the search falls back to the exact scan.
    let opts = SearchOptions {
        tag: Some("five".into()),
        ..SearchOptions::default()
    };
    let q = &data[10].1;
    let (approx, path) = nearest(&store, q, &opts, VectorStrategy::Auto);
    let (exact, _) = nearest(&store, q, &opts, VectorStrategy::Exact);
    assert_eq!(path, VectorPath::HnswThenExact);
    assert_eq!(approx, exact);
    assert_eq!(
        exact.len(),
        80,
        "every tagged prompt above the similarity floor"
    );
    assert_eq!(approx[0], data[10].0);
    // A filter that leaves enough neighbours is answered by the index.
    let opts = SearchOptions {
        source: Some(PromptSource::Local),
        ..SearchOptions::default()
    };
    let (approx, path) = nearest(&store, q, &opts, VectorStrategy::Auto);
    assert_eq!(path, VectorPath::Hnsw);
    assert_eq!(approx.len(), 100);
}

#[test]
fn a_missing_index_falls_back_to_exact_search() {
    let (_dir, store) = common::temp_store();
    let data = library(&store, 150, 4, DIMS);
    store.rebuild_vector_index().unwrap();
    let q = &data[0].1;
    let opts = SearchOptions::default();
    let (with_index, _) = nearest(&store, q, &opts, VectorStrategy::Auto);
    assert!(store.drop_vector_index().unwrap());
    let (without, path) = nearest(&store, q, &opts, VectorStrategy::Auto);
    assert_eq!(path, VectorPath::Exact);
    assert_eq!(with_index[..10], without[..10]);
    // Below the threshold maintenance leaves it exact; above, it rebuilds.
    assert!(matches!(
        store.maintain_vector_index().unwrap(),
        VectorIndexAction::UpToDate(s) if !s.present && !s.needs_build
    ));
    assert!(matches!(
        store.maintain_vector_index_at(100).unwrap(),
        VectorIndexAction::Built { vectors: 150, .. }
    ));
    assert!(store.vector_index_exists().unwrap());
}

#[test]
fn vectors_written_later_are_found_through_the_index() {
    let (_dir, store) = common::temp_store();
    let data = library(&store, 200, 4, DIMS);
    store.rebuild_vector_index().unwrap();
    // A new prompt embedded after the build, and an edited one (content
    // change clears its vector).
    let id = store
        .create_prompt(NewPrompt {
            content: "late".into(),
            ..NewPrompt::default()
        })
        .unwrap()
        .id;
    let mut v = data[7].1.clone();
    v[0] += 0.01;
    let v = normalised(v);
    write_vector(&store, id, &v);
    let (ids, path) = nearest(&store, &v, &SearchOptions::default(), VectorStrategy::Auto);
    assert_eq!(path, VectorPath::Hnsw);
    assert!(ids[..2].contains(&id), "{:?}", &ids[..2]);
    store
        .update_prompt(
            data[7].0,
            promptvault_core::types::PromptPatch {
                content: Some("changed".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let (ids, _) = nearest(&store, &v, &SearchOptions::default(), VectorStrategy::Auto);
    assert!(!ids.contains(&data[7].0), "a stale vector is not searched");
    assert_eq!(ids[0], id);
}

#[test]
fn a_model_change_drops_the_index_and_maintenance_rebuilds_it() {
    let (_dir, store) = common::temp_store();
    library(&store, 120, 4, DIMS);
    store.rebuild_vector_index().unwrap();
    // A model with another dimension: the column changes (it could not with
    // the index on it) and the index goes with the old vectors.
    store.ensure_vector_dims(16).unwrap();
    assert!(!store.vector_index_exists().unwrap());
    assert_eq!(store.vector_dims().unwrap(), 16);
    // The old vectors went with the column; 120 new ones arrive.
    let data = library(&store, 120, 4, 16);
    assert!(matches!(
        store.maintain_vector_index_at(100).unwrap(),
        VectorIndexAction::Built { vectors: 120, .. }
    ));
    let (ids, path) = nearest(
        &store,
        &data[5].1,
        &SearchOptions::default(),
        VectorStrategy::Auto,
    );
    assert_eq!(path, VectorPath::Hnsw);
    assert_eq!(ids[0], data[5].0);
}

#[test]
fn the_index_persists_across_reopening() {
    let (dir, store) = common::temp_store();
    let data = library(&store, 150, 4, DIMS);
    store.rebuild_vector_index().unwrap();
    drop(store);
    let store = Store::open(dir.path().join("vault.duckdb")).unwrap();
    let status = store.vector_index_status().unwrap();
    assert!(status.present);
    assert_eq!(status.entries, Some(150));
    // Writes still work with the index loaded, and search uses it.
    write_vector(&store, data[1].0, &data[2].1);
    let (ids, path) = nearest(
        &store,
        &data[2].1,
        &SearchOptions::default(),
        VectorStrategy::Auto,
    );
    assert_eq!(path, VectorPath::Hnsw);
    assert!(ids[..2].contains(&data[1].0));
}

#[test]
fn replaced_vectors_keep_the_index_complete() {
    let (_dir, store) = common::temp_store();
    let data = library(&store, 100, 4, DIMS);
    store.rebuild_vector_index().unwrap();
    // Re-embedding (an edit, a model update) replaces vectors in place.
    for round in 0..2 {
        for (id, v) in &data {
            let mut v = v.clone();
            v[round] += 0.05;
            write_vector(&store, *id, &normalised(v));
        }
    }
    let status = store.vector_index_status_at(50).unwrap();
    assert_eq!(status.entries, Some(100), "{status:?}");
    assert!(!status.needs_build);
    let (ids, path) = nearest(
        &store,
        &data[9].1,
        &SearchOptions::default(),
        VectorStrategy::Auto,
    );
    assert_eq!(path, VectorPath::Hnsw);
    assert_eq!(ids[0], data[9].0);
}
