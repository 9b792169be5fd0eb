//! "Too many requests": the client's shared slow-down gate.
//!
//! A server that answers HTTP 429 (Iamport, or a relay's per-store rate limit) counts every
//! request of the store, whichever task sent it. So after a 429 the whole client slows down, not
//! only the caller that met it: every request of the client and of all its clones waits at the
//! gate until the slow-down time has passed before it is sent. The time is the reply's
//! `Retry-After` in whole seconds (at least [`DEFAULT_PAUSE`], at most [`MAX_PAUSE`]), or
//! [`DEFAULT_PAUSE`] when the header is missing or is not a number of seconds (an HTTP date is
//! not read: it would need this PC's clock to agree with the server's).
//!
//! A request never waits longer than the client's `Config::slow_down_wait`: when more of the
//! pause is left it is not sent and fails at once as a 429 (a relay passes the pause on to its
//! callers rather than hold them past their own timeouts).
//!
//! The gate never repeats a request: the 429 is still returned to the caller (a retryable
//! [`crate::Error::Api`]), who decides whether and when to try again; that next attempt then
//! waits here.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use reqwest::header::HeaderValue;
use tokio::time::Instant;

/// The pause after a 429 that does not say how long to wait (and the shortest pause after any).
pub const DEFAULT_PAUSE: Duration = Duration::from_secs(1);

/// The longest pause a `Retry-After` can impose: a server asking for more (or a garbled header)
/// does not stop the store's work for longer than this at a time.
pub const MAX_PAUSE: Duration = Duration::from_secs(60);

/// The gate shared by a client and its clones.
#[derive(Debug, Default)]
pub(crate) struct SlowDown {
    /// No request is sent before this instant.
    until: Mutex<Option<Instant>>,
    /// How many 429 replies have closed the gate.
    told: AtomicU64,
}

impl SlowDown {
    fn until(&self) -> MutexGuard<'_, Option<Instant>> {
        self.until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until the slow-down time has passed (at once when none is set), unless more than
    /// `limit` of it is left: then `Err(left)` at once, and the request must not be sent.
    /// Cancel-safe.
    pub(crate) async fn wait(&self, limit: Duration) -> Result<(), Duration> {
        // Looped: another 429 may push the time later while this request waits.
        while let Some(left) = self.left() {
            if left > limit {
                return Err(left);
            }
            tokio::time::sleep(left).await;
        }
        Ok(())
    }

    /// What is left of the pause, if any.
    pub(crate) fn left(&self) -> Option<Duration> {
        let until = (*self.until())?;
        let left = until.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    }

    /// Records a 429 reply carrying `retry_after`: no request is sent for the pause it asks
    /// for (never shortening a pause already set). Returns the pause.
    pub(crate) fn told(&self, retry_after: Option<&HeaderValue>) -> Duration {
        let pause = pause(retry_after);
        self.told.fetch_add(1, Ordering::Relaxed);
        let end = Instant::now() + pause;
        let mut until = self.until();
        if until.is_none_or(|current| current < end) {
            *until = Some(end);
        }
        pause
    }

    /// How many 429 replies the client and its clones have received.
    pub(crate) fn told_count(&self) -> u64 {
        self.told.load(Ordering::Relaxed)
    }
}

/// The pause a `Retry-After` value asks for, within [`DEFAULT_PAUSE`]..=[`MAX_PAUSE`].
fn pause(retry_after: Option<&HeaderValue>) -> Duration {
    retry_after
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_PAUSE, |secs| {
            Duration::from_secs(secs).clamp(DEFAULT_PAUSE, MAX_PAUSE)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(value: &str) -> HeaderValue {
        HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{value}: {e}"))
    }

    #[test]
    fn retry_after_in_seconds_is_the_pause() {
        assert_eq!(pause(Some(&header("3"))), Duration::from_secs(3));
        assert_eq!(pause(Some(&header(" 12 "))), Duration::from_secs(12));
    }

    #[test]
    fn a_missing_or_unreadable_retry_after_pauses_one_second() {
        assert_eq!(pause(None), DEFAULT_PAUSE, "no header");
        for value in ["soon", "-5", "1.5", "Wed, 21 Oct 2026 07:28:00 GMT"] {
            assert_eq!(pause(Some(&header(value))), DEFAULT_PAUSE, "{value:?}");
        }
    }

    #[test]
    fn the_pause_is_at_least_one_second_and_at_most_a_minute() {
        assert_eq!(pause(Some(&header("0"))), DEFAULT_PAUSE, "zero");
        assert_eq!(pause(Some(&header("86400"))), MAX_PAUSE, "a day");
        assert_eq!(
            pause(Some(&header("99999999999999999999999"))),
            DEFAULT_PAUSE,
            "beyond u64 is unreadable"
        );
    }

    #[tokio::test]
    async fn requests_wait_out_the_longest_pause_told() {
        let gate = SlowDown::default();
        let start = Instant::now();
        gate.told(Some(&header("2")));
        gate.told(Some(&header("1")));
        assert!(gate.wait(MAX_PAUSE).await.is_ok(), "waited");
        assert!(
            start.elapsed() >= Duration::from_secs(2),
            "a 1-second 429 after a 2-second one does not open the gate early: {:?}",
            start.elapsed()
        );
        assert_eq!(gate.told_count(), 2, "both 429 replies counted");
    }

    #[tokio::test]
    async fn a_request_not_willing_to_wait_that_long_is_refused_at_once() {
        let gate = SlowDown::default();
        gate.told(Some(&header("30")));
        let waited = gate.wait(Duration::from_secs(5)).await;
        let left = waited.expect_err("30 s left is more than 5 s of patience");
        assert!(
            left > Duration::from_secs(5),
            "the time left is told: {left:?}"
        );
    }
}
