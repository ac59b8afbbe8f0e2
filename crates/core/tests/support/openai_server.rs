//! A local OpenAI-compatible Chat Completions server for tests, scripted
//! per test: each request to `POST /v1/chat/completions` takes the next
//! [`Reply`] from the script. Answers, error bodies and headers follow the
//! real API's shapes. It records every request (headers, JSON body, arrival
//! time, and when the client hung up on a stalled reply).
//!
//! Plain std threads, one per connection, `Connection: close`: usable from
//! async tests and from tests that drive the CLI binary alike.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with a `chat.completion` whose message is `text`.
    Content {
        text: String,
        finish_reason: &'static str,
    },
    /// 200 `text/event-stream`: one `chat.completion.chunk` per piece,
    /// `gap` apart, then `data: [DONE]`.
    Stream { pieces: Vec<String>, gap: Duration },
    /// An OpenAI-style error: `{"error": {"message", "type", "param", "code"}}`.
    Error {
        status: u16,
        kind: &'static str,
        code: Option<&'static str>,
        message: String,
        headers: Vec<(&'static str, String)>,
    },
    /// Reads the request, then says nothing for this long and closes.
    Hang(Duration),
    /// Any status, content type and body.
    Raw {
        status: u16,
        content_type: &'static str,
        body: String,
    },
}

impl Reply {
    pub fn content(text: impl Into<String>) -> Self {
        Reply::Content {
            text: text.into(),
            finish_reason: "stop",
        }
    }

    /// An answer the model stopped at its token limit.
    pub fn cut_at_length(text: impl Into<String>) -> Self {
        Reply::Content {
            text: text.into(),
            finish_reason: "length",
        }
    }

    pub fn stream(pieces: &[&str]) -> Self {
        Reply::Stream {
            pieces: pieces.iter().map(|p| p.to_string()).collect(),
            gap: Duration::from_millis(5),
        }
    }

    pub fn unauthorized(shown_key: &str) -> Self {
        Reply::Error {
            status: 401,
            kind: "invalid_request_error",
            code: Some("invalid_api_key"),
            message: format!(
                "Incorrect API key provided: {shown_key}. You can find your API key at \
                 https://platform.openai.com/account/api-keys."
            ),
            headers: vec![],
        }
    }

    /// 429 with `retry-after: {secs}`.
    pub fn rate_limited(retry_after_secs: &str) -> Self {
        Reply::Error {
            status: 429,
            kind: "requests",
            code: Some("rate_limit_exceeded"),
            message: "Rate limit reached for gpt-4o-mini in organization org-test on requests \
                      per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s."
                .into(),
            headers: vec![("retry-after", retry_after_secs.to_string())],
        }
    }

    pub fn insufficient_quota() -> Self {
        Reply::Error {
            status: 429,
            kind: "insufficient_quota",
            code: Some("insufficient_quota"),
            message: "You exceeded your current quota, please check your plan and billing details."
                .into(),
            headers: vec![],
        }
    }

    pub fn server_error() -> Self {
        Reply::Error {
            status: 500,
            kind: "server_error",
            code: None,
            message: "The server had an error while processing your request. Sorry about that!"
                .into(),
            headers: vec![],
        }
    }

    pub fn model_not_found(model: &str) -> Self {
        Reply::Error {
            status: 404,
            kind: "invalid_request_error",
            code: Some("model_not_found"),
            message: format!("The model `{model}` does not exist or you do not have access to it."),
            headers: vec![],
        }
    }

    pub fn context_too_long() -> Self {
        Reply::Error {
            status: 400,
            kind: "invalid_request_error",
            code: Some("context_length_exceeded"),
            message: "This model's maximum context length is 128000 tokens.".into(),
            headers: vec![],
        }
    }

