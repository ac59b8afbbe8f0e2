//! Import and export on the shared collections and on broken files.

mod common;

use promptvault_core::store::ListQuery;
use promptvault_core::transfer::Format;
use promptvault_core::types::{NewPrompt, Prompt};
use promptvault_core::{Error, Store};

fn import(store: &Store, path: &std::path::Path) -> promptvault_core::transfer::ImportSummary {
    let mut calls = 0;
    let mut last = (0, 0);
    let summary = store
        .import_file(path, None, &mut |done, total| {
            calls += 1;
            last = (done, total);
        })
        .unwrap();
    if summary.imported > 0 {
        assert!(calls > 0, "progress was reported");
        assert_eq!(last, (summary.imported, summary.imported));
    }
    summary
}

fn all(store: &Store) -> Vec<Prompt> {
    store.all_prompts_oldest_first().unwrap()
}

#[test]
fn prompts_chat_csv_imports_every_row_once() {
    let (_dir, store) = common::temp_store();
    let csv = common::shared_data("prompts-chat/prompts.csv");
    let s = import(&store, &csv);
    assert_eq!(s.read, 1529);
    assert_eq!(s.duplicates, 16, "prompts.csv repeats 16 rows exactly");
    assert_eq!(s.imported, 1513);
    assert_eq!(store.count_prompts().unwrap(), 1513);

    // Mapping: act -> synopsis, prompt -> content, type/for_devs -> tags.
    let terminal = store
        .list_prompts(&ListQuery {
            limit: 2000,
            ..ListQuery::default()
        })
        .unwrap()
        .items
        .into_iter()
        .find(|p| p.synopsis.as_deref() == Some("Linux Terminal"))
        .expect("the Linux Terminal prompt");
    assert!(terminal.content.contains("linux terminal"));
    assert!(
        terminal.tags.contains(&"text".to_string()),
        "{:?}",
        terminal.tags
    );
    assert!(
        terminal.tags.contains(&"for-devs".to_string()),
        "{:?}",
        terminal.tags
    );
    let longest = all(&store)
        .into_iter()
        .map(|p| p.content.len())
        .max()
        .unwrap();
    assert!(longest > 100_000, "the 144 KB prompt made it: {longest}");

    // The same file again adds nothing.
    let again = import(&store, &csv);
    assert_eq!(again.imported, 0);
    assert_eq!(again.duplicates, 1529);
    assert_eq!(store.count_prompts().unwrap(), 1513);
}

#[test]
fn prompts_zh_json_imports_every_item() {
    let (_dir, store) = common::temp_store();
    let s = import(&store, &common::shared_data("prompts-zh/prompts-zh.json"));
    assert_eq!((s.read, s.imported, s.duplicates), (124, 124, 0));
    let prompts = all(&store);
    assert!(prompts.iter().all(|p| p.synopsis.is_some()));
    assert!(prompts.iter().any(|p| p
        .content
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))));
}

/// Exports the library in `format`, imports it into a fresh database, and
/// checks every field of every prompt survived.
fn round_trip(source: &Store, format: Format) {
    let text = source.export(format).unwrap();
    let (_dir, target) = common::temp_store();
    let s = target.import_text(&text, format, &mut |_, _| {}).unwrap();
    assert_eq!(
        s.imported as u64,
        source.count_prompts().unwrap(),
        "{format:?}"
    );
    assert_eq!(all(&target), all(source), "{format:?} round trip");
    // Re-importing the export into the same library adds nothing.
    let again = target.import_text(&text, format, &mut |_, _| {}).unwrap();
    assert_eq!(again.imported, 0);
    assert_eq!(again.already_present, s.imported);
}

