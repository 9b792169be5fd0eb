//! Desktop notifications for what the owner must act on, and the tray's queue line.
//!
//! A background task follows the book in effect every few seconds: it reads the audit trails
//! forward from where it started (so a restart does not repeat old news), the parked jobs and
//! the queue, asks [`pos_core::notices::decide`] what to say, and shows it. The engine keeps
//! running while the window is hidden, so this is how a deposit or a declined renewal reaches
//! the owner.
//!
//! The pass end is read on Iamport's clock (never this PC's: while Iamport's time is unknown
//! nothing is said about it), again whenever the books moved and at least every minute (Iamport's time
//! moves on from the last reading with this PC's monotonic clock), and the
//! end announced is kept in the book, so "이용권 만료 예정" is said once per end date, also across
//! restarts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use pos_core::clock::{ClockSource, IamportClock};
use pos_core::notices::{decide_remembered, Changes, NoticeKind, Said};
use pos_core::settings::Mode;
use pos_core::store::JobFilter;
use pos_core::JobState;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::payments::PaymentsExt;
use crate::settings_flow::run_blocking;
use crate::state::PosStateExt;
use crate::tray;

/// How often the trails are read.
const EVERY: Duration = Duration::from_secs(5);
/// Events read per look at most (the rest next time).
const BATCH: u32 = 200;
/// How often the pass end is read again when the books did not move.
const PASS_EVERY: Duration = Duration::from_secs(60);

/// Where the follower is in the book it follows.
struct Cursor {
    mode: Mode,
    order_event: i64,
    subscription_event: i64,
    /// The pass end last read on Iamport's clock (`None`: Iamport's time not known yet).
    pass: Option<PassRead>,
}

/// The pass end as read at one instant of Iamport's clock.
#[derive(Clone, Copy)]
struct PassRead {
    end: Option<DateTime<Utc>>,
    /// Iamport's time of the reading.
    now: DateTime<Utc>,
    /// When it was read (this PC's monotonic clock: pacing, and how far Iamport's time moved).
    read: Instant,
}

/// Shows one desktop notification; a desktop without a notification service only logs it.
pub fn show<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) {
    tracing::info!(title, "desktop notification");
    if let Err(error) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(error = %error, "desktop notification not shown");
    }
}

/// Starts the follower (once, at start-up). It runs until the app exits. In a copy started by
/// the tray's handover (`handed_over`), the parked work found at start is not told again.
pub fn start<R: Runtime>(app: &AppHandle<R>, handed_over: bool) {
    app.manage(Looks::default());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut said = Said::default();
        let mut cursor: Option<Cursor> = None;
        // A copy started by the tray's handover: its predecessor told the parked work already.
        let mut parked_told = handed_over;
        loop {
            match look(&app, &mut said, &mut cursor, parked_told).await {
                Ok(()) => parked_told = false,
                Err(error) => {
                    tracing::warn!(error = %error, "notification follower: this look failed");
                }
            }
            app.state::<Looks>().0.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(EVERY).await;
        }
    });
}

/// How many looks the follower has finished.
#[derive(Default)]
struct Looks(AtomicU64);

/// Waits until the follower has made a whole look that began after this call (so it has read
/// what was written before: the tray's handover calls this once the engine has stopped), at
/// most twice [`EVERY`] and a minute for the look itself.
pub async fn after_a_full_look<R: Runtime>(app: &AppHandle<R>) {
    let Some(looks) = app.try_state::<Looks>() else {
        return;
    };
    let wanted = looks.0.load(Ordering::SeqCst) + 2;
    let waited = tokio::time::timeout(2 * EVERY + Duration::from_secs(60), async {
        while looks.0.load(Ordering::SeqCst) < wanted {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    if waited.is_err() {
        tracing::warn!("the notification follower did not finish a look in time");
    }
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
    parked_told: bool,
) -> Result<(), crate::error::ShellError> {
    let (Ok(store), Some(mode)) = (app.pos().store(), app.pos().book_mode()) else {
        return Ok(());
    };
    if cursor.as_ref().is_none_or(|c| c.mode != mode) {
        // A new book (start-up, a mode switch): its past is not news.
        // What it already said about the pass end is remembered in the book.
        let start = store.clone();
        let (order_event, subscription_event, restored) = run_blocking(move || {
            let (order, subscription) = start.event_cursors()?;
            Ok((order, subscription, Said::restore(&start)?))
        })
        .await?;
        *cursor = Some(Cursor {
            mode,
            order_event,
            subscription_event,
            pass: None,
        });
        *said = restored;
    }
    let Some(at) = cursor.as_mut() else {
        return Ok(());
    };
    let (after_order, after_sub) = (at.order_event, at.subscription_event);
    let reader = store.clone();
    let (orders, subs, parked, queue) = run_blocking(move || {
        let store = reader;
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
    let moved = !orders.is_empty() || !subs.is_empty();
    if moved || at.pass.is_none_or(|p| p.read.elapsed() >= PASS_EVERY) {
        if let Some(now) = iamport_now(app).await {
            let reader = store.clone();
            let end = run_blocking(move || Ok(reader.pass_end_at(now)?)).await?;
            at.pass = Some(PassRead {
                end,
                now,
                read: Instant::now(),
            });
        }
    }
    // Iamport's time moves on from the reading as this PC's monotonic clock does.
    let (pass_ends_at, now) = match at.pass {
        Some(p) => (
            p.end,
            p.now + chrono::Duration::from_std(p.read.elapsed()).unwrap_or_default(),
        ),
        None => (None, Utc::now()),
    };
    let mut next = said.clone();
    let notices = run_blocking(move || {
        let changes = Changes {
            order_events: &orders,
            subscription_events: &subs,
            parked_jobs: &parked,
            pass_ends_at,
            now,
        };
        let notices = decide_remembered(&store, changes, &mut next)?;
        Ok((notices, next))
    })
    .await?;
    *said = notices.1;
    for notice in notices.0 {
        if parked_told && notice.kind == NoticeKind::WorkParked {
            continue;
        }
        show(app, &notice.title, &notice.body);
    }
    Ok(())
}

/// Iamport's time as the book's client last learned it (no request is sent); `None` while it
/// is unknown, so nothing money-timed is decided on this PC's clock.
async fn iamport_now<R: Runtime>(app: &AppHandle<R>) -> Option<DateTime<Utc>> {
    let connection = app.payments().connect(app.pos()).await.ok()?;
    let reading = IamportClock::new(&connection.client).read();
    (reading.source == ClockSource::Iamport).then_some(reading.now)
}
