//! Editing text in the user's `$VISUAL` / `$EDITOR`.

use std::io::Write;
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Opens `initial` in the user's editor and returns the saved text. An
/// editor that exits with an error, or a file left empty, aborts.
pub fn edit_text(initial: &str) -> Result<String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|e| !e.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|e| !e.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".to_string());
    let mut file = tempfile::Builder::new()
        .prefix("promptvault-")
        .suffix(".md")
        .tempfile()
        .context("cannot create a temporary file for the editor")?;
    file.write_all(initial.as_bytes())?;
    file.flush()?;
    // The editor may be a command with arguments ("code --wait").
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .with_context(|| format!("cannot start the editor {editor:?}"))?;
    if !status.success() {
        bail!("the editor {editor:?} exited with {status}; nothing was saved");
    }
    let text = std::fs::read_to_string(file.path()).context("cannot read the edited text")?;
    if text.trim().is_empty() {
        bail!("the edited text is empty; nothing was saved");
    }
    Ok(text)
}
