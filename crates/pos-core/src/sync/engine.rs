//! The background sync loop and its owner, [`SyncHandle`] (in `handle.rs`).
//!
//! `SyncEngine::start` takes the data dir's lease (or fails naming who holds it), reclaims
//! jobs a crashed process left running, and spawns one task that owns a [`SyncCore`]:
//!
//! ```text
//! keep-alive task: renew the lease every heartbeat (10 s), whatever the loop is doing
//! loop {
//!     lease lost?                          (taken over -> stop, status says why)
//!     online:  run a cycle                 (jobs, feed, lookups, last checks, jobs)
//!              network error -> offline
//!     offline: probe with backoff + jitter (a cheap lookup); answered -> online, cycle at once
//!     sleep until the planner's wake time, `sync_now()`, or `stop()`
//! }
//! ```
//!
//! `sync_now()` (지금 동기화) asks for a FULL cycle: every open order is looked up at once, due or
//! not (a deposit made a second ago is seen now, not at its next planned check), and
//! [`SyncTrigger::sync_now_and_wait`] returns after that very cycle with what it found.
//!
//! The loop runs under a supervisor (`supervisor.rs`): a loop that panics is reported in the
//! status and started again with backoff, and a handle whose task is gone always reports
//! `stopped`, so nobody believes a dead engine is running.
//!
//! The wake time is computed from "now" each time, so missed ticks are skipped, never queued.
//! Every failure is logged and put in the status (`last_error`); nothing is dropped. The status
//! lives behind a std mutex that is never held across an `.await`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::{watch, Notify};
use ts_rs::TS;

use super::cycle::{CycleReport, SyncCore, SyncOptions};
use super::error::SyncError;
pub use super::handle::{SyncHandle, SyncTrigger};
use super::lease::Lease;
use super::planner;
use super::ports::{JobExecutor, PaymentSink};
use super::supervisor::{supervise, Parts, Shared};
use crate::Store;

/// What the status bar shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncStatus {
    /// Iamport answered the last request.
    pub online: bool,
    /// Jobs pending or running.
    #[ts(type = "number")]
    pub queue_len: i64,
    /// Age of the oldest job due (seconds), if any is waiting.
    #[ts(type = "number | null")]
    pub oldest_pending_age_secs: Option<i64>,
    /// Jobs parked for a person.
    #[ts(type = "number")]
    pub needs_attention: i64,
    /// End of the last successful cycle (ms since the UNIX epoch over IPC).
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub last_success_at: Option<DateTime<Utc>>,
    /// The last failure (Korean), cleared by the next success.
    pub last_error: Option<String>,
    /// The lease holder name of this engine.
    pub lease_holder: Option<String>,
    /// The engine's loop has ended for good (stopped, or lost its lease); never false for an
    /// engine whose task is gone.
    pub stopped: bool,
    /// The loop crashed and waits to be started again (`last_error` says why).
    pub restarting: bool,
    /// How many times the loop was started again after a crash.
    pub restarts: u32,
    /// What the last cycle did.
    pub last_cycle: Option<CycleReport>,
    /// Iamport's clock minus this PC's, in seconds, from the last token reply; `None` while
    /// unknown (offline since start): money timing then falls back to this PC's clock.
    #[ts(type = "number | null")]
    pub clock_offset_secs: Option<i64>,
}

/// Starts engines.
pub struct SyncEngine;

pub(super) fn set(status: &Mutex<SyncStatus>, f: impl FnOnce(&mut SyncStatus)) {
    let mut guard = status.lock().unwrap_or_else(PoisonError::into_inner);
    f(&mut guard);
}

