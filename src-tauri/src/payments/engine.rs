//! The sync engine as part of the app: started once the sandbox (or the live client) is ready,
//! woken by 지금 동기화, stopped cleanly when the app exits or leaves the mode. It runs on the
//! book in effect with the client of that book's mode; only one engine runs per book (pos-core's
//! lease, kept in the book): when `posctl sync --watch` holds it, the status says so.
//! Starting and stopping happen under [`crate::state::PosState::switching`], so an engine is
//! never started on a book that a mode switch is replacing.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use pos_core::settings::Mode;
use pos_core::sync::{CheckoutWork, SyncEngine, SyncOptions, SyncStatus};
use tauri::{AppHandle, Runtime};

use super::models::JobView;
use super::{lock, PaymentsError, PaymentsExt};
use crate::settings_flow::run_blocking;
use crate::state::{PosState, PosStateExt};

/// The lease role of the app's engine (`posctl` uses its own).
pub const ROLE: &str = "app";

/// Starts the engine unless one runs. A failure (no sandbox, no credentials, the lease held by
/// another program) is logged and kept for the status bar; the app works on without it.
pub async fn ensure_started<R: Runtime>(app: &AppHandle<R>) {
    let _switching = app.pos().switching.lock().await;
    ensure_started_locked(app).await;
}

/// [`ensure_started`] for a caller that holds the switching lock.
pub(crate) async fn ensure_started_locked<R: Runtime>(app: &AppHandle<R>) {
    if let Err(error) = start(app).await {
        tracing::warn!(error = %error, "sync engine not started");
        *lock(&app.payments().engine_problem) = Some(error.to_string());
    }
}

async fn start<R: Runtime>(app: &AppHandle<R>) -> Result<(), PaymentsError> {
    let payments = app.payments();
    if lock(&payments.engine)
        .as_ref()
        .is_some_and(|h| !h.status().stopped)
    {
        return Ok(());
    }
    let c = payments.connect(app.pos()).await?;
    let mut options = SyncOptions::default();
    options.policy.sweep = Duration::from_secs(u64::from(c.env.settings.poll.sweep_secs));
    let work = Arc::new(CheckoutWork);
    let book = (c.mode, c.env.api_base.clone());
    let handle = SyncEngine::start(c.store, c.client, work.clone(), work, options, ROLE).await?;
    tracing::info!(holder = ?handle.status().lease_holder, "sync engine started");
    *lock(&payments.engine_problem) = None;
    *lock(&payments.engine_book) = Some(book);
    if let Some(old) = lock(&payments.engine).replace(handle) {
        // A stopped engine's task has ended; dropping its handle only frees it.
        drop(old);
    }
    Ok(())
}

/// Stops the engine (the app is exiting) and releases the lease.
pub async fn stop<R: Runtime>(app: &AppHandle<R>) {
    let _switching = app.pos().switching.lock().await;
    stop_locked(app).await;
}

/// [`stop`] for a caller that holds the switching lock (a mode switch, a sandbox reset).
pub(crate) async fn stop_locked<R: Runtime>(app: &AppHandle<R>) {
    let handle = lock(&app.payments().engine).take();
    *lock(&app.payments().engine_book) = None;
    if let Some(handle) = handle {
        match handle.stop().await {
            Ok(()) => tracing::info!("sync engine stopped"),
            Err(error) => tracing::error!(error = %error, "sync engine did not stop cleanly"),
        }
    }
}

/// The book and Iamport the engine should use: the book in effect and its mode's Iamport (the
/// relay in relay mode; `None`: no book, or sandbox mode without a sandbox yet).
fn desired_book(state: &PosState) -> Option<(Mode, String)> {
    match state.book_mode()? {
        Mode::Sandbox => state
            .sandbox
            .info()
            .map(|info| (Mode::Sandbox, info.base_url)),
        Mode::Live => {
            let settings = state.settings().settings;
            let (base, _) = state.live_target(&settings).ok()?;
            Some((Mode::Live, base))
        }
    }
}