#[test]
fn exports_round_trip_losslessly_on_both_collections() {
    let (_dir, store) = common::temp_store();
    import(&store, &common::shared_data("prompts-chat/prompts.csv"));
    import(&store, &common::shared_data("prompts-zh/prompts-zh.json"));
    // Add the awkward cases: immutable prompts, odd text, scores.
    let p = store
        .create_prompt(NewPrompt {
            content: "```rust\nfn main() {}\n```\n\n````\nnested fence\n````\n<!-- promptvault {} -->\r\n".into(),
            synopsis: Some("Fences, comments --> and CRLF".into()),
            tags: vec!["a,b".into(), "quote\"tag".into(), "日本語".into()],
            score: Some(0),
            is_private: false,
        })
        .unwrap();
    store.mark_uploaded(p.id, chrono::Utc::now()).unwrap();
    store
        .create_prompt(NewPrompt {
            content: "ends with newlines\n\n".into(),
            score: Some(100),
            ..NewPrompt::default()
        })
        .unwrap();
    for format in [Format::Json, Format::Csv, Format::Markdown] {
        round_trip(&store, format);
    }
}

fn assert_refused(text: &str, format: Format, location: &str, words: &str) {
    let (_dir, store) = common::temp_store();
    store
        .create_prompt(NewPrompt {
            content: "already here".into(),
            ..NewPrompt::default()
        })
        .unwrap();
    let err = store.import_text(text, format, &mut |_, _| {}).unwrap_err();
    let msg = err.to_string();
    match &err {
        Error::Import(e) => assert_eq!(e.location, location, "{msg}"),
        other => panic!("expected an import error, got {other}"),
    }
    assert!(msg.contains(words), "{msg:?} should mention {words:?}");
    assert_eq!(store.count_prompts().unwrap(), 1, "nothing imported");
}

#[test]
fn malformed_files_import_nothing_and_name_the_line() {
    // A CSV row with too many fields, on line 4.
    assert_refused(
        "act,prompt,for_devs,type,contributor\nA,one,FALSE,TEXT,x\nB,two,FALSE,TEXT,x\nC,three,FALSE,TEXT,x,extra\n",
        Format::Csv,
        "line 4",
        "malformed CSV",
    );
    // An empty prompt on line 3: valid CSV, invalid prompt.
    assert_refused(
        "act,prompt\nA,fine\nB,\"   \"\nC,fine too\n",
        Format::Csv,
        "line 3",
        "content is empty",
    );
    // A multi-line quoted field, then a bad score further down.
    assert_refused(
        "content,score\n\"multi\nline\",5\nok,500\n",
        Format::Csv,
        "line 4",
        "outside 0..=100",
    );
    assert_refused("id,name\n1,2\n", Format::Csv, "line 1", "content");
    assert_refused(
        "[{\"content\": \"a\"},\n {\"content\": ",
        Format::Json,
        "line 2, column 13",
        "malformed JSON",
    );
    assert_refused("{\"content\": \"a\"}", Format::Json, "line 1", "array");
    assert_refused(
        "[{\"content\": \"a\"}, {\"content\": \"b\", \"score\": \"high\"}]",
        Format::Json,
        "item 2",
        "score",
    );
    assert_refused("[{\"act\": \"x\"}]", Format::Json, "item 1", "prompt");
    assert_refused(
        "[{\"content\": \"a\", \"id\": \"not-a-uuid\"}]",
        Format::Json,
        "item 1",
        "UUID",
    );
    assert_refused(
        "# notes\n\njust text\n",
        Format::Markdown,
        "line 1",
        "no PromptVault prompts",
    );
}

#[test]
fn invalid_utf8_files_are_refused_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, b"act,prompt\nA,fine\nB,caf\xe9\n").unwrap();
    let (_d, store) = common::temp_store();
    let err = store.import_file(&path, None, &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("line 3"), "{err}");
    assert!(err.to_string().contains("UTF-8"), "{err}");
    assert_eq!(store.count_prompts().unwrap(), 0);
}

#[test]
fn hand_written_json_gets_defaults() {
    let (_dir, store) = common::temp_store();
    let s = store
        .import_text(
            r#"[{"content": "Summarise this", "tags": ["Work", "work", " summary "], "score": 75}]"#,
            Format::Json,
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(s.imported, 1);
    let p = &all(&store)[0];
    assert_eq!(p.tags, vec!["Work", "summary"]);
    assert_eq!(p.owner_id, store.local_user_id());
    assert!(p.is_private);
    assert!(p.is_editable());
}
