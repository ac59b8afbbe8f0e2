//! The application service the desktop app holds: editing, lexical then
//! fused search with the real model loaded in the background, settings,
//! the API key, AI calls with cancellation, and UI-ready error kinds.

mod common;
#[path = "support/openai_server.rs"]
mod openai_server;

use std::sync::Arc;
use std::time::Duration;

use openai_server::{OpenAiServer, Reply};
use promptvault_core::secrets::{InMemoryStore, KeySource};
use promptvault_core::types::{NewPrompt, SearchFilters};
use promptvault_core::vault::{EmbedPhase, EmbedState, Vault};
use serde_json::{json, Value};

const MINILM: &str = "sentence-transformers/all-MiniLM-L6-v2";

fn vault() -> (tempfile::TempDir, Arc<Vault>) {
    let (dir, store) = common::temp_store();
    let vault = Vault::with_store(store, Box::new(InMemoryStore::new())).unwrap();
    (dir, Arc::new(vault))
}

fn fields(content: &str, synopsis: &str, tags: &[&str]) -> NewPrompt {
    NewPrompt {
        content: content.into(),
        synopsis: Some(synopsis.into()),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        score: Some(70),
        is_private: true,
    }
}

fn ids(results: &promptvault_core::types::SearchResults) -> Vec<uuid::Uuid> {
    results.hits.iter().map(|h| h.prompt.id).collect()
}

/// Waits until the embedding state satisfies `done` (or fails the test).
async fn wait_for(vault: &Vault, what: &str, done: impl Fn(&EmbedState) -> bool) -> EmbedState {
    let mut rx = vault.subscribe_embed_state();
    let wait = async {
        loop {
            let state = rx.borrow_and_update().clone();
            if done(&state) {
                return state;
            }
            rx.changed().await.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(120), wait)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}: {:?}", vault.embed_state()))
}

#[test]
fn editing_replaces_every_field_and_keeps_immutable_prompts_intact() {
    let (_dir, vault) = vault();
    let p = vault
        .create_prompt(fields(
            "Write a haiku about {topic}.",
            "Haiku writer",
            &["poetry"],
        ))
        .unwrap();
    let edited = vault
        .update_prompt(
            p.id,
            NewPrompt {
                synopsis: None,
                score: None,
                is_private: false,
                ..fields("Write a limerick about {topic}.", "", &[])
            },
        )
        .unwrap();
    assert_eq!(edited.content, "Write a limerick about {topic}.");
    assert_eq!(edited.synopsis, None, "a cleared synopsis is cleared");
    assert!(edited.tags.is_empty());
    assert_eq!(edited.score, None);

    vault
        .with_store_ref(|s| s.mark_uploaded(p.id, chrono::Utc::now()))
        .unwrap();
    let err = vault
        .update_prompt(p.id, fields("changed", "changed", &[]))
        .unwrap_err();
    assert_eq!(err.kind, "immutable", "{err:?}");
    assert!(err.message.contains("uploaded"), "{}", err.message);
    assert_eq!(vault.get_prompt(p.id).unwrap().content, edited.content);

    let copy = vault.duplicate_prompt(p.id).unwrap();
    assert!(copy.is_editable() && copy.id != p.id);
    assert_eq!(copy.content, edited.content);

    let missing = vault.get_prompt(uuid::Uuid::new_v4()).unwrap_err();
    assert_eq!(missing.kind, "not_found");
    let invalid = vault
        .create_prompt(fields("   ", "empty", &[]))
        .unwrap_err();
    assert_eq!(invalid.kind, "validation", "{invalid:?}");
}

#[test]
fn lexical_search_finds_a_saved_prompt_at_once_and_copy_records_history() {
    let (_dir, vault) = vault();
    let p = vault
        .create_prompt(fields(
            "Review this pull request for security problems.",
            "Security code reviewer",
            &["code"],
        ))
        .unwrap();
    let filters = SearchFilters::default();
    let found = vault.search_lexical("security review", &filters).unwrap();
    assert_eq!(ids(&found), vec![p.id]);
    // Without a loaded model the fused search is the lexical one.
    let fused = vault.search_hybrid("security review", &filters).unwrap();
    assert!(!fused.semantic);
    assert_eq!(ids(&fused), vec![p.id]);

    // The kept lexical lists are dropped by a write: a new match shows.
    let second = vault
        .create_prompt(fields(
            "Security review checklist for a web app.",
            "Review",
            &[],
        ))
        .unwrap();
    let again = vault.search_lexical("security review", &filters).unwrap();
    assert_eq!(again.hits.len(), 2);
    assert!(ids(&again).contains(&second.id));
    vault.delete_prompt(second.id).unwrap();
    let after_delete = vault.search_hybrid("security review", &filters).unwrap();
    assert_eq!(ids(&after_delete), vec![p.id]);

    let private_only = SearchFilters {
        is_private: Some(false),
        ..SearchFilters::default()
    };
    assert!(vault
        .search_lexical("security", &private_only)
        .unwrap()
        .hits
        .is_empty());

    let content = vault
        .content_for_copy(p.id, Some("security review"))
        .unwrap();
    assert_eq!(content, p.content);
    let suggestions = vault.suggest("secu").unwrap();
    assert_eq!(suggestions[0].text, "security review", "{suggestions:?}");
}

