//! The owner's PIN (관리자 PIN): 4 to 8 digits that guard what moves money or trust (settings,
//! credentials, the mode, refunds, cancelling a subscription, card change, deleting a billing key,
//! clearing sandbox data). Buying a plan needs none.
//!
//! - Kept as an Argon2id hash in `owner-pin.json` in the data dir root (mode 0600), not in a
//!   per-mode order book: one owner, one PIN. The hash never leaves this module.
//! - No file: no PIN is set, and guarded work is allowed (the app offers to set one).
//!   An unreadable or malformed file refuses guarded work until `posctl pin reset`.
//! - [`MAX_TRIES`] wrong tries lock it for [`LOCK_DURATION`]. The lock is measured on a
//!   monotonic clock while the app (or posctl) runs, and what is left of it is written to the
//!   file at every check, so neither a restart nor a change of the PC's clock ends it early;
//!   time while nothing runs does not count. A failure is written before the refusal is
//!   answered; if it cannot be written, the command is refused anyway.
//! - A forgotten PIN is removed with `posctl pin reset` (whoever holds the OS account holds the
//!   data dir, so that is the owner).

mod clock;
mod error;
mod hash;
mod record;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use clock::{ManualClock, PinClock, SystemClock};
pub use error::PinError;
use record::PinRecord;

/// The PIN file in the data dir root.
pub const PIN_FILE: &str = "owner-pin.json";
/// Wrong tries allowed before the lock.
pub const MAX_TRIES: u32 = 5;
/// How long the lock lasts (of the app running).
pub const LOCK_DURATION: Duration = Duration::from_secs(5 * 60);

/// A PIN as typed. `Debug` never shows it and it cannot be serialised, so it cannot reach a
/// log line or an IPC reply.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Pin(String);

impl Pin {
    /// Wraps what was typed.
    pub fn new(pin: impl Into<String>) -> Self {
        Pin(pin.into())
    }

    /// The digits of a PIN that may be set: 4 to 8 ASCII digits (surrounding spaces ignored).
    fn checked(&self) -> Result<&str, PinError> {
        let digits = self.0.trim();
        if (4..=8).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(digits)
        } else {
            Err(PinError::Invalid)
        }
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

/// What the app may know about the PIN (never the PIN or its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PinStatus {
    /// Whether a PIN is set (guarded actions then ask for it).
    pub set: bool,
    /// Wrong tries left before the lock.
    pub tries_left: u32,
    /// While locked: until when (Unix ms, the PC's clock), for showing in KST.
    #[ts(type = "number | null")]
    pub locked_until: Option<i64>,
}

/// The owner's PIN of one data dir. Checks are serialised in-process, so concurrent wrong
/// tries cannot slip past the count.
#[derive(Debug)]
pub struct OwnerPin {
    path: PathBuf,
    clock: Arc<dyn PinClock>,
    /// The monotonic time of this process's last look at the lock.
    seen: Mutex<Duration>,
}

impl OwnerPin {
    /// The PIN of `data_dir`, on the real clocks.
    pub fn new(data_dir: &Path) -> Self {
        Self::with_clock(data_dir, Arc::new(SystemClock::default()))
    }

    /// The PIN of `data_dir` on `clock`.
    pub fn with_clock(data_dir: &Path, clock: Arc<dyn PinClock>) -> Self {
        let now = clock.monotonic();
        OwnerPin {
            path: data_dir.join(PIN_FILE),
            clock,
            seen: Mutex::new(now),
        }
    }

    /// The PIN file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a PIN is set, tries left, and until when it is locked.
    pub fn status(&self) -> Result<PinStatus, PinError> {
        let mut seen = self.lock();
        let Some(mut record) = record::read(&self.path)? else {
            return Ok(PinStatus {
                set: false,
                tries_left: MAX_TRIES,
                locked_until: None,
            });
        };
        self.serve_lock(&mut seen, &mut record)?;
        Ok(self.status_of(&record))
    }

