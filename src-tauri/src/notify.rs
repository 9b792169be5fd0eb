//! Desktop notifications for what the owner must act on, and the tray's queue line.
//!
//! A background task follows the book in effect every few seconds: it reads the audit trails
//! forward from where it started (so a restart does not repeat old news), the parked jobs and
//! the queue, asks [`pos_core::notices::decide`] what to say, and shows it. The engine keeps
//! running while the window is hidden, so this is how a deposit or a declined renewal reaches
//! the owner.

use std::time::Duration;

use pos_core::notices::{decide, Changes, Said};
use pos_core::settings::Mode;
use pos_core::store::JobFilter;
use pos_core::JobState;
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::settings_flow::run_blocking;
use crate::state::PosStateExt;
use crate::tray;

/// How often the trails are read.
const EVERY: Duration = Duration::from_secs(5);
/// Events read per look at most (the rest next time).
const BATCH: u32 = 200;

/// Where the follower is in the book it follows.
struct Cursor {
    mode: Mode,
    order_event: i64,
    subscription_event: i64,
}

/// Shows one desktop notification; a desktop without a notification service only logs it.
pub fn show<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    tracing::info!(title, "desktop notification");
    if let Err(error) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(error = %error, "desktop notification not shown");
    }
}

/// Starts the follower (once, at start-up). It runs until the app exits.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut said = Said::default();
        let mut cursor: Option<Cursor> = None;
        loop {
            if let Err(error) = look(&app, &mut said, &mut cursor).await {
                tracing::warn!(error = %error, "notification follower: this look failed");
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}

/// Updates the tray's queue line now (after 지금 동기화).
pub async fn refresh_queue<R: Runtime>(app: &AppHandle<R>) {
    let Ok(store) = app.pos().store() else {
        return;
    };
    if let Ok(queue) = run_blocking(move || Ok(store.queue_summary()?)).await {
        tray::show_queue(app, queue.pending, queue.needs_attention);
    }
}

async fn look<R: Runtime>(
    app: &AppHandle<R>,
    said: &mut Said,
    cursor: &mut Option<Cursor>,
) -> Result<(), crate::error::ShellError> {
    let (Ok(store), Some(mode)) = (app.pos().store(), app.pos().book_mode()) else {
        return Ok(());
    };
    if cursor.as_ref().is_none_or(|c| c.mode != mode) {
        // A new book (start-up, a mode switch): its past is not news.
        let start = store.clone();
        let (order_event, subscription_event) =
            run_blocking(move || Ok(start.event_cursors()?)).await?;
        *cursor = Some(Cursor {
            mode,
            order_event,
            subscription_event,
        });
        *said = Said::default();
    }
    let Some(at) = cursor.as_mut() else {
        return Ok(());
    };
    let (after_order, after_sub) = (at.order_event, at.subscription_event);
    let (orders, subs, parked, queue) = run_blocking(move || {
        Ok((
            store.order_events_after(after_order, BATCH)?,
            store.subscription_events_after(after_sub, BATCH)?,
            store.list_jobs(JobFilter::State(JobState::NeedsAttention), BATCH)?,
            store.queue_summary()?,
        ))
    })
    .await?;
    at.order_event = orders.last().map_or(after_order, |e| e.id);
    at.subscription_event = subs.last().map_or(after_sub, |e| e.id);
    tray::show_queue(app, queue.pending, queue.needs_attention);
    let changes = Changes {
        order_events: &orders,
        subscription_events: &subs,
        parked_jobs: &parked,
        // The shop's pass end is not known to this build yet: no "ends in 7 days" notice.
        pass_ends_at: None,
        now: chrono::Utc::now(),
    };
    for notice in decide(changes, said) {
        show(app, &notice.title, &notice.body);
    }
    Ok(())
}
