//! Migrations, locking and settings on real database files.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use promptvault_core::store::{latest_version, MIGRATIONS};
use promptvault_core::types::NewPrompt;
use promptvault_core::{Error, Store};
use serde_json::json;

#[test]
fn a_database_from_an_older_release_is_upgraded_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.duckdb");
    let (id, owner) = {
        let old = Store::open_at_version(&path, 1).unwrap();
        assert_eq!(old.schema_version().unwrap(), 1);
        assert!(!old
            .table_names()
            .unwrap()
            .contains(&"search_history".to_string()));
        let p = old
            .create_prompt(NewPrompt {
                content: "kept across the upgrade".into(),
                tags: vec!["old".into()],
                ..NewPrompt::default()
            })
            .unwrap();
        (p.id, old.local_user_id())
    };
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_version());
    assert_eq!(latest_version(), MIGRATIONS.len() as i64);
    assert!(store
        .table_names()
        .unwrap()
        .contains(&"search_history".to_string()));
    let p = store.prompt(id).unwrap();
    assert_eq!(p.content, "kept across the upgrade");
    assert_eq!(p.tags, vec!["old"]);
    assert_eq!(store.local_user_id(), owner);
    // Reopening applies nothing more.
    drop(store);
    assert_eq!(
        Store::open(&path).unwrap().schema_version().unwrap(),
        latest_version()
    );
}

#[test]
fn a_database_from_a_newer_release_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.duckdb");
    {
        let s = Store::open(&path).unwrap();
        s.connection()
            .execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, 'future')",
                [latest_version() + 1],
            )
            .unwrap();
    }
    match Store::open(&path) {
        Err(Error::SchemaTooNew { found, .. }) => assert_eq!(found, latest_version() + 1),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("a newer schema must be refused"),
    }
}

#[test]
fn the_schema_matches_the_spec() {
    let (_dir, store) = common::temp_store();
    let mut stmt = store
        .connection()
        .prepare(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns
             WHERE table_name = 'prompts' ORDER BY ordinal_position",
        )
        .unwrap();
    let cols: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let want = [
        ("id", "UUID", "NO"),
        ("content", "VARCHAR", "NO"),
        ("synopsis", "VARCHAR", "YES"),
        ("tags", "VARCHAR[]", "YES"),
        ("score", "INTEGER", "YES"),
        ("vector", "FLOAT[384]", "YES"),
        ("owner_id", "UUID", "NO"),
        ("is_private", "BOOLEAN", "NO"),
        ("uploaded_at", "TIMESTAMP", "YES"),
        ("source", "VARCHAR", "NO"),
        ("created_at", "TIMESTAMP", "NO"),
        ("updated_at", "TIMESTAMP", "NO"),
        ("embedding_model", "VARCHAR", "YES"),
    ];
    let got: Vec<(&str, &str, &str)> = cols
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    assert_eq!(got, want);
    // The CHECK constraints hold even for raw SQL.
    let conn = store.connection();
    let owner = store.local_user_id().to_string();
    assert!(conn
        .execute(
            "INSERT INTO prompts (id, content, owner_id, score) VALUES (uuid(), 'x', ?::UUID, 101)",
            [&owner],
        )
        .is_err());
    assert!(conn
        .execute(
            "INSERT INTO prompts (id, content, owner_id, source) VALUES (uuid(), 'x', ?::UUID, 'cloud')",
            [&owner],
        )
        .is_err());
    let (private, source): (bool, String) = {
        conn.execute(
            "INSERT INTO prompts (id, content, owner_id) VALUES (uuid(), 'defaults', ?::UUID)",
            [&owner],
        )
        .unwrap();
        conn.query_row(
            "SELECT is_private, source FROM prompts WHERE content = 'defaults'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    assert!(private);
    assert_eq!(source, "local");
}

/// When run with `PV_HOLD_DB` set, this "test" is the child process of
/// `a_second_process_gets_a_clear_lock_error`: it opens the database,
/// says so, and holds it until its stdin closes.
#[test]
fn hold_database_child() {
    let Some(path) = std::env::var_os("PV_HOLD_DB") else {
        return;
    };
    let _store = Store::open(path).unwrap();
    println!("HOLDING");
    std::io::stdout().flush().unwrap();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

#[test]
fn a_second_process_gets_a_clear_lock_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.duckdb");
    Store::open(&path).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "hold_database_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("PV_HOLD_DB", &path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "child exited early");
        if line.contains("HOLDING") {
            break;
        }
    }
    let err = Store::open(&path).err().expect("the file is locked");
    drop(child.stdin.take());
    child.wait().unwrap();
    match &err {
        Error::Locked { path: p, .. } => assert_eq!(p, &path),
        other => panic!("expected Locked, got {other}"),
    }
    assert!(err
        .to_string()
        .contains("locked by another PromptVault process"));
    // Once the other process is gone, the database opens again.
    Store::open(&path).unwrap();
}

#[test]
fn settings_are_typed_with_defaults() {
    let (dir, store) = common::temp_store();
    assert_eq!(
        store.setting_str("hotkey_config").unwrap(),
        "CmdOrCtrl+Shift+P"
    );
    assert_eq!(store.setting_str("ai_polish_model_name").unwrap(), "gpt-4o");
    assert_eq!(
        store.setting_str("ai_meta_model_name").unwrap(),
        "gpt-4o-mini"
    );
    assert_eq!(
        store.setting_i64("sync_upload_interval_minutes").unwrap(),
        10
    );
    assert_eq!(
        store.setting("last_successful_download_timestamp").unwrap(),
        json!(null)
    );

    store
        .set_setting_from_user("hotkey_config", "Alt+Space")
        .unwrap();
    store
        .set_setting_from_user("sync_download_interval_minutes", "45")
        .unwrap();
    store
        .set_setting_from_user("ai_meta_model_endpoint", "http://127.0.0.1:11434/v1")
        .unwrap();

    for (key, value) in [
        ("sync_download_interval_minutes", "0"),
        ("sync_download_interval_minutes", "ten"),
        ("sync_download_interval_minutes", "2.5"),
        ("ai_meta_model_endpoint", "ftp://example"),
        ("hotkey_config", "   "),
    ] {
        let err = store.set_setting_from_user(key, value).unwrap_err();
        assert!(
            matches!(err, Error::InvalidSetting { .. }),
            "{key}={value}: {err}"
        );
    }
    assert!(matches!(
        store.set_setting_from_user("local_user_id", &uuid::Uuid::new_v4().to_string()),
        Err(Error::InvalidSetting { .. })
    ));
    let err = store.setting("no_such_key").unwrap_err();
    assert!(matches!(err, Error::UnknownSetting { .. }));
    assert!(
        err.to_string().contains("hotkey_config"),
        "lists the known keys: {err}"
    );

    drop(store);
    let store = Store::open(dir.path().join("vault.duckdb")).unwrap();
    assert_eq!(store.setting_str("hotkey_config").unwrap(), "Alt+Space");
    assert_eq!(
        store.setting_i64("sync_download_interval_minutes").unwrap(),
        45
    );
    let all = store.settings().unwrap();
    let hotkey = all
        .iter()
        .find(|(d, _, _)| d.key == "hotkey_config")
        .unwrap();
    assert!(!hotkey.2, "hotkey is no longer the default");
    let upload = all
        .iter()
        .find(|(d, _, _)| d.key == "sync_upload_interval_minutes")
        .unwrap();
    assert!(upload.2);
}
