//! Operations: health, readiness, metrics, OpenAPI, error shape, request ids,
//! HTTPS, outage behaviour and shutdown.

use std::net::SocketAddr;

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn health_readiness_metrics_and_openapi_are_served() {
    let app = TestApp::spawn().await;
    let get = |path: &str| app.http.get(app.url(path)).send();

    let health: Value = expect_json(get("/healthz").await.unwrap(), StatusCode::OK).await;
    assert_eq!(health["status"], "ok");
    let ready: Value = expect_json(get("/readyz").await.unwrap(), StatusCode::OK).await;
    assert_eq!(ready["status"], "ok");

    let openapi: Value = expect_json(get("/openapi.json").await.unwrap(), StatusCode::OK).await;
    for path in [
        "/auth/callback/{provider}",
        "/auth/logout",
        "/prompts/upload",
        "/prompts/sync",
    ] {
        assert!(
            openapi["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(openapi["components"]["schemas"]["UploadResponse"].is_object());
    assert!(openapi["components"]["securitySchemes"]["bearer"].is_object());

    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains(
            r#"promptvault_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{metrics}"
    );
    assert!(metrics.contains("promptvault_http_request_duration_seconds_bucket"));
}

#[tokio::test]
async fn every_error_has_the_json_shape_and_responses_carry_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app.http.get(app.url("/no/such/path")).send().await.unwrap();
    assert!(response.headers().contains_key("x-request-id"));
    expect_error(response, StatusCode::NOT_FOUND, "not_found").await;

    let response = app
        .http
        .delete(app.url("/prompts/upload"))
        .send()
        .await
        .unwrap();
    expect_error(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;

    let response = app
        .http
        .get(app.url("/healthz"))
        .header("x-request-id", "client-chosen-id")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "client-chosen-id");
}

#[tokio::test]
async fn a_database_outage_gives_503_readiness_and_500s_without_detail() {
    let app = TestApp::spawn().await;
    let user = app.new_user("olga").await;
    app.db.drop_now().await;

    let response = app.http.get(app.url("/readyz")).send().await.unwrap();
    let body: Value = expect_json(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body["status"], "unavailable");

    let response = app.sync(&user.token, "").await;
    let body = expect_error(
        response,
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
    )
    .await;
    let text = body.to_string().to_lowercase();
    for leak in ["database", "sqlx", "pvtest", "postgres", "connection"] {
        assert!(!text.contains(leak), "5xx body leaks {leak:?}: {body}");
    }
}

#[tokio::test]
async fn serves_https_with_a_configured_certificate() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();

    let app = TestApp::spawn_with(|config| {
        config.tls_cert_path = Some(cert_path.clone());
        config.tls_key_path = Some(key_path.clone());
    })
    .await;
    assert!(app.base.starts_with("https://"), "{}", app.base);
    let port = app.server.as_ref().unwrap().local_addr().port();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .resolve("localhost", SocketAddr::from(([127, 0, 0, 1], port)))
        .build()
        .unwrap();
    let health: Value = expect_json(
        client
            .get(format!("https://localhost:{port}/healthz"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(health["status"], "ok");

    // Plain HTTP on the TLS port is not served.
    let plain = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await;
    assert!(plain.map(|r| !r.status().is_success()).unwrap_or(true));
}

#[tokio::test]
async fn shutdown_is_graceful_and_closes_the_port() {
    let mut app = TestApp::spawn().await;
    let server = app.server.take().unwrap();
    let addr = server.local_addr();
    assert_eq!(
        app.http
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    server.shutdown().await.expect("clean shutdown");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "port still open"
    );
}
