//! One function per command; each opens the store and calls into core.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use promptvault_core::store::ListQuery;
use promptvault_core::transfer::Format;
use promptvault_core::types::{NewPrompt, PromptPatch, PromptSource};
use promptvault_core::{paths, Store};

use crate::{clipboard, editor, embed, output, search, Cli, Command};

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The prompt text; `-` reads stdin. Omitted: stdin if piped, else $EDITOR
    content: Option<String>,
    /// A one-line summary
    #[arg(long, short)]
    synopsis: Option<String>,
    /// A tag (repeatable)
    #[arg(long = "tag", short, value_name = "TAG")]
    tags: Vec<String>,
    /// Quality score, 0-100
    #[arg(long)]
    score: Option<i32>,
    /// Make the prompt public (shared when sync is on); prompts are private by default
    #[arg(long)]
    public: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Prompts per page
    #[arg(long, short = 'n', default_value_t = 20)]
    limit: u64,
    /// Page number, from 1
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    page: u64,
    /// Only prompts from this source
    #[arg(long, value_parser = ["local", "synced"])]
    source: Option<String>,
    /// Only prompts with this tag (case-insensitive)
    #[arg(long)]
    tag: Option<String>,
    /// Only private prompts
    #[arg(long, conflicts_with = "public")]
    private: bool,
    /// Only public prompts
    #[arg(long)]
    public: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Prompt ID or a unique prefix of it
    id: String,
    /// New content; `-` reads stdin. With no field flags, $EDITOR opens the content
    #[arg(long)]
    content: Option<String>,
    /// New synopsis
    #[arg(long, short, conflicts_with = "clear_synopsis")]
    synopsis: Option<String>,
    /// Remove the synopsis
    #[arg(long)]
    clear_synopsis: bool,
    /// Replace the tags with these (repeatable)
    #[arg(long = "tag", short, value_name = "TAG", conflicts_with = "clear_tags")]
    tags: Vec<String>,
    /// Remove all tags
    #[arg(long)]
    clear_tags: bool,
    /// New score, 0-100
    #[arg(long, conflicts_with = "clear_score")]
    score: Option<i32>,
    /// Remove the score
    #[arg(long)]
    clear_score: bool,
    /// Make the prompt private
    #[arg(long, conflicts_with = "public")]
    private: bool,
    /// Make the prompt public
    #[arg(long)]
    public: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// File to import (.json, .csv, .md)
    file: PathBuf,
    /// Format, when the extension does not say
    #[arg(long, short, value_parser = ["json", "csv", "md", "markdown"])]
    format: Option<String>,
    /// Do not compute embeddings for the imported prompts now
    #[arg(long)]
    no_embed: bool,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Print one setting's value
    Get { key: String },
    /// Change a setting (the value is JSON, or plain text for text settings)
    Set { key: String, value: String },
    /// List every setting with its value
    List,
}

pub fn run(cli: Cli) -> Result<()> {
    let json = cli.json;
    let store = || open_store(cli.db.as_deref());
    match cli.command {
        Command::Add(args) => add(cli.db.as_deref(), args, json),
        Command::List(args) => list(&store()?, args, json),
        Command::Show { id } => {
            let s = store()?;
            let p = s.prompt(s.resolve_id(&id)?)?;
            output::prompt_full(&p, json)
        }
        Command::Edit(args) => edit(cli.db.as_deref(), args, json),
        Command::Rm { ids } => {
            let s = store()?;
            // Resolve all first, so a bad ID deletes nothing.
            let ids = ids
                .iter()
                .map(|i| s.resolve_id(i))
                .collect::<Result<Vec<_>, _>>()?;
            let deleted = ids
                .into_iter()
                .map(|id| s.delete_prompt(id))
                .collect::<Result<Vec<_>, _>>()?;
            output::deleted(&deleted, json)
        }
        Command::Dup { id } => {
            let s = store()?;
            let copy = s.duplicate_prompt(s.resolve_id(&id)?)?;
            output::saved("duplicated as", &copy, json)
        }
        Command::Copy { id } => {
            let s = store()?;
            let p = s.prompt(s.resolve_id(&id)?)?;
            clipboard::copy(&p.content)?;
            output::copied(&p, json)
        }
        Command::Import(args) => import(&store()?, args, json),
        Command::Export { format, output } => export(&store()?, format, output),
        Command::Settings(cmd) => settings(&store()?, cmd, json),
        Command::Embed(args) => embed::run(&store()?, args, json),
        Command::Search(args) => search::search(&store()?, args, json),
        Command::Suggest(args) => search::suggest(&store()?, args, json),
        Command::Ai(cmd) => crate::ai::run(cmd, store, json),
    }
}

fn open_store(db: Option<&Path>) -> Result<Store> {
    let path = paths::database_path(db)
        .context("cannot find a data directory; pass --db or set PROMPTVAULT_DB")?;
    Ok(Store::open(&path)?)
}

