//! How commands print: short human text, or JSON with `--json`.

use anyhow::Result;
use promptvault_core::store::SettingDef;
use promptvault_core::transfer::ImportSummary;
use promptvault_core::types::{Prompt, PromptPage, PromptSource};
use serde::Serialize;
use serde_json::{json, Value};

fn print_json(value: &impl Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn short_id(p: &Prompt) -> String {
    p.id.to_string()[..8].to_string()
}

/// `local/private`, `local/public`, `uploaded`, or `synced`.
fn status(p: &Prompt) -> &'static str {
    match (p.source, p.uploaded_at.is_some(), p.is_private) {
        (PromptSource::Synced, _, _) => "synced",
        (_, true, _) => "uploaded",
        (_, false, true) => "private",
        (_, false, false) => "public",
    }
}

/// One line: the synopsis, else the first line of the content, cut to fit.
fn title(p: &Prompt, width: usize) -> String {
    let text = p
        .synopsis
        .as_deref()
        .or_else(|| p.content.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("")
        .trim();
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

pub fn saved(verb: &str, p: &Prompt, json: bool) -> Result<()> {
    if json {
        return print_json(p);
    }
    println!("{verb} {} {}", p.id, title(p, 60));
    Ok(())
}

pub fn page(page: &PromptPage, json: bool) -> Result<()> {
    if json {
        return print_json(page);
    }
    if page.items.is_empty() {
        println!("no prompts (total {})", page.total);
        return Ok(());
    }
    for p in &page.items {
        let tags = if p.tags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", p.tags.join(", "))
        };
        println!(
            "{}  {:<8}  {}  {}{}",
            short_id(p),
            status(p),
            p.created_at.format("%Y-%m-%d"),
            title(p, 60),
            tags
        );
    }
    let first = page.offset + 1;
    let last = page.offset + page.items.len() as u64;
    eprintln!("prompts {first}-{last} of {}", page.total);
    Ok(())
}

pub fn prompt_full(p: &Prompt, json: bool) -> Result<()> {
    if json {
        return print_json(p);
    }
    println!("id:        {}", p.id);
    if let Some(s) = &p.synopsis {
        println!("synopsis:  {s}");
    }
    if !p.tags.is_empty() {
        println!("tags:      {}", p.tags.join(", "));
    }
    if let Some(score) = p.score {
        println!("score:     {score}");
    }
    println!(
        "status:    {}{}",
        status(p),
        match p.immutability() {
            Some(reason) => format!(" (read-only: {reason})"),
            None => String::new(),
        }
    );
    println!("created:   {}", p.created_at.to_rfc3339());
    println!("updated:   {}", p.updated_at.to_rfc3339());
    if let Some(at) = p.uploaded_at {
        println!("uploaded:  {}", at.to_rfc3339());
    }
    println!();
    println!("{}", p.content);
    Ok(())
}

pub fn deleted(prompts: &[Prompt], json: bool) -> Result<()> {
    if json {
        let ids: Vec<String> = prompts.iter().map(|p| p.id.to_string()).collect();
        return print_json(&json!({ "deleted": ids }));
    }
    for p in prompts {
        println!("deleted {} {}", p.id, title(p, 60));
    }
    Ok(())
}

pub fn copied(p: &Prompt, json: bool) -> Result<()> {
    if json {
        return print_json(&json!({ "copied": p.id, "chars": p.content.chars().count() }));
    }
    eprintln!(
        "copied {} ({} characters) to the clipboard",
        short_id(p),
        p.content.chars().count()
    );
    Ok(())
}

pub fn import_summary(s: &ImportSummary, json: bool) -> Result<()> {
    if json {
        return print_json(s);
    }
    println!(
        "imported {} of {} prompts ({} duplicates skipped, {} already present)",
        s.imported, s.read, s.duplicates, s.already_present
    );
    Ok(())
}

pub fn setting_value(v: &Value, json: bool) -> Result<()> {
    match v {
        Value::String(s) if !json => println!("{s}"),
        other => println!("{other}"),
    }
    Ok(())
}

pub fn settings(all: &[(&'static SettingDef, Value, bool)], json: bool) -> Result<()> {
    if json {
        let map: serde_json::Map<String, Value> = all
            .iter()
            .map(|(d, v, _)| (d.key.to_string(), v.clone()))
            .collect();
        return print_json(&map);
    }
    for (def, value, is_default) in all {
        let marker = if *is_default { " (default)" } else { "" };
        println!("{:<36} {value}{marker}", def.key);
    }
    Ok(())
}
