//! The AI features against a local OpenAI-compatible server scripted per
//! test: requests sent, answers parsed, retries and backoff, errors, the
//! failure log, streaming, cancellation, and the store left alone unless a
//! result is accepted.

mod common;
#[path = "support/openai_server.rs"]
mod openai_server;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openai_server::{OpenAiServer, Reply};
use promptvault_core::ai::{
    self, AiConfig, AiError, Assistant, Control, DiffKind, ModelConfig, Progress, RetryPolicy,
};
use promptvault_core::secrets::ApiKey;
use promptvault_core::types::NewPrompt;
use promptvault_core::{Error, Store};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

const KEY: &str = "sk-test-0123456789abcdef";
const MS: fn(u64) -> Duration = Duration::from_millis;
const VALID_META: &str = r#"{"synopsis": "Acts as a Linux terminal.", "tags": ["linux", "terminal", "roleplay"], "score": 85}"#;

/// A configuration pointing both features at `server`, with fast retries:
/// 10 ms, then 20 ms, never more than 50 ms.
fn config(server: &OpenAiServer, dir: &Path) -> AiConfig {
    let model = |name: &str| ModelConfig {
        endpoint: server.endpoint(),
        model: name.to_string(),
    };
    AiConfig {
        polish: model("gpt-4o"),
        meta: model("gpt-4o-mini"),
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_retries: 2,
            base_delay: MS(10),
            max_delay: MS(50),
        },
        failure_log: dir.join("logs").join(ai::FAILURE_LOG_FILE),
    }
}

fn assistant(config: AiConfig) -> Assistant {
    Assistant::new(config, Some(ApiKey::parse(KEY).unwrap())).unwrap()
}

struct Setup {
    server: OpenAiServer,
    dir: tempfile::TempDir,
    ai: Assistant,
}

fn setup() -> Setup {
    let server = OpenAiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let ai = assistant(config(&server, dir.path()));
    Setup { server, dir, ai }
}

/// Retries as reported: (retry number, delay, error message).
type Retries = Arc<Mutex<Vec<(u32, Duration, String)>>>;

/// A Control that records the retries it is told about.
fn recording_control() -> (Control, Retries) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let ctl = Control::new().on_progress(move |p| {
        if let Progress::Retrying {
            retry,
            delay,
            error,
        } = p
        {
            sink.lock().unwrap().push((retry, delay, error.to_string()));
        }
    });
    (ctl, seen)
}

/// Gaps between the server's consecutive requests.
fn gaps(server: &OpenAiServer) -> Vec<Duration> {
    let reqs = server.requests();
    reqs.windows(2).map(|w| w[1].at - w[0].at).collect()
}

#[tokio::test]
async fn polish_sends_the_strategy_meta_prompt_and_returns_a_line_diff() {
    let s = setup();
    s.server.script([
        Reply::content("```\nYou are a Linux terminal.\nReply with output only.\n```"),
        Reply::content("Act as a terminal, casually."),
    ]);
    let original = "you is a linux terminal\nReply with output only.\n";
    let grammar = ai::strategy("grammar").unwrap();
    let polished =
        s.ai.polish(original, grammar, &Control::new())
            .await
            .unwrap();

    assert_eq!(
        polished.polished,
        "You are a Linux terminal.\nReply with output only.\n"
    );
    assert_eq!(
        (polished.strategy.as_str(), polished.model.as_str()),
        ("grammar", "gpt-4o")
    );
    assert_eq!(polished.attempts, 1);
    let kinds: Vec<_> = polished
        .diff
        .iter()
        .map(|d| (d.kind, d.text.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (DiffKind::Removed, "you is a linux terminal"),
            (DiffKind::Added, "You are a Linux terminal."),
            (DiffKind::Same, "Reply with output only."),
        ]
    );

    let req = &s.server.requests()[0];
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.body["model"], "gpt-4o");
    assert_eq!(
        req.body["stream"], false,
        "no progress callback: no streaming"
    );
    assert_eq!(req.message("system"), Some(grammar.meta_prompt().as_str()));
    assert!(req.message("user").unwrap().contains(original));

    // Another strategy sends its own meta-prompt.
    let casual = ai::strategy("style-casual").unwrap();
    s.ai.polish(original, casual, &Control::new())
        .await
        .unwrap();
    let system = s.server.requests()[1]
        .message("system")
        .unwrap()
        .to_string();
    assert_eq!(system, casual.meta_prompt());
    assert!(system.contains(casual.instruction) && !system.contains(grammar.instruction));
}

