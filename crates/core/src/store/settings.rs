//! Typed settings over the `app_settings` key/value table.
//!
//! Every key the application knows is declared once in [`SETTINGS`] with its
//! kind, default and meaning; unknown keys and ill-typed values are refused.
//! Values are stored as JSON. A setting that was never written reads as its
//! default.

use duckdb::{params, Connection, OptionalExt};
use serde_json::Value;
use uuid::Uuid;

use super::Store;
use crate::error::{Error, Result};

/// The shape a setting's value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKind {
    /// Any non-empty string.
    Text,
    /// An http(s) URL.
    Url,
    /// A UUID string.
    Uuid,
    /// An integer within bounds.
    Integer { min: i64, max: i64 },
    /// An RFC 3339 timestamp or null.
    Timestamp,
    /// true or false.
    Bool,
    /// One of a fixed list of names.
    OneOf(&'static [&'static str]),
    /// A filesystem path, or null for "not set".
    OptionalPath,
}

/// Names accepted by the `embedding_model` setting: the presets and `custom`.
pub const EMBEDDING_MODELS: &[&str] = &[
    "intfloat/multilingual-e5-large-instruct",
    "BAAI/bge-small-en-v1.5",
    "intfloat/multilingual-e5-small",
    "sentence-transformers/all-MiniLM-L6-v2",
    "custom",
];

/// One known setting.
pub struct SettingDef {
    pub key: &'static str,
    pub kind: SettingKind,
    /// JSON text of the default; `null` means unset.
    pub default: &'static str,
    /// May the user change it with `settings set`?
    pub user_settable: bool,
    pub description: &'static str,
}

/// The settings of the spec (section IV, "Example Keys") and the features
/// built on it.
pub const SETTINGS: &[SettingDef] = &[
    SettingDef {
        key: "local_user_id",
        kind: SettingKind::Uuid,
        default: "null",
        user_settable: false,
        description: "This device's persistent user id (generated on first open)",
    },
    SettingDef {
        key: "last_successful_download_timestamp",
        kind: SettingKind::Timestamp,
        default: "null",
        user_settable: false,
        description: "Server time of the last completed download sync",
    },
    SettingDef {
        key: "hotkey_config",
        kind: SettingKind::Text,
        default: "\"CmdOrCtrl+Shift+P\"",
        user_settable: true,
        description: "Global shortcut that shows the search window",
    },
    SettingDef {
        key: "ai_polish_model_endpoint",
        kind: SettingKind::Url,
        default: "\"https://api.openai.com/v1\"",
        user_settable: true,
        description: "OpenAI-compatible endpoint for polishing and generating prompts",
    },
    SettingDef {
        key: "ai_polish_model_name",
        kind: SettingKind::Text,
        default: "\"gpt-4o\"",
        user_settable: true,
        description: "Model for polishing and generating prompts",
    },
    SettingDef {
        key: "ai_meta_model_endpoint",
        kind: SettingKind::Url,
        default: "\"https://api.openai.com/v1\"",
        user_settable: true,
        description: "OpenAI-compatible endpoint for generating metadata",
    },
    SettingDef {
        key: "ai_meta_model_name",
        kind: SettingKind::Text,
        default: "\"gpt-4o-mini\"",
        user_settable: true,
        description: "Model for generating synopsis, tags and score",
    },
    SettingDef {
        key: "ai_request_timeout_seconds",
        kind: SettingKind::Integer { min: 1, max: 3600 },
        default: "120",
        user_settable: true,
        description:
            "Seconds to wait for an AI service to answer (or, when streaming, for its next token)",
    },
    SettingDef {
        key: "sync_upload_interval_minutes",
        kind: SettingKind::Integer { min: 1, max: 1440 },
        default: "10",
        user_settable: true,
        description: "Minutes between uploads of public prompts",
    },
    SettingDef {
        key: "sync_download_interval_minutes",
        kind: SettingKind::Integer { min: 1, max: 1440 },
        default: "30",
        user_settable: true,
        description: "Minutes between downloads of other users' public prompts",
    },
    SettingDef {
        key: "analytics_interval_seconds",
        kind: SettingKind::Integer { min: 5, max: 86400 },
        default: "15",
        user_settable: true,
        description: "Seconds between analytics batches",
    },
    SettingDef {
        key: "embedding_model",
        kind: SettingKind::OneOf(EMBEDDING_MODELS),
        default: "\"intfloat/multilingual-e5-large-instruct\"",
        user_settable: true,
        description:
            "Embedding model for semantic search (a preset, or custom with embedding_model_dir)",
    },
    SettingDef {
        key: "embedding_model_dir",
        kind: SettingKind::OptionalPath,
        default: "null",
        user_settable: true,
        description:
            "Directory of a custom embedding model (model.onnx, tokenizer, promptvault-model.json)",
    },
    SettingDef {
        key: "onnxruntime_library",
        kind: SettingKind::OptionalPath,
        default: "null",
        user_settable: true,
        description: "Path of libonnxruntime, when not found automatically",
    },
    SettingDef {
        key: "ai_api_key_placeholder",
        kind: SettingKind::Bool,
        default: "false",
        user_settable: false,
        description: "Whether an AI API key is set (the key itself lives in the OS keychain)",
    },
];

