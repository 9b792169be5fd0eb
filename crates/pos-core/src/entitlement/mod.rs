//! 이용 기간 (entitlement): until when the shop has music, as a pure function of the books.
//!
//! - Each paid pass (이용권) grants its plan's months, in KST calendar months with the same
//!   arithmetic as subscription periods ([`crate::subscription::period::next_boundary`],
//!   anchored on the day the period starts: 31 Jan + 1 month = 28/29 Feb).
//! - Passes stack: a pass paid while an earlier one still runs starts when that one ends.
//! - A fully refunded pass grants nothing, so the passes after it move back; a partly refunded
//!   pass keeps its whole period.
//! - A subscription grants each paid period of its charges (a fully refunded charge, refunded
//!   in the app or in Iamport's console, grants nothing). While it is `past_due` the dunning
//!   window after the last paid period is a grace period; `unpaid` has none.
//!
//! Nothing is stored: [`entitlement`] is recomputed from the order book every time, so every
//! refund and renewal, whoever records it, flows in. `now` is Iamport's clock.

mod books;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::subscription::period::{anchor_day_of, next_boundary};
use crate::subscription::DunningPolicy;

pub use books::EntitlementBooks;

/// Days before the end from which the home screen warns.
pub const WARN_DAYS: i64 = 7;

/// A paid pass as the books hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidPass {
    /// The order.
    pub merchant_uid: String,
    /// The plan bought.
    pub plan_id: String,
    /// The plan's months.
    pub months: u32,
    /// When Iamport says it was paid.
    pub paid_at: DateTime<Utc>,
    /// Fully refunded (grants nothing).
    pub refunded: bool,
    /// Partly refunded (keeps its period).
    pub partially_refunded: bool,
}

/// A paid subscription charge and the period it pays for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidCharge {
    /// The charge's order.
    pub merchant_uid: String,
    /// Start of the period paid for.
    pub start: DateTime<Utc>,
    /// End of the period paid for.
    pub end: DateTime<Utc>,
    /// Fully refunded (grants nothing).
    pub refunded: bool,
}

/// A subscription as far as entitlement goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionGrant {
    /// The subscription's id (the `source` of its periods).
    pub id: String,
    /// The plan.
    pub plan_id: String,
    /// `past_due`: the dunning window after the last paid period is a grace period.
    pub past_due: bool,
    /// When the failing renewal first failed (the dunning window counts from it).
    pub first_failed_at: Option<DateTime<Utc>>,
    /// Its charges that were paid.
    pub charges: Vec<PaidCharge>,
}

/// What grants a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GrantKind {
    /// A paid pass (이용권).
    Pass,
    /// A paid subscription period (정기결제).
    Subscription,
    /// The grace period of a subscription whose renewal is being retried.
    Grace,
}

/// One granted period `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GrantedPeriod {
    /// First instant.
    #[ts(type = "string")]
    pub start: DateTime<Utc>,
    /// First instant after.
    #[ts(type = "string")]
    pub end: DateTime<Utc>,
    /// The pass's merchant_uid, or the subscription's id.
    pub source: String,
    /// Pass, subscription period or grace.
    pub kind: GrantKind,
    /// The plan.
    pub plan_id: String,
    /// A partly refunded pass (its period is kept; the UI says so).
    pub partially_refunded: bool,
}

/// Until when the shop has music, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Entitlement {
    /// The end of the unbroken run of periods that covers `now` (`None`: no music now).
    #[ts(type = "string | null")]
    pub active_until: Option<DateTime<Utc>>,
    /// The periods that cover `now` (what grants the music now).
    pub current: Vec<GrantedPeriod>,
    /// Whether the end is within [`WARN_DAYS`] days.
    pub ends_soon: bool,
    /// Every granted period, by start.
    pub periods: Vec<GrantedPeriod>,
    /// The instant this was computed for (Iamport's clock).
    #[ts(type = "string")]
    pub now: DateTime<Utc>,
}

/// A KST date as the home screen writes it: `2027. 1. 29.`.
pub fn until_label(t: DateTime<Utc>) -> String {
    t.with_timezone(&crate::format::kst())
        .format("%Y. %-m. %-d.")
        .to_string()
}

