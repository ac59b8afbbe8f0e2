//! The prompt lifecycle and its rules, on a real DuckDB file.

mod common;

use chrono::Utc;
use promptvault_core::store::ListQuery;
use promptvault_core::types::{ImmutableReason, NewPrompt, PromptPatch, PromptSource};
use promptvault_core::validate::{ValidationError, MAX_CONTENT_BYTES};
use promptvault_core::{Error, Store};
use uuid::Uuid;

fn new(content: &str) -> NewPrompt {
    NewPrompt {
        content: content.to_string(),
        is_private: true,
        ..NewPrompt::default()
    }
}

#[test]
fn create_read_and_owner() {
    let (_dir, store) = common::temp_store();
    let p = store
        .create_prompt(NewPrompt {
            content: "Act as a Linux terminal.".into(),
            synopsis: Some("  Linux Terminal  ".into()),
            tags: vec!["shell".into(), " Shell ".into(), "#cli".into(), "".into()],
            score: Some(80),
            is_private: false,
        })
        .unwrap();
    assert_eq!(p.synopsis.as_deref(), Some("Linux Terminal"));
    assert_eq!(p.tags, vec!["shell", "cli"]);
    assert_eq!(p.owner_id, store.local_user_id());
    assert_eq!(p.source, PromptSource::Local);
    assert!(!p.is_private);
    assert!(p.uploaded_at.is_none());
    assert_eq!(p.created_at, p.updated_at);
    assert_eq!(store.prompt(p.id).unwrap(), p);
}

#[test]
fn local_user_id_is_generated_once_and_persists() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.duckdb");
    let first = Store::open(&path).unwrap().local_user_id();
    let again = Store::open(&path).unwrap().local_user_id();
    assert_eq!(first, again);
    let other = Store::open(dir.path().join("other.duckdb"))
        .unwrap()
        .local_user_id();
    assert_ne!(first, other);
    let stored = Store::open(&path)
        .unwrap()
        .setting("local_user_id")
        .unwrap();
    assert_eq!(stored, serde_json::json!(first.to_string()));
}

#[test]
fn unicode_round_trips_exactly() {
    let (dir, store) = common::temp_store();
    let texts = [
        "emoji 👩‍👩‍👧‍👦 🇯🇵 and skin tones 👍🏽",
        "中文提示词：请扮演一名翻译",
        "עברית وعربي mixed RTL",
        "combining e\u{301} vs é, zero\u{200b}width, bidi \u{202e}override",
        "windows\r\nline endings\r\n",
        "  leading and trailing whitespace \t\n",
        "control \u{1} \u{7f} chars and a lone \u{fffd}",
        "quotes ' \" `; DROP TABLE prompts; --",
    ];
    let ids: Vec<Uuid> = texts
        .iter()
        .map(|t| {
            store
                .create_prompt(NewPrompt {
                    content: t.to_string(),
                    synopsis: Some(format!("syn {t}").trim().to_string()),
                    tags: vec![format!("tag-{}", &t[..t.char_indices().nth(3).unwrap().0])],
                    ..new(t)
                })
                .unwrap()
                .id
        })
        .collect();
    drop(store);
    let store = Store::open(dir.path().join("vault.duckdb")).unwrap();
    for (id, text) in ids.iter().zip(texts) {
        let p = store.prompt(*id).unwrap();
        assert_eq!(p.content, text);
        assert_eq!(p.synopsis.unwrap(), format!("syn {text}").trim());
    }
}

#[test]
fn large_content_is_accepted_up_to_the_limit() {
    let (_dir, store) = common::temp_store();
    let line = "Ünïcödé prompt text with some words 🙂\n";
    let big: String = line.repeat(MAX_CONTENT_BYTES / line.len());
    assert!(big.len() > 1_000_000);
    let p = store.create_prompt(new(&big)).unwrap();
    assert_eq!(store.prompt(p.id).unwrap().content, big);
    let too_big = "x".repeat(MAX_CONTENT_BYTES + 1);
    let err = store.create_prompt(new(&too_big)).unwrap_err();
    assert!(
        matches!(err, Error::Invalid(ValidationError::ContentTooLarge { .. })),
        "{err}"
    );
}

#[test]
fn validation_errors_are_typed_and_save_nothing() {
    let (_dir, store) = common::temp_store();
    let cases: Vec<(NewPrompt, ValidationError)> = vec![
        (new(""), ValidationError::EmptyContent),
        (new(" \n\t "), ValidationError::EmptyContent),
        (
            NewPrompt {
                score: Some(101),
                ..new("x")
            },
            ValidationError::ScoreOutOfRange(101),
        ),
        (
            NewPrompt {
                score: Some(-5),
                ..new("x")
            },
            ValidationError::ScoreOutOfRange(-5),
        ),
    ];
    for (input, want) in cases {
        match store.create_prompt(input) {
            Err(Error::Invalid(got)) => assert_eq!(got, want),
            other => panic!("expected {want:?}, got {other:?}"),
        }
    }
    assert_eq!(store.count_prompts().unwrap(), 0);
}

