//! Putting text on the system clipboard.
//!
//! A command-line process exits right after copying, and on X11 and Wayland
//! the clipboard is served by the process that owns it; so this hands the
//! text to the platform's clipboard tool, which keeps serving it
//! (`wl-copy`, `xclip`, `xsel`, `pbcopy`, `clip`).

use std::io::Write;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

fn candidates() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut list = Vec::new();
    if cfg!(target_os = "macos") {
        list.push(("pbcopy", vec![]));
    } else if cfg!(windows) {
        list.push(("clip", vec![]));
    } else {
        if std::env::var_os("WAYLAND_DISPLAY").is_some() {
            list.push(("wl-copy", vec![]));
        }
        if std::env::var_os("DISPLAY").is_some() {
            list.push(("xclip", vec!["-selection", "clipboard", "-in"]));
            list.push(("xsel", vec!["--clipboard", "--input"]));
        }
    }
    list
}

/// Copies `text` to the clipboard.
pub fn copy(text: &str) -> Result<()> {
    let tools = candidates();
    if tools.is_empty() {
        bail!("no clipboard here: no graphical session (DISPLAY or WAYLAND_DISPLAY is unset)");
    }
    for (program, args) in &tools {
        let child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot run {program}")),
        };
        child
            .stdin
            .take()
            .context("clipboard tool has no stdin")?
            .write_all(text.as_bytes())
            .with_context(|| format!("cannot write to {program}"))?;
        let status = child.wait()?;
        if status.success() {
            return Ok(());
        }
        bail!("{program} failed with {status}");
    }
    let names: Vec<&str> = tools.iter().map(|(p, _)| *p).collect();
    bail!(
        "no clipboard tool found: install one of {} (e.g. apt-get install xclip)",
        names.join(", ")
    )
}
