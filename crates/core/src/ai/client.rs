//! One request to an OpenAI-compatible Chat Completions endpoint, plain or
//! streamed (server-sent events), with its HTTP failures turned into
//! [`AiError`]s.
//!
//! The key is sent as a bearer token marked sensitive, and scrubbed from any
//! error text a service echoes back. Nothing here logs content above debug
//! level.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::StatusCode;
use serde::Serialize;
use serde_json::{json, Value};

use super::config::ModelConfig;
use super::error::AiError;
use super::retry::parse_retry_after;
use crate::secrets::ApiKey;

/// Longest error detail kept from a response body, in characters.
const MAX_DETAIL_CHARS: usize = 500;

/// A chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub role: &'static str,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Message {
            role: "system",
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: "user",
            content: content.into(),
        }
    }
}

/// The assistant's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub content: String,
    /// `stop`, `length`, ... as the service reports it.
    pub finish_reason: Option<String>,
}

/// Receives streamed text as it arrives.
pub type TokenSink<'a> = &'a (dyn Fn(&str) + Send + Sync);

/// An HTTP client for Chat Completions with one key and timeout.
pub struct ChatClient {
    http: reqwest::Client,
    key: Option<ApiKey>,
    timeout: Duration,
}

impl ChatClient {
    pub fn new(
        key: Option<ApiKey>,
        timeout: Duration,
        connect_timeout: Duration,
    ) -> Result<Self, AiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .user_agent(concat!("promptvault/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AiError::Config(e.to_string()))?;
        Ok(ChatClient { http, key, timeout })
    }

    /// Sends one request. With `on_token` the answer is streamed and each
    /// piece of text handed to it as it arrives; a service that ignores the
    /// stream flag and answers in one piece is accepted too.
    pub async fn complete(
        &self,
        model: &ModelConfig,
        messages: &[Message],
        on_token: Option<TokenSink<'_>>,
    ) -> Result<Completion, AiError> {
        if self.key.is_none() && model.requires_key() {
            return Err(AiError::NoKey {
                endpoint: model.endpoint.clone(),
            });
        }
        let url = model.chat_url();
        let body = json!({
            "model": model.model,
            "messages": messages,
            "stream": on_token.is_some(),
        });
        tracing::info!(endpoint = %model.endpoint, model = %model.model, stream = on_token.is_some(), "AI request");
        tracing::trace!(?messages, "AI request messages");
        let mut request = self.http.post(&url).json(&body);
        if let Some(key) = &self.key {
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| {
                    AiError::Config("the API key is not a valid HTTP header value".into())
                })?;
            value.set_sensitive(true);
            request = request.header(AUTHORIZATION, value);
        }
        let response = self
            .within_timeout(request.send())
            .await?
            .map_err(|e| self.transport_error(model, e))?;
        let status = response.status();
        if !status.is_success() {
            let headers = response.headers().clone();
            let text = self
                .within_timeout(response.text())
                .await?
                .unwrap_or_default();
            return Err(self.http_error(model, &url, status, &headers, &text));
        }
        let is_sse = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        let completion = match on_token {
            Some(sink) if is_sse => self.read_stream(model, response, sink).await?,
            _ => {
                let text = self
                    .within_timeout(response.text())
                    .await?
                    .map_err(|e| self.transport_error(model, e))?;
                let completion = parse_completion(&text)?;
                if let Some(sink) = on_token {
                    sink(&completion.content);
                }
                completion
            }
        };
        tracing::debug!(chars = completion.content.chars().count(), finish = ?completion.finish_reason, "AI answer");
        Ok(completion)
    }

    async fn within_timeout<T>(
        &self,
        fut: impl std::future::Future<Output = T>,
    ) -> Result<T, AiError> {
        tokio::time::timeout(self.timeout, fut)
            .await
            .map_err(|_| AiError::Timeout {
                after: self.timeout,
            })
    }

