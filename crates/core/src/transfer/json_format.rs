//! JSON: PromptVault's own array of prompt objects, and the `{act, prompt}`
//! arrays of the prompts.chat family.

use chrono::{DateTime, Utc};
use promptvault_types::{Prompt, PromptSource};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{ImportError, Record};

pub(super) fn parse(text: &str) -> Result<Vec<Record>, ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::at(
            format!("line {}, column {}", e.line(), e.column()),
            format!("malformed JSON: {e}"),
        )
    })?;
    let Value::Array(items) = value else {
        return Err(ImportError::at(
            "line 1",
            "expected a JSON array of prompt objects",
        ));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| record(format!("item {}", i + 1), item))
        .collect()
}

fn record(location: String, item: Value) -> Result<Record, ImportError> {
    let Value::Object(obj) = item else {
        return Err(ImportError::at(location, "expected a JSON object"));
    };
    let f = Fields {
        obj: &obj,
        location: &location,
    };
    if obj.contains_key("content") {
        Ok(Record {
            id: f.parsed("id", |s| Uuid::parse_str(s).ok(), "a UUID")?,
            content: f.required_str("content")?,
            synopsis: f.opt_str("synopsis")?,
            tags: f.tags()?,
            score: f.score()?,
            owner_id: f.parsed("owner_id", |s| Uuid::parse_str(s).ok(), "a UUID")?,
            is_private: f.opt_bool("is_private")?,
            uploaded_at: f.parsed("uploaded_at", timestamp, "an RFC 3339 timestamp")?,
            source: f.parsed("source", PromptSource::parse, "\"local\" or \"synced\"")?,
            created_at: f.parsed("created_at", timestamp, "an RFC 3339 timestamp")?,
            updated_at: f.parsed("updated_at", timestamp, "an RFC 3339 timestamp")?,
            location,
        })
    } else if obj.contains_key("prompt") {
        Ok(Record {
            content: f.required_str("prompt")?,
            synopsis: f.opt_str("act")?,
            location,
            ..Record::default()
        })
    } else {
        Err(ImportError::at(
            location,
            "has neither a \"content\" nor a \"prompt\" field",
        ))
    }
}

fn timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Typed access to an object's fields with located error messages.
struct Fields<'a> {
    obj: &'a Map<String, Value>,
    location: &'a str,
}

impl Fields<'_> {
    fn err(&self, key: &str, want: &str) -> ImportError {
        ImportError::at(self.location, format!("field \"{key}\" must be {want}"))
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.obj.get(key).filter(|v| !v.is_null())
    }

    fn opt_str(&self, key: &str) -> Result<Option<String>, ImportError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.err(key, "a string")),
        }
    }

    fn required_str(&self, key: &str) -> Result<String, ImportError> {
        self.opt_str(key)?.ok_or_else(|| self.err(key, "a string"))
    }

    fn opt_bool(&self, key: &str) -> Result<Option<bool>, ImportError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.err(key, "true or false")),
        }
    }

    fn parsed<T>(
        &self,
        key: &str,
        parse: impl Fn(&str) -> Option<T>,
        want: &str,
    ) -> Result<Option<T>, ImportError> {
        match self.opt_str(key) {
            Ok(None) => Ok(None),
            Ok(Some(s)) => parse(&s).map(Some).ok_or_else(|| self.err(key, want)),
            Err(_) => Err(self.err(key, want)),
        }
    }

    fn score(&self) -> Result<Option<i64>, ImportError> {
        match self.get("score") {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.err("score", "a whole number")),
            Some(_) => Err(self.err("score", "a whole number")),
        }
    }

    fn tags(&self) -> Result<Vec<String>, ImportError> {
        match self.get("tags") {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|t| {
                    t.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| self.err("tags", "an array of strings"))
                })
                .collect(),
            Some(_) => Err(self.err("tags", "an array of strings")),
        }
    }
}

pub(super) fn write(prompts: &[Prompt]) -> String {
    let mut out = serde_json::to_string_pretty(prompts).expect("prompts serialise");
    out.push('\n');
    out
}