/// Keeps the engine in step with the book in effect: starts it when none runs (the sandbox came
/// up, credentials were saved) and restarts it when it runs on another book or Iamport.
async fn follow_settings<R: Runtime>(app: &AppHandle<R>) {
    let _switching = app.pos().switching.lock().await;
    let payments = app.payments();
    let running = lock(&payments.engine)
        .as_ref()
        .is_some_and(|h| !h.status().stopped);
    let desired = desired_book(app.pos());
    let same_book = *lock(&payments.engine_book) == desired;
    if running && same_book {
        return;
    }
    if running {
        tracing::info!("the book in effect changed: restarting the sync engine");
        stop_locked(app).await;
    }
    // Without a book or sandbox this fails and records why, for the status bar.
    ensure_started_locked(app).await;
}

/// The engine's status; without an engine, the queue from the store and why none runs.
pub async fn status<R: Runtime>(app: &AppHandle<R>) -> Result<SyncStatus, PaymentsError> {
    follow_settings(app).await;
    let payments = app.payments();
    if let Some(status) = lock(&payments.engine).as_ref().map(|h| h.status()) {
        return Ok(status);
    }
    let problem = lock(&payments.engine_problem)
        .clone()
        .unwrap_or_else(|| "동기화 엔진을 시작하는 중입니다.".to_owned());
    let store = match app.pos().store() {
        Ok(store) => store,
        // No book in effect (held, or being swapped): nothing to count, the reason is shown.
        Err(error) => {
            return Ok(SyncStatus {
                online: app.pos().online(),
                last_error: Some(error.to_string()),
                stopped: true,
                ..SyncStatus::default()
            })
        }
    };
    let (queue, oldest) =
        run_blocking(move || Ok((store.queue_summary()?, store.oldest_open_job_created_at()?)))
            .await?;
    Ok(SyncStatus {
        online: app.pos().online(),
        queue_len: queue.pending,
        oldest_pending_age_secs: oldest.map(|t| (Utc::now() - t).num_seconds().max(0)),
        needs_attention: queue.needs_attention,
        last_error: Some(problem),
        stopped: true,
        ..SyncStatus::default()
    })
}

/// How long 지금 동기화 waits for its cycle before answering with the status as it is.
const SYNC_NOW_WAIT: Duration = Duration::from_secs(20);

/// 지금 동기화: a full cycle now (every open order looked up, due or not), waited for, so the
/// status it returns says what was found; starts the engine first when none runs.
pub async fn sync_now<R: Runtime>(app: &AppHandle<R>) -> Result<SyncStatus, PaymentsError> {
    let running = || {
        lock(&app.payments().engine)
            .as_ref()
            .filter(|h| !h.status().stopped)
            .map(|h| h.trigger())
    };
    let trigger = match running() {
        Some(trigger) => Some(trigger),
        None => {
            ensure_started(app).await;
            running()
        }
    };
    match trigger {
        Some(trigger) => {
            trigger.sync_now_and_wait(SYNC_NOW_WAIT).await;
            status(app).await
        }
        None => status(app).await,
    }
}

/// A parked job back in the queue, due now; the engine is woken to run it.
pub async fn retry_job<R: Runtime>(app: &AppHandle<R>, id: i64) -> Result<JobView, PaymentsError> {
    let store = app.pos().store()?;
    let job = run_blocking(move || Ok(store.retry_parked_job(id, Utc::now())?)).await?;
    if let Some(handle) = lock(&app.payments().engine).as_ref() {
        handle.sync_now();
    }
    Ok(JobView::from(&job))
}

/// Test hook: the running engine's loop panics at its next step, as a bug would. False when no
/// engine runs.
#[cfg(test)]
pub(crate) fn crash_for_test<R: Runtime>(app: &AppHandle<R>) -> bool {
    lock(&app.payments().engine)
        .as_ref()
        .map(pos_core::sync::SyncHandle::crash_for_test)
        .is_some()
}

/// The running engine's status as it is now (`None`: no engine runs). Does not start one.
pub fn current_status<R: Runtime>(app: &AppHandle<R>) -> Option<SyncStatus> {
    lock(&app.payments().engine).as_ref().map(|h| h.status())
}
