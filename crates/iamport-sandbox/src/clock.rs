//! The sandbox clock: real time plus an offset that `/__sandbox/clock` advances.

use std::time::{SystemTime, UNIX_EPOCH};

/// Unix seconds of the real clock (0 if the system clock is before 1970).
pub fn real_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Seconds in a day.
pub const DAY: i64 = 24 * 60 * 60;
