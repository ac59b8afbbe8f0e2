//! `promptvault`: the command-line front end over `promptvault-core`.
//!
//! Every command opens the local database (`--db`, `$PROMPTVAULT_DB`, or the
//! OS data directory), does one thing, and exits 0; on failure it prints one
//! line `error: ...` on stderr and exits 1 (2 for a usage error).

mod ai;
mod clipboard;
mod commands;
mod editor;
mod embed;
mod output;
mod search;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use commands::{EditArgs, ImportArgs, ListArgs, NewArgs, SettingsCommand};

/// Keep, find and reuse your AI prompts.
#[derive(Debug, Parser)]
#[command(name = "promptvault", version, about, propagate_version = true)]
pub struct Cli {
    /// Database file [default: the OS data directory]
    #[arg(long, global = true, env = "PROMPTVAULT_DB", value_name = "PATH")]
    db: Option<PathBuf>,

    /// Print machine-readable JSON instead of text
    #[arg(long, global = true)]
    json: bool,

    /// More log output on stderr (-v info, -vv debug)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Save a new prompt (content from the argument, stdin, or $EDITOR)
    Add(NewArgs),
    /// List prompts, newest first
    List(ListArgs),
    /// Show one prompt in full
    Show {
        /// Prompt ID or a unique prefix of it
        id: String,
    },
    /// Edit a prompt (fields from flags, or the content in $EDITOR)
    Edit(EditArgs),
    /// Delete prompts
    Rm {
        /// Prompt IDs or unique prefixes
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Copy a prompt into a new editable draft
    Dup {
        /// Prompt ID or a unique prefix of it
        id: String,
    },
    /// Copy a prompt's content to the system clipboard
    Copy {
        /// Prompt ID or a unique prefix of it
        id: String,
    },
    /// Import prompts from a JSON, CSV or Markdown file
    Import(ImportArgs),
    /// Export every prompt as JSON, CSV or Markdown
    Export {
        /// Output format [default: from --output's extension, else json]
        #[arg(long, short, value_parser = ["json", "csv", "md", "markdown"])]
        format: Option<String>,
        /// Write to this file instead of stdout
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Read and change settings
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Compute missing embeddings (semantic search), or show their status
    Embed(embed::EmbedArgs),
    /// Hybrid search: tags, keywords and meaning
    Search(search::SearchArgs),
    /// Autocomplete suggestions for the beginning of a query
    Suggest(search::SuggestArgs),
    /// AI assistance: polish, metadata, generate, and the API key
    #[command(subcommand)]
    Ai(ai::AiCommand),
}

fn main() {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    // Files this process creates (database, WAL, exports) are owner-only.
    #[cfg(unix)]
    unsafe {
        libc::umask(0o077);
    }
    if let Err(err) = commands::run(cli) {
        let chain: Vec<String> = err.chain().map(|e| e.to_string()).collect();
        eprintln!("error: {}", chain.join(": ").replace('\n', " "));
        std::process::exit(1);
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
