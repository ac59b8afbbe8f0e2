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
