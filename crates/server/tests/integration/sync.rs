//! Sync paging, and the proof that the cursor neither skips nor repeats
//! prompts while uploads commit concurrently and out of order.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use promptvault_server::api::{SyncResponse, UploadResponse};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::common::*;

async fn page(app: &TestApp, token: &str, query: &str) -> SyncResponse {
    expect_json(app.sync(token, query).await, StatusCode::OK).await
}

/// The same request until it returns prompts (or 10 s pass).
async fn poll(app: &TestApp, token: &str, query: &str) -> SyncResponse {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let p = page(app, token, query).await;
        if !p.prompts.is_empty() || Instant::now() > deadline {
            return p;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn upload_contents(app: &TestApp, session: &Session, contents: &[String]) -> Vec<Uuid> {
    let prompts: Vec<_> = contents.iter().map(|c| prompt_json(c)).collect();
    let response: UploadResponse = expect_json(
        app.upload(&session.token, json!(prompts)).await,
        StatusCode::OK,
    )
    .await;
    assert!(response.rejected.is_empty(), "{response:?}");
    response.accepted
}

/// Inserts a prompt in a transaction that stays open for `hold`: it takes its
/// place in the table before later uploads but becomes visible after them.
async fn slow_insert(pool: &PgPool, owner: Uuid, hold: Duration) -> Uuid {
    let id = Uuid::new_v4();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO public_prompts (id, owner_id, content, created_at, updated_at) \
         VALUES ($1, $2, 'slow', now(), now())",
    )
    .bind(id)
    .bind(owner)
    .execute(&mut *tx)
    .await
    .unwrap();
    tokio::time::sleep(hold).await;
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn pages_serve_every_prompt_once_in_upload_order() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.new_user("alice").await, app.new_user("bob").await);
    let mut uploaded = Vec::new();
    for batch in 0..5 {
        let contents: Vec<String> = (0..5).map(|i| format!("{batch}-{i}")).collect();
        uploaded.extend(upload_contents(&app, &alice, &contents).await);
    }

    // Once all are visible, paging is exact.
    assert_eq!(visible_prompts(&app, &bob.token, 25).await.len(), 25);
    let mut received = Vec::new();
    let mut flags = Vec::new();
    let mut query = "?limit=10".to_owned();
    loop {
        let p = page(&app, &bob.token, &query).await;
        received.extend(p.prompts.iter().map(|p| p.id));
        flags.push((p.prompts.len(), p.has_more));
        query = format!("?limit=10&cursor={}", p.next_cursor);
        if !p.has_more {
            break;
        }
    }
    assert_eq!(flags, [(10, true), (10, true), (5, false)]);
    assert_eq!(received, uploaded);

    // Nothing new: an empty page, and the cursor stays usable.
    let empty = page(&app, &bob.token, &query).await;
    assert!(empty.prompts.is_empty() && !empty.has_more);
    let later = upload_contents(&app, &alice, &["later".into()]).await;
    let next = poll(&app, &bob.token, &format!("?cursor={}", empty.next_cursor)).await;
    assert_eq!(next.prompts.iter().map(|p| p.id).collect::<Vec<_>>(), later);
}

#[tokio::test]
async fn a_first_sync_with_since_starts_after_that_time() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.new_user("alice").await, app.new_user("bob").await);
    upload_contents(&app, &alice, &["old".into()]).await;
    let since = page(&app, &bob.token, "").await.server_time;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let new = upload_contents(&app, &alice, &["new".into()]).await;
    let since = since.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let first = poll(
        &app,
        &bob.token,
        &format!("?since={}", since.replace('+', "%2B")),
    )
    .await;
    assert_eq!(first.prompts.iter().map(|p| p.id).collect::<Vec<_>>(), new);
}

#[tokio::test]
async fn bad_sync_parameters_are_refused() {
    let app = TestApp::spawn().await;
    let bob = app.new_user("bob").await;
    for query in [
        "?limit=0",
        "?limit=501",
        "?limit=ten",
        "?cursor=garbage",
        "?since=yesterday",
    ] {
        expect_error(
            app.sync(&bob.token, query).await,
            StatusCode::BAD_REQUEST,
            "invalid_query",
        )
        .await;
    }
}

#[tokio::test]
async fn a_transaction_committing_late_is_not_skipped() {
    let app = TestApp::spawn().await;
    let (alice, bob) = (app.new_user("alice").await, app.new_user("bob").await);
    let pool = app.db.pool().await;

    // A slow upload takes its place first...
    let slow_id = Uuid::new_v4();
    let mut slow = pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO public_prompts (id, owner_id, content, created_at, updated_at) \
         VALUES ($1, $2, 'slow', now(), now())",
    )
    .bind(slow_id)
    .bind(alice.user_id)
    .execute(&mut *slow)
    .await
    .unwrap();
    // ...a fast one commits meanwhile...
    let fast = upload_contents(&app, &alice, &["fast".into()]).await;
    // ...and is held back rather than served ahead of the slow one (a
    // timestamp or plain sequence cursor would serve it, then skip the slow
    // one for ever).
    let held = page(&app, &bob.token, "").await;
    assert!(held.prompts.is_empty(), "{:?}", held.prompts);
    slow.commit().await.unwrap();

    let mut cursor = held.next_cursor;
    let mut received = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while received.len() < 2 && Instant::now() < deadline {
        let p = page(&app, &bob.token, &format!("?cursor={cursor}")).await;
        received.extend(p.prompts.iter().map(|p| p.id));
        cursor = p.next_cursor;
    }
    assert_eq!(received, [slow_id, fast[0]]);
}

