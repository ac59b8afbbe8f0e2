//! Hybrid search on the real DuckDB `fts` extension, with the shared
//! collections and the offline MiniLM model.

mod common;

use promptvault_core::embed::{self, worker::embed_pending, Embedder};
use promptvault_core::search::SearchOptions;
use promptvault_core::types::{NewPrompt, PromptPatch, PromptSource, SuggestionKind};
use promptvault_core::Store;

fn library() -> (tempfile::TempDir, Store) {
    let (dir, store) = common::temp_store();
    store
        .import_file(
            &common::shared_data("prompts-chat/prompts.csv"),
            None,
            &mut |_, _| {},
        )
        .unwrap();
    store
        .import_file(
            &common::shared_data("prompts-zh/prompts-zh.json"),
            None,
            &mut |_, _| {},
        )
        .unwrap();
    (dir, store)
}

fn titles(store: &Store, query: &str, n: usize) -> Vec<String> {
    store
        .search(
            query,
            &SearchOptions {
                limit: n,
                ..SearchOptions::default()
            },
            None,
        )
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.prompt.synopsis.unwrap_or_default())
        .collect()
}

fn add(store: &Store, synopsis: &str, content: &str, tags: &[&str]) -> uuid::Uuid {
    store
        .create_prompt(NewPrompt {
            content: content.into(),
            synopsis: Some(synopsis.into()),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..NewPrompt::default()
        })
        .unwrap()
        .id
}

#[test]
fn the_extensions_load_offline() {
    let (_dir, store) = common::temp_store();
    assert_eq!(store.extensions().fts, Ok(()), "fts");
    assert_eq!(store.extensions().vss, Ok(()), "vss");
}

#[test]
fn keywords_find_the_prompt_meant() {
    let (_dir, store) = library();
    assert!(store.fts_index_exists().unwrap());
    assert_eq!(
        store.fts_pending_count().unwrap(),
        0,
        "import folds into the index"
    );
    assert_eq!(titles(&store, "linux terminal", 3)[0], "Linux Terminal");
    assert!(titles(&store, "javascript console", 5).contains(&"JavaScript Console".to_string()));
    // Stemming: "translating" finds the translator prompts.
    let t = titles(&store, "translating english", 10);
    assert!(t.iter().any(|s| s.contains("Translator")), "{t:?}");
}

#[test]
fn a_saved_prompt_is_findable_at_once_and_edits_and_deletes_follow() {
    let (_dir, store) = library();
    let id = add(
        &store,
        "Zanzibar itinerary",
        "Plan a week in Zanzibar with snorkelling",
        &[],
    );
    assert_eq!(store.fts_pending_count().unwrap(), 1);
    assert_eq!(
        titles(&store, "zanzibar snorkelling", 3)[0],
        "Zanzibar itinerary"
    );
    // Stemmed: "snorkel" matches "snorkelling" through the porter stemmer.
    assert_eq!(titles(&store, "snorkel", 3)[0], "Zanzibar itinerary");
    store
        .update_prompt(
            id,
            PromptPatch {
                content: Some("Plan a week in Madagascar with lemurs".into()),
                synopsis: Some(Some("Madagascar itinerary".into())),
                ..PromptPatch::default()
            },
        )
        .unwrap();
    assert!(
        titles(&store, "zanzibar", 5).is_empty()
            || titles(&store, "zanzibar", 5)[0] != "Madagascar itinerary"
    );
    assert_eq!(
        titles(&store, "madagascar lemurs", 3)[0],
        "Madagascar itinerary"
    );
    // After a rebuild the prompt comes from the index itself.
    store.rebuild_fts_index().unwrap();
    assert_eq!(store.fts_pending_count().unwrap(), 0);
    assert_eq!(
        titles(&store, "madagascar lemurs", 3)[0],
        "Madagascar itinerary"
    );
    store.delete_prompt(id).unwrap();
    assert!(!titles(&store, "madagascar lemurs", 5).contains(&"Madagascar itinerary".to_string()));
}

#[test]
fn every_script_is_searchable() {
    let (_dir, store) = library();
    add(
        &store,
        "Зимние стихи",
        "Напиши стихотворение о зиме и снеге",
        &[],
    );
    add(&store, "Ποίηση", "Γράψε ένα ποίημα για τη θάλασσα", &[]);
    add(
        &store,
        "Recette",
        "Donne-moi la recette de la crème brûlée",
        &[],
    );
    assert_eq!(titles(&store, "стихотворение зиме", 3)[0], "Зимние стихи");
    assert_eq!(titles(&store, "θάλασσα", 3)[0], "Ποίηση");
    // Accents are folded both ways.
    assert_eq!(titles(&store, "creme brulee", 3)[0], "Recette");
    assert_eq!(titles(&store, "crème brûlée", 3)[0], "Recette");
    // Chinese without spaces: bigrams, and two-character queries.
    let zh = titles(&store, "英语翻译和改进", 5);
    assert!(zh.iter().any(|s| s.contains("翻译")), "{zh:?}");
    let zh2 = titles(&store, "翻译", 5);
    assert!(zh2.iter().any(|s| s.contains("翻译")), "{zh2:?}");
    let zh3 = titles(&store, "充当英语翻译", 3);
    assert!(zh3[0].contains("英语翻译"), "{zh3:?}");
}