#[test]
fn settings_list_only_what_a_user_sets_and_refuse_bad_values() {
    let (_dir, vault) = vault();
    let settings = vault.settings().unwrap();
    let keys: Vec<&str> = settings.iter().map(|s| s.key.as_str()).collect();
    assert!(keys.contains(&"hotkey_config") && keys.contains(&"embedding_model"));
    assert!(!keys.contains(&"local_user_id") && !keys.contains(&"ai_api_key_placeholder"));
    let hotkey = settings.iter().find(|s| s.key == "hotkey_config").unwrap();
    assert_eq!(hotkey.value, json!("CmdOrCtrl+Shift+P"));
    assert!(hotkey.is_default);
    let model = settings
        .iter()
        .find(|s| s.key == "embedding_model")
        .unwrap();
    assert!(model
        .options
        .as_ref()
        .unwrap()
        .contains(&MINILM.to_string()));

    let entry = vault
        .set_setting("ai_request_timeout_seconds", json!(30))
        .unwrap();
    assert_eq!((entry.value, entry.is_default), (json!(30), false));
    let err = vault
        .set_setting("ai_request_timeout_seconds", json!(0))
        .unwrap_err();
    assert_eq!(err.kind, "validation");
    assert_eq!(
        vault
            .setting_entry("ai_request_timeout_seconds")
            .unwrap()
            .value,
        json!(30),
        "a refused value leaves the old one"
    );
    let err = vault.set_setting("local_user_id", json!("x")).unwrap_err();
    assert_eq!(err.kind, "validation");
    // An emptied path field means "not set".
    let entry = vault
        .set_setting("embedding_model_dir", json!("  "))
        .unwrap();
    assert_eq!(entry.value, Value::Null);
}

#[test]
fn the_api_key_is_kept_in_the_secret_store_and_shown_only_as_set() {
    let (_dir, vault) = vault();
    if std::env::var_os("PROMPTVAULT_AI_API_KEY").is_some() {
        return; // the environment would take precedence
    }
    assert!(!vault.key_status().unwrap().set);
    let status = vault.set_api_key("sk-test-0123456789abcdef").unwrap();
    assert!(status.set);
    assert_eq!(status.source, Some(KeySource::Keychain));
    let shown = serde_json::to_string(&status).unwrap();
    assert!(!shown.contains("0123456789"), "{shown}");
    assert_eq!(vault.set_api_key("   ").unwrap_err().kind, "validation");
    assert!(!vault.clear_api_key().unwrap().set);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ai_calls_use_the_settings_and_can_be_cancelled() {
    let (_dir, vault) = vault();
    if std::env::var_os("PROMPTVAULT_AI_API_KEY").is_some() {
        return;
    }
    // The default service (OpenAI) needs a key: without one, it fails at
    // once, before any request.
    let err = vault.polish("Write a poem", "concise").await.unwrap_err();
    assert_eq!(err.kind, "no_key", "{err:?}");

    let server = OpenAiServer::start();
    for key in ["ai_polish_model_endpoint", "ai_meta_model_endpoint"] {
        vault.set_setting(key, json!(server.endpoint())).unwrap();
    }

    vault.set_api_key("sk-test-0123456789abcdef").unwrap();
    server.script([Reply::content("Write a short poem.")]);
    let polished = vault.polish("Write a poem", "concise").await.unwrap();
    assert_eq!(polished.polished, "Write a short poem.");
    assert!(!polished.diff.is_empty());
    let err = vault
        .polish("Write a poem", "no-such-strategy")
        .await
        .unwrap_err();
    assert_eq!(err.kind, "validation");

    server.script([Reply::hang(Duration::from_secs(30))]);
    let canceller = {
        let vault = vault.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            vault.cancel_ai();
        })
    };
    let started = std::time::Instant::now();
    let err = vault
        .generate_prompt("a prompt for naming pets")
        .await
        .unwrap_err();
    canceller.await.unwrap();
    assert_eq!(err.kind, "cancelled", "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_loads_in_the_background_and_fused_search_finds_paraphrases() {
    let (_dir, vault) = vault();
    vault.set_setting("embedding_model", json!(MINILM)).unwrap();
    let cooking = vault
        .create_prompt(fields(
            "Suggest a weekly dinner plan with recipes and a shopping list.",
            "Meal planner",
            &["food"],
        ))
        .unwrap();
    vault
        .create_prompt(fields(
            "Explain how a TCP handshake works.",
            "Networking tutor",
            &["networking"],
        ))
        .unwrap();
    assert_eq!(vault.embed_state().phase, EmbedPhase::Idle);

    vault.start_background().unwrap();
    let ready = wait_for(&vault, "ready", |s| s.phase == EmbedPhase::Ready).await;
    assert_eq!((ready.embedded, ready.stale, ready.total), (2, 0, 2));
    assert_eq!(ready.model, MINILM);

    // No shared keyword: only the vector list can find it.
    let query = "what should I cook for supper this week";
    let filters = SearchFilters::default();
    let fused = vault.search_hybrid(query, &filters).unwrap();
    assert!(fused.semantic);
    assert_eq!(fused.hits.first().map(|h| h.prompt.id), Some(cooking.id));

    // A new prompt is embedded by the woken worker.
    vault
        .create_prompt(fields("Plan a three-day hike.", "Hike planner", &[]))
        .unwrap();
    let state = wait_for(&vault, "the new prompt", |s| s.embedded == 3).await;
    assert_eq!(state.stale, 0);

    // A model that cannot be loaded (here: not on this machine, and its
    // download refused) leaves search lexical, with the reason.
    std::env::set_var("PROMPTVAULT_HF_ENDPOINT", "http://127.0.0.1:9");
    vault
        .set_setting("embedding_model", json!("intfloat/multilingual-e5-small"))
        .unwrap();
    let down = wait_for(&vault, "unavailable", |s| {
        s.phase == EmbedPhase::Unavailable
    })
    .await;
    assert!(
        down.error.as_deref().unwrap_or("").contains("e5-small"),
        "{down:?}"
    );
    let lexical = vault.search_hybrid("hike", &filters).unwrap();
    assert!(!lexical.semantic);
    assert_eq!(lexical.hits.len(), 1);
    vault.shutdown().await;
}