    /// Reads server-sent events (`data: {chunk}` lines, ending with
    /// `data: [DONE]`), waiting at most the timeout for each piece.
    async fn read_stream(
        &self,
        model: &ModelConfig,
        response: reqwest::Response,
        sink: TokenSink<'_>,
    ) -> Result<Completion, AiError> {
        let mut body = response.bytes_stream();
        let mut pending: Vec<u8> = Vec::new();
        let mut answer = Completion {
            content: String::new(),
            finish_reason: None,
        };
        loop {
            let Some(chunk) = self.within_timeout(body.next()).await? else {
                break;
            };
            pending.extend_from_slice(&chunk.map_err(|e| self.transport_error(model, e))?);
            while let Some(end) = pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                let line = String::from_utf8_lossy(&line);
                if self.stream_line(line.trim(), &mut answer, sink)? {
                    return Ok(answer);
                }
            }
        }
        // No [DONE]: accept an answer that said it was finished.
        if answer.finish_reason.is_some() {
            Ok(answer)
        } else {
            Err(AiError::BadResponse {
                detail: "the answer stream ended before it was complete".into(),
            })
        }
    }

    /// Handles one event-stream line; true at the end of the stream.
    fn stream_line(
        &self,
        line: &str,
        answer: &mut Completion,
        sink: TokenSink<'_>,
    ) -> Result<bool, AiError> {
        let Some(data) = line.strip_prefix("data:").map(str::trim) else {
            return Ok(false); // blank separators, `event:`, `id:`, `: comments`
        };
        if data == "[DONE]" {
            return Ok(true);
        }
        let chunk: Value = serde_json::from_str(data).map_err(|e| AiError::BadResponse {
            detail: format!("a stream event is not JSON ({e}): {}", self.excerpt(data)),
        })?;
        if let Some(error) = chunk.get("error") {
            return Err(AiError::Server {
                status: 200,
                retry_after: None,
                detail: self.excerpt(&error_message(error).unwrap_or_else(|| error.to_string())),
            });
        }
        let choice = &chunk["choices"][0];
        if let Some(text) = choice["delta"]["content"]
            .as_str()
            .filter(|t| !t.is_empty())
        {
            answer.content.push_str(text);
            sink(text);
        }
        if let Some(reason) = choice["finish_reason"].as_str() {
            answer.finish_reason = Some(reason.to_string());
        }
        Ok(false)
    }

    fn transport_error(&self, model: &ModelConfig, e: reqwest::Error) -> AiError {
        if e.is_timeout() {
            return AiError::Timeout {
                after: self.timeout,
            };
        }
        // reqwest's own message is terse; the root cause says what happened.
        let mut detail = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            detail = s.to_string();
            source = s.source();
        }
        AiError::Network {
            endpoint: model.endpoint.clone(),
            detail: self.excerpt(&detail),
        }
    }

    fn http_error(
        &self,
        model: &ModelConfig,
        url: &str,
        status: StatusCode,
        headers: &HeaderMap,
        body: &str,
    ) -> AiError {
        let parsed: Option<Value> = serde_json::from_str(body).ok();
        let code = parsed
            .as_ref()
            .and_then(|v| v["error"]["code"].as_str().or(v["code"].as_str()))
            .unwrap_or("")
            .to_string();
        let message = parsed
            .as_ref()
            .and_then(error_message)
            .unwrap_or_else(|| body.trim().to_string());
        let detail = self.excerpt(if message.is_empty() {
            status.canonical_reason().unwrap_or("no details")
        } else {
            &message
        });
        tracing::info!(status = status.as_u16(), %code, "AI service answered with an error");
        match status.as_u16() {
            401 if self.key.is_none() => AiError::NoKey {
                endpoint: model.endpoint.clone(),
            },
            401 => AiError::BadKey {
                endpoint: model.endpoint.clone(),
                detail,
            },
            404 if code == "model_not_found" || message.to_lowercase().contains("model") => {
                AiError::ModelNotFound {
                    model: model.model.clone(),
                    endpoint: model.endpoint.clone(),
                    detail,
                }
            }
            404 => AiError::EndpointNotFound {
                url: url.to_string(),
            },
            429 if code == "insufficient_quota" => AiError::QuotaExceeded { detail },
            429 => AiError::RateLimited {
                retry_after: parse_retry_after(headers),
                detail,
            },
            408 | 500..=599 => AiError::Server {
                status: status.as_u16(),
                retry_after: parse_retry_after(headers),
                detail,
            },
            other => AiError::Api {
                status: other,
                detail,
            },
        }
    }

    /// Error text fit for a message: the key scrubbed, the length bounded.
    fn excerpt(&self, text: &str) -> String {
        let scrubbed = redact(text, self.key.as_ref());
        let mut out: String = scrubbed.chars().take(MAX_DETAIL_CHARS).collect();
        if scrubbed.chars().count() > MAX_DETAIL_CHARS {
            out.push('…');
        }
        out
    }

    /// Scrubs this client's key from `text` (raw answers before logging).
    pub fn scrub(&self, text: &str) -> String {
        redact(text, self.key.as_ref())
    }
}