impl SyncEngine {
    /// Takes the lease as `role` (e.g. `app`, `posctl`), reclaims interrupted jobs and spawns
    /// the loop on the current tokio runtime.
    pub async fn start(
        store: Store,
        client: iamport::Client,
        executor: Arc<dyn JobExecutor>,
        sink: Arc<dyn PaymentSink>,
        options: SyncOptions,
        role: &str,
    ) -> Result<SyncHandle, SyncError> {
        let store = private(store).await?;
        let parts = Parts {
            store,
            client,
            executor,
            sink,
            options,
        };
        let lease = prepare(&parts.core(), role).await?;
        let status = Arc::new(Mutex::new(SyncStatus {
            online: true,
            lease_holder: Some(lease.holder().to_owned()),
            ..SyncStatus::default()
        }));
        let wake = Arc::new(Notify::new());
        let (stop, stopped) = watch::channel(false);
        let crash = Arc::new(AtomicBool::new(false));
        let full_wanted = Arc::new(AtomicU64::new(0));
        let (full_done_tx, full_done) = watch::channel(0u64);
        let task = tokio::spawn(supervise(
            parts,
            lease,
            Shared {
                status: status.clone(),
                wake: wake.clone(),
                stopped,
                crash: crash.clone(),
                full_wanted: full_wanted.clone(),
                full_done: Arc::new(full_done_tx),
            },
        ));
        Ok(SyncHandle {
            status,
            wake,
            full_wanted,
            full_done,
            stop,
            crash,
            task: Some(task),
        })
    }

    /// One cycle over everything open, whatever its next-check time, then the whole due queue;
    /// under the lease, released at the end (`posctl sync --once`).
    pub async fn run_once(
        store: Store,
        client: iamport::Client,
        executor: Arc<dyn JobExecutor>,
        sink: Arc<dyn PaymentSink>,
        options: SyncOptions,
        role: &str,
    ) -> Result<CycleReport, SyncError> {
        let store = private(store).await?;
        let mut core = SyncCore::new(store, client, executor, sink, options);
        let lease = prepare(&core, role).await?;
        let keep_alive = lease.keep_alive(core.options.heartbeat);
        let result = core.run_cycle(true).await;
        drop(keep_alive);
        let released = blocking_release(&lease).await;
        let report = result?;
        released?;
        Ok(report)
    }
}

/// The engine writes in batches, so it gets a connection of its own.
async fn private(store: Store) -> Result<Store, SyncError> {
    tokio::task::spawn_blocking(move || store.private_handle())
        .await
        .map_err(SyncError::Join)?
        .map_err(SyncError::from)
}

async fn prepare(core: &SyncCore, role: &str) -> Result<Lease, SyncError> {
    let store = core.store.clone();
    let role = role.to_owned();
    tokio::task::spawn_blocking(move || {
        let lease = Lease::acquire(&store, &role)?;
        let reclaimed =
            store.reclaim_interrupted_jobs(Utc::now(), super::lease::claim_owner_gone)?;
        if reclaimed > 0 {
            tracing::warn!(
                reclaimed,
                "jobs whose executor is gone are queued again (looked up first)"
            );
        }
        Ok(lease)
    })
    .await
    .map_err(SyncError::Join)?
}

pub(super) async fn blocking_release(lease: &Lease) -> Result<(), SyncError> {
    let lease = lease.clone();
    tokio::task::spawn_blocking(move || lease.release())
        .await
        .map_err(SyncError::Join)?
}

async fn refresh_queue(core: &SyncCore, status: &Mutex<SyncStatus>) -> Option<DateTime<Utc>> {
    let store = core.store.clone();
    let summary = tokio::task::spawn_blocking(move || {
        Ok::<_, SyncError>((store.queue_summary()?, store.oldest_open_job_created_at()?))
    })
    .await
    .map_err(SyncError::Join)
    .and_then(|r| r);
    match summary {
        Ok((q, oldest)) => {
            let now = Utc::now();
            set(status, |s| {
                s.queue_len = q.pending;
                s.needs_attention = q.needs_attention;
                s.oldest_pending_age_secs =
                    oldest.map(|t| now.signed_duration_since(t).num_seconds().max(0));
            });
            q.oldest_due_at
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot read the job queue for the status");
            set(status, |s| s.last_error = Some(e.to_string()));
            None
        }
    }
}