    pub fn hang(d: Duration) -> Self {
        Reply::Hang(d)
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub at: Instant,
    pub method: String,
    pub path: String,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: Value,
    /// When the client closed the connection while the reply stalled.
    pub client_hung_up: Option<Instant>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The content of the message with this role.
    pub fn message(&self, role: &str) -> Option<&str> {
        self.body["messages"]
            .as_array()?
            .iter()
            .find(|m| m["role"] == role)?["content"]
            .as_str()
    }
}

#[derive(Default)]
struct State {
    script: VecDeque<Reply>,
    requests: Vec<Recorded>,
}

/// The running server (it lives until the test process exits).
#[derive(Clone)]
pub struct OpenAiServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl OpenAiServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = OpenAiServer {
            addr: listener.local_addr().unwrap(),
            state: Arc::default(),
        };
        let handle = server.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let h = handle.clone();
                thread::spawn(move || h.serve(stream));
            }
        });
        server
    }

    /// The API base to configure: `http://127.0.0.1:PORT/v1`.
    pub fn endpoint(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Appends replies to the script.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state.lock().unwrap().script.extend(replies);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Replies not yet used.
    pub fn unused(&self) -> usize {
        self.state.lock().unwrap().script.len()
    }

    fn serve(&self, mut stream: TcpStream) {
        let Some((method, path, headers, body)) = read_request(&stream) else {
            return;
        };
        let index = {
            let mut st = self.state.lock().unwrap();
            st.requests.push(Recorded {
                at: Instant::now(),
                method: method.clone(),
                path: path.clone(),
                headers,
                body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                client_hung_up: None,
            });
            st.requests.len() - 1
        };
        if method != "POST" || path != "/v1/chat/completions" {
            let message = format!("Invalid URL ({method} {path})");
            let _ = write_error(
                &mut stream,
                404,
                "invalid_request_error",
                None,
                &message,
                &[],
            );
            return;
        }
        let reply = self.state.lock().unwrap().script.pop_front();
        let reply = reply.unwrap_or_else(|| Reply::Error {
            status: 500,
            kind: "server_error",
            code: None,
            message: "test server: no scripted reply left".into(),
            headers: vec![],
        });
        let model = self.state.lock().unwrap().requests[index].body["model"]
            .as_str()
            .unwrap_or("unknown")
            .to_string();
        let _ = match reply {
            Reply::Content {
                text,
                finish_reason,
            } => write_completion(&mut stream, &model, &text, finish_reason),
            Reply::Stream { pieces, gap } => write_stream(&mut stream, &model, &pieces, gap),
            Reply::Error {
                status,
                kind,
                code,
                message,
                headers,
            } => write_error(&mut stream, status, kind, code, &message, &headers),
            Reply::Hang(d) => {
                if let Some(at) = wait_for_hangup(&mut stream, d) {
                    self.state.lock().unwrap().requests[index].client_hung_up = Some(at);
                }
                Ok(())
            }
            Reply::Raw {
                status,
                content_type,
                body,
            } => write_response(&mut stream, status, content_type, &[], body.as_bytes()),
        };
    }
}

type Request = (String, String, Vec<(String, String)>, Vec<u8>);

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some((method, path, headers, body))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn head(status: u16, content_type: &str, extra: &[(&str, String)], len: Option<usize>) -> String {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\nconnection: close\r\n\
         openai-version: 2020-10-01\r\nopenai-processing-ms: 7\r\nx-request-id: req_test{}\r\n\
         x-ratelimit-limit-requests: 10000\r\nx-ratelimit-remaining-requests: 9999\r\n",
        reason(status),
        std::process::id()
    );
    if let Some(len) = len {
        head.push_str(&format!("content-length: {len}\r\n"));
    }
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    head
}

fn write_response(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    extra: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    stream.write_all(head(status, content_type, extra, Some(body.len())).as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

fn write_error(
    stream: &mut TcpStream,
    status: u16,
    kind: &str,
    code: Option<&str>,
    message: &str,
    extra: &[(&'static str, String)],
) -> std::io::Result<()> {
    let body = json!({"error": {"message": message, "type": kind, "param": null, "code": code}});
    write_response(
        stream,
        status,
        "application/json",
        extra,
        body.to_string().as_bytes(),
    )
}

fn write_completion(
    stream: &mut TcpStream,
    model: &str,
    text: &str,
    finish: &str,
) -> std::io::Result<()> {
    let body = json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_733_000_000,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text, "refusal": null},
            "logprobs": null,
            "finish_reason": finish
        }],
        "usage": {"prompt_tokens": 50, "completion_tokens": 20, "total_tokens": 70},
        "system_fingerprint": "fp_test"
    });
    write_response(
        stream,
        200,
        "application/json",
        &[],
        body.to_string().as_bytes(),
    )
}

fn write_stream(
    stream: &mut TcpStream,
    model: &str,
    pieces: &[String],
    gap: Duration,
) -> std::io::Result<()> {
    let chunk = |delta: Value, finish: Value| {
        let c = json!({
            "id": "chatcmpl-test",
            "object": "chat.completion.chunk",
            "created": 1_733_000_000,
            "model": model,
            "system_fingerprint": "fp_test",
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]
        });
        format!("data: {c}\n\n")
    };
    stream.write_all(head(200, "text/event-stream; charset=utf-8", &[], None).as_bytes())?;
    stream.write_all(chunk(json!({"role": "assistant", "content": ""}), Value::Null).as_bytes())?;
    for piece in pieces {
        thread::sleep(gap);
        stream.write_all(chunk(json!({"content": piece}), Value::Null).as_bytes())?;
        stream.flush()?;
    }
    stream.write_all(chunk(json!({}), json!("stop")).as_bytes())?;
    stream.write_all(b"data: [DONE]\n\n")?;
    stream.flush()
}

/// Stalls for `d`; returns when the client closed the connection first.
fn wait_for_hangup(stream: &mut TcpStream, d: Duration) -> Option<Instant> {
    let end = Instant::now() + d;
    let mut buf = [0u8; 64];
    while let Some(left) = end
        .checked_duration_since(Instant::now())
        .filter(|l| !l.is_zero())
    {
        stream
            .set_read_timeout(Some(left.min(Duration::from_millis(20))))
            .ok()?;
        match stream.read(&mut buf) {
            Ok(0) => return Some(Instant::now()),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return Some(Instant::now()),
        }
    }
    None
}
