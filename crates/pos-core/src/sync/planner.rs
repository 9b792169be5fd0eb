//! The poll planner: a pure function from (open orders, change-feed cursor, clock) to this
//! cycle's questions for Iamport. No I/O, no clock reads: every input is an argument, so the
//! whole policy is table-tested.
//!
//! Two kinds of question, and the cost of each grows with what changed, never with the size
//! of the order book:
//! - **Batch lookups** by merchant_uid (at most 100 ids a call) for *open* orders whose next
//!   check is due. Cadence follows state and age: seconds right after a payment window closed,
//!   minutes later on, minutes for an issued virtual account until its deadline. Past the give-up
//!   point (a window closed a day ago, a virtual account past its deadline) an order gets one
//!   last check and, if still unpaid, becomes `abandoned`.
//! - **The change feed**: `GET /payments/status/all?sorting=updated&from=<cursor - overlap>`,
//!   paged. It catches what happens to orders we consider settled (a console cancel) and
//!   payments completed while the app was closed. It runs every `feed_when_open` while orders are
//!   open and every sweep (`poll.sweep_secs`) when nothing is.
//!
//! The cursor is in Iamport's clock (the largest status time the feed has shown us), never ours.
//! The planner otherwise works on this PC's clock (ages and next checks are durations on one
//! clock); Iamport's instants come in translated by the measured offset (a virtual account's
//! deadline, see `SyncCore::open_orders`), and the feed window goes out in Iamport's clock.
//! Iamport documents that `from/to` filter on the time of the payment's *current* status
//! (ready→started, paid→paid, cancelled→cancelled, failed→failed); a server could instead filter
//! on the last update. Any change after the cursor moves both times past it, so the window
//! `[cursor - overlap, now]` holds every change under both readings; the overlap absorbs
//! same-second writes and replicas, and the engine drops the repeats by (imp_uid, status,
//! cancel_amount). The window is at most 90 days: a cursor older than that is walked forward
//! one 90-day window per cycle.
//!
//! Times from Iamport are data, not trusted: no arithmetic on them may panic (every sum
//! saturates at chrono's limits), and the cursor never moves past our now plus
//! [`CURSOR_SKEW_SECS`], whatever time a reply carries. A cursor in the future would start every
//! later window after the payments that matter; capping it only widens the window (repeats
//! are dropped), so a PC clock slightly behind Iamport's loses nothing.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::{Order, OrderState};

/// The most ids one `GET /payments` call accepts.
pub const LOOKUP_BATCH: usize = 100;
/// The widest `from`/`to` window of `/payments/status/*`, in seconds.
pub const FEED_WINDOW_SECS: i64 = 90 * 24 * 3600;
/// How far past Iamport's now as we know it the change-feed cursor may be (the offset is
/// measured to the second).
pub const CURSOR_SKEW_SECS: i64 = 60;

/// The latest cursor accepted at `now` (Iamport's clock): now plus [`CURSOR_SKEW_SECS`].
pub fn cursor_ceiling(now: DateTime<Utc>) -> i64 {
    now.timestamp().saturating_add(CURSOR_SKEW_SECS)
}