#[test]
fn no_query_text_raises_an_error() {
    let (_dir, store) = library();
    let long = "write a story ".repeat(800);
    let queries = [
        "\"unbalanced quote",
        "linux AND terminal OR NOT *",
        "'; DROP TABLE prompts; --",
        "SELECT * FROM prompts",
        "🦀🔥 emoji only 👍🏽",
        "\\ % _ : ( ) [ ] { } ^ $ | ? + .",
        long.as_str(),
        "a",
        "c",
        "é",
        "中",
        "\u{0}\u{1}",
        "   ",
        "#",
        "##tag",
        "-",
    ];
    for q in queries {
        let r = store.search(q, &SearchOptions::default(), None);
        assert!(r.is_ok(), "{q:?}: {r:?}");
    }
    assert_eq!(store.count_prompts().unwrap(), 1637, "nothing was dropped");
}

#[test]
fn one_and_two_character_queries_still_match() {
    let (_dir, store) = library();
    for q in ["li", "L", "js", "翻"] {
        let r = store.search(q, &SearchOptions::default(), None).unwrap();
        assert!(!r.hits.is_empty(), "{q:?} found nothing");
    }
    assert!(titles(&store, "li", 5)
        .iter()
        .any(|t| t.to_lowercase().starts_with("li")));
}

#[test]
fn tags_rank_and_filter() {
    let (_dir, store) = library();
    let id = add(
        &store,
        "Regex helper",
        "Explain this regular expression step by step",
        &["regex", "dev"],
    );
    let r = store
        .search("#regex", &SearchOptions::default(), None)
        .unwrap();
    assert_eq!(r.hits[0].prompt.id, id);
    assert_eq!(r.hits[0].ranks.tag, Some(1));
    // A bare word equal to a specific tag counts too.
    let r = store
        .search("regex", &SearchOptions::default(), None)
        .unwrap();
    assert_eq!(r.hits[0].prompt.id, id);
    assert!(r.tag_count >= 1);
    // A tag on most of the library ("text") is too broad to count as a word.
    let r = store
        .search("text", &SearchOptions::default(), None)
        .unwrap();
    assert_eq!(r.tag_count, 0);
    // Filters.
    let only = store
        .search(
            "realistic portrait",
            &SearchOptions {
                tag: Some("IMAGE".into()),
                limit: 50,
                ..SearchOptions::default()
            },
            None,
        )
        .unwrap();
    assert!(!only.hits.is_empty());
    assert!(only
        .hits
        .iter()
        .all(|h| h.prompt.tags.contains(&"image".to_string())));
    let synced = store
        .search(
            "act as",
            &SearchOptions {
                source: Some(PromptSource::Synced),
                ..SearchOptions::default()
            },
            None,
        )
        .unwrap();
    assert!(synced.hits.is_empty());
}

#[test]
fn an_empty_query_lists_recent_prompts() {
    let (_dir, store) = library();
    let id = add(&store, "Newest", "just added", &[]);
    let r = store
        .search(
            "",
            &SearchOptions {
                limit: 5,
                ..SearchOptions::default()
            },
            None,
        )
        .unwrap();
    assert_eq!(r.hits.len(), 5);
    assert_eq!(r.hits[0].prompt.id, id);
}

