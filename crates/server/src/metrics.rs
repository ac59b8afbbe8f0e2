//! Prometheus metrics, served as text at `/metrics`. Each app owns its
//! registry (no global state), so several apps can run in one process.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pub sign_ins: IntCounterVec,
    pub prompts_uploaded: IntCounterVec,
    pub prompts_served: IntCounter,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("promptvault".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            ),
            &["method", "route"],
        )?;
        let sign_ins = IntCounterVec::new(
            Opts::new("sign_ins_total", "Successful sign-ins"),
            &["provider", "user"],
        )?;
        let prompts_uploaded = IntCounterVec::new(
            Opts::new("prompts_uploaded_total", "Upload items by outcome"),
            &["outcome"],
        )?;
        let prompts_served = IntCounter::new("prompts_served_total", "Prompts served by sync")?;
        for collector in [&requests, &sign_ins, &prompts_uploaded] {
            registry.register(Box::new(collector.clone()))?;
        }
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(prompts_served.clone()))?;
        Ok(Metrics {
            registry,
            requests,
            latency,
            sign_ins,
            prompts_uploaded,
            prompts_served,
        })
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        let encoder = prometheus::TextEncoder::new();
        if let Err(e) = encoder.encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(error = %e, "encoding metrics");
        }
        String::from_utf8(buffer).unwrap_or_default()
    }
}

/// Middleware counting requests and timing them by matched route (never by
/// raw path, which would make one series per prompt id or cursor).
pub async fn track(
    State(metrics): State<std::sync::Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics
        .latency
        .with_label_values(&[&method, &route])
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .with_label_values(&[&method, &route, response.status().as_str()])
        .inc();
    response
}
