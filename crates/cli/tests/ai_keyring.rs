//! `promptvault ai key` with the real Linux Secret Service (GNOME Keyring
//! in a private session, see `scripts/keyring-session.sh`): the key is
//! saved, used for requests, and found in no file the app wrote.
#![cfg(target_os = "linux")]

#[path = "../../core/tests/support/keyring_session.rs"]
mod keyring_session;
#[path = "../../core/tests/support/openai_server.rs"]
mod openai_server;

use assert_cmd::Command;
use openai_server::{OpenAiServer, Reply};
use promptvault_core::types::NewPrompt;
use promptvault_core::Store;
use serde_json::Value;

const SECRET: &str = "sk-proj-KeychainOnly-a1b2c3d4e5f6";

#[test]
fn a_key_in_the_real_keychain_is_used_and_written_to_no_file() {
    if !keyring_session::inside_session() {
        return keyring_session::rerun_in_keyring_session(
            "a_key_in_the_real_keychain_is_used_and_written_to_no_file",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.duckdb");
    let server = OpenAiServer::start();
    let prompt = {
        let store = Store::open(&db).unwrap();
        store
            .set_setting_from_user("ai_meta_model_endpoint", &server.endpoint())
            .unwrap();
        store
            .create_prompt(NewPrompt {
                content: "I want you to act as a linux terminal.".into(),
                ..NewPrompt::default()
            })
            .unwrap()
    };
    let cmd = || {
        let mut c = Command::cargo_bin("promptvault").unwrap();
        c.env("PROMPTVAULT_DB", &db)
            .env("XDG_DATA_HOME", dir.path().join("xdg"))
            .env("HOME", dir.path())
            .env_remove("PROMPTVAULT_AI_API_KEY")
            .env_remove("RUST_LOG");
        c
    };
    let run = |c: &mut Command| {
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };

    let out = run(cmd()
        .args(["ai", "key", "set"])
        .write_stdin(format!("  {SECRET}\n")));
    assert_eq!(out, "API key saved in the OS keychain\n");
    let status: Value =
        serde_json::from_str(&run(cmd().args(["--json", "ai", "key", "status"]))).unwrap();
    assert_eq!(status["source"], "keychain");
    assert_eq!(status["placeholder"], true);

    // The key from the keychain authorises requests, including ones that
    // fail and leave raw answers in the failure log.
    server.script([Reply::content(
        r#"{"synopsis": "Acts as a terminal.", "tags": ["linux", "terminal", "shell"], "score": 80}"#,
    )]);
    run(cmd().args(["ai", "meta", &prompt.id.to_string(), "--apply"]));
    server.script([
        Reply::content("nope"),
        Reply::content("nope"),
        Reply::content("nope"),
    ]);
    let failed = cmd()
        .args(["ai", "meta", &prompt.id.to_string()])
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(1));
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for r in &requests {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {SECRET}").as_str())
        );
    }
    assert!(dir.path().join("logs/ai-failures.jsonl").exists());

    // No file the app wrote (database, WAL, logs, data dirs) holds the key.
    let mut files = 0;
    assert_no_file_contains(dir.path(), &mut files);
    assert!(files >= 2, "the database and the log were checked");

    assert_eq!(
        run(cmd().args(["ai", "key", "clear"])),
        "API key removed from the OS keychain\n"
    );
    assert_eq!(
        run(cmd().args(["ai", "key", "status"])),
        "API key: not set\n"
    );
}

fn assert_no_file_contains(dir: &std::path::Path, files: &mut usize) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            assert_no_file_contains(&path, files);
        } else {
            *files += 1;
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
                "{} contains the key",
                path.display()
            );
        }
    }
}
