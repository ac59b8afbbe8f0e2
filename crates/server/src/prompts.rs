//! Storage of public prompts: idempotent batch upload and the sync listing.
//!
//! Sync pages through the table in `(txid, seq)` order, where `txid` is the
//! id of the transaction that inserted the row, and serves only rows whose
//! `txid` is below the oldest transaction still in flight
//! (`pg_snapshot_xmin`). The set of such rows can only grow *above* any
//! cursor handed out, so no concurrently committing upload is ever skipped,
//! and no row is served twice. See docs/server.md, "Sync cursor".

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use chrono::{DateTime, Utc};
use promptvault_types::api::{
    RejectReason, RejectedPrompt, SyncResponse, SyncedPrompt, UploadPrompt, UploadResponse,
};
use sqlx::PgPool;
use uuid::Uuid;

/// A position in the sync order: after the row `(txid, seq)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    txid: i64,
    seq: i64,
}

impl Cursor {
    /// Before every row.
    pub const START: Cursor = Cursor { txid: 0, seq: 0 };
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v1.{}.{}", self.txid, self.seq)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid sync cursor")]
pub struct InvalidCursor;

impl FromStr for Cursor {
    type Err = InvalidCursor;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.strip_prefix("v1.").ok_or(InvalidCursor)?.split('.');
        let mut number = || -> Result<i64, InvalidCursor> {
            let n: i64 = parts
                .next()
                .ok_or(InvalidCursor)?
                .parse()
                .map_err(|_| InvalidCursor)?;
            (n >= 0).then_some(n).ok_or(InvalidCursor)
        };
        let cursor = Cursor {
            txid: number()?,
            seq: number()?,
        };
        match parts.next() {
            None => Ok(cursor),
            Some(_) => Err(InvalidCursor),
        }
    }
}

/// Checks every raw item of an upload batch and stores the valid ones for
/// `owner`. Items come as raw JSON so one malformed item refuses only itself.
pub async fn upload(
    db: &PgPool,
    owner: Uuid,
    items: Vec<serde_json::Value>,
) -> Result<UploadResponse, sqlx::Error> {
    let mut rejected = Vec::new();
    let mut valid: Vec<(usize, UploadPrompt)> = Vec::new();
    let mut seen = HashSet::new();
    for (index, item) in items.into_iter().enumerate() {
        let id = item
            .get("id")
            .and_then(|v| v.as_str())
            .and_then(|s| Uuid::parse_str(s).ok());
        let mut reject = |reason, message: String| {
            rejected.push(RejectedPrompt {
                index,
                id,
                reason,
                message,
            })
        };
        match serde_json::from_value::<UploadPrompt>(item) {
            Err(e) => reject(RejectReason::Malformed, e.to_string()),
            Ok(prompt) => match prompt.validate() {
                Err(why) => reject(RejectReason::Invalid, why),
                Ok(()) if !seen.insert(prompt.id) => reject(
                    RejectReason::DuplicateInBatch,
                    "this id appears earlier in the batch".into(),
                ),
                Ok(()) => valid.push((index, prompt)),
            },
        }
    }

    let to_store: Vec<&UploadPrompt> = valid.iter().map(|(_, p)| p).collect();
    let owners = store(db, owner, &to_store).await?;
    let mut accepted = Vec::new();
    for (index, prompt) in valid {
        if owners.get(&prompt.id) == Some(&owner) {
            accepted.push(prompt.id);
        } else {
            rejected.push(RejectedPrompt {
                index,
                id: Some(prompt.id),
                reason: RejectReason::IdTaken,
                message: "another user already uploaded a prompt with this id".into(),
            });
        }
    }
    rejected.sort_by_key(|r| r.index);
    Ok(UploadResponse { accepted, rejected })
}

/// Inserts the prompts that are new (one statement, one transaction) and
/// returns the owner of every given id as stored afterwards. A prompt
/// already stored is left as it was: uploaded prompts are immutable.
async fn store(
    db: &PgPool,
    owner: Uuid,
    prompts: &[&UploadPrompt],
) -> Result<HashMap<Uuid, Uuid>, sqlx::Error> {
    if prompts.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<serde_json::Value> = prompts
        .iter()
        .map(|p| {
            serde_json::json!({
                "id": p.id, "content": p.content, "synopsis": p.synopsis, "tags": p.tags,
                "score": p.score, "created_at": p.created_at, "updated_at": p.updated_at,
            })
        })
        .collect();
    let ids: Vec<Uuid> = prompts.iter().map(|p| p.id).collect();
    sqlx::query(
        "INSERT INTO public_prompts \
             (id, owner_id, content, synopsis, tags, score, created_at, updated_at) \
         SELECT x.id, $1, x.content, x.synopsis, x.tags, x.score, x.created_at, x.updated_at \
         FROM jsonb_to_recordset($2) AS x(id uuid, content text, synopsis text, tags text[], \
              score integer, created_at timestamptz, updated_at timestamptz) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(owner)
    .bind(serde_json::Value::Array(rows))
    .execute(db)
    .await?;
    let owners: Vec<(Uuid, Uuid)> =
        sqlx::query_as("SELECT id, owner_id FROM public_prompts WHERE id = ANY($1)")
            .bind(&ids[..])
            .fetch_all(db)
            .await?;
    Ok(owners.into_iter().collect())
}

/// Where a sync request starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStart {
    After(Cursor),
    /// First sync of a client holding a spec-style timestamp: the first page
    /// holds prompts uploaded after it; later pages follow the cursor.
    UploadedAfter(DateTime<Utc>),
}