#[test]
fn list_is_newest_first_paged_and_filtered() {
    let (_dir, store) = common::temp_store();
    let mut ids = Vec::new();
    for i in 0..25 {
        let p = store
            .create_prompt(NewPrompt {
                tags: if i % 5 == 0 {
                    vec!["Five".into()]
                } else {
                    vec![]
                },
                is_private: i % 2 == 0,
                ..new(&format!("prompt {i}"))
            })
            .unwrap();
        ids.push(p.id);
    }
    ids.reverse();
    let page1 = store
        .list_prompts(&ListQuery {
            limit: 10,
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(page1.total, 25);
    let got: Vec<Uuid> = page1.items.iter().map(|p| p.id).collect();
    assert_eq!(got, ids[..10]);
    let page3 = store
        .list_prompts(&ListQuery {
            limit: 10,
            offset: 20,
            ..ListQuery::default()
        })
        .unwrap();
    let got: Vec<Uuid> = page3.items.iter().map(|p| p.id).collect();
    assert_eq!(got, ids[20..]);
    let five = store
        .list_prompts(&ListQuery {
            tag: Some("#five".into()),
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(five.total, 5);
    let public = store
        .list_prompts(&ListQuery {
            is_private: Some(false),
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(public.total, 12);
    assert!(public.items.iter().all(|p| !p.is_private));
}

#[test]
fn edit_updates_fields_and_marks_vector_stale() {
    let (_dir, store) = common::temp_store();
    let p = store.create_prompt(new("first")).unwrap();
    // Give it a vector, as the embedding worker would.
    store
        .connection()
        .execute(
            "UPDATE prompts SET vector = list_transform(range(384), x -> 0.5)::FLOAT[384] WHERE id = ?::UUID",
            [p.id.to_string()],
        )
        .unwrap();
    let has_vector = |s: &Store| -> bool {
        s.connection()
            .query_row(
                "SELECT vector IS NOT NULL FROM prompts WHERE id = ?::UUID",
                [p.id.to_string()],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert!(has_vector(&store));

    // Metadata edits keep the vector.
    let q = store
        .update_prompt(
            p.id,
            PromptPatch {
                synopsis: Some(Some("A synopsis".into())),
                tags: Some(vec!["a".into(), "A".into(), "b".into()]),
                score: Some(Some(70)),
                ..PromptPatch::default()
            },
        )
        .unwrap();
    assert_eq!(q.tags, vec!["a", "b"]);
    assert!(q.updated_at > p.updated_at);
    assert!(has_vector(&store));

    // A no-op patch changes nothing, not even updated_at.
    let same = store
        .update_prompt(
            p.id,
            PromptPatch {
                score: Some(Some(70)),
                ..PromptPatch::default()
            },
        )
        .unwrap();
    assert_eq!(same.updated_at, q.updated_at);

    // Content edits clear it.
    let r = store
        .update_prompt(
            p.id,
            PromptPatch {
                content: Some("second".into()),
                ..PromptPatch::default()
            },
        )
        .unwrap();
    assert_eq!(store.prompt(p.id).unwrap(), r);
    assert!(!has_vector(&store));

    // Invalid edits are refused and change nothing.
    let err = store
        .update_prompt(
            p.id,
            PromptPatch {
                content: Some("   ".into()),
                score: Some(Some(50)),
                ..PromptPatch::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(ValidationError::EmptyContent)));
    assert_eq!(store.prompt(p.id).unwrap(), r);

    // Clearing nullable fields.
    let cleared = store
        .update_prompt(
            p.id,
            PromptPatch {
                synopsis: Some(None),
                tags: Some(vec![]),
                score: Some(None),
                ..PromptPatch::default()
            },
        )
        .unwrap();
    assert_eq!(cleared.synopsis, None);
    assert!(cleared.tags.is_empty());
    assert_eq!(cleared.score, None);
}

#[test]
fn uploaded_prompts_are_immutable_and_keep_updated_at() {
    let (_dir, store) = common::temp_store();
    let p = store
        .create_prompt(NewPrompt {
            is_private: false,
            ..new("shared")
        })
        .unwrap();
    let up = store.mark_uploaded(p.id, Utc::now()).unwrap();
    assert!(up.uploaded_at.is_some());
    assert_eq!(up.updated_at, p.updated_at);
    let err = store
        .update_prompt(
            p.id,
            PromptPatch {
                content: Some("changed".into()),
                ..PromptPatch::default()
            },
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::Immutable { id, reason: ImmutableReason::Uploaded } if id == p.id),
        "{err}"
    );
    assert!(err.to_string().contains("uploaded"), "{err}");
    let after = store.prompt(p.id).unwrap();
    assert_eq!(after.content, "shared");
    assert_eq!(after.updated_at, p.updated_at);

    // A second upload confirmation does not move uploaded_at.
    let again = store
        .mark_uploaded(p.id, Utc::now() + chrono::Duration::hours(1))
        .unwrap();
    assert_eq!(again.uploaded_at, up.uploaded_at);

    // Private prompts are never uploaded.
    let private = store.create_prompt(new("mine")).unwrap();
    assert!(store.mark_uploaded(private.id, Utc::now()).is_err());
    assert!(store.prompt(private.id).unwrap().uploaded_at.is_none());
}

#[test]
fn synced_prompts_are_immutable_and_duplicate_into_a_private_draft() {
    let (_dir, store) = common::temp_store();
    let other_user = Uuid::new_v4();
    let created = Utc::now() - chrono::Duration::days(3);
    let synced = promptvault_core::types::Prompt {
        id: Uuid::new_v4(),
        content: "from someone else".into(),
        synopsis: Some("Theirs".into()),
        tags: vec!["shared".into()],
        score: Some(90),
        owner_id: other_user,
        is_private: true, // ignored: synced prompts are public
        uploaded_at: None,
        source: PromptSource::Local, // ignored
        created_at: created,
        updated_at: created,
    };
    assert!(store.insert_synced(synced.clone()).unwrap());
    assert!(
        !store.insert_synced(synced.clone()).unwrap(),
        "second insert is skipped"
    );
    let stored = store.prompt(synced.id).unwrap();
    assert_eq!(stored.source, PromptSource::Synced);
    assert!(!stored.is_private);
    assert_eq!(stored.owner_id, other_user);
    assert_eq!(
        stored.uploaded_at.unwrap().timestamp_micros(),
        created.timestamp_micros()
    );
    let err = store
        .update_prompt(
            synced.id,
            PromptPatch {
                is_private: Some(true),
                ..PromptPatch::default()
            },
        )
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Immutable {
            reason: ImmutableReason::Synced,
            ..
        }
    ));

    let copy = store.duplicate_prompt(synced.id).unwrap();
    assert_ne!(copy.id, synced.id);
    assert_eq!(copy.content, stored.content);
    assert_eq!(copy.synopsis, stored.synopsis);
    assert_eq!(copy.tags, stored.tags);
    assert_eq!(copy.source, PromptSource::Local);
    assert_eq!(copy.owner_id, store.local_user_id());
    assert!(copy.is_private);
    assert!(copy.is_editable());
    store
        .update_prompt(
            copy.id,
            PromptPatch {
                content: Some("mine now".into()),
                ..PromptPatch::default()
            },
        )
        .unwrap();
}

#[test]
fn delete_removes_only_that_prompt() {
    let (_dir, store) = common::temp_store();
    let a = store.create_prompt(new("a")).unwrap();
    let b = store.create_prompt(new("b")).unwrap();
    assert_eq!(store.delete_prompt(a.id).unwrap().id, a.id);
    assert!(matches!(store.prompt(a.id), Err(Error::NotFound(_))));
    assert!(matches!(store.delete_prompt(a.id), Err(Error::NotFound(_))));
    assert_eq!(store.prompt(b.id).unwrap(), b);
}

#[test]
fn id_prefixes_resolve_like_git() {
    let (_dir, store) = common::temp_store();
    let mut ids = Vec::new();
    for i in 0..40 {
        ids.push(store.create_prompt(new(&format!("p{i}"))).unwrap().id);
    }
    let id = ids[0];
    let full = id.to_string();
    assert_eq!(store.resolve_id(&full).unwrap(), id);
    assert_eq!(store.resolve_id(&full.to_uppercase()).unwrap(), id);
    // The shortest unique prefix of at least 4 characters resolves.
    let unique = (4..36)
        .map(|n| &full[..n])
        .find(|pre| {
            ids.iter()
                .filter(|i| i.to_string().starts_with(pre))
                .count()
                == 1
        })
        .unwrap();
    assert_eq!(store.resolve_id(unique).unwrap(), id);
    // Ambiguity: find two ids sharing a 1-char prefix and make a 4-char
    // prefix that both share by inserting a crafted id.
    let twin = Uuid::parse_str(&format!(
        "{}{}",
        &full[..8],
        &Uuid::new_v4().to_string()[8..]
    ))
    .unwrap();
    store
        .connection()
        .execute(
            "INSERT INTO prompts (id, content, owner_id) VALUES (?::UUID, 'twin', ?::UUID)",
            [twin.to_string(), store.local_user_id().to_string()],
        )
        .unwrap();
    match store.resolve_id(&full[..6]) {
        Err(Error::AmbiguousId { matches, .. }) => {
            assert!(matches.contains(&full));
            assert!(matches.contains(&twin.to_string()));
        }
        other => panic!("expected ambiguity, got {other:?}"),
    }
    assert!(matches!(store.resolve_id("abc"), Err(Error::BadId(_))));
    assert!(matches!(store.resolve_id("zzzzzz"), Err(Error::BadId(_))));
    assert!(matches!(store.resolve_id("'; --"), Err(Error::BadId(_))));
    let absent = Uuid::new_v4();
    assert!(matches!(
        store.resolve_id(&absent.to_string()),
        Err(Error::NotFound(_))
    ));
}

#[cfg(unix)]
#[test]
fn database_is_created_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("new/dir");
    let path = nested.join("vault.duckdb");
    Store::open(&path).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&nested), 0o700);
}
