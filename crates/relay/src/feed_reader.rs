//! The one upstream change-feed reader for every store.
//!
//! Every relay instance runs this loop, but a read happens only when the shared cursor row in
//! PostgreSQL says nobody read within the interval, and only by the instance holding that row's
//! lock: Iamport sees one feed read per interval whatever the number of stores and instances.
//! Pages of `GET /payments/status/all?sorting=updated&from=…` are stored per store (by uid
//! prefix) in `payments`; each store's feed is answered from there.
//!
//! What each read found about Iamport answering is recorded like every other upstream call's
//! (`reach.rs`): a read that gets no answer at all marks it unreachable for every instance, one
//! that gets any answer clears the mark.

use std::time::Duration;

use iamport::{Sorting, StatusQuery};
use tokio::sync::watch;

use crate::db::feed_state::{self, Cursor, Upstream};
use crate::db::payments::{self, status_time};
use crate::error::Result;
use crate::reach;
use crate::state::Shared;

/// Upstream page size (Iamport's maximum).
const PAGE: u32 = 1000;
/// Most pages one read takes; the cursor carries the rest to the next read.
const MAX_PAGES: i32 = 20;
/// Re-read this much before the newest status time seen, for changes stamped a little late.
const OVERLAP_SECS: i64 = 10;

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    /// Whether this instance read upstream (false: another did within the interval).
    pub read: bool,
    /// Upstream requests made.
    pub requests: i64,
    /// Stored payments that changed.
    pub changed: u64,
}

/// Reads the upstream feed once if it is due and nobody else is reading it.
pub async fn tick(state: &Shared) -> Result<Tick> {
    let mut conn = state.db.get().await?;
    let tx = conn.transaction().await?;
    let Some(cursor) = feed_state::claim(&tx, state.feed_interval.as_secs_f64()).await? else {
        return Ok(Tick::default());
    };
    let mut report = Tick {
        read: true,
        ..Tick::default()
    };
    let mut page = cursor.page;
    let mut newest: Option<i64> = None;
    let mut error = None;
    let mut upstream = Upstream::Answered;
    let mut finished = false;
    // Whether the last page read got an answer, and when.
    let mut reached: Option<(bool, i64)> = None;
    for _ in 0..MAX_PAGES {
        let q = StatusQuery {
            status: None,
            page: u32::try_from(page).ok(),
            limit: Some(PAGE),
            from: cursor.query_from,
            to: None,
            sorting: Some(Sorting::UpdatedAsc),
        };
        report.requests += 1;
        let result = state.upstream.payments_by_status(&q).await;
        reached = reach::answered(&result).map(|a| (a, reach::now_ms()));
        match result {
            Ok(got) => {
                newest = got.list.iter().map(status_time).chain(newest).max();
                report.changed += payments::remember(&*tx, &got.list).await?;
                if got.next.is_none() || got.list.is_empty() {
                    finished = true;
                    break;
                }
                page += 1;
            }
            Err(e) => {
                // A page past the end (the feed shrank): start the window over.
                if matches!(
                    e,
                    iamport::Error::Api {
                        http_status: 400,
                        ..
                    }
                ) {
                    page = 1;
                }
                if matches!(e, iamport::Error::Transport { .. }) {
                    upstream = Upstream::Unreachable;
                }
                tracing::warn!(error = %e, "upstream change feed read failed");
                error = Some(e.to_string());
                break;
            }
        }
    }
    let next = if finished {
        Cursor {
            query_from: newest.map(|t| t - OVERLAP_SECS).max(cursor.query_from),
            page: 1,
        }
    } else {
        Cursor {
            query_from: cursor.query_from,
            page,
        }
    };
    feed_state::save(&tx, next, report.requests, error.as_deref(), upstream).await?;
    tx.commit().await?;
    if let Some((answered, at)) = reached {
        reach::record(state, answered, at).await;
    }
    Ok(report)
}

/// Ticks four times per interval until `stop` turns true. Failures are logged and retried on
/// the next tick.
pub async fn run(state: Shared, mut stop: watch::Receiver<bool>) {
    let period = (state.feed_interval / 4).max(Duration::from_millis(50));
    let mut ticker = tokio::time::interval(period);
    let mut clock_synced = tokio::time::Instant::now();
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        if clock_synced.elapsed() > state.clock_sync_interval {
            state.sync_clock().await;
            clock_synced = tokio::time::Instant::now();
        }
        if let Err(e) = tick(&state).await {
            tracing::warn!(error = %e, "change feed tick failed");
        }
    }
}
