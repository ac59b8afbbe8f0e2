//! The [`Assistant`]: runs a feature's request with retries, backoff,
//! cancellation and progress, and logs what finally failed.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::client::{ChatClient, Message, TokenSink};
use super::config::{AiConfig, ModelConfig};
use super::error::AiError;
use super::failure_log::{self, AttemptRecord, FailureRecord};
use crate::secrets::ApiKey;

/// What a running request reports.
#[derive(Debug)]
pub enum Progress<'a> {
    /// A piece of the streamed answer.
    Token(&'a str),
    /// The attempt failed and another follows after `delay`; text streamed
    /// so far is void.
    Retrying {
        /// 1 for the first retry.
        retry: u32,
        delay: Duration,
        error: &'a AiError,
    },
}

type ProgressFn = Arc<dyn Fn(Progress<'_>) + Send + Sync>;

/// A request's cancellation token and progress callback. The default
/// neither streams nor can be cancelled other than by dropping the future.
#[derive(Clone, Default)]
pub struct Control {
    cancel: CancellationToken,
    progress: Option<ProgressFn>,
}

impl Control {
    pub fn new() -> Self {
        Self::default()
    }

    /// Stops the request when `token` is cancelled (the user closed the
    /// dialog); the call then returns [`AiError::Cancelled`].
    pub fn with_cancel(mut self, token: CancellationToken) -> Self {
        self.cancel = token;
        self
    }

    /// Reports progress to `f`. Polishing and generating then stream their
    /// answer token by token; metadata only reports retries.
    pub fn on_progress(mut self, f: impl Fn(Progress<'_>) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }

    pub fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }

    fn report(&self, p: Progress<'_>) {
        if let Some(f) = &self.progress {
            f(p);
        }
    }
}

/// One feature's request.
pub(super) struct Job<'a> {
    /// `polish`, `metadata`, `generate` (for logs).
    pub feature: &'static str,
    pub model: &'a ModelConfig,
    pub messages: Vec<Message>,
    /// Stream the answer to the progress callback, if there is one.
    pub stream: bool,
}

/// A successful request's result.
pub(super) struct Answer<T> {
    pub value: T,
    pub attempts: u32,
}

/// The AI features, configured with services, models and a key.
pub struct Assistant {
    config: AiConfig,
    client: ChatClient,
}

impl Assistant {
    /// `key` is sent to both configured endpoints; `None` suits local
    /// services without authentication.
    pub fn new(config: AiConfig, key: Option<ApiKey>) -> Result<Self, AiError> {
        let client = ChatClient::new(key, config.timeout, config.connect_timeout)?;
        Ok(Assistant { config, client })
    }

    pub fn config(&self) -> &AiConfig {
        &self.config
    }

    /// Runs `job` until `accept` takes an answer, retrying what
    /// [`AiError::is_retryable`] allows, at most
    /// [`RetryPolicy::max_attempts`](super::RetryPolicy::max_attempts) times.
    /// `accept` turns the model's text into the result or says why it is not
    /// usable (then it is retried like a transport error). When retries run
    /// out, every attempt is logged to the failure log.
    pub(super) async fn run<T: Send>(
        &self,
        job: Job<'_>,
        ctl: &Control,
        accept: impl Fn(&str) -> Result<T, String> + Send + Sync,
    ) -> Result<Answer<T>, AiError> {
        let policy = self.config.retry;
        let stream_to = |token: &str| ctl.report(Progress::Token(token));
        let sink: Option<TokenSink<'_>> =
            (job.stream && ctl.progress.is_some()).then_some(&stream_to as TokenSink<'_>);
        let mut records = Vec::new();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = tokio::select! {
                biased;
                _ = ctl.cancel.cancelled() => return Err(AiError::Cancelled),
                outcome = self.client.complete(job.model, &job.messages, sink) => outcome,
            };
            let (error, raw) = match outcome {
                Ok(answer) => {
                    let checked = if answer.finish_reason.as_deref() == Some("length") {
                        Err("the answer was cut off at the model's output limit".to_string())
                    } else {
                        accept(&answer.content)
                    };
                    match checked {
                        Ok(value) => {
                            return Ok(Answer {
                                value,
                                attempts: attempt,
                            })
                        }
                        Err(reason) => (
                            AiError::InvalidOutput { reason },
                            Some(self.client.scrub(&answer.content)),
                        ),
                    }
                }
                Err(e) => (e, None),
            };
            records.push(AttemptRecord::new(attempt, &error, raw));
            if !error.is_retryable() {
                return Err(error);
            }
            if attempt >= policy.max_attempts() {
                return Err(self.give_up(&job, attempt, records, error));
            }
            let delay = policy.delay(attempt, error.retry_after());
            tracing::info!(feature = job.feature, attempt, ?delay, %error, "AI request failed; retrying");
            ctl.report(Progress::Retrying {
                retry: attempt,
                delay,
                error: &error,
            });
            tokio::select! {
                biased;
                _ = ctl.cancel.cancelled() => return Err(AiError::Cancelled),
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    fn give_up(
        &self,
        job: &Job<'_>,
        attempts: u32,
        records: Vec<AttemptRecord>,
        last: AiError,
    ) -> AiError {
        let path = &self.config.failure_log;
        let record = FailureRecord {
            at: failure_log::now(),
            feature: job.feature,
            endpoint: &job.model.endpoint,
            model: &job.model.model,
            attempts: &records,
        };
        let log = match failure_log::append(path, &record) {
            Ok(()) => Some(path.clone()),
            Err(e) => {
                tracing::warn!(path = %path.display(), %e, "cannot write the AI failure log");
                None
            }
        };
        tracing::info!(feature = job.feature, attempts, error = %last, "AI request failed");
        AiError::Exhausted {
            attempts,
            log,
            last: Box::new(last),
        }
    }
}
