//! CSV: PromptVault's own columns, and the prompts.chat collection's
//! `act,prompt,for_devs,type,contributor`.

use chrono::{DateTime, Utc};
use promptvault_types::{Prompt, PromptSource};
use uuid::Uuid;

use super::{ImportError, Record};
use crate::error::{Error, Result};

/// PromptVault's CSV header, in order.
const COLUMNS: [&str; 11] = [
    "id",
    "content",
    "synopsis",
    "tags",
    "score",
    "owner_id",
    "is_private",
    "uploaded_at",
    "source",
    "created_at",
    "updated_at",
];

pub(super) fn parse(text: &str) -> Result<Vec<Record>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(&e, "cannot read the header"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let layout = if let Some(content) = column("content") {
        Layout::Own {
            content,
            others: COLUMNS.map(column),
        }
    } else if let (Some(act), Some(prompt)) = (column("act"), column("prompt")) {
        Layout::PromptsChat {
            act,
            prompt,
            for_devs: column("for_devs"),
            kind: column("type"),
        }
    } else {
        return Err(ImportError::at(
            "line 1",
            "the header has neither a \"content\" column nor the prompts.chat columns \
             \"act\" and \"prompt\"",
        ));
    };
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| csv_error(&e, "malformed CSV"))?;
        let line = row.position().map_or(0, |p| p.line());
        records.push(layout.record(&row, format!("line {line}"))?);
    }
    Ok(records)
}

fn csv_error(e: &csv::Error, what: &str) -> ImportError {
    let line = e.position().map_or(1, |p| p.line());
    ImportError::at(format!("line {line}"), format!("{what}: {e}"))
}

enum Layout {
    Own {
        content: usize,
        others: [Option<usize>; 11],
    },
    PromptsChat {
        act: usize,
        prompt: usize,
        for_devs: Option<usize>,
        kind: Option<usize>,
    },
}

impl Layout {
    fn record(&self, row: &csv::StringRecord, location: String) -> Result<Record, ImportError> {
        let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).filter(|s| !s.is_empty());
        match self {
            Layout::PromptsChat {
                act,
                prompt,
                for_devs,
                kind,
            } => {
                let mut tags = Vec::new();
                if let Some(kind) = cell(*kind) {
                    tags.push(kind.to_lowercase());
                }
                if cell(*for_devs).is_some_and(|v| v.eq_ignore_ascii_case("true")) {
                    tags.push("for-devs".to_string());
                }
                Ok(Record {
                    content: cell(Some(*prompt)).unwrap_or_default().to_string(),
                    synopsis: cell(Some(*act)).map(str::to_string),
                    tags,
                    location,
                    ..Record::default()
                })
            }
            Layout::Own { content, others } => {
                let get = |name: &str| {
                    let i = COLUMNS
                        .iter()
                        .position(|c| *c == name)
                        .expect("known column");
                    cell(others[i])
                };
                let bad = |name: &str, want: &str| {
                    ImportError::at(&location, format!("column \"{name}\" must be {want}"))
                };
                let uuid = |name: &str| {
                    get(name)
                        .map(|s| Uuid::parse_str(s).map_err(|_| bad(name, "a UUID")))
                        .transpose()
                };
                let time = |name: &str| {
                    get(name)
                        .map(|s| {
                            DateTime::parse_from_rfc3339(s)
                                .map(|t| t.with_timezone(&Utc))
                                .map_err(|_| bad(name, "an RFC 3339 timestamp"))
                        })
                        .transpose()
                };
                Ok(Record {
                    id: uuid("id")?,
                    content: row.get(*content).unwrap_or_default().to_string(),
                    synopsis: get("synopsis").map(str::to_string),
                    tags: get("tags")
                        .map(|s| {
                            serde_json::from_str(s)
                                .map_err(|_| bad("tags", "a JSON array of strings"))
                        })
                        .transpose()?
                        .unwrap_or_default(),
                    score: get("score")
                        .map(|s| s.trim().parse().map_err(|_| bad("score", "a whole number")))
                        .transpose()?,
                    owner_id: uuid("owner_id")?,
                    is_private: get("is_private")
                        .map(|s| match s.trim().to_ascii_lowercase().as_str() {
                            "true" => Ok(true),
                            "false" => Ok(false),
                            _ => Err(bad("is_private", "true or false")),
                        })
                        .transpose()?,
                    uploaded_at: time("uploaded_at")?,
                    source: get("source")
                        .map(|s| {
                            PromptSource::parse(s).ok_or_else(|| bad("source", "local or synced"))
                        })
                        .transpose()?,
                    created_at: time("created_at")?,
                    updated_at: time("updated_at")?,
                    location,
                })
            }
        }
    }
}

pub(super) fn write(prompts: &[Prompt]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let to_err = |e: csv::Error| Error::Corrupt(format!("CSV export: {e}"));
    w.write_record(COLUMNS).map_err(to_err)?;
    for p in prompts {
        let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
        w.write_record([
            p.id.to_string(),
            p.content.clone(),
            p.synopsis.clone().unwrap_or_default(),
            serde_json::to_string(&p.tags).expect("tags serialise"),
            p.score.map(|s| s.to_string()).unwrap_or_default(),
            p.owner_id.to_string(),
            p.is_private.to_string(),
            time(p.uploaded_at),
            p.source.to_string(),
            time(Some(p.created_at)),
            time(Some(p.updated_at)),
        ])
        .map_err(to_err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Corrupt(format!("CSV export: {e}")))?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"))
}