/// Several users upload concurrently (through two server instances, plus
/// slow transactions straight into the table) while each of them pages
/// continuously through sync with small pages. In the end every reader has
/// received every prompt of the others exactly once, and none of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_uploads_and_readers_get_every_prompt_exactly_once() {
    const USERS: usize = 4;
    const ROUNDS: usize = 20;
    let app = Arc::new(TestApp::spawn().await);
    let second = app.start_another_instance().await;
    let second_instance = second.base_url();
    let pool = app.db.pool().await;
    let mut users = Vec::new();
    for i in 0..USERS {
        users.push(app.new_user(&format!("user{i}")).await);
    }
    let uploads_done = Arc::new(AtomicBool::new(false));

    let mut uploaders = Vec::new();
    for (u, user) in users.iter().cloned().enumerate() {
        let (app, pool) = (app.clone(), pool.clone());
        let base = if u % 2 == 0 {
            app.base.clone()
        } else {
            second_instance.clone()
        };
        uploaders.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            for round in 0..ROUNDS {
                if round % 5 == 2 {
                    let hold = Duration::from_millis(20 + 15 * (u as u64));
                    mine.push(slow_insert(&pool, user.user_id, hold).await);
                }
                let size = 1 + (round + u) % 4;
                let prompts: Vec<_> = (0..size)
                    .map(|i| prompt_json(&format!("u{u} r{round} i{i}")))
                    .collect();
                let response = app
                    .http
                    .post(format!("{base}/prompts/upload"))
                    .bearer_auth(&user.token)
                    .json(&json!({ "prompts": prompts }))
                    .send()
                    .await
                    .unwrap();
                let body: UploadResponse = expect_json(response, StatusCode::OK).await;
                assert!(body.rejected.is_empty());
                mine.extend(body.accepted);
            }
            (user.user_id, mine)
        }));
    }

    let mut readers = Vec::new();
    for (r, reader) in users.iter().cloned().enumerate() {
        let (app, done) = (app.clone(), uploads_done.clone());
        let bases = [app.base.clone(), second_instance.clone()];
        readers.push(tokio::spawn(async move {
            let mut feed = Feed::new(reader, 3 + r * 2);
            while !done.load(Ordering::SeqCst) {
                let has_more = feed.next_page(&app, &bases[feed.requests % 2]).await;
                if !has_more {
                    tokio::time::sleep(Duration::from_millis(3)).await;
                }
            }
            feed
        }));
    }

    let mut uploaded: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for task in uploaders {
        let (user, ids) = task.await.unwrap();
        uploaded.insert(user, ids);
    }
    uploads_done.store(true, Ordering::SeqCst);

    let total: usize = uploaded.values().map(Vec::len).sum();
    let (stored,): (i64,) = sqlx::query_as("SELECT count(*) FROM public_prompts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored as usize, total);
    for task in readers {
        let mut feed = task.await.unwrap();
        let paged_during_uploads = feed.requests;
        let expected: HashSet<Uuid> = uploaded
            .iter()
            .filter(|(owner, _)| **owner != feed.reader.user_id)
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        // Drain what is left. Rows may be withheld for a moment by any
        // transaction in flight in the cluster, so wait for the count.
        let deadline = Instant::now() + Duration::from_secs(15);
        while feed.received.len() < expected.len() && Instant::now() < deadline {
            if !feed.next_page(&app, &app.base).await {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        let distinct: HashSet<Uuid> = feed.received.iter().copied().collect();
        assert_eq!(distinct.len(), feed.received.len(), "reader got duplicates");
        let missing = expected.difference(&distinct).count();
        let extra = distinct.difference(&expected).count();
        assert_eq!((missing, extra), (0, 0), "missing and unexpected prompts");
        assert!(
            paged_during_uploads > 10,
            "the reader should have paged during the uploads"
        );
    }
}

/// A reader paging through sync, remembering its cursor.
struct Feed {
    reader: Session,
    limit: usize,
    cursor: String,
    received: Vec<Uuid>,
    requests: usize,
}

impl Feed {
    fn new(reader: Session, limit: usize) -> Self {
        Feed {
            reader,
            limit,
            cursor: String::new(),
            received: Vec::new(),
            requests: 0,
        }
    }

    /// Fetches one page from the instance at `base`; returns `has_more`.
    async fn next_page(&mut self, app: &TestApp, base: &str) -> bool {
        let mut url = format!("{base}/prompts/sync?limit={}", self.limit);
        if !self.cursor.is_empty() {
            url.push_str(&format!("&cursor={}", self.cursor));
        }
        self.requests += 1;
        let response = app
            .http
            .get(url)
            .bearer_auth(&self.reader.token)
            .send()
            .await
            .unwrap();
        let page: SyncResponse = expect_json(response, StatusCode::OK).await;
        self.received.extend(page.prompts.iter().map(|p| p.id));
        self.cursor = page.next_cursor;
        page.has_more
    }
}