    /// The guard: `Ok` when no PIN is set or `pin` is the owner's. Refuses a missing PIN, a
    /// wrong one (counted; the fifth locks) and anything while locked (not even checked).
    pub fn check(&self, pin: Option<&Pin>) -> Result<(), PinError> {
        let mut seen = self.lock();
        match record::read(&self.path)? {
            None => Ok(()),
            Some(mut record) => self.check_locked(&mut seen, &mut record, pin),
        }
    }

    /// Sets a new PIN. When one is set, `current` must be it (checked like [`OwnerPin::check`]).
    pub fn set(&self, current: Option<&Pin>, new_pin: &Pin) -> Result<PinStatus, PinError> {
        let digits = new_pin.checked()?;
        let mut seen = self.lock();
        if let Some(mut record) = record::read(&self.path)? {
            self.check_locked(&mut seen, &mut record, current)?;
        }
        let record = PinRecord::new(hash::hash(digits)?);
        record::write(&self.path, &record)?;
        tracing::info!("owner PIN set");
        Ok(self.status_of(&record))
    }

    /// Removes the PIN (and any lock); `true` if one was set. For `posctl pin reset`.
    pub fn reset(&self) -> Result<bool, PinError> {
        let _seen = self.lock();
        let removed = record::remove(&self.path)?;
        tracing::info!(removed, "owner PIN reset");
        Ok(removed)
    }

    fn check_locked(
        &self,
        seen: &mut Duration,
        record: &mut PinRecord,
        pin: Option<&Pin>,
    ) -> Result<(), PinError> {
        self.serve_lock(seen, record)?;
        if record.lock_remaining_ms > 0 {
            return Err(self.locked_error(record));
        }
        let Some(pin) = pin.filter(|p| !p.0.trim().is_empty()) else {
            return Err(PinError::Required);
        };
        if hash::verify(pin.0.trim(), &record.hash)? {
            if record.failures > 0 {
                record.failures = 0;
                record::write(&self.path, record)?;
            }
            return Ok(());
        }
        record.failures = record.failures.saturating_add(1);
        if record.failures >= MAX_TRIES {
            record.lock_remaining_ms = duration_ms(LOCK_DURATION);
        }
        // Written before answering: a refusal is never forgotten by a crash or restart.
        record::write(&self.path, record)?;
        tracing::warn!(failures = record.failures, "wrong owner PIN");
        if record.lock_remaining_ms > 0 {
            Err(self.locked_error(record))
        } else {
            Err(PinError::Wrong {
                tries_left: MAX_TRIES - record.failures,
            })
        }
    }

    /// Counts the monotonic time since this process last looked against the lock, and writes
    /// what is left (a finished lock also clears the failures).
    fn serve_lock(&self, seen: &mut Duration, record: &mut PinRecord) -> Result<(), PinError> {
        let now = self.clock.monotonic();
        let elapsed = duration_ms(now.saturating_sub(*seen));
        *seen = now;
        if record.lock_remaining_ms == 0 || elapsed == 0 {
            return Ok(());
        }
        record.lock_remaining_ms = record.lock_remaining_ms.saturating_sub(elapsed);
        if record.lock_remaining_ms == 0 {
            record.failures = 0;
        }
        record::write(&self.path, record)
    }

    fn locked_until(&self, record: &PinRecord) -> Option<DateTime<Utc>> {
        (record.lock_remaining_ms > 0).then(|| {
            let left = i64::try_from(record.lock_remaining_ms).unwrap_or(i64::MAX);
            self.clock
                .wall()
                .checked_add_signed(chrono::TimeDelta::milliseconds(left))
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        })
    }

    fn locked_error(&self, record: &PinRecord) -> PinError {
        let until = self
            .locked_until(record)
            .unwrap_or_else(|| self.clock.wall());
        PinError::Locked {
            until: until
                .with_timezone(&crate::format::kst())
                .format("%Y-%m-%d %H:%M:%S KST")
                .to_string(),
            until_ms: until.timestamp_millis(),
        }
    }

    fn status_of(&self, record: &PinRecord) -> PinStatus {
        PinStatus {
            set: true,
            tries_left: MAX_TRIES.saturating_sub(record.failures),
            locked_until: self.locked_until(record).map(|t| t.timestamp_millis()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Duration> {
        // The guarded value is a plain Duration: a panic cannot leave it torn.
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
