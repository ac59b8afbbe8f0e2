//! Upload: ownership, idempotency, partial success, limits.

use promptvault_server::api::{RejectReason, SyncResponse, UploadResponse, MAX_UPLOAD_BATCH};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::common::*;

async fn stored_count(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM public_prompts")
        .fetch_one(&app.db.pool().await)
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn uploaded_prompts_reach_other_users_but_not_their_owner() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.new_user("alice").await, app.new_user("bob").await);
    let prompts: Vec<Value> = (0..3)
        .map(|i| prompt_json(&format!("alice prompt {i}")))
        .collect();
    let response: UploadResponse = expect_json(
        app.upload(&alice.token, json!(prompts)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(response.accepted.len(), 3);
    assert!(response.rejected.is_empty());

    let seen = visible_prompts(&app, &bob.token, 3).await;
    let contents: Vec<&str> = seen.iter().map(|p| p.content.as_str()).collect();
    assert_eq!(
        contents,
        ["alice prompt 0", "alice prompt 1", "alice prompt 2"]
    );
    assert!(seen.iter().all(|p| p.owner_id == alice.user_id));
    assert_eq!(seen[0].tags, ["test"]);
    assert_eq!(seen[0].score, Some(50));

    let own: SyncResponse = expect_json(app.sync(&alice.token, "").await, StatusCode::OK).await;
    assert!(own.prompts.is_empty());
}

#[tokio::test]
async fn re_uploading_the_same_ids_is_idempotent() {
    let app = TestApp::spawn().await;
    let alice = app.new_user("alice").await;
    let batch = json!([prompt_json("one"), prompt_json("two")]);
    let first: UploadResponse = expect_json(
        app.upload(&alice.token, batch.clone()).await,
        StatusCode::OK,
    )
    .await;
    let second: UploadResponse =
        expect_json(app.upload(&alice.token, batch).await, StatusCode::OK).await;
    assert_eq!(first.accepted, second.accepted);
    assert!(second.rejected.is_empty());
    assert_eq!(stored_count(&app).await, 2);
}

#[tokio::test]
async fn a_user_cannot_upload_as_another_or_take_their_ids() {
    let app = TestApp::spawn().await;
    let (alice, bob, carol) = (
        app.new_user("alice").await,
        app.new_user("bob").await,
        app.new_user("carol").await,
    );
    // Bob claims Alice owns his prompt: it is stored as Bob's.
    let mut spoofed = prompt_json("bob pretending to be alice");
    spoofed["owner_id"] = json!(alice.user_id);
    let response: UploadResponse = expect_json(
        app.upload(&bob.token, json!([spoofed.clone()])).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(response.accepted.len(), 1);
    let seen_by_carol = visible_prompts(&app, &carol.token, 1).await;
    assert_eq!(seen_by_carol.len(), 1);
    assert_eq!(seen_by_carol[0].owner_id, bob.user_id);
    let seen_by_alice = visible_prompts(&app, &alice.token, 1).await;
    assert_eq!(seen_by_alice[0].owner_id, bob.user_id);

    // Alice re-uploads Bob's id with her own content: refused, Bob's row intact.
    let mut hijack = spoofed;
    hijack["content"] = json!("alice overwriting bob");
    let response: UploadResponse = expect_json(
        app.upload(&alice.token, json!([hijack])).await,
        StatusCode::OK,
    )
    .await;
    assert!(response.accepted.is_empty());
    assert_eq!(response.rejected[0].reason, RejectReason::IdTaken);
    let (content, owner): (String, Uuid) =
        sqlx::query_as("SELECT content, owner_id FROM public_prompts")
            .fetch_one(&app.db.pool().await)
            .await
            .unwrap();
    assert_eq!(
        (content.as_str(), owner),
        ("bob pretending to be alice", bob.user_id)
    );
}

#[tokio::test]
async fn a_batch_succeeds_partially_with_a_reason_per_refused_item() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.new_user("alice").await, app.new_user("bob").await);
    let taken = prompt_json("bob's");
    expect_json::<UploadResponse>(
        app.upload(&bob.token, json!([taken.clone()])).await,
        StatusCode::OK,
    )
    .await;

    let good = prompt_json("fine");
    let duplicate = good.clone();
    let batch_good = good.clone();
    let mut bad_score = prompt_json("score");
    bad_score["score"] = json!(101);
    let mut private = prompt_json("secret");
    private["is_private"] = json!(true);
    let mut empty = prompt_json("");
    empty["content"] = json!("   ");
    let mut bad_id = prompt_json("bad id");
    bad_id["id"] = json!("not-a-uuid");
    let mut missing_content = prompt_json("x");
    missing_content.as_object_mut().unwrap().remove("content");
    let good_too = prompt_json("also fine");
    let batch = json!([
        batch_good,
        bad_score,
        private,
        empty,
        bad_id,
        duplicate,
        taken,
        missing_content,
        good_too.clone()
    ]);

    let response: UploadResponse =
        expect_json(app.upload(&alice.token, batch).await, StatusCode::OK).await;
    let id_of = |v: &Value| Uuid::parse_str(v["id"].as_str().unwrap()).unwrap();
    assert_eq!(
        response.accepted,
        [id_of(&good), id_of(&good_too)],
        "{response:?}"
    );
    let refused: Vec<(usize, RejectReason)> = response
        .rejected
        .iter()
        .map(|r| (r.index, r.reason))
        .collect();
    assert_eq!(
        refused,
        [
            (1, RejectReason::Invalid),
            (2, RejectReason::Invalid),
            (3, RejectReason::Invalid),
            (4, RejectReason::Malformed),
            (5, RejectReason::DuplicateInBatch),
            (6, RejectReason::IdTaken),
            (7, RejectReason::Malformed),
        ]
    );
    assert_eq!(
        response.rejected[3].id, None,
        "an unreadable id is not echoed"
    );
    assert!(response.rejected[5].id.is_some());
    assert_eq!(stored_count(&app).await, 3);
}