/// The cadence rules. `Default` is the production policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollPolicy {
    /// Just after a window closed, check this often…
    pub fresh_every: Duration,
    /// …for this long.
    pub fresh_for: Duration,
    /// Then this often…
    pub warm_every: Duration,
    /// …until this age.
    pub warm_for: Duration,
    /// Then this often until `give_up_after`.
    pub cold_every: Duration,
    /// An order with no payment this long after its window (or creation) is abandoned after a
    /// last check.
    pub give_up_after: Duration,
    /// How often an issued virtual account is checked before its deadline.
    pub vbank_every: Duration,
    /// How long after a virtual account's deadline it is given up.
    pub vbank_grace: Duration,
    /// A virtual account with no known deadline is given up this long after issue.
    pub vbank_default_life: Duration,
    /// Change-feed interval while orders are open.
    pub feed_when_open: Duration,
    /// Change-feed interval when nothing is open (`poll.sweep_secs`).
    pub sweep: Duration,
    /// How far before the cursor the feed starts again.
    pub overlap: Duration,
    /// Page size of the change feed (1..=1000).
    pub feed_page: u32,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            fresh_every: Duration::from_secs(5),
            fresh_for: Duration::from_secs(120),
            warm_every: Duration::from_secs(60),
            warm_for: Duration::from_secs(30 * 60),
            cold_every: Duration::from_secs(15 * 60),
            give_up_after: Duration::from_secs(24 * 3600),
            vbank_every: Duration::from_secs(10 * 60),
            vbank_grace: Duration::from_secs(10 * 60),
            vbank_default_life: Duration::from_secs(7 * 24 * 3600),
            feed_when_open: Duration::from_secs(30),
            sweep: Duration::from_secs(300),
            overlap: Duration::from_secs(120),
            feed_page: 1000,
        }
    }
}

/// What the planner needs of an open order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOrder {
    /// The order.
    pub merchant_uid: String,
    /// `created`, `awaiting_payment` or `vbank_issued`.
    pub state: OrderState,
    /// Since when it is in this state: creation for `created`, the window's return otherwise.
    pub since: DateTime<Utc>,
    /// When it is due for a lookup (`None`: never scheduled, so due now).
    pub next_check_at: Option<DateTime<Utc>>,
    /// The virtual account's deadline.
    pub vbank_due: Option<DateTime<Utc>>,
}

impl From<&Order> for OpenOrder {
    fn from(o: &Order) -> Self {
        OpenOrder {
            merchant_uid: o.merchant_uid.clone(),
            state: o.state,
            since: if o.state == OrderState::Created {
                o.created_at
            } else {
                o.updated_at
            },
            next_check_at: o.next_check_at,
            vbank_due: o.vbank_due,
        }
    }
}

/// The planner's inputs.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    /// Every open order.
    pub orders: &'a [OpenOrder],
    /// The change-feed cursor (Iamport's clock, Unix seconds), if one was ever stored.
    pub cursor: Option<i64>,
    /// When the feed last completed (our clock), if ever in this process.
    pub last_feed_at: Option<DateTime<Utc>>,
    /// Now (our clock).
    pub now: DateTime<Utc>,
    /// Iamport's clock minus ours, as measured at the last token reply (zero while unknown).
    /// The feed window is in Iamport's clock: its `from` and the 90-day cut are taken from
    /// `now + iamport_offset`.
    pub iamport_offset: chrono::Duration,
    /// `sync --once` / 지금 동기화: look every open order up and read the feed, due or not.
    pub full: bool,
    /// The cadence.
    pub policy: &'a PollPolicy,
}

/// The change-feed request of this cycle: `from` inclusive, `to` (`None`: Iamport's now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedPlan {
    /// Unix seconds, inclusive.
    pub from: i64,
    /// Unix seconds; set only when the window must be cut to 90 days.
    pub to: Option<i64>,
}

/// This cycle's questions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PollPlan {
    /// Batches of merchant_uids to look up, each at most [`LOOKUP_BATCH`].
    pub lookups: Vec<Vec<String>>,
    /// Orders past their give-up point: abandoned if the lookup shows them still unpaid.
    pub last_checks: Vec<String>,
    /// The change feed, if due.
    pub feed: Option<FeedPlan>,
}

impl PollPlan {
    /// Number of REST calls the plan costs at least (one per batch, one per feed page).
    pub fn min_requests(&self) -> usize {
        self.lookups.len() + usize::from(self.feed.is_some())
    }
}