/// The human message in an error body, in the shapes services use:
/// OpenAI `{"error": {"message"}}`, `{"error": "..."}`, vLLM `{"message"}`,
/// FastAPI `{"detail"}`.
fn error_message(v: &Value) -> Option<String> {
    [
        &v["error"]["message"],
        &v["error"],
        &v["message"],
        &v["detail"],
    ]
    .into_iter()
    .find_map(|m| m.as_str().map(str::to_string))
    .or_else(|| v.as_str().map(str::to_string))
}

/// Parses a non-streamed Chat Completions body.
fn parse_completion(text: &str) -> Result<Completion, AiError> {
    let bad = |detail: String| AiError::BadResponse { detail };
    let v: Value = serde_json::from_str(text).map_err(|e| {
        let head: String = text.chars().take(200).collect();
        bad(format!("not JSON ({e}): {head}"))
    })?;
    let choice = &v["choices"][0];
    if choice.is_null() {
        return Err(bad("no choices in the answer".into()));
    }
    let content = match &choice["message"]["content"] {
        Value::String(s) => s.clone(),
        _ => match choice["message"]["refusal"].as_str() {
            Some(refusal) => {
                return Err(AiError::InvalidOutput {
                    reason: format!("the model refused: {refusal}"),
                })
            }
            None => return Err(bad("the answer has no text content".into())),
        },
    };
    Ok(Completion {
        content,
        finish_reason: choice["finish_reason"].as_str().map(str::to_string),
    })
}

/// Replaces the key, and anything shaped like an OpenAI key (`sk-...`, as
/// echoed masked in 401 bodies), with a marker.
pub(crate) fn redact(text: &str, key: Option<&ApiKey>) -> String {
    let mut out = match key {
        Some(k) => text.replace(k.expose(), "[redacted key]"),
        None => text.to_string(),
    };
    let mut from = 0;
    while let Some(pos) = out[from..].find("sk-").map(|p| p + from) {
        let tail = &out[pos + 3..];
        let len = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '*')))
            .unwrap_or(tail.len());
        if len >= 8 {
            out.replace_range(pos..pos + 3 + len, "sk-[redacted]");
            from = pos + "sk-[redacted]".len();
        } else {
            from = pos + 3;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_removes_the_key_and_key_shaped_text() {
        let key = ApiKey::parse("local-secret-123").unwrap();
        let text =
            "Incorrect API key provided: sk-proj-abc*****wxyz. key local-secret-123; task-list";
        let out = redact(text, Some(&key));
        assert_eq!(
            out,
            "Incorrect API key provided: sk-[redacted]. key [redacted key]; task-list"
        );
        assert_eq!(redact("ask-me", None), "ask-me");
    }

    #[test]
    fn completion_bodies() {
        let ok = r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#;
        assert_eq!(
            parse_completion(ok).unwrap(),
            Completion {
                content: "hi".into(),
                finish_reason: Some("stop".into())
            }
        );
        assert!(matches!(
            parse_completion("<html>"),
            Err(AiError::BadResponse { .. })
        ));
        assert!(matches!(
            parse_completion(r#"{"choices":[]}"#),
            Err(AiError::BadResponse { .. })
        ));
        let refusal = r#"{"choices":[{"message":{"content":null,"refusal":"no"}}]}"#;
        assert!(matches!(
            parse_completion(refusal),
            Err(AiError::InvalidOutput { .. })
        ));
    }

    #[test]
    fn error_messages_in_the_shapes_services_use() {
        for body in [
            r#"{"error":{"message":"m","type":"x"}}"#,
            r#"{"error":"m"}"#,
            r#"{"object":"error","message":"m"}"#,
            r#"{"detail":"m"}"#,
        ] {
            let v: Value = serde_json::from_str(body).unwrap();
            assert_eq!(error_message(&v).as_deref(), Some("m"), "{body}");
        }
    }
}
