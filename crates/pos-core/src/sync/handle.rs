//! The owner of a running engine ([`SyncHandle`]: 지금 동기화, status, clean stop) and the
//! [`SyncTrigger`] that asks for a full cycle and waits for it without holding the handle.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use super::engine::SyncStatus;
use super::error::SyncError;

/// Shown when the engine's task is gone without saying why.
const ENDED: &str = "동기화 엔진이 멈췄습니다. 앱을 다시 시작하세요. (the sync engine has ended)";

/// The owner of a running engine. Dropping it without [`SyncHandle::stop`] aborts the task
/// and leaves the lease to expire.
pub struct SyncHandle {
    pub(super) status: Arc<Mutex<SyncStatus>>,
    pub(super) wake: Arc<Notify>,
    /// The number of the last full cycle asked for (지금 동기화: every open order looked up).
    pub(super) full_wanted: Arc<AtomicU64>,
    /// The number of the last asked-for full cycle that has ended (found something, or not).
    pub(super) full_done: watch::Receiver<u64>,
    pub(super) stop: watch::Sender<bool>,
    pub(super) crash: Arc<AtomicBool>,
    pub(super) task: Option<JoinHandle<()>>,
}

impl SyncHandle {
    /// Runs a full cycle now (the 지금 동기화 button: every open order looked up, due or not);
    /// returns at once.
    pub fn sync_now(&self) {
        self.full_wanted.fetch_add(1, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// What 지금 동기화 needs to ask for a full cycle and wait for it, without holding the handle
    /// (which lives behind a lock that must not be held across an `.await`).
    pub fn trigger(&self) -> SyncTrigger {
        SyncTrigger {
            status: self.status.clone(),
            wake: self.wake.clone(),
            full_wanted: self.full_wanted.clone(),
            full_done: self.full_done.clone(),
        }
    }

    /// A snapshot of the status. An engine whose task has ended is reported stopped, whatever
    /// the task last wrote.
    pub fn status(&self) -> SyncStatus {
        let mut status = self
            .status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if self.task.as_ref().is_none_or(JoinHandle::is_finished) {
            if !status.stopped && status.last_error.is_none() {
                status.last_error = Some(ENDED.to_owned());
            }
            status.stopped = true;
            status.restarting = false;
        }
        status
    }

    /// Test hook: the loop panics at its next step, as a bug would, so a test can see the
    /// crash noticed, reported and the loop started again. Never called by the app.
    #[doc(hidden)]
    pub fn crash_for_test(&self) {
        self.crash.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// Stops the loop after the current step and releases the lease.
    pub async fn stop(mut self) -> Result<(), SyncError> {
        self.stop.send_replace(true);
        match self.task.take() {
            Some(task) => task.await.map_err(SyncError::Join),
            None => Ok(()),
        }
    }
}

/// Asks a running engine for a full cycle and waits for it (see [`SyncHandle::trigger`]).
#[derive(Clone)]
pub struct SyncTrigger {
    status: Arc<Mutex<SyncStatus>>,
    wake: Arc<Notify>,
    full_wanted: Arc<AtomicU64>,
    full_done: watch::Receiver<u64>,
}

impl SyncTrigger {
    /// Asks for a full cycle (every open order looked up, due or not), then waits at most
    /// `timeout` until that cycle has ended, and returns the status: `last_cycle` says what it
    /// looked up and changed. On timeout the status is returned as it is (the cycle still runs).
    pub async fn sync_now_and_wait(&self, timeout: Duration) -> SyncStatus {
        let mut done = self.full_done.clone();
        let mine = self
            .full_wanted
            .fetch_add(1, Ordering::SeqCst)
            .wrapping_add(1);
        self.wake.notify_one();
        let finished = done.wait_for(|n| *n >= mine);
        let _ = tokio::time::timeout(timeout, finished).await;
        self.status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for SyncHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
