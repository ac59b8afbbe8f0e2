//! Which service and model each feature uses, and how patient to be; read
//! from the settings (`ai_*`).

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::retry::RetryPolicy;
use crate::{paths, Store};

/// File name of the log of failed AI requests.
pub const FAILURE_LOG_FILE: &str = "ai-failures.jsonl";

/// One OpenAI-compatible Chat Completions service and model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// The API base, such as `https://api.openai.com/v1` or
    /// `http://localhost:11434/v1` (Ollama); `/chat/completions` is appended.
    pub endpoint: String,
    pub model: String,
}

impl ModelConfig {
    /// The Chat Completions URL. An endpoint that already names the
    /// `/chat/completions` path is used as it is.
    pub fn chat_url(&self) -> String {
        let base = self.endpoint.trim_end_matches('/');
        if base.ends_with("/chat/completions") {
            base.to_string()
        } else {
            format!("{base}/chat/completions")
        }
    }

    /// Services known to refuse requests without a key. Others (a local
    /// Ollama or llama.cpp server) are tried without one.
    pub fn requires_key(&self) -> bool {
        let host = self
            .endpoint
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split(['/', ':']).next())
            .unwrap_or("");
        host.eq_ignore_ascii_case("api.openai.com")
    }
}

/// Everything the AI features need besides the key.
#[derive(Debug, Clone)]
pub struct AiConfig {
    /// Polishing and generating prompts.
    pub polish: ModelConfig,
    /// Generating metadata.
    pub meta: ModelConfig,
    /// How long to wait for an answer (when streaming: for each token).
    pub timeout: Duration,
    /// How long to wait for a TCP/TLS connection.
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    /// Where failed requests' raw responses are logged (JSON Lines).
    pub failure_log: PathBuf,
}

impl AiConfig {
    /// The configuration in the store's settings. The failure log goes to
    /// `logs/` beside the database file (the data directory for an
    /// in-memory store).
    pub fn from_store(store: &Store) -> crate::Result<Self> {
        let model = |endpoint: &str, name: &str| -> crate::Result<ModelConfig> {
            Ok(ModelConfig {
                endpoint: store.setting_str(endpoint)?,
                model: store.setting_str(name)?,
            })
        };
        let timeout_secs = store.setting_i64("ai_request_timeout_seconds")?;
        let log_dir = store
            .path()
            .and_then(|p| p.parent())
            .map(|d| d.to_path_buf())
            .or_else(paths::data_dir)
            .unwrap_or_else(std::env::temp_dir)
            .join("logs");
        Ok(AiConfig {
            polish: model("ai_polish_model_endpoint", "ai_polish_model_name")?,
            meta: model("ai_meta_model_endpoint", "ai_meta_model_name")?,
            timeout: Duration::from_secs(timeout_secs.max(1) as u64),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            failure_log: log_dir.join(FAILURE_LOG_FILE),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(endpoint: &str) -> ModelConfig {
        ModelConfig {
            endpoint: endpoint.into(),
            model: "m".into(),
        }
    }

    #[test]
    fn chat_url_appends_the_path_once() {
        assert_eq!(
            model("https://api.openai.com/v1/").chat_url(),
            "https://api.openai.com/v1/chat/completions"
        );
        assert_eq!(
            model("http://localhost:8080/v1/chat/completions").chat_url(),
            "http://localhost:8080/v1/chat/completions"
        );
    }

    #[test]
    fn only_known_hosted_services_require_a_key() {
        assert!(model("https://api.openai.com/v1").requires_key());
        assert!(model("https://API.openai.com:443/v1").requires_key());
        assert!(!model("http://localhost:11434/v1").requires_key());
        assert!(!model("https://api.openai.com.evil.example/v1").requires_key());
    }
}
