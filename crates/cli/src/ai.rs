//! `promptvault ai ...`: polish a prompt, generate its metadata, write a new
//! prompt for a request, and manage the API key in the OS keychain.
//!
//! The database is not held open while a model answers, so the desktop app
//! or another command can use it meanwhile. Results are only proposals
//! unless `--accept`, `--apply` or `--save` is given.

use std::io::{IsTerminal, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::builder::PossibleValuesParser;
use clap::Subcommand;
use promptvault_core::ai::{self, AiConfig, Assistant, Control, Progress, STRATEGIES};
use promptvault_core::secrets::{self, ApiKey, KeyringStore, API_KEY_ENV};
use promptvault_core::types::Prompt;
use promptvault_core::{Error, Store};
use serde_json::json;

use crate::{editor, output};

#[derive(Debug, Subcommand)]
pub enum AiCommand {
    /// Polish a prompt's content with a strategy and show the changes
    Polish {
        /// Prompt ID or a unique prefix of it
        id: String,
        /// How to polish (see `promptvault ai strategies`)
        #[arg(long, short, value_parser = PossibleValuesParser::new(STRATEGIES.iter().map(|s| s.id)))]
        strategy: String,
        /// Save the polished content
        #[arg(long)]
        accept: bool,
        /// Edit the polished content in $EDITOR, then save it
        #[arg(long, conflicts_with = "accept")]
        edit: bool,
    },
    /// Generate a synopsis, tags and a score for a prompt
    Meta {
        /// Prompt ID or a unique prefix of it
        id: String,
        /// Save them on the prompt
        #[arg(long)]
        apply: bool,
    },
    /// Write a new prompt for a request (such as a search that found nothing)
    Generate {
        /// What the prompt should do
        query: String,
        /// Save it as a new private prompt
        #[arg(long)]
        save: bool,
    },
    /// List the polish strategies
    Strategies,
    /// Manage the API key (kept in the OS keychain, never in a file)
    #[command(subcommand)]
    Key(KeyCommand),
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Save the API key: typed without echo on a terminal, or piped on stdin
    Set,
    /// Remove the API key from the OS keychain
    Clear,
    /// Say whether a key is set, and where
    Status,
}

/// Runs an `ai` command; `open` opens the database.
pub fn run(cmd: AiCommand, open: impl Fn() -> Result<Store>, json: bool) -> Result<()> {
    match cmd {
        AiCommand::Polish {
            id,
            strategy,
            accept,
            edit,
        } => polish(&open, &id, &strategy, accept || edit, edit, json),
        AiCommand::Meta { id, apply } => meta(&open, &id, apply, json),
        AiCommand::Generate { query, save } => generate(&open, &query, save, json),
        AiCommand::Strategies => strategies(json),
        AiCommand::Key(cmd) => key(&open, cmd, json),
    }
}

/// What a feature needs from the database, read before the database is
/// closed for the duration of the request.
struct Prepared {
    assistant: Assistant,
    prompt: Option<Prompt>,
}

/// Reads the settings, the key and (for `id`) the prompt, refusing early
/// when the result could not be saved anyway.
fn prepare(
    open: &impl Fn() -> Result<Store>,
    id: Option<&str>,
    will_save: bool,
) -> Result<Prepared> {
    let store = open()?;
    let prompt = id
        .map(|id| store.resolve_id(id).and_then(|id| store.prompt(id)))
        .transpose()?;
    if let Some(p) = prompt.as_ref().filter(|_| will_save) {
        if let Some(reason) = p.immutability() {
            bail!(Error::Immutable { id: p.id, reason });
        }
    }
    let key = secrets::resolve_api_key(&KeyringStore::new(), &store)?.map(|(key, _)| key);
    let assistant = Assistant::new(AiConfig::from_store(&store)?, key)?;
    Ok(Prepared { assistant, prompt })
}

/// Runs a request on a single-threaded runtime, with a spinner showing the
/// streamed text and retries when stderr is a terminal.
fn block_on<F: std::future::Future>(
    what: &str,
    request: impl FnOnce(Control) -> F,
) -> Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    if !std::io::stderr().is_terminal() {
        return Ok(runtime.block_on(request(Control::new())));
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message(what.to_string());
    let chars = Arc::new(AtomicUsize::new(0));
    let (spinner, label) = (bar.clone(), what.to_string());
    let ctl = Control::new().on_progress(move |p| match p {
        Progress::Token(t) => {
            let n = chars.fetch_add(t.chars().count(), Ordering::Relaxed) + t.chars().count();
            spinner.set_message(format!("{label} ({n} characters)"));
        }
        Progress::Retrying { delay, error, .. } => {
            chars.store(0, Ordering::Relaxed);
            spinner.set_message(format!(
                "{label}: retrying in {:.1} s ({error})",
                delay.as_secs_f64()
            ));
        }
    });
    let result = runtime.block_on(request(ctl));
    bar.finish_and_clear();
    Ok(result)
}

fn polish(
    open: &impl Fn() -> Result<Store>,
    id: &str,
    strategy: &str,
    save: bool,
    edit: bool,
    json: bool,
) -> Result<()> {
    let strategy = ai::strategy(strategy)?;
    let Prepared { assistant, prompt } = prepare(open, Some(id), save)?;
    let prompt = prompt.expect("an id was given");
    let what = format!(
        "polishing with {} ({})",
        assistant.config().polish.model,
        strategy.label
    );
    let (assistant, content) = (&assistant, &prompt.content);
    let polished = block_on(&what, |ctl| async move {
        assistant.polish(content, strategy, &ctl).await
    })??;
    let saved = if save {
        let text = if edit {
            editor::edit_text(&polished.polished)?
        } else {
            polished.polished.clone()
        };
        Some(ai::accept_polish(
            &open()?,
            prompt.id,
            &polished.original,
            &text,
        )?)
    } else {
        None
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "polished": polished, "saved": saved }))?
        );
        return Ok(());
    }
    if polished.original == polished.polished {
        eprintln!("no changes suggested");
    } else {
        print!(
            "{}",
            ai::unified_diff(
                &polished.original,
                &polished.polished,
                "original",
                "polished"
            )
        );
    }
    match saved {
        Some(p) => output::saved("updated", &p, false),
        None => {
            eprintln!("not saved; run again with --accept (or --edit) to save");
            Ok(())
        }
    }
}