#[tokio::test]
async fn oversized_malformed_and_excessive_requests_are_refused_in_json() {
    let app = TestApp::spawn_with(|config| config.max_body_bytes = 64 * 1024).await;
    let alice = app.new_user("alice").await;

    let too_many: Vec<Value> = (0..=MAX_UPLOAD_BATCH).map(|_| prompt_json("p")).collect();
    expect_error(
        app.upload(&alice.token, json!(too_many)).await,
        StatusCode::BAD_REQUEST,
        "batch_too_large",
    )
    .await;

    let huge = prompt_json(&"x".repeat(100 * 1024));
    expect_error(
        app.upload(&alice.token, json!([huge])).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;

    let send_raw = |body: &'static str, content_type: &'static str| {
        app.http
            .post(app.url("/prompts/upload"))
            .bearer_auth(&alice.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    expect_error(
        send_raw("{\"prompts\": [", "application/json")
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "malformed_body",
    )
    .await;
    expect_error(
        send_raw("{\"items\": []}", "application/json")
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "malformed_body",
    )
    .await;
    expect_error(
        send_raw("{}", "text/plain").await.unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    assert_eq!(stored_count(&app).await, 0);
}

#[tokio::test]
async fn uploads_are_rate_limited_per_user_across_addresses() {
    let app = TestApp::spawn_with(|config| {
        config.rate_limits.upload_per_minute = 1;
        config.trust_forwarded_for = true;
    })
    .await;
    let alice = app.new_user("alice").await;
    let from = |ip: &'static str| {
        app.http
            .post(app.url("/prompts/upload"))
            .bearer_auth(&alice.token)
            .header("x-forwarded-for", ip)
            .json(&json!({ "prompts": [prompt_json("p")] }))
            .send()
    };
    assert_eq!(from("203.0.113.1").await.unwrap().status(), StatusCode::OK);
    let response = from("203.0.113.2").await.unwrap();
    assert!(response.headers().contains_key("retry-after"));
    expect_error(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}