/// Reads text from stdin, refusing an interactive terminal.
fn read_stdin() -> Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read stdin as UTF-8 text")?;
    Ok(text)
}

fn add(db: Option<&Path>, args: NewArgs, json: bool) -> Result<()> {
    // Read the content before opening the database, so the lock is not held
    // while the user types.
    let content = match args.content.as_deref() {
        Some("-") => read_stdin()?,
        Some(text) => text.to_string(),
        None if !std::io::stdin().is_terminal() => read_stdin()?,
        None => editor::edit_text("")?,
    };
    let prompt = open_store(db)?.create_prompt(NewPrompt {
        content,
        synopsis: args.synopsis,
        tags: args.tags,
        score: args.score,
        is_private: !args.public,
    })?;
    output::saved("saved", &prompt, json)
}

fn list(store: &Store, args: ListArgs, json: bool) -> Result<()> {
    let query = ListQuery {
        limit: args.limit,
        offset: (args.page - 1) * args.limit,
        source: args.source.as_deref().and_then(PromptSource::parse),
        is_private: match (args.private, args.public) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        tag: args.tag,
    };
    output::page(&store.list_prompts(&query)?, json)
}

fn edit(db: Option<&Path>, args: EditArgs, json: bool) -> Result<()> {
    let mut patch = PromptPatch {
        content: match args.content.as_deref() {
            Some("-") => Some(read_stdin()?),
            other => other.map(str::to_string),
        },
        synopsis: match (args.synopsis, args.clear_synopsis) {
            (Some(s), _) => Some(Some(s)),
            (None, true) => Some(None),
            _ => None,
        },
        tags: if args.clear_tags {
            Some(Vec::new())
        } else if args.tags.is_empty() {
            None
        } else {
            Some(args.tags)
        },
        score: match (args.score, args.clear_score) {
            (Some(s), _) => Some(Some(s)),
            (None, true) => Some(None),
            _ => None,
        },
        is_private: match (args.private, args.public) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
    };
    let store = open_store(db)?;
    let id = store.resolve_id(&args.id)?;
    let current = store.prompt(id)?;
    if let Some(reason) = current.immutability() {
        bail!(promptvault_core::Error::Immutable { id, reason });
    }
    if patch.is_empty() {
        // Do not hold the database lock while the user edits.
        drop(store);
        patch.content = Some(editor::edit_text(&current.content)?);
        let store = open_store(db)?;
        let updated = store.update_prompt(id, patch)?;
        return output::saved("updated", &updated, json);
    }
    let updated = store.update_prompt(id, patch)?;
    output::saved("updated", &updated, json)
}

fn import(store: &Store, args: ImportArgs, json: bool) -> Result<()> {
    let format = args.format.as_deref().and_then(Format::parse);
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} importing [{bar:30}] {pos}/{len} prompts ({per_sec}, {eta})",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let summary = store
        .import_file(&args.file, format, &mut |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })
        .with_context(|| format!("nothing imported from {}", args.file.display()))?;
    bar.finish_and_clear();
    output::import_summary(&summary, json)?;
    if !args.no_embed && summary.imported > 0 {
        // The prompts are saved; embeddings are a bonus that can come later.
        match embed::load_model(store, false) {
            Ok(embedder) => {
                embed::embed_all(store, &embedder, 32)?;
            }
            Err(e) => {
                eprintln!("note: embeddings not computed ({e:#}); run `promptvault embed` later")
            }
        }
    }
    Ok(())
}

fn export(store: &Store, format: Option<String>, out: Option<PathBuf>) -> Result<()> {
    let format = format
        .as_deref()
        .and_then(Format::parse)
        .or_else(|| out.as_deref().and_then(Format::from_path))
        .unwrap_or(Format::Json);
    let text = store.export(format)?;
    match out {
        Some(path) => {
            // Write beside the target and rename, so a crash never leaves a
            // half-written export in place of an older good one.
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            let mut tmp = tempfile::NamedTempFile::new_in(dir.unwrap_or(Path::new(".")))
                .with_context(|| format!("cannot write to {}", path.display()))?;
            std::io::Write::write_all(&mut tmp, text.as_bytes())?;
            tmp.persist(&path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "exported {} prompts to {}",
                store.count_prompts()?,
                path.display()
            );
        }
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
            {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e.into());
                }
            }
        }
    }
    Ok(())
}

fn settings(store: &Store, cmd: SettingsCommand, json: bool) -> Result<()> {
    match cmd {
        SettingsCommand::Get { key } => output::setting_value(&store.setting(&key)?, json),
        SettingsCommand::Set { key, value } => {
            let stored = store.set_setting_from_user(&key, &value)?;
            output::setting_value(&stored, json)
        }
        SettingsCommand::List => output::settings(&store.settings()?, json),
    }
}
