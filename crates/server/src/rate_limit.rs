//! Per-IP and per-user request rate limits (token buckets, GCRA), one bucket
//! per group of endpoints and client. The state lives in each instance's
//! memory: with N instances behind a load balancer a client gets at most N
//! times the configured rate, which is the usual trade for statelessness.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use uuid::Uuid;

use crate::config::RateLimits;
use crate::error::ApiError;

/// The endpoint groups that are limited separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Auth,
    Upload,
    Sync,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Client {
    Ip(IpAddr),
    User(Uuid),
}

pub struct RateLimiter {
    auth: DefaultKeyedRateLimiter<Client>,
    upload: DefaultKeyedRateLimiter<Client>,
    sync: DefaultKeyedRateLimiter<Client>,
    trust_forwarded_for: bool,
}

impl RateLimiter {
    pub fn new(limits: RateLimits, trust_forwarded_for: bool) -> Self {
        let keyed = |per_minute: u32| {
            let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
            DefaultKeyedRateLimiter::keyed(Quota::per_minute(per_minute))
        };
        RateLimiter {
            auth: keyed(limits.auth_per_minute),
            upload: keyed(limits.upload_per_minute),
            sync: keyed(limits.sync_per_minute),
            trust_forwarded_for,
        }
    }

    fn group(&self, group: Group) -> &DefaultKeyedRateLimiter<Client> {
        match group {
            Group::Auth => &self.auth,
            Group::Upload => &self.upload,
            Group::Sync => &self.sync,
        }
    }

    fn check(&self, group: Group, client: Client) -> Result<(), ApiError> {
        self.group(group).check_key(&client).map_err(|not_until| {
            let retry_after: Duration = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::RateLimited { retry_after }
        })
    }

    pub fn check_user(&self, group: Group, user_id: Uuid) -> Result<(), ApiError> {
        self.check(group, Client::User(user_id))
    }

    pub fn check_ip(&self, group: Group, ip: IpAddr) -> Result<(), ApiError> {
        self.check(group, Client::Ip(ip))
    }

    /// Forgets idle buckets; call now and then to bound memory.
    pub fn forget_idle(&self) {
        for group in [Group::Auth, Group::Upload, Group::Sync] {
            let limiter = self.group(group);
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// The client address: the peer, or the proxy-appended last entry of
    /// `X-Forwarded-For` when configured to trust it.
    pub fn client_ip(&self, request: &Request) -> Option<IpAddr> {
        if self.trust_forwarded_for {
            let forwarded = request
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|ip| ip.trim().parse().ok());
            if forwarded.is_some() {
                return forwarded;
            }
        }
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
    }
}

/// State of [`limit_by_ip`]: which limiter and group.
#[derive(Clone)]
pub struct IpLimit {
    pub limiter: std::sync::Arc<RateLimiter>,
    pub group: Group,
}

/// Middleware refusing a request with 429 when its client IP is over the
/// group's rate. It runs before authentication, so token guessing is limited.
pub async fn limit_by_ip(
    State(limit): State<IpLimit>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if let Some(ip) = limit.limiter.client_ip(&request) {
        limit.limiter.check_ip(limit.group, ip)?;
    }
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_per_client_and_per_group() {
        let limiter = RateLimiter::new(
            RateLimits {
                auth_per_minute: 2,
                upload_per_minute: 1,
                sync_per_minute: 1,
            },
            false,
        );
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        assert!(limiter.check_user(Group::Auth, a).is_ok());
        assert!(limiter.check_user(Group::Auth, a).is_ok());
        match limiter.check_user(Group::Auth, a) {
            Err(ApiError::RateLimited { retry_after }) => {
                assert!(retry_after > Duration::ZERO && retry_after <= Duration::from_secs(30));
            }
            other => panic!("expected a rate limit, got {other:?}"),
        }
        assert!(limiter.check_user(Group::Auth, b).is_ok(), "other user");
        assert!(limiter.check_user(Group::Sync, a).is_ok(), "other group");
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(limiter.check_ip(Group::Upload, ip).is_ok());
        assert!(limiter.check_ip(Group::Upload, ip).is_err());
    }
}
