//! Iamport's clock as this client learns it: every token reply carries the server's `now`
//! (Unix seconds). The client keeps `offset = iamport_now - local_now`, measured when the reply
//! arrived, so `iamport_now = local_now + offset` holds however wrong the local clock is (a
//! store PC a day or a year off). Each token request (about every 5 minutes in continuous use)
//! measures it again. Before the first reply nothing is known: callers fall back to their own
//! clock and say so.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// No offset measured yet.
const UNKNOWN: i64 = i64::MIN;

/// The measured offset, shared by a client's clones.
#[derive(Debug)]
pub(crate) struct ServerClock {
    offset_ms: AtomicI64,
}

impl Default for ServerClock {
    fn default() -> Self {
        ServerClock {
            offset_ms: AtomicI64::new(UNKNOWN),
        }
    }
}

/// The local wall clock in Unix milliseconds (negative before 1970, saturating).
pub(crate) fn local_unix_ms() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN + 1, |ms| -ms),
    }
}

impl ServerClock {
    /// Records Iamport's `now` (seconds) as read when the reply arrived at `local_ms`.
    pub(crate) fn learn(&self, server_now_secs: i64, local_ms: i64) {
        let offset = server_now_secs
            .saturating_mul(1000)
            .saturating_sub(local_ms)
            .max(UNKNOWN + 1);
        self.offset_ms.store(offset, Ordering::Relaxed);
    }

    /// `iamport_now - local_now` in milliseconds, once a token reply has told it.
    pub(crate) fn offset_ms(&self) -> Option<i64> {
        Some(self.offset_ms.load(Ordering::Relaxed)).filter(|o| *o != UNKNOWN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_known_before_a_token_reply() {
        assert_eq!(ServerClock::default().offset_ms(), None, "no guess");
    }

    #[test]
    fn the_offset_is_server_minus_local_at_arrival() {
        let clock = ServerClock::default();
        // A PC a year behind Iamport.
        let year_ms = 365 * 24 * 3600 * 1000;
        clock.learn(1_800_000_000, 1_800_000_000_000 - year_ms);
        assert_eq!(clock.offset_ms(), Some(year_ms), "Iamport is a year ahead");
        clock.learn(1_800_000_000, 1_800_000_000_000 + 2_500);
        assert_eq!(clock.offset_ms(), Some(-2_500), "a later reply replaces it");
    }

    #[test]
    fn absurd_times_saturate_instead_of_overflowing() {
        let clock = ServerClock::default();
        clock.learn(i64::MIN, i64::MAX);
        assert!(clock.offset_ms().is_some(), "still a (saturated) offset");
    }
}