/// Looks a setting up by key.
pub fn definition(key: &str) -> Result<&'static SettingDef> {
    SETTINGS
        .iter()
        .find(|d| d.key == key)
        .ok_or_else(|| Error::UnknownSetting {
            key: key.to_string(),
            known: SETTINGS
                .iter()
                .map(|d| d.key)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

impl SettingDef {
    /// The default value.
    pub fn default_value(&self) -> Value {
        serde_json::from_str(self.default).expect("setting defaults are valid JSON")
    }

    /// Checks `value` against this setting's kind.
    pub fn check(&self, value: &Value) -> Result<()> {
        let bad = |reason: &str| {
            Err(Error::InvalidSetting {
                key: self.key.to_string(),
                reason: reason.to_string(),
            })
        };
        match (self.kind, value) {
            (SettingKind::Timestamp, Value::Null) => Ok(()),
            (SettingKind::Text, Value::String(s)) if !s.trim().is_empty() => Ok(()),
            (SettingKind::Text, _) => bad("expected a non-empty text"),
            (SettingKind::Url, Value::String(s))
                if s.starts_with("http://") || s.starts_with("https://") =>
            {
                Ok(())
            }
            (SettingKind::Url, _) => bad("expected an http:// or https:// URL"),
            (SettingKind::Uuid, Value::String(s)) if Uuid::parse_str(s).is_ok() => Ok(()),
            (SettingKind::Uuid, _) => bad("expected a UUID"),
            (SettingKind::Integer { min, max }, Value::Number(n)) => match n.as_i64() {
                Some(i) if (min..=max).contains(&i) => Ok(()),
                _ => bad(&format!("expected a whole number from {min} to {max}")),
            },
            (SettingKind::Integer { min, max }, _) => {
                bad(&format!("expected a whole number from {min} to {max}"))
            }
            (SettingKind::Timestamp, Value::String(s))
                if chrono::DateTime::parse_from_rfc3339(s).is_ok() =>
            {
                Ok(())
            }
            (SettingKind::Timestamp, _) => bad("expected an RFC 3339 timestamp or null"),
            (SettingKind::Bool, Value::Bool(_)) => Ok(()),
            (SettingKind::Bool, _) => bad("expected true or false"),
            (SettingKind::OneOf(names), Value::String(s)) if names.contains(&s.as_str()) => Ok(()),
            (SettingKind::OneOf(names), _) => {
                bad(&format!("expected one of: {}", names.join(", ")))
            }
            (SettingKind::OptionalPath, Value::Null) => Ok(()),
            (SettingKind::OptionalPath, Value::String(s)) if !s.trim().is_empty() => Ok(()),
            (SettingKind::OptionalPath, _) => bad("expected a path or null"),
        }
    }

    /// Parses what a user typed on a command line: JSON when it parses as
    /// JSON of the right kind, otherwise the text itself as a string.
    pub fn parse_user_input(&self, input: &str) -> Result<Value> {
        let value = match serde_json::from_str::<Value>(input) {
            Ok(v) if self.check(&v).is_ok() => v,
            _ => Value::String(input.to_string()),
        };
        self.check(&value)?;
        Ok(value)
    }
}

/// Reads or creates this device's `local_user_id`.
pub(super) fn ensure_local_user_id(conn: &Connection) -> Result<Uuid> {
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES ('local_user_id', ?::JSON)
         ON CONFLICT (key) DO NOTHING",
        params![Value::String(Uuid::new_v4().to_string()).to_string()],
    )?;
    let raw = read_raw(conn, "local_user_id")?
        .ok_or_else(|| Error::Corrupt("local_user_id missing".into()))?;
    raw.as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| Error::Corrupt(format!("local_user_id is {raw}")))
}

