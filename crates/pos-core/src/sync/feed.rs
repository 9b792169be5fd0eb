//! Reading the change feed and remembering what it already showed.

use std::collections::HashMap;

use iamport::{Payment, PaymentStatus};

/// The time Iamport files a payment under in `/payments/status/*`: the time of its current
/// status (REFERENCE §3.2). An unknown status falls back to the latest time it carries.
pub fn status_time(p: &Payment) -> i64 {
    let latest = [p.started_at, p.paid_at, p.failed_at, p.cancelled_at]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0);
    match p.status {
        PaymentStatus::Ready => p.started_at,
        PaymentStatus::Paid => p.paid_at,
        PaymentStatus::Cancelled => p.cancelled_at,
        PaymentStatus::Failed => p.failed_at,
        PaymentStatus::Unknown(_) => None,
    }
    .unwrap_or(latest)
}

/// What makes two sightings of a payment the same fact.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeenKey {
    imp_uid: String,
    status: String,
    cancel_amount: i64,
}

impl SeenKey {
    /// The key of `p`.
    pub fn of(p: &Payment) -> SeenKey {
        SeenKey {
            imp_uid: p.imp_uid.clone(),
            status: p.status.as_str().to_owned(),
            cancel_amount: p.cancel_amount,
        }
    }
}

/// Payments already applied, keyed by (imp_uid, status, cancel_amount), with their status time
/// so entries older than the feed's overlap can be forgotten (memory stays bounded).
#[derive(Debug, Default)]
pub struct Seen {
    entries: HashMap<SeenKey, i64>,
}

impl Seen {
    /// Whether this exact fact was already applied.
    pub fn contains(&self, p: &Payment) -> bool {
        self.entries.contains_key(&SeenKey::of(p))
    }

    /// Records `p` as applied (call once its transaction committed).
    pub fn remember(&mut self, p: &Payment) {
        self.entries.insert(SeenKey::of(p), status_time(p));
    }

    /// Forgets facts filed before `before` (they cannot come back through the feed).
    pub fn forget_before(&mut self, before: i64) {
        self.entries.retain(|_, t| *t >= before);
    }

    /// How many facts are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The next page to ask for after `page` (1-based) showed `list`, starting at `from`.
///
/// Keyset when the page's status times ascend: the next request starts at the last time shown
/// (inclusive, repeats are dropped by [`Seen`]), so a payment that changes while we page cannot
/// shift another one out of sight. Plain paging when they do not ascend, or when a whole page
/// shares one second (moving `from` would not advance).
pub fn next_page(from: i64, page: u32, list: &[Payment]) -> (i64, u32) {
    let times: Vec<i64> = list.iter().map(status_time).collect();
    let ascending = times.windows(2).all(|w| w[0] <= w[1]);
    match times.last() {
        Some(&last) if ascending && last > from => (last, 1),
        _ => (from, page.saturating_add(1)),
    }
}