#[test]
fn fused_search_finds_paraphrases_and_lexical_comes_first() {
    let (_dir, store) = common::temp_store();
    let target = add(
        &store,
        "Password help",
        "Walk me through resetting a forgotten account password safely",
        &[],
    );
    add(
        &store,
        "Weather",
        "Describe today's weather in Paris for a travel blog",
        &[],
    );
    add(&store, "Poem", "Write a sonnet about autumn leaves", &[]);
    let model = Embedder::load(
        &embed::resolve("sentence-transformers/all-MiniLM-L6-v2", None).unwrap(),
        None,
    )
    .unwrap();
    embed_pending(&store, &model, 16, None, &mut |_| {}).unwrap();
    let query = "I can't log in, I lost my credentials";
    let lexical = store
        .search(query, &SearchOptions::default(), None)
        .unwrap();
    assert!(!lexical.semantic);
    assert!(
        lexical.hits.iter().all(|h| h.prompt.id != target),
        "no shared keyword"
    );
    let v = model.embed_query(query).unwrap();
    let fused = store
        .search(query, &SearchOptions::default(), Some(&v))
        .unwrap();
    assert!(fused.semantic);
    assert_eq!(fused.hits[0].prompt.id, target);
    assert_eq!(fused.hits[0].ranks.vector, Some(1));
    // Unrelated prompts fall under the similarity floor: nothing pads the list.
    let v = model
        .embed_query("quantum chromodynamics lattice gauge")
        .unwrap();
    let none = store
        .search(
            "quantum chromodynamics lattice gauge",
            &SearchOptions::default(),
            Some(&v),
        )
        .unwrap();
    assert!(
        none.hits.is_empty(),
        "{:?}",
        none.hits
            .iter()
            .map(|h| &h.prompt.synopsis)
            .collect::<Vec<_>>()
    );
}

#[test]
fn suggestions_come_from_history_tags_and_synopses() {
    let (_dir, store) = library();
    add(&store, "Linter for SQL", "x", &["linting"]);
    store.record_search("linux terminal tricks").unwrap();
    store.record_search("linux terminal tricks").unwrap();
    let s = store.suggest("Lin", 8).unwrap();
    assert_eq!(s[0].text, "linux terminal tricks");
    assert_eq!(s[0].kind, SuggestionKind::History);
    assert!(
        s.iter()
            .any(|x| x.kind == SuggestionKind::Tag && x.text == "#linting"),
        "{s:?}"
    );
    assert!(
        s.iter()
            .any(|x| x.kind == SuggestionKind::Synopsis && x.text == "Linux Terminal"),
        "{s:?}"
    );
    let texts: Vec<String> = s.iter().map(|x| x.text.to_lowercase()).collect();
    let mut dedup = texts.clone();
    dedup.dedup();
    assert_eq!(texts.len(), dedup.len());
    // LIKE wildcards in the prefix are literal.
    assert!(store.suggest("%", 8).unwrap().is_empty());
    assert!(store.suggest("_", 8).unwrap().is_empty());
    assert!(store.suggest("", 8).unwrap().is_empty());
}