fn read_raw(conn: &Connection, key: &str) -> Result<Option<Value>> {
    let text: Option<Option<String>> = conn
        .query_row(
            "SELECT CAST(value AS VARCHAR) FROM app_settings WHERE key = ?",
            params![key],
            |r| r.get(0),
        )
        .optional()?;
    match text.flatten() {
        None => Ok(None),
        Some(t) => serde_json::from_str(&t)
            .map(Some)
            .map_err(|e| Error::Corrupt(format!("setting {key}: {e}"))),
    }
}

impl Store {
    /// The value of a setting, or its default when never set.
    pub fn setting(&self, key: &str) -> Result<Value> {
        let def = definition(key)?;
        Ok(read_raw(&self.conn, key)?.unwrap_or_else(|| def.default_value()))
    }

    /// A text setting's value.
    pub fn setting_str(&self, key: &str) -> Result<String> {
        match self.setting(key)? {
            Value::String(s) => Ok(s),
            other => Err(Error::Corrupt(format!("setting {key} is {other}"))),
        }
    }

    /// An integer setting's value.
    pub fn setting_i64(&self, key: &str) -> Result<i64> {
        self.setting(key)?
            .as_i64()
            .ok_or_else(|| Error::Corrupt(format!("setting {key} is not an integer")))
    }

    /// Stores a setting after checking its kind. Internal keys (such as
    /// `local_user_id`) are written through their own APIs.
    pub fn set_setting(&self, key: &str, value: Value) -> Result<()> {
        let def = definition(key)?;
        def.check(&value)?;
        self.conn.execute(
            "INSERT INTO app_settings (key, value) VALUES (?, ?::JSON)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value.to_string()],
        )?;
        Ok(())
    }

    /// Stores a setting typed by a user, refusing internal ones.
    pub fn set_setting_from_user(&self, key: &str, input: &str) -> Result<Value> {
        let def = definition(key)?;
        if !def.user_settable {
            return Err(Error::InvalidSetting {
                key: key.to_string(),
                reason: "it is managed by PromptVault and cannot be set by hand".into(),
            });
        }
        let value = def.parse_user_input(input)?;
        self.set_setting(key, value.clone())?;
        Ok(value)
    }

    /// Every known setting with its current value and whether it is the
    /// default.
    pub fn settings(&self) -> Result<Vec<(&'static SettingDef, Value, bool)>> {
        SETTINGS
            .iter()
            .map(|def| {
                let stored = read_raw(&self.conn, def.key)?;
                let is_default = stored.is_none();
                Ok((
                    def,
                    stored.unwrap_or_else(|| def.default_value()),
                    is_default,
                ))
            })
            .collect()
    }
}