/// `from` plus `months` KST calendar months, anchored on `from`'s KST day (the subscription
/// period arithmetic). `None` past chrono's range.
pub fn add_months(from: DateTime<Utc>, months: u32) -> Option<DateTime<Utc>> {
    let anchor = anchor_day_of(from);
    let mut at = from;
    for _ in 0..months {
        at = next_boundary(at, anchor)?;
    }
    Some(at)
}

/// The periods the passes grant, stacked in the order they were paid.
pub fn pass_periods(passes: &[PaidPass]) -> Vec<GrantedPeriod> {
    let mut paid: Vec<&PaidPass> = passes.iter().filter(|p| !p.refunded).collect();
    paid.sort_by(|a, b| (a.paid_at, &a.merchant_uid).cmp(&(b.paid_at, &b.merchant_uid)));
    let mut out = Vec::with_capacity(paid.len());
    let mut last_end: Option<DateTime<Utc>> = None;
    for pass in paid {
        let start = last_end.map_or(pass.paid_at, |end| end.max(pass.paid_at));
        let Some(end) = add_months(start, pass.months) else {
            continue;
        };
        last_end = Some(end);
        out.push(GrantedPeriod {
            start,
            end,
            source: pass.merchant_uid.clone(),
            kind: GrantKind::Pass,
            plan_id: pass.plan_id.clone(),
            partially_refunded: pass.partially_refunded,
        });
    }
    out
}

/// The periods a subscription grants: its paid periods, plus the grace while it is past due.
pub fn subscription_periods(sub: &SubscriptionGrant, policy: &DunningPolicy) -> Vec<GrantedPeriod> {
    let mut out: Vec<GrantedPeriod> = sub
        .charges
        .iter()
        .filter(|c| !c.refunded && c.end > c.start)
        .map(|c| GrantedPeriod {
            start: c.start,
            end: c.end,
            source: sub.id.clone(),
            kind: GrantKind::Subscription,
            plan_id: sub.plan_id.clone(),
            partially_refunded: false,
        })
        .collect();
    out.sort_by_key(|p| p.start);
    if sub.past_due {
        if let Some(last_end) = out.iter().map(|p| p.end).max() {
            let window = policy
                .retry_offsets
                .last()
                .copied()
                .unwrap_or(Duration::zero());
            let grace_end = sub.first_failed_at.unwrap_or(last_end).max(last_end) + window;
            if grace_end > last_end {
                out.push(GrantedPeriod {
                    start: last_end,
                    end: grace_end,
                    source: sub.id.clone(),
                    kind: GrantKind::Grace,
                    plan_id: sub.plan_id.clone(),
                    partially_refunded: false,
                });
            }
        }
    }
    out
}

/// The entitlement the books grant at `now` (Iamport's clock).
pub fn entitlement(
    passes: &[PaidPass],
    subscriptions: &[SubscriptionGrant],
    policy: &DunningPolicy,
    now: DateTime<Utc>,
) -> Entitlement {
    let mut periods = pass_periods(passes);
    for sub in subscriptions {
        periods.extend(subscription_periods(sub, policy));
    }
    periods.sort_by(|a, b| (a.start, a.end, &a.source).cmp(&(b.start, b.end, &b.source)));
    let current: Vec<GrantedPeriod> = periods
        .iter()
        .filter(|p| p.start <= now && now < p.end)
        .cloned()
        .collect();
    let active_until = current.iter().map(|p| p.end).max().map(|mut until| {
        // Follow periods that start before (or when) the run ends.
        loop {
            let further = periods
                .iter()
                .filter(|p| p.start <= until && p.end > until)
                .map(|p| p.end)
                .max();
            match further {
                Some(end) => until = end,
                None => break until,
            }
        }
    });
    let ends_soon = active_until.is_some_and(|until| until - now <= Duration::days(WARN_DAYS));
    Entitlement {
        active_until,
        current,
        ends_soon,
        periods,
        now,
    }
}

#[cfg(test)]
mod tests;
