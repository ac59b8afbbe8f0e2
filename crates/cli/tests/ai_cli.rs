//! `promptvault ai ...` as a user runs it, against the local
//! OpenAI-compatible test server. The key comes from the environment here;
//! the OS keychain is replaced by an unreachable D-Bus address, so these
//! tests never touch the developer's own keychain (`ai_keyring.rs` uses a
//! real one).

#[path = "../../core/tests/support/openai_server.rs"]
mod openai_server;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use openai_server::{OpenAiServer, Reply};
use promptvault_core::types::{NewPrompt, Prompt};
use promptvault_core::Store;
use serde_json::Value;

const KEY: &str = "sk-cli-test-5f4e3d2c1b0a";
const VALID_META: &str = r#"{"synopsis": "Acts as a Linux terminal.", "tags": ["linux", "terminal", "roleplay"], "score": 85}"#;

struct Env {
    dir: tempfile::TempDir,
    server: OpenAiServer,
}

impl Env {
    fn new() -> Self {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
            server: OpenAiServer::start(),
        };
        let store = env.store();
        for key in ["ai_polish_model_endpoint", "ai_meta_model_endpoint"] {
            store
                .set_setting_from_user(key, &env.server.endpoint())
                .unwrap();
        }
        env
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("vault.duckdb")
    }

    fn store(&self) -> Store {
        Store::open(self.db()).unwrap()
    }

    fn add(&self, content: &str) -> Prompt {
        self.store()
            .create_prompt(NewPrompt {
                content: content.into(),
                is_private: false,
                ..NewPrompt::default()
            })
            .unwrap()
    }

    fn prompt(&self, p: &Prompt) -> Prompt {
        self.store().prompt(p.id).unwrap()
    }

    /// The command with the key in the environment and no keychain.
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("promptvault").unwrap();
        c.env("PROMPTVAULT_DB", self.db())
            .env("PROMPTVAULT_AI_API_KEY", KEY)
            .env("XDG_DATA_HOME", self.dir.path().join("xdg"))
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/promptvault-bus",
            )
            .env_remove("RUST_LOG");
        c
    }

    fn ok(&self, cmd: &mut Command) -> String {
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn run(&self, args: &[&str]) -> String {
        self.ok(self.cmd().args(args))
    }

    fn fails(&self, cmd: &mut Command) -> String {
        one_line_error(&cmd.output().unwrap())
    }
}

fn one_line_error(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "should fail with 1: {out:?}");
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(err.starts_with("error: "), "{err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    err
}

fn short(p: &Prompt) -> String {
    p.id.to_string()[..8].to_string()
}

#[test]
fn polish_prints_a_diff_and_saves_only_when_accepted() {
    let e = Env::new();
    let p = e.add("you is a linux terminal\nReply with output only.\n");
    e.server.script([Reply::content(
        "You are a Linux terminal.\nReply with output only.",
    )]);
    let out = e.run(&["ai", "polish", &short(&p), "--strategy", "grammar"]);
    assert!(out.starts_with("--- original\n+++ polished\n"), "{out}");
    assert!(
        out.contains("-you is a linux terminal\n+You are a Linux terminal.\n"),
        "{out}"
    );
    assert_eq!(e.prompt(&p), p, "not saved without --accept");
    let req = &e.server.requests()[0];
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.body["model"], "gpt-4o");

    e.server.script([Reply::content(
        "You are a Linux terminal.\nReply with output only.",
    )]);
    let v: Value = serde_json::from_str(&e.run(&[
        "--json",
        "ai",
        "polish",
        &short(&p),
        "-s",
        "grammar",
        "--accept",
    ]))
    .unwrap();
    assert_eq!(v["polished"]["diff"][0]["kind"], "removed");
    assert_eq!(
        v["saved"]["content"],
        "You are a Linux terminal.\nReply with output only.\n"
    );
    assert_eq!(
        e.prompt(&p).content,
        "You are a Linux terminal.\nReply with output only.\n"
    );

    // An uploaded prompt cannot take a polish: refused before asking the model.
    e.store().mark_uploaded(p.id, chrono::Utc::now()).unwrap();
    let err = e.fails(
        e.cmd()
            .args(["ai", "polish", &short(&p), "-s", "concise", "--accept"]),
    );
    assert!(err.contains("cannot be edited"), "{err}");
    assert_eq!(e.server.requests().len(), 2);

    let err = e
        .cmd()
        .args(["ai", "polish", &short(&p), "-s", "shorter"])
        .output()
        .unwrap();
    assert_eq!(err.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&err.stderr).contains("target-mermaid"),
        "lists the strategies"
    );
}