#[tokio::test]
async fn accepting_a_polish_saves_it_and_nothing_else_writes() {
    let s = setup();
    let (_db_dir, store) = common::temp_store();
    let prompt = store
        .create_prompt(NewPrompt {
            content: "draft text".into(),
            is_private: false,
            ..NewPrompt::default()
        })
        .unwrap();
    s.server
        .script([Reply::content("Polished text."), Reply::content("Again.")]);

    let polished =
        s.ai.polish(
            &prompt.content,
            ai::strategy("concise").unwrap(),
            &Control::new(),
        )
        .await
        .unwrap();
    // Rejecting is not accepting: polishing alone wrote nothing.
    assert_eq!(store.prompt(prompt.id).unwrap(), prompt);

    // The user edits the suggestion before accepting it.
    let edited = format!("{} (edited)", polished.polished);
    let saved = ai::accept_polish(&store, prompt.id, &polished.original, &edited).unwrap();
    assert_eq!(saved.content, "Polished text. (edited)");
    assert_eq!(store.prompt(prompt.id).unwrap().content, saved.content);
    assert!(saved.updated_at > prompt.updated_at);

    // A suggestion made for an older content is refused.
    let err = ai::accept_polish(&store, prompt.id, "draft text", "Stale.").unwrap_err();
    assert!(matches!(err, AiError::Stale { .. }), "{err}");

    // Uploaded prompts are immutable, whatever the AI says.
    let uploaded = store.mark_uploaded(prompt.id, chrono::Utc::now()).unwrap();
    let again =
        s.ai.polish(
            &uploaded.content,
            ai::strategy("concise").unwrap(),
            &Control::new(),
        )
        .await
        .unwrap();
    let err = ai::accept_polish(&store, prompt.id, &again.original, &again.polished).unwrap_err();
    assert!(
        matches!(err, AiError::Store(Error::Immutable { .. })),
        "{err}"
    );
    assert_eq!(store.prompt(prompt.id).unwrap(), uploaded);
}

#[tokio::test]
async fn metadata_uses_the_spec_instruction_and_parses_a_fenced_answer() {
    let s = setup();
    let (_db_dir, store) = common::temp_store();
    let prompt = store
        .create_prompt(NewPrompt {
            content: "I want you to act as a linux terminal.".into(),
            ..NewPrompt::default()
        })
        .unwrap();
    s.server.script([Reply::content(format!(
        "Here is the metadata:\n```json\n{}\n```",
        r#"{"synopsis": "Acts as a Linux terminal.", "tags": "linux, #terminal, roleplay, shell, cli, unix", "score": "104"}"#
    ))]);

    let meta =
        s.ai.generate_metadata(&prompt.content, &Control::new())
            .await
            .unwrap();
    assert_eq!(meta.synopsis, "Acts as a Linux terminal.");
    assert_eq!(
        meta.tags,
        vec!["linux", "terminal", "roleplay", "shell", "cli"]
    );
    assert_eq!(meta.score, 100);
    assert_eq!(
        meta.adjustments,
        vec!["kept the first 5 of 6 tags", "score 104 clamped to 100"]
    );
    assert_eq!(meta.attempts, 1);

    let req = &s.server.requests()[0];
    assert_eq!(req.body["model"], "gpt-4o-mini");
    let expected = ai::METADATA_INSTRUCTION.replace("{prompt_content_here}", &prompt.content);
    assert_eq!(req.message("user"), Some(expected.as_str()));
    assert_eq!(
        store.prompt(prompt.id).unwrap(),
        prompt,
        "generating wrote nothing"
    );

    let saved = ai::apply_metadata(&store, prompt.id, &meta).unwrap();
    assert_eq!(saved.synopsis.as_deref(), Some("Acts as a Linux terminal."));
    assert_eq!(saved.tags, meta.tags);
    assert_eq!(saved.score, Some(100));
    assert_eq!(saved.content, prompt.content);
}

