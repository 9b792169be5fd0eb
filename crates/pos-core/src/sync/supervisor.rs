//! Keeps the engine's loop alive. The loop runs in a task of its own; when that task ends by
//! panicking (a bug, a reply nobody foresaw), the supervisor notices at once, says so in the
//! status (`restarting`, `last_error`, `restarts`), waits with backoff and jitter (longer after
//! each crash in a row), and starts a fresh loop under the same lease. A loop that ends on its
//! own (asked to stop, lease taken over) is not restarted: it has already marked the status
//! stopped.
//!
//! A job the dead loop had claimed stays `running` until the next start of the engine reclaims
//! it (looked up before anything is sent again): reclaiming here could take a job that a
//! command is running inline at this very moment, and that would be a second request.

use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;
use tokio::sync::{watch, Notify};

use super::backoff::Backoff;
use super::cycle::{SyncCore, SyncOptions};
use super::engine::{blocking_release, run, set, SyncStatus};
use super::lease::Lease;
use super::ports::{JobExecutor, PaymentSink};
use crate::Store;

/// Waits before starting a crashed loop again: 1 s after the first crash, doubling up to 5 min.
pub const RESTART_BACKOFF: Backoff = Backoff {
    base: Duration::from_secs(1),
    max: Duration::from_secs(300),
};

/// A loop that ran this long before crashing counts as a first crash again.
const HEALTHY_FOR: Duration = Duration::from_secs(600);

/// What a fresh [`SyncCore`] is built from.
pub(super) struct Parts {
    pub(super) store: Store,
    pub(super) client: iamport::Client,
    pub(super) executor: Arc<dyn JobExecutor>,
    pub(super) sink: Arc<dyn PaymentSink>,
    pub(super) options: SyncOptions,
}

impl Parts {
    /// A core with empty per-process memory (the seen-set is rebuilt from the feed).
    pub(super) fn core(&self) -> SyncCore {
        SyncCore::new(
            self.store.clone(),
            self.client.clone(),
            self.executor.clone(),
            self.sink.clone(),
            self.options,
        )
    }
}

/// What the loop shares with the handle.
#[derive(Clone)]
pub(super) struct Shared {
    pub(super) status: Arc<Mutex<SyncStatus>>,
    pub(super) wake: Arc<Notify>,
    pub(super) stopped: watch::Receiver<bool>,
    pub(super) crash: Arc<AtomicBool>,
    /// The number of the last full cycle asked for (지금 동기화).
    pub(super) full_wanted: Arc<AtomicU64>,
    /// The number of the last asked-for full cycle that has ended.
    pub(super) full_done: Arc<watch::Sender<u64>>,
}

/// The text a panic carried, if it was a string.
fn panic_text(error: tokio::task::JoinError) -> String {
    if !error.is_panic() {
        return "작업이 취소되었습니다 (cancelled)".to_owned();
    }
    let payload = error.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "알 수 없는 오류 (unknown panic)".to_owned())
}

/// Runs the loop, and runs it again after every crash, until it ends on its own or a stop is
/// asked while it waits to restart.
pub(super) async fn supervise(parts: Parts, lease: Lease, shared: Shared) {
    let mut rng = StdRng::from_os_rng();
    let mut crashes_in_a_row = 0u32;
    let mut restarts = 0u32;
    loop {
        let began = Instant::now();
        let task = tokio::spawn(run(parts.core(), lease.clone(), shared.clone()));
        let error = match task.await {
            Ok(()) => return,
            Err(error) => panic_text(error),
        };
        if began.elapsed() >= HEALTHY_FOR {
            crashes_in_a_row = 0;
        }
        crashes_in_a_row = crashes_in_a_row.saturating_add(1);
        let delay = RESTART_BACKOFF.delay(crashes_in_a_row, &mut rng);
        tracing::error!(%error, crashes_in_a_row, ?delay, "the sync loop crashed; starting it again");
        set(&shared.status, |s| {
            s.restarting = true;
            s.last_error = Some(format!(
                "동기화 엔진이 오류로 멈춰 {}초 뒤 다시 시작합니다: {error} (the sync engine crashed; restarting)",
                delay.as_secs().max(1)
            ));
        });
        let mut stopped = shared.stopped.clone();
        let stop_asked = tokio::select! {
            () = tokio::time::sleep(delay) => false,
            asked = stopped.wait_for(|s| *s) => asked.is_ok(),
        };
        if stop_asked || *shared.stopped.borrow() {
            if let Err(e) = blocking_release(&lease).await {
                tracing::error!(error = %e, "the sync lease could not be released");
            }
            set(&shared.status, |s| {
                s.restarting = false;
                s.stopped = true;
            });
            return;
        }
        restarts = restarts.saturating_add(1);
        set(&shared.status, |s| {
            s.restarting = false;
            s.restarts = restarts;
        });
        tracing::info!(restarts, "the sync loop starts again");
    }
}
