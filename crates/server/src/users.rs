//! Finding or creating the user behind a provider identity, with the
//! user-id migration rules of spec VI.
//!
//! * Case B, known identity: the linked user's id is returned.
//! * Case A, new identity: a user is created whose id is the client's
//!   `local_user_id`, so that the device's local prompts keep their owner.
//!   When that id is already a user, the new user gets a fresh id instead and
//!   the client re-owns its prompts to it, as in Case B. (Linking the new
//!   identity to the existing user would let anyone who knows a user id, which
//!   every synced prompt shows as `owner_id`, sign into that account.)
//!
//! Atomicity: one transaction inserts the user and the identity link. The
//! link's primary key `(provider_id, provider_user_id)` decides races: two
//! devices signing in at once with the same new identity both try to insert
//! it, the loser's insert finds the winner's row (`ON CONFLICT DO NOTHING`),
//! and the loser rolls back its own user and retries, now as Case B. So the
//! result is one user, and neither caller sees an error.

use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::oauth::ProviderIdentity;

/// The definitive user of a sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedInUser {
    pub user_id: Uuid,
    pub is_new_user: bool,
}

/// Races resolve on the second attempt; more is a bug or a pathological load.
const MAX_ATTEMPTS: usize = 5;

pub async fn find_or_create_user(
    db: &PgPool,
    identity: &ProviderIdentity,
    local_user_id: Uuid,
) -> Result<SignedInUser, sqlx::Error> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match try_find_or_create(db, identity, local_user_id).await {
            Ok(Some(user)) => return Ok(user),
            // Lost a race on the identity link: it exists now, so retry.
            Ok(None) if attempt < MAX_ATTEMPTS => continue,
            // A concurrent insert took the same email: retry without it.
            Err(e) if is_unique_violation(&e) && attempt < MAX_ATTEMPTS => continue,
            Ok(None) => {
                return Err(sqlx::Error::Protocol(
                    "sign-in kept losing races on the identity link".into(),
                ))
            }
            Err(e) => return Err(e),
        }
    }
}

/// One attempt; `Ok(None)` when a concurrent sign-in linked the identity first.
async fn try_find_or_create(
    db: &PgPool,
    identity: &ProviderIdentity,
    local_user_id: Uuid,
) -> Result<Option<SignedInUser>, sqlx::Error> {
    let mut tx = db.begin().await?;
    if let Some(user_id) = linked_user(&mut tx, identity).await? {
        sqlx::query("UPDATE users SET last_login_at = now() WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE user_authentications SET updated_at = now() \
             WHERE provider_id = $1 AND provider_user_id = $2",
        )
        .bind(identity.provider.as_str())
        .bind(&identity.provider_user_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(Some(SignedInUser {
            user_id,
            is_new_user: false,
        }));
    }

    let email = unclaimed_email(&mut tx, identity.verified_email.as_deref()).await?;
    let user_id = create_user(&mut tx, local_user_id, email.as_deref()).await?;
    let linked = sqlx::query(
        "INSERT INTO user_authentications (provider_id, provider_user_id, user_id) \
         VALUES ($1, $2, $3) ON CONFLICT (provider_id, provider_user_id) DO NOTHING",
    )
    .bind(identity.provider.as_str())
    .bind(&identity.provider_user_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if linked.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    tx.commit().await?;
    Ok(Some(SignedInUser {
        user_id,
        is_new_user: true,
    }))
}

async fn linked_user(
    tx: &mut Transaction<'_, Postgres>,
    identity: &ProviderIdentity,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT user_id FROM user_authentications \
         WHERE provider_id = $1 AND provider_user_id = $2",
    )
    .bind(identity.provider.as_str())
    .bind(&identity.provider_user_id)
    .fetch_optional(&mut **tx)
    .await
}

/// The email to record: none when another user already has it (`email` is
/// unique and linking accounts by email is not part of the spec).
async fn unclaimed_email(
    tx: &mut Transaction<'_, Postgres>,
    email: Option<&str>,
) -> Result<Option<String>, sqlx::Error> {
    let Some(email) = email else { return Ok(None) };
    let taken: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)")
        .bind(email)
        .fetch_one(&mut **tx)
        .await?;
    Ok((!taken).then(|| email.to_owned()))
}

/// Creates the user as `preferred_id`, or under a fresh id if that is taken.
async fn create_user(
    tx: &mut Transaction<'_, Postgres>,
    preferred_id: Uuid,
    email: Option<&str>,
) -> Result<Uuid, sqlx::Error> {
    let candidates = [preferred_id, Uuid::new_v4()];
    for user_id in candidates.into_iter().filter(|id| !id.is_nil()) {
        let created = sqlx::query(
            "INSERT INTO users (user_id, email) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(email)
        .execute(&mut **tx)
        .await?;
        if created.rows_affected() == 1 {
            return Ok(user_id);
        }
    }
    Err(sqlx::Error::Protocol(
        "a freshly generated user id was taken".into(),
    ))
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}