#[test]
fn a_prompt_saved_during_a_background_rebuild_is_findable_at_once() {
    let (_dir, store) = library();
    add(&store, "Before", "an okapi in the rainforest", &[]);
    let background = store.try_clone().unwrap();
    let rebuild = std::thread::spawn(move || background.rebuild_fts_index().unwrap());
    // Saved while the rebuild runs on the other connection.
    let id = add(&store, "During", "a pangolin in the savanna", &[]);
    assert_eq!(titles(&store, "pangolin savanna", 3)[0], "During");
    assert_eq!(titles(&store, "okapi rainforest", 3)[0], "Before");
    let report = rebuild.join().unwrap();
    assert!(report.documents >= 1637);
    // After it: found either through the new index or, if the rebuild did
    // not see it, as still pending.
    assert_eq!(titles(&store, "pangolin savanna", 3)[0], "During");
    assert_eq!(titles(&store, "okapi rainforest", 3)[0], "Before");
    let after = add(&store, "After", "a narwhal under the ice", &[]);
    assert_eq!(titles(&store, "narwhal ice", 3)[0], "After");
    assert!(store.fts_rebuild_needed().unwrap());
    store.rebuild_fts_index().unwrap();
    assert!(!store.fts_rebuild_needed().unwrap());
    assert_eq!(store.fts_pending_count().unwrap(), 0);
    for (q, want) in [("pangolin", id), ("narwhal", after)] {
        let r = store.search(q, &SearchOptions::default(), None).unwrap();
        assert_eq!(r.hits[0].prompt.id, want, "{q}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_refresher_folds_saved_prompts_into_the_index() {
    use promptvault_core::search::refresh::FtsRefresher;
    use std::time::Duration;

    let quokkas = |store: &Store| {
        titles(store, "quokka", 10)
            .iter()
            .filter(|t| t.starts_with("Quokka"))
            .count()
    };
    let (_dir, store) = library();
    let refresher = FtsRefresher::spawn(store.try_clone().unwrap(), Duration::from_millis(100));
    let mut state = refresher.state();
    for i in 0..5 {
        add(&store, &format!("Quokka {i}"), "a quokka selfie", &[]);
        refresher.notify();
        // Findable at once, before any rebuild.
        assert_eq!(quokkas(&store), i + 1);
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while store.fts_pending_count().unwrap() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no rebuild within a minute"
        );
        let _ = tokio::time::timeout(Duration::from_millis(200), state.changed()).await;
    }
    assert_eq!(quokkas(&store), 5);
    let done = *refresher.state().borrow();
    assert_eq!(done.failures, 0);
    // The burst of five notifications was debounced into one rebuild (two
    // if the start-up check raced the first save).
    assert!((1..=2).contains(&done.rebuilds), "{done:?}");
    assert!(done.last.unwrap().documents >= 1642);
    refresher.shutdown().await;
}

#[test]
fn a_kept_suggester_gives_the_same_suggestions() {
    let (_dir, store) = library();
    store.record_search("translate this").unwrap();
    let mut suggester = store.suggester().unwrap();
    for prefix in ["tr", "#t", "act", "充当", "zzz"] {
        assert_eq!(
            suggester.suggest(prefix, 8).unwrap(),
            store.suggest(prefix, 8).unwrap(),
            "{prefix}"
        );
    }
    let s = suggester.suggest("tr", 8).unwrap();
    assert_eq!(s[0].kind, SuggestionKind::History);
    // A search recorded later is seen by the kept suggester.
    store.record_search("trivia night").unwrap();
    assert_eq!(suggester.suggest("tri", 8).unwrap()[0].text, "trivia night");
    // So are tags added, edited or deleted since its last call.
    let id = add(&store, "Brass", "x", &["trombone"]);
    let tagged = |s: &mut promptvault_core::search::Suggester| {
        s.suggest("#tromb", 8)
            .unwrap()
            .iter()
            .any(|x| x.kind == SuggestionKind::Tag && x.text == "#trombone")
    };
    assert!(tagged(&mut suggester));
    store
        .update_prompt(
            id,
            PromptPatch {
                tags: Some(vec!["tuba".into()]),
                ..PromptPatch::default()
            },
        )
        .unwrap();
    assert!(!tagged(&mut suggester));
    assert_eq!(suggester.suggest("#tub", 8).unwrap()[0].text, "#tuba");
    store.delete_prompt(id).unwrap();
    assert!(suggester.suggest("#tub", 8).unwrap().is_empty());
}

#[test]
fn a_large_import_is_indexed_in_its_transaction() {
    let (_dir, store) = common::temp_store();
    let items: Vec<serde_json::Value> = (0..5000)
        .map(|i| {
            serde_json::json!({
                "content": format!("bulk prompt {i} about topic{}", i % 50),
                "synopsis": format!("Bulk {i}"),
                "tags": [format!("t{}", i % 7)],
            })
        })
        .collect();
    let mut calls = 0;
    let summary = store
        .import_text(
            &serde_json::to_string(&items).unwrap(),
            promptvault_core::transfer::Format::Json,
            &mut |done, total| {
                calls += 1;
                assert!(done <= total);
            },
        )
        .unwrap();
    assert_eq!(summary.imported, 5000);
    assert!(calls >= 4);
    assert_eq!(store.count_prompts().unwrap(), 5000);
    assert_eq!(store.fts_pending_count().unwrap(), 0, "no pending marks");
    assert!(!store.fts_rebuild_needed().unwrap());
    let r = store
        .search(
            "topic7",
            &SearchOptions {
                limit: 200,
                ..SearchOptions::default()
            },
            None,
        )
        .unwrap();
    assert_eq!(r.hits.len(), 100, "every match, from the index");
    let p = store.prompt(summary.imported_ids[1234]).unwrap();
    assert_eq!(p.synopsis.as_deref(), Some("Bulk 1234"));
    assert_eq!(p.tags, vec!["t2".to_string()]);
    // Importing again adds nothing (same content and synopsis).
    let again = store
        .import_text(
            &serde_json::to_string(&items).unwrap(),
            promptvault_core::transfer::Format::Json,
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!((again.imported, again.duplicates), (0, 5000));
}

#[test]
fn equal_scores_list_in_the_same_order_every_time() {
    let (_dir, store) = common::temp_store();
    // More identical prompts than a list keeps, so ties decide the cut too.
    let ids: Vec<uuid::Uuid> = (0..130)
        .map(|_| {
            add(
                &store,
                "Commit message writer",
                "Write a commit message for this diff.",
                &[],
            )
        })
        .collect();
    store.rebuild_fts_index().unwrap();
    let opts = SearchOptions {
        limit: 50,
        mode: promptvault_core::search::SearchMode::FullTextOnly,
        ..SearchOptions::default()
    };
    let listed = || -> Vec<uuid::Uuid> {
        let results = store.search("commit message", &opts, None).unwrap();
        results.hits.into_iter().map(|h| h.prompt.id).collect()
    };
    let first = listed();
    for _ in 0..5 {
        assert_eq!(listed(), first);
    }
    // Newest first among equals.
    let newest: Vec<_> = ids.iter().rev().take(50).copied().collect();
    assert_eq!(first, newest);
}