#[test]
fn meta_applies_on_request_and_a_failure_changes_nothing() {
    let e = Env::new();
    let p = e.add("I want you to act as a linux terminal.");
    e.server
        .script([Reply::content(format!("```json\n{VALID_META}\n```"))]);
    let out = e.run(&["ai", "meta", &p.id.to_string()]);
    assert_eq!(out, "synopsis:  Acts as a Linux terminal.\ntags:      linux, terminal, roleplay\nscore:     85\n");
    assert_eq!(e.prompt(&p), p);
    assert_eq!(e.server.requests()[0].body["model"], "gpt-4o-mini");

    e.server.script([Reply::content(VALID_META)]);
    e.run(&["ai", "meta", &short(&p), "--apply"]);
    let saved = e.prompt(&p);
    assert_eq!(saved.synopsis.as_deref(), Some("Acts as a Linux terminal."));
    assert_eq!((saved.tags.len(), saved.score), (3, Some(85)));

    // Three unusable answers (the default backoff waits 1 s, then 2 s).
    e.server.script([
        Reply::content("This prompt is great!"),
        Reply::content(r#"{"synopsis": "Acts as"#),
        Reply::content(r#"{"synopsis": "x", "tags": ["a"], "score": 5}"#),
    ]);
    let err = e.fails(e.cmd().args(["ai", "meta", &short(&p), "--apply"]));
    assert!(err.contains("gave up after 3 attempts"), "{err}");
    let log = e.dir.path().join("logs").join("ai-failures.jsonl");
    assert!(err.contains(&log.display().to_string()), "{err}");
    assert!(std::fs::read_to_string(&log)
        .unwrap()
        .contains("This prompt is great!"));
    assert_eq!(e.prompt(&p), saved, "nothing written on failure");
}

#[test]
fn generate_prints_a_draft_and_saves_it_on_request() {
    let e = Env::new();
    e.server
        .script([Reply::content("Write a haiku about Rust's borrow checker.")]);
    let out = e.run(&["ai", "generate", "haiku borrow checker"]);
    assert_eq!(out, "Write a haiku about Rust's borrow checker.\n");
    assert_eq!(e.store().count_prompts().unwrap(), 0);
    assert!(e.server.requests()[0]
        .message("user")
        .unwrap()
        .contains("'haiku borrow checker'"));

    e.server.script([Reply::content("Write a limerick.")]);
    let v: Value =
        serde_json::from_str(&e.run(&["--json", "ai", "generate", "limerick", "--save"])).unwrap();
    assert_eq!(v["content"], "Write a limerick.");
    assert_eq!(v["is_private"], true);
    assert_eq!(e.store().count_prompts().unwrap(), 1);
}

#[test]
fn failures_are_one_line_errors_that_say_what_happened() {
    let e = Env::new();
    let p = e.add("text");
    e.server.script([
        Reply::unauthorized("sk-cli-***0a"),
        Reply::model_not_found("gpt-4o-mini"),
    ]);
    let err = e.fails(e.cmd().args(["ai", "meta", &short(&p)]));
    assert!(err.contains("API key was rejected"), "{err}");
    let err = e.fails(e.cmd().args(["ai", "meta", &short(&p)]));
    assert!(
        err.contains("model \"gpt-4o-mini\" does not exist"),
        "{err}"
    );

    // No key anywhere, and a service that wants one.
    e.server.script([Reply::unauthorized("")]);
    let err =
        e.fails(
            e.cmd()
                .env_remove("PROMPTVAULT_AI_API_KEY")
                .args(["ai", "meta", &short(&p)]),
        );
    assert!(
        err.contains("no API key is set") && err.contains("ai key set"),
        "{err}"
    );
    assert_eq!(
        e.server.requests().last().unwrap().header("authorization"),
        None
    );
}

#[test]
fn key_commands_without_a_keychain() {
    let e = Env::new();
    let status: Value = serde_json::from_str(&e.run(&["--json", "ai", "key", "status"])).unwrap();
    assert_eq!(
        (status["set"].clone(), status["source"].clone()),
        (Value::Bool(true), "environment".into())
    );
    let out = e.ok(e
        .cmd()
        .env_remove("PROMPTVAULT_AI_API_KEY")
        .args(["ai", "key", "status"]));
    assert_eq!(out, "API key: not set\n");

    // The key is never taken from the command line.
    let out = e.cmd().args(["ai", "key", "set", KEY]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));

    // No keychain: a clear error, and no file gets the key.
    let secret = "sk-proj-NeverOnDisk-0123456789";
    let err = e.fails(
        e.cmd()
            .env_remove("PROMPTVAULT_AI_API_KEY")
            .args(["ai", "key", "set"])
            .write_stdin(format!("{secret}\n")),
    );
    assert!(err.contains("OS keychain is not available"), "{err}");
    assert!(
        err.contains("PROMPTVAULT_AI_API_KEY"),
        "names the fallback: {err}"
    );
    assert!(!err.contains(secret));
    assert_eq!(
        e.run(&["settings", "get", "ai_api_key_placeholder"]),
        "false\n"
    );
    assert_no_file_contains(e.dir.path(), secret);
}

#[test]
fn strategies_are_listed() {
    let e = Env::new();
    let out = e.run(&["ai", "strategies"]);
    for id in [
        "grammar",
        "concise",
        "keywords",
        "style-formal",
        "style-casual",
        "style-technical",
        "target-mermaid",
        "target-image",
        "target-code",
    ] {
        assert!(out.contains(id), "{id} missing from {out}");
    }
    let v: Value = serde_json::from_str(&e.run(&["--json", "ai", "strategies"])).unwrap();
    assert_eq!(v[0]["label"], "Grammar & Clarity");
    assert!(v[0].get("instruction").is_none());
}

fn assert_no_file_contains(dir: &Path, secret: &str) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            assert_no_file_contains(&path, secret);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} contains the key",
                path.display()
            );
        }
    }
}