#[tokio::test]
async fn invalid_metadata_is_retried_with_exponential_backoff() {
    let s = setup();
    s.server.script([
        Reply::content("I'd rate this prompt highly!"),
        Reply::content(r#"{"synopsis": "Acts as a terminal", "tags": ["linux", "ter"#),
        Reply::content(VALID_META),
    ]);
    let (ctl, retries) = recording_control();
    let meta =
        s.ai.generate_metadata("act as a terminal", &ctl)
            .await
            .unwrap();

    assert_eq!(meta.attempts, 3);
    assert_eq!(meta.score, 85);
    assert_eq!(s.server.requests().len(), 3);
    let retries = retries.lock().unwrap().clone();
    let schedule: Vec<_> = retries.iter().map(|(n, d, _)| (*n, *d)).collect();
    assert_eq!(schedule, vec![(1, MS(10)), (2, MS(20))]);
    assert!(retries[0].2.contains("no JSON object"), "{}", retries[0].2);
    assert!(retries[1].2.contains("incomplete"), "{}", retries[1].2);
    // The waits really happened.
    let gaps = gaps(&s.server);
    assert!(gaps[0] >= MS(10) && gaps[1] >= MS(20), "{gaps:?}");
    assert!(!s.dir.path().join("logs").exists(), "success logs nothing");
}

#[tokio::test]
async fn metadata_gives_up_after_two_retries_and_logs_the_raw_answers() {
    let s = setup();
    let (_db_dir, store) = common::temp_store();
    let prompt = store
        .create_prompt(NewPrompt {
            content: "summarise emails".into(),
            ..NewPrompt::default()
        })
        .unwrap();
    let answers = [
        "Sure! This prompt summarises emails.",
        r#"{"synopsis": "Summarises emails", "tags": ["email", "summ"#,
        r#"{"synopsis": "Summarises emails", "tags": ["email", "summary", "inbox"], "score": 850}"#,
    ];
    s.server.script(answers.map(Reply::content));

    let result =
        s.ai.generate_metadata(&prompt.content, &Control::new())
            .await;
    // A caller applies metadata only on success; this is what the UI and CLI do.
    if let Ok(meta) = &result {
        ai::apply_metadata(&store, prompt.id, meta).unwrap();
    }
    let err = result.unwrap_err();
    let AiError::Exhausted {
        attempts,
        log,
        last,
    } = &err
    else {
        panic!("expected Exhausted, got {err:?}");
    };
    assert_eq!(*attempts, 3);
    assert!(matches!(**last, AiError::InvalidOutput { .. }));
    let log = log.clone().expect("the failure log was written");
    assert_eq!(log, s.dir.path().join("logs/ai-failures.jsonl"));
    let message = err.to_string();
    assert!(message.starts_with("gave up after 3 attempts"), "{message}");
    assert!(
        message.contains(&log.display().to_string()) && message.contains("outside 0-100"),
        "{message}"
    );
    assert_eq!(s.server.requests().len(), 3);
    assert_eq!(
        store.prompt(prompt.id).unwrap(),
        prompt,
        "nothing written to the prompt"
    );

    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().count(), 1);
    let record: Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(record["feature"], "metadata");
    assert_eq!(record["model"], "gpt-4o-mini");
    let raws: Vec<_> = record["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["raw"].as_str().unwrap())
        .collect();
    assert_eq!(raws, answers);
    assert!(record["attempts"][0]["error"]
        .as_str()
        .unwrap()
        .contains("no JSON object"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&log).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the log is owner-only");
    }

    // A second failure appends a line.
    s.server.script([
        Reply::content("no"),
        Reply::content("no"),
        Reply::content("no"),
    ]);
    s.ai.generate_metadata(&prompt.content, &Control::new())
        .await
        .unwrap_err();
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);
}

