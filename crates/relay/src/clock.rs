//! Iamport's clock, as the relay knows it: money timing (refund windows, token expiry, the
//! feed's "now") follows Iamport, never the relay host's clock.
//!
//! The offset is learned from the `now` of Iamport's token reply (Iamport hands back the same
//! token while it lives, so asking again costs nothing and issues nothing new).

use std::sync::atomic::{AtomicI64, Ordering};

use serde::Deserialize;
use serde_json::json;

/// Seconds between Iamport's clock and ours.
#[derive(Debug, Default)]
pub struct IamportClock {
    offset: AtomicI64,
}

#[derive(Deserialize)]
struct TokenReply {
    response: Option<TokenTimes>,
}

#[derive(Deserialize)]
struct TokenTimes {
    now: i64,
}

fn local_now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl IamportClock {
    /// Iamport's current time (Unix seconds).
    pub fn now(&self) -> i64 {
        local_now().saturating_add(self.offset.load(Ordering::Relaxed))
    }

    /// Asks Iamport for its time; keeps the old offset on failure (and says so in the log).
    pub async fn sync(&self, http: &reqwest::Client, base: &str, key: &str, secret: &str) {
        let url = format!("{}/users/getToken", base.trim_end_matches('/'));
        let reply = http
            .post(url)
            .json(&json!({"imp_key": key, "imp_secret": secret}))
            .send()
            .await;
        let parsed = match reply {
            Ok(r) => r.json::<TokenReply>().await.ok(),
            Err(_) => None,
        };
        match parsed.and_then(|r| r.response) {
            Some(times) => self
                .offset
                .store(times.now.saturating_sub(local_now()), Ordering::Relaxed),
            None => tracing::warn!("could not read Iamport's clock; keeping the last offset"),
        }
    }
}