fn secs(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// `t + d`, saturating at the end of chrono's time instead of panicking (`t` may come from a
/// reply: a `vbank_date` in the year 262,000 is data, not a reason to stop).
fn later(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t.checked_add_signed(secs(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// When an order should be looked up next after a check at `now`, and whether `now` is past
/// its give-up point (this check is its last).
pub fn next_check(order: &OpenOrder, now: DateTime<Utc>, p: &PollPolicy) -> (DateTime<Utc>, bool) {
    let age = now.signed_duration_since(order.since);
    match order.state {
        OrderState::VbankIssued => {
            let due = order
                .vbank_due
                .unwrap_or_else(|| later(order.since, p.vbank_default_life));
            let give_up = later(due, p.vbank_grace);
            if now >= give_up {
                (now, true)
            } else {
                (later(now, p.vbank_every).min(give_up), false)
            }
        }
        _ => {
            if age >= secs(p.give_up_after) {
                return (now, true);
            }
            let every = if age < secs(p.fresh_for) {
                p.fresh_every
            } else if age < secs(p.warm_for) {
                p.warm_every
            } else {
                p.cold_every
            };
            let give_up = later(order.since, p.give_up_after);
            (later(now, every).min(give_up).max(now), false)
        }
    }
}

/// Whether the feed is due now.
fn feed_due(input: &PlanInput<'_>) -> bool {
    if input.full {
        return true;
    }
    let every = if input.orders.is_empty() {
        input.policy.sweep
    } else {
        input.policy.feed_when_open
    };
    match input.last_feed_at {
        None => true,
        Some(last) => input.now >= later(last, every),
    }
}

/// Where the feed starts: the cursor (at most [`cursor_ceiling`]) minus the overlap; without
/// a cursor, the oldest open order (minus the overlap) or now. A window wider than 90 days is
/// cut to its first 90 days.
pub fn feed_window(input: &PlanInput<'_>) -> FeedPlan {
    let overlap = i64::try_from(input.policy.overlap.as_secs()).unwrap_or(i64::MAX);
    // Our instants moved onto Iamport's clock.
    let offset = input.iamport_offset.num_seconds();
    let now = input.now.timestamp().saturating_add(offset);
    let start = match input.cursor {
        Some(c) => c.min(now.saturating_add(CURSOR_SKEW_SECS)),
        None => input
            .orders
            .iter()
            .map(|o| o.since.timestamp().saturating_add(offset))
            .min()
            .unwrap_or(now)
            .min(now),
    };
    let from = start.saturating_sub(overlap).max(0);
    let to = (now.saturating_sub(from) > FEED_WINDOW_SECS)
        .then(|| from.saturating_add(FEED_WINDOW_SECS));
    FeedPlan { from, to }
}

/// Plans one cycle. Pure.
pub fn plan(input: &PlanInput<'_>) -> PollPlan {
    let mut due: Vec<&OpenOrder> = input
        .orders
        .iter()
        .filter(|o| input.full || o.next_check_at.is_none_or(|at| at <= input.now))
        .collect();
    due.sort_by(|a, b| a.merchant_uid.cmp(&b.merchant_uid));
    let last_checks = due
        .iter()
        .filter(|o| next_check(o, input.now, input.policy).1)
        .map(|o| o.merchant_uid.clone())
        .collect();
    let lookups = due
        .chunks(LOOKUP_BATCH)
        .map(|chunk| chunk.iter().map(|o| o.merchant_uid.clone()).collect())
        .collect();
    PollPlan {
        lookups,
        last_checks,
        feed: feed_due(input).then(|| feed_window(input)),
    }
}

/// When the next cycle should run: the earliest next check, the next feed, or a due job,
/// never later than one sweep from now and never earlier than now.
pub fn wake_at(
    orders: &[OpenOrder],
    last_feed_at: Option<DateTime<Utc>>,
    next_job_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    p: &PollPolicy,
) -> DateTime<Utc> {
    let feed_every = if orders.is_empty() {
        p.sweep
    } else {
        p.feed_when_open
    };
    let feed_at = last_feed_at.map_or(now, |t| later(t, feed_every));
    let check_at = orders.iter().map(|o| o.next_check_at.unwrap_or(now)).min();
    [Some(feed_at), check_at, next_job_at]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(now)
        .clamp(now, later(now, p.sweep))
}