fn meta(open: &impl Fn() -> Result<Store>, id: &str, apply: bool, json: bool) -> Result<()> {
    let Prepared { assistant, prompt } = prepare(open, Some(id), apply)?;
    let prompt = prompt.expect("an id was given");
    let what = format!("generating metadata with {}", assistant.config().meta.model);
    let (assistant, content) = (&assistant, &prompt.content);
    let meta = block_on(&what, |ctl| async move {
        assistant.generate_metadata(content, &ctl).await
    })??;
    let saved = if apply {
        Some(ai::apply_metadata(&open()?, prompt.id, &meta)?)
    } else {
        None
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "metadata": meta, "saved": saved }))?
        );
        return Ok(());
    }
    println!("synopsis:  {}", meta.synopsis);
    println!("tags:      {}", meta.tags.join(", "));
    println!("score:     {}", meta.score);
    for note in &meta.adjustments {
        eprintln!("note: {note}");
    }
    match saved {
        Some(p) => output::saved("updated", &p, false),
        None => {
            eprintln!("not saved; run again with --apply to save");
            Ok(())
        }
    }
}

fn generate(open: &impl Fn() -> Result<Store>, query: &str, save: bool, json: bool) -> Result<()> {
    let Prepared { assistant, .. } = prepare(open, None, save)?;
    let what = format!("writing a prompt with {}", assistant.config().polish.model);
    let assistant = &assistant;
    let draft = block_on(&what, |ctl| async move {
        assistant.generate_prompt(query, &ctl).await
    })??;
    if save {
        let prompt = ai::save_draft(&open()?, &draft.content)?;
        return output::saved("saved", &prompt, json);
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "draft": draft }))?
        );
    } else {
        println!("{}", draft.content);
        eprintln!("not saved; run again with --save to save it as a new prompt");
    }
    Ok(())
}

fn strategies(json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(STRATEGIES)?);
        return Ok(());
    }
    for s in STRATEGIES {
        println!("{:<16} {}", s.id, s.label);
    }
    Ok(())
}

fn key(open: &impl Fn() -> Result<Store>, cmd: KeyCommand, json: bool) -> Result<()> {
    let keychain = KeyringStore::new();
    let env_note = || {
        if std::env::var_os(API_KEY_ENV).is_some_and(|v| !v.is_empty()) {
            eprintln!("note: {API_KEY_ENV} is set in this environment and takes precedence");
        }
    };
    match cmd {
        KeyCommand::Set => {
            // Read the key before opening the database, so its lock is not
            // held while the user types.
            let key = read_key()?;
            secrets::save_api_key(&keychain, &open()?, &key)?;
            if json {
                println!("{}", json!({ "saved": true, "source": "keychain" }));
            } else {
                println!("API key saved in the OS keychain");
            }
            env_note();
        }
        KeyCommand::Clear => {
            let existed = secrets::clear_api_key(&keychain, &open()?)?;
            if json {
                println!("{}", json!({ "cleared": existed }));
            } else if existed {
                println!("API key removed from the OS keychain");
            } else {
                println!("no API key was in the OS keychain");
            }
            env_note();
        }
        KeyCommand::Status => {
            let status = secrets::key_status(&keychain, &open()?)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&status)?);
                return Ok(());
            }
            match status.source {
                Some(source) => println!("API key: set (in {source})"),
                None => println!("API key: not set"),
            }
            if let Some(error) = status.keychain_error {
                eprintln!("note: a key was saved in the OS keychain but cannot be read: {error}");
            }
        }
    }
    Ok(())
}

/// The key from a no-echo prompt on a terminal, else from stdin.
fn read_key() -> Result<ApiKey> {
    let raw = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("API key (input hidden): ").context("cannot read the key")?
    } else {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the key from stdin")?;
        text
    };
    Ok(ApiKey::parse(&raw)?)
}