/// The loop. Returns when asked to stop or when the lease is lost (releasing it and marking
/// the status stopped); a panic anywhere in it ends the task, and [`supervise`] notices.
pub(super) async fn run(mut core: SyncCore, lease: Lease, shared: Shared) {
    let Shared {
        status,
        wake,
        mut stopped,
        crash,
        full_wanted,
        full_done,
    } = shared;
    let heartbeat = core.options.heartbeat;
    let keep_alive = lease.keep_alive(heartbeat);
    let mut online = true;
    let mut probes = 0u32;
    // Consecutive failed cycles while online: the next attempt waits longer each time, so a
    // persistent failure (a full disk, a refused key) is retried with backoff, not in a loop.
    let mut failures = 0u32;
    loop {
        if *stopped.borrow() {
            break;
        }
        if crash.swap(false, Ordering::SeqCst) {
            panic!("the sync loop was made to crash (test hook)");
        }
        if let Some(trouble) = keep_alive.trouble() {
            set(&status, |s| s.last_error = Some(trouble.message.clone()));
            if trouble.lost {
                tracing::error!("sync engine stops: the lease was taken over");
                break;
            }
        }
        let mut sleep_for = heartbeat;
        if !online {
            probes += 1;
            if core.probe().await {
                tracing::info!(probes, "Iamport answers again: back online");
                online = true;
                probes = 0;
                set(&status, |s| s.online = true);
            } else {
                sleep_for = core.probe_delay(probes);
            }
        }
        // Every request made before this cycle starts is served by it.
        let asked = full_wanted.load(Ordering::SeqCst);
        let full = asked != *full_done.borrow();
        if online {
            match core.run_cycle(full).await {
                Ok(report) => {
                    failures = 0;
                    set(&status, |s| {
                        s.online = true;
                        s.last_success_at = Some(Utc::now());
                        s.last_error = None;
                        s.last_cycle = Some(report);
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "sync cycle failed");
                    failures = failures.saturating_add(1);
                    if e.is_offline() {
                        online = false;
                        sleep_for = core.probe_delay(1);
                    }
                    set(&status, |s| {
                        s.online = online;
                        s.last_error = Some(e.to_string());
                    });
                }
            }
        }
        let offset = core.client.clock_offset_ms().map(|ms| ms / 1000);
        set(&status, |s| s.clock_offset_secs = offset);
        if full {
            // The asked-for check is over: what it found, or that Iamport did not answer.
            full_done.send_replace(asked);
        }
        let next_job = refresh_queue(&core, &status).await;
        if online {
            let wake_at = match core.open_orders().await {
                Ok(orders) => planner::wake_at(
                    &orders,
                    core.last_feed_at(),
                    next_job,
                    Utc::now(),
                    &core.options.policy,
                ),
                Err(e) => {
                    set(&status, |s| s.last_error = Some(e.to_string()));
                    Utc::now() + chrono::Duration::seconds(1)
                }
            };
            let until = wake_at
                .signed_duration_since(Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                // Never spin: at least a short pause between cycles.
                .max(Duration::from_millis(50));
            sleep_for = sleep_for.min(until);
            if failures > 0 {
                sleep_for = sleep_for.max(core.probe_delay(failures));
            }
        }
        // Wake at least once per heartbeat to notice a lost lease (and to probe while offline).
        tokio::select! {
            _ = tokio::time::sleep(sleep_for.min(heartbeat)) => {}
            _ = wake.notified() => {
                // 지금 동기화: an immediate attempt, even while offline.
                if !online { probes = 0; }
            }
            _ = stopped.wait_for(|s| *s) => {}
        }
    }
    drop(keep_alive);
    if let Err(e) = blocking_release(&lease).await {
        tracing::error!(error = %e, "the sync lease could not be released");
        set(&status, |s| s.last_error = Some(e.to_string()));
    }
    set(&status, |s| s.stopped = true);
}
