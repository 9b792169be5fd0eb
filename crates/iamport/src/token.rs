//! Access-token cache.
//!
//! - The local expiry is `local time of the request + (expired_at - now)`, both from the
//!   server's reply, so a skewed local clock does not matter.
//! - The token is refreshed a margin before that expiry: `min(60 s, lifetime / 4)`. (Iamport
//!   hands back the same token until expiry and extends it by 5 min when asked in its last
//!   minute, so an early refresh is cheap and safe. A token in continuous use is therefore
//!   re-requested about every 4-5 minutes after its first 29, and always comes back the same.)
//! - Single flight: the cache mutex is held while the token request runs, so concurrent callers
//!   wait for that one request and then share its token.
//! - After a 401 the caller asks for a token *other than the one refused*; if another caller
//!   already replaced it, no second request is made.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;
use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Call, Client, Effect};
use crate::config::Secret;
use crate::de;
use crate::envelope::Reply;
use crate::error::{Error, Result};

/// Refresh at most this long before the local expiry.
const MAX_MARGIN: Duration = Duration::from_secs(60);
/// Never trust a lifetime longer than this (Iamport's is 30 min).
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A token ready to use.
#[derive(Clone)]
pub(crate) struct CachedToken {
    /// The token itself.
    pub value: Secret,
    /// `Authorization: Bearer …`, marked sensitive.
    pub header: HeaderValue,
    /// Refresh when this instant has passed.
    pub refresh_at: Instant,
}

impl CachedToken {
    fn is_fresh(&self, now: Instant) -> bool {
        now < self.refresh_at
    }
}

#[derive(Deserialize)]
struct TokenReply {
    access_token: String,
    #[serde(deserialize_with = "de::seconds")]
    now: i64,
    #[serde(deserialize_with = "de::seconds")]
    expired_at: i64,
}

#[derive(Serialize)]
struct TokenRequest<'a> {
    imp_key: &'a str,
    imp_secret: &'a str,
}

/// When to refresh a token received at `received` with the server's `now` and `expired_at`.
pub(crate) fn refresh_instant(received: Instant, now: i64, expired_at: i64) -> Instant {
    let secs = u64::try_from(expired_at.saturating_sub(now)).unwrap_or(0);
    let lifetime = Duration::from_secs(secs).min(MAX_LIFETIME);
    let margin = MAX_MARGIN.min(lifetime / 4);
    received + (lifetime - margin)
}

impl Client {
    /// A fresh token, from the cache or from one shared token request.
    pub(crate) async fn token(&self) -> Result<CachedToken> {
        let mut slot = self.inner.token.lock().await;
        if let Some(token) = slot.as_ref().filter(|t| t.is_fresh(Instant::now())) {
            return Ok(token.clone());
        }
        let token = self.fetch_token().await?;
        *slot = Some(token.clone());
        Ok(token)
    }

    /// A token other than `refused`: the cached one if another caller already replaced it,
    /// otherwise a new token request.
    pub(crate) async fn refresh_after_rejection(
        &self,
        refused: &CachedToken,
    ) -> Result<CachedToken> {
        let mut slot = self.inner.token.lock().await;
        if let Some(token) = slot
            .as_ref()
            .filter(|t| t.value != refused.value && t.is_fresh(Instant::now()))
        {
            return Ok(token.clone());
        }
        *slot = None;
        let token = self.fetch_token().await?;
        *slot = Some(token.clone());
        Ok(token)
    }

    /// Requests a token now, whatever the cache holds, and caches it. An [`Error::Auth`] means
    /// Iamport refused the key or the secret.
    pub async fn check_credentials(&self) -> Result<()> {
        let mut slot = self.inner.token.lock().await;
        *slot = None;
        *slot = Some(self.fetch_token().await?);
        Ok(())
    }

    /// `POST /users/getToken`. The reply body is never kept in an error: it may hold a token.
    async fn fetch_token(&self) -> Result<CachedToken> {
        const OP: &str = "getToken";
        let body = Client::json_body(
            OP,
            &TokenRequest {
                imp_key: &self.inner.imp_key,
                imp_secret: self.inner.imp_secret.expose(),
            },
        )?;
        let call = Call {
            operation: OP,
            method: Method::POST,
            url: self.url(&["users", "getToken"]),
            body: Some(body),
            effect: Effect::Idempotent,
        };
        let received = Instant::now();
        self.inner.token_requests.fetch_add(1, Ordering::Relaxed);
        let (status, body) = self.send(&call, None).await?;
        let arrived_ms = crate::server_clock::local_unix_ms();
        let secrets = self.secrets(None);
        let reply = Reply {
            operation: OP,
            status,
            body: &body,
            secrets: &secrets,
        };
        let token: TokenReply = reply.decode().map_err(|e| match e {
            Error::Api {
                http_status,
                message,
                ..
            } => Error::Auth {
                operation: OP,
                http_status,
                message,
            },
            Error::Decode {
                http_status,
                reason,
                ..
            } => Error::Decode {
                operation: OP,
                http_status,
                reason,
                raw_body_excerpt: "[withheld: the token reply may hold a token]".into(),
            },
            other => other,
        })?;
        let mut header =
            HeaderValue::from_str(&format!("Bearer {}", token.access_token)).map_err(|_| {
                Error::Decode {
                    operation: OP,
                    http_status: status,
                    reason: "the access token is not a valid header value".into(),
                    raw_body_excerpt: "[withheld: the token reply may hold a token]".into(),
                }
            })?;
        header.set_sensitive(true);
        self.inner.server_clock.learn(token.now, arrived_ms);
        Ok(CachedToken {
            value: Secret::new(token.access_token),
            header,
            refresh_at: refresh_instant(received, token.now, token.expired_at),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_comes_one_minute_before_a_30_minute_expiry() {
        let t0 = Instant::now();
        let at = refresh_instant(t0, 1_000, 2_800);
        assert_eq!(
            at - t0,
            Duration::from_secs(1_740),
            "1800 s lifetime - 60 s margin"
        );
    }

    #[test]
    fn expiry_uses_server_difference_not_local_clock() {
        let t0 = Instant::now();
        // A server clock decades away from ours changes nothing: only expired_at - now counts.
        let at = refresh_instant(t0, 4_000_000_000, 4_000_001_800);
        assert_eq!(at - t0, Duration::from_secs(1_740), "skew must not matter");
    }

    #[test]
    fn short_lifetime_keeps_three_quarters() {
        let t0 = Instant::now();
        let at = refresh_instant(t0, 0, 8);
        assert_eq!(at - t0, Duration::from_secs(6), "8 s lifetime, 2 s margin");
    }

    #[test]
    fn past_expiry_means_refresh_immediately() {
        let t0 = Instant::now();
        let at = refresh_instant(t0, 100, 50);
        assert_eq!(at, t0, "an already expired token is never reused");
    }
}
