//! The clocks of the lockout: a monotonic one that measures the lock (a change of the PC's
//! clock neither shortens nor skips it) and the wall clock, only to tell people until when.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

/// Where the lockout reads time.
pub trait PinClock: Send + Sync + std::fmt::Debug {
    /// Time since an arbitrary origin; never goes back and ignores changes of the PC's clock.
    fn monotonic(&self) -> Duration;
    /// The PC's clock, used only to show until when a lock lasts.
    fn wall(&self) -> DateTime<Utc>;
}

/// The real clocks: [`Instant`] since creation, and [`Utc::now`].
#[derive(Debug)]
pub struct SystemClock {
    origin: Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock {
            origin: Instant::now(),
        }
    }
}

impl PinClock for SystemClock {
    fn monotonic(&self) -> Duration {
        self.origin.elapsed()
    }

    fn wall(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told to (tests, and anything that must replay time).
#[derive(Debug)]
pub struct ManualClock {
    monotonic_ms: AtomicU64,
    wall_ms: AtomicI64,
}

impl ManualClock {
    /// Monotonic time 0, the wall clock at `wall`.
    pub fn new(wall: DateTime<Utc>) -> Self {
        ManualClock {
            monotonic_ms: AtomicU64::new(0),
            wall_ms: AtomicI64::new(wall.timestamp_millis()),
        }
    }

    /// Real time passes: both clocks move by `by`.
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.monotonic_ms.fetch_add(ms, Ordering::SeqCst);
        self.wall_ms
            .fetch_add(i64::try_from(ms).unwrap_or(i64::MAX), Ordering::SeqCst);
    }

    /// Someone sets the PC's clock to `wall`; no real time passes.
    pub fn set_wall(&self, wall: DateTime<Utc>) {
        self.wall_ms
            .store(wall.timestamp_millis(), Ordering::SeqCst);
    }
}

impl PinClock for ManualClock {
    fn monotonic(&self) -> Duration {
        Duration::from_millis(self.monotonic_ms.load(Ordering::SeqCst))
    }

    fn wall(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.wall_ms.load(Ordering::SeqCst))
            .unwrap_or(DateTime::UNIX_EPOCH)
    }
}