#[derive(sqlx::FromRow)]
struct SyncRow {
    horizon: i64,
    server_time: DateTime<Utc>,
    id: Option<Uuid>,
    owner_id: Option<Uuid>,
    content: Option<String>,
    synopsis: Option<String>,
    tags: Option<Vec<String>>,
    score: Option<i32>,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    uploaded_at: Option<DateTime<Utc>>,
    txid: Option<i64>,
    seq: Option<i64>,
}

/// One page of other users' public prompts, oldest first.
pub async fn sync_page(
    db: &PgPool,
    reader: Uuid,
    start: SyncStart,
    limit: u32,
) -> Result<SyncResponse, sqlx::Error> {
    let (after, since) = match start {
        SyncStart::After(cursor) => (cursor, None),
        SyncStart::UploadedAfter(since) => (Cursor::START, Some(since)),
    };
    // One statement, so the horizon and the rows come from one snapshot: a
    // row below the horizon is committed and therefore visible here.
    let rows: Vec<SyncRow> = sqlx::query_as(
        "WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon, \
                           now() AS server_time) \
         SELECT h.horizon, h.server_time, p.id, p.owner_id, p.content, p.synopsis, p.tags, \
                p.score, p.created_at, p.updated_at, p.uploaded_at, p.txid, p.seq \
         FROM h LEFT JOIN LATERAL ( \
             SELECT * FROM public_prompts \
             WHERE (txid, seq) > ($1, $2) AND txid < h.horizon AND owner_id <> $3 \
               AND ($4::timestamptz IS NULL OR uploaded_at > $4) \
             ORDER BY txid, seq \
             LIMIT $5 \
         ) p ON true \
         ORDER BY p.txid, p.seq",
    )
    .bind(after.txid)
    .bind(after.seq)
    .bind(reader)
    .bind(since)
    .bind(i64::from(limit) + 1)
    .fetch_all(db)
    .await?;

    let horizon = rows.first().map_or(0, |r| r.horizon);
    let server_time = rows.first().map_or_else(Utc::now, |r| r.server_time);
    // The LEFT JOIN yields one all-NULL row when the page is empty.
    let mut page: Vec<(Cursor, SyncedPrompt)> = rows.iter().filter_map(synced_prompt).collect();
    // One row more than the page was fetched, to tell whether more exist.
    let has_more = page.len() > limit as usize;
    page.truncate(limit as usize);
    let last = page.last().map_or(after, |(cursor, _)| *cursor);
    let next = if has_more {
        last
    } else {
        // Every row below the horizon has been considered: jump past them,
        // so the reader's own prompts are not rescanned on every request.
        last.max(Cursor {
            txid: (horizon - 1).max(0),
            seq: i64::MAX,
        })
    };
    Ok(SyncResponse {
        prompts: page.into_iter().map(|(_, prompt)| prompt).collect(),
        next_cursor: next.to_string(),
        has_more,
        server_time,
    })
}

fn synced_prompt(row: &SyncRow) -> Option<(Cursor, SyncedPrompt)> {
    let cursor = Cursor {
        txid: row.txid?,
        seq: row.seq?,
    };
    let prompt = SyncedPrompt {
        id: row.id?,
        owner_id: row.owner_id?,
        content: row.content.clone()?,
        synopsis: row.synopsis.clone(),
        tags: row.tags.clone().unwrap_or_default(),
        score: row.score,
        created_at: row.created_at?,
        updated_at: row.updated_at?,
        uploaded_at: row.uploaded_at?,
    };
    Some((cursor, prompt))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_order() {
        let c = Cursor { txid: 42, seq: 7 };
        assert_eq!(c.to_string().parse::<Cursor>(), Ok(c));
        assert!(Cursor { txid: 42, seq: 8 } > c);
        assert!(Cursor { txid: 43, seq: 0 } > c);
        assert!(Cursor::START < c);
    }

    #[test]
    fn malformed_cursors_are_refused() {
        for bad in [
            "", "v1.", "v1.1", "v1.1.2.3", "v2.1.2", "v1.-1.2", "v1.a.b", "1.2",
        ] {
            assert_eq!(bad.parse::<Cursor>(), Err(InvalidCursor), "{bad:?}");
        }
    }
}