#[tokio::test]
async fn rate_limits_honour_retry_after_within_the_cap() {
    let s = setup();
    // Retry-After asks for 1 s: longer than the 10 ms backoff, so it is
    // honoured, and capped at the test policy's 50 ms maximum.
    s.server
        .script([Reply::rate_limited("1"), Reply::content(VALID_META)]);
    let (ctl, retries) = recording_control();
    let meta = s.ai.generate_metadata("x", &ctl).await.unwrap();
    assert_eq!(meta.attempts, 2);
    let retries = retries.lock().unwrap().clone();
    assert_eq!((retries[0].0, retries[0].1), (1, MS(50)));
    assert!(
        retries[0].2.contains("rate limited") && retries[0].2.contains("retry after 1 s"),
        "{}",
        retries[0].2
    );
    let gap = gaps(&s.server)[0];
    assert!(gap >= MS(50) && gap < MS(900), "{gap:?}");

    // Quota exhaustion looks like a rate limit (429) but is not retried.
    s.server.script([Reply::insufficient_quota()]);
    let err =
        s.ai.generate_metadata("x", &Control::new())
            .await
            .unwrap_err();
    assert!(matches!(err, AiError::QuotaExceeded { .. }), "{err}");
    assert_eq!(s.server.requests().len(), 3);
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let s = setup();
    s.server.script([
        Reply::server_error(),
        Reply::server_error(),
        Reply::server_error(),
    ]);
    let err =
        s.ai.generate_prompt("a haiku about rust", &Control::new())
            .await
            .unwrap_err();
    assert!(
        matches!(err.root(), AiError::Server { status: 500, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("gave up after 3 attempts"), "{message}");
    assert!(message.contains("The server had an error"), "{message}");
    assert_eq!(s.server.requests().len(), 3);
    let g = gaps(&s.server);
    assert!(g[0] >= MS(10) && g[1] >= MS(20), "{g:?}");

    // A transient failure followed by success is invisible but for the count.
    s.server.script([
        Reply::server_error(),
        Reply::content("Write a haiku about Rust."),
    ]);
    let draft =
        s.ai.generate_prompt("a haiku about rust", &Control::new())
            .await
            .unwrap();
    assert_eq!(
        (draft.content.as_str(), draft.attempts),
        ("Write a haiku about Rust.", 2)
    );
}

#[tokio::test]
async fn an_answer_slower_than_the_timeout_is_a_timeout() {
    let server = OpenAiServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(&server, dir.path());
    cfg.timeout = MS(300);
    cfg.retry.max_retries = 1;
    let ai = assistant(cfg);
    server.script([
        Reply::hang(Duration::from_secs(5)),
        Reply::hang(Duration::from_secs(5)),
    ]);
    let started = Instant::now();
    let err = ai
        .generate_metadata("x", &Control::new())
        .await
        .unwrap_err();
    assert!(matches!(err.root(), AiError::Timeout { .. }), "{err:?}");
    assert!(
        err.to_string().contains("did not answer within 0.3 s"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn cancelling_stops_the_request() {
    let s = setup();
    s.server.script([Reply::hang(Duration::from_secs(10))]);
    let token = CancellationToken::new();
    let ctl = Control::new().with_cancel(token.clone());
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(MS(150)).await;
        token.cancel();
    });
    let started = Instant::now();
    let err =
        s.ai.polish("some text", ai::strategy("grammar").unwrap(), &ctl)
            .await
            .unwrap_err();
    canceller.await.unwrap();
    assert!(matches!(err, AiError::Cancelled), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_server_saw_hangup(&s.server, 0).await;

    // Dropping the future (the dialog's task ends) also stops it.
    s.server.script([Reply::hang(Duration::from_secs(10))]);
    let ctl = Control::new();
    let pending = s.ai.generate_prompt("anything", &ctl);
    assert!(tokio::time::timeout(MS(150), pending).await.is_err());
    assert_server_saw_hangup(&s.server, 1).await;
    assert!(
        !s.dir.path().join("logs").exists(),
        "a cancellation is not a failure to log"
    );
}

async fn assert_server_saw_hangup(server: &OpenAiServer, index: usize) {
    for _ in 0..100 {
        if server.requests()[index].client_hung_up.is_some() {
            return;
        }
        tokio::time::sleep(MS(20)).await;
    }
    panic!("the server never saw request {index}'s connection close");
}

#[tokio::test]
async fn streamed_answers_reach_the_progress_callback() {
    let s = setup();
    let pieces = ["Write ", "a haiku ", "about ", "Rust."];
    s.server.script([Reply::stream(&pieces)]);
    let tokens = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = tokens.clone();
    let ctl = Control::new().on_progress(move |p| {
        if let Progress::Token(t) = p {
            sink.lock().unwrap().push(t.to_string());
        }
    });
    let draft =
        s.ai.generate_prompt("  haiku about rust ", &ctl)
            .await
            .unwrap();
    assert_eq!(*tokens.lock().unwrap(), pieces);
    assert_eq!(draft.content, "Write a haiku about Rust.");
    assert_eq!(draft.query, "haiku about rust");
    let req = &s.server.requests()[0];
    assert_eq!(req.body["stream"], true);
    assert_eq!(req.body["model"], "gpt-4o");
    assert_eq!(
        req.message("user"),
        Some("Based on the following user request, generate a detailed and effective AI prompt: 'haiku about rust'")
    );

    // A server that ignores the stream flag still works: one big token.
    s.server.script([Reply::content("Whole answer.")]);
    tokens.lock().unwrap().clear();
    s.ai.polish("x", ai::strategy("grammar").unwrap(), &ctl)
        .await
        .unwrap();
    assert_eq!(*tokens.lock().unwrap(), vec!["Whole answer."]);
}

#[tokio::test]
async fn errors_say_what_happened() {
    let s = setup();
    s.server.script([
        Reply::unauthorized("sk-test-***cdef"),
        Reply::model_not_found("gpt-4o-mini"),
        Reply::context_too_long(),
        Reply::cut_at_length(r#"{"synopsis": "cut"#),
    ]);
    let err =
        s.ai.generate_metadata("x", &Control::new())
            .await
            .unwrap_err();
    assert!(matches!(err, AiError::BadKey { .. }), "{err:?}");
    assert!(err.to_string().contains("API key was rejected"), "{err}");
    let err =
        s.ai.generate_metadata("x", &Control::new())
            .await
            .unwrap_err();
    assert!(
        matches!(&err, AiError::ModelNotFound { model, .. } if model == "gpt-4o-mini"),
        "{err:?}"
    );
    let err =
        s.ai.generate_metadata("x", &Control::new())
            .await
            .unwrap_err();
    assert!(matches!(err, AiError::Api { status: 400, .. }), "{err:?}");
    assert!(err.to_string().contains("maximum context length"), "{err}");
    assert_eq!(s.server.requests().len(), 3, "none of these is retried");

    // An answer cut at the length limit is unusable (and retried).
    s.server.script([Reply::content(VALID_META)]);
    let meta = s.ai.generate_metadata("x", &Control::new()).await.unwrap();
    assert_eq!(meta.attempts, 2);

    // Without a key, a 401 means one is needed.
    let keyless = Assistant::new(config(&s.server, s.dir.path()), None).unwrap();
    s.server.script([Reply::unauthorized("")]);
    let err = keyless
        .generate_metadata("x", &Control::new())
        .await
        .unwrap_err();
    assert!(matches!(err, AiError::NoKey { .. }), "{err:?}");
    assert!(err.to_string().contains("promptvault ai key set"), "{err}");
    assert_eq!(
        s.server.requests().last().unwrap().header("authorization"),
        None
    );

    // OpenAI itself is not even asked without a key.
    let mut cfg = config(&s.server, s.dir.path());
    cfg.meta.endpoint = "https://api.openai.com/v1".into();
    let err = Assistant::new(cfg, None)
        .unwrap()
        .generate_metadata("x", &Control::new())
        .await
        .unwrap_err();
    assert!(matches!(err, AiError::NoKey { .. }), "{err:?}");

    // A wrong base URL.
    let mut cfg = config(&s.server, s.dir.path());
    cfg.meta.endpoint = cfg.meta.endpoint.replace("/v1", "/v2");
    let err = assistant(cfg)
        .generate_metadata("x", &Control::new())
        .await
        .unwrap_err();
    assert!(matches!(err, AiError::EndpointNotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn an_unreachable_service_is_a_network_error() {
    let dir = tempfile::tempdir().unwrap();
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let server = OpenAiServer::start();
    let mut cfg = config(&server, dir.path());
    cfg.meta.endpoint = format!("http://{closed_port}/v1");
    let err = assistant(cfg)
        .generate_metadata("x", &Control::new())
        .await
        .unwrap_err();
    let AiError::Exhausted {
        attempts: 3, last, ..
    } = &err
    else {
        panic!("expected 3 attempts, got {err:?}");
    };
    assert!(matches!(**last, AiError::Network { .. }), "{last:?}");
    assert!(
        err.to_string().contains("cannot reach the AI service"),
        "{err}"
    );
}

#[tokio::test]
async fn the_key_never_reaches_errors_or_the_failure_log() {
    let s = setup();
    let echo = |status| Reply::Error {
        status,
        kind: "server_error",
        code: None,
        message: format!("upstream rejected Bearer {KEY}"),
        headers: vec![],
    };
    s.server.script([echo(502), echo(502), echo(502)]);
    let err =
        s.ai.generate_metadata("x", &Control::new())
            .await
            .unwrap_err();
    let message = format!("{err} {err:?}");
    assert!(!message.contains(KEY), "{message}");
    assert!(message.contains("[redacted key]"), "{message}");
    let AiError::Exhausted { log: Some(log), .. } = &err else {
        panic!("{err:?}");
    };
    let text = std::fs::read_to_string(log).unwrap();
    assert!(
        text.contains("upstream rejected") && !text.contains(KEY),
        "{text}"
    );
}

#[tokio::test]
async fn generated_drafts_are_saved_only_on_request() {
    let s = setup();
    let (_db_dir, store) = common::temp_store();
    s.server.script([Reply::content(
        "\"Write a cover letter for a data analyst role.\"",
    )]);
    let draft =
        s.ai.generate_prompt("cover letter data analyst", &Control::new())
            .await
            .unwrap();
    assert_eq!(
        draft.content,
        "Write a cover letter for a data analyst role."
    );
    assert_eq!(store.count_prompts().unwrap(), 0, "a draft is not saved");
    let saved = ai::save_draft(&store, &draft.content).unwrap();
    assert!(saved.is_private && saved.is_editable());
    assert_eq!(store.prompt(saved.id).unwrap().content, draft.content);

    let err =
        s.ai.generate_prompt("   ", &Control::new())
            .await
            .unwrap_err();
    assert!(matches!(err, AiError::InvalidInput(_)), "{err:?}");
    assert_eq!(s.server.requests().len(), 1, "an empty query sends nothing");
}

#[test]
fn config_comes_from_the_settings() {
    let (dir, store) = common::temp_store();
    let cfg = AiConfig::from_store(&store).unwrap();
    assert_eq!(cfg.polish.model, "gpt-4o");
    assert_eq!(cfg.meta.model, "gpt-4o-mini");
    assert_eq!(cfg.polish.endpoint, "https://api.openai.com/v1");
    assert_eq!(cfg.timeout, Duration::from_secs(120));
    assert_eq!(cfg.retry.max_retries, 2);
    assert_eq!(
        cfg.failure_log,
        dir.path().join("logs").join("ai-failures.jsonl")
    );

    store
        .set_setting_from_user("ai_meta_model_endpoint", "http://localhost:11434/v1")
        .unwrap();
    store
        .set_setting_from_user("ai_meta_model_name", "llama3.2")
        .unwrap();
    store
        .set_setting_from_user("ai_request_timeout_seconds", "300")
        .unwrap();
    let cfg = AiConfig::from_store(&store).unwrap();
    assert_eq!(
        cfg.meta,
        ModelConfig {
            endpoint: "http://localhost:11434/v1".into(),
            model: "llama3.2".into()
        }
    );
    assert_eq!(
        cfg.polish.model, "gpt-4o",
        "features are configured separately"
    );
    assert_eq!(cfg.timeout, Duration::from_secs(300));
    assert!(store
        .set_setting_from_user("ai_request_timeout_seconds", "0")
        .is_err());
}

/// The desktop app runs these futures on Tokio's multi-threaded runtime.
#[allow(dead_code)]
fn futures_are_send(ai: &Assistant, store_free_ctl: &Control) {
    fn is_send<T: Send>(_: T) {}
    let strategy = ai::strategy("grammar").unwrap();
    is_send(ai.polish("x", strategy, store_free_ctl));
    is_send(ai.generate_metadata("x", store_free_ctl));
    is_send(ai.generate_prompt("x", store_free_ctl));
}

#[test]
fn in_memory_stores_have_their_logs_in_the_data_dir() {
    let store = Store::open_in_memory().unwrap();
    let cfg = AiConfig::from_store(&store).unwrap();
    assert!(
        cfg.failure_log.ends_with("logs/ai-failures.jsonl"),
        "{:?}",
        cfg.failure_log
    );
}
