//! What the owner is told with a desktop notification, decided by one pure function over what
//! changed: a virtual-account deposit arrived, a renewal was declined, a refund (or any job)
//! was parked for a person, the pass (or a subscription cancelled at its period end) ends within
//! 7 days. Each is said once.
//!
//! The app reads the audit trails forward from a cursor ([`crate::Store::order_events_after`],
//! [`crate::Store::subscription_events_after`]), the parked jobs and the pass end, calls
//! [`decide`], and shows what it returns. The pass end it announced is kept in the book
//! ([`Said::restore`], [`Said::remember`]) so a restart does not repeat it; [`pass_end`] reads
//! the end from the entitlement on Iamport's clock.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::format::kst_minute;
use crate::store::{Job, SubscriptionEvent, SubscriptionState};
use crate::{OrderEvent, OrderState};

mod remembered;

pub use remembered::{access_end, decide_remembered, pass_end, PASS_END_SAID};

/// How long before the pass ends the owner is told.
pub const PASS_WARNING: Duration = Duration::days(7);

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A virtual account was paid into.
    DepositArrived,
    /// A renewal charge was declined (the subscription is past due or unpaid).
    RenewalDeclined,
    /// A refund or other job was parked: a person must look.
    WorkParked,
    /// The music ends within [`PASS_WARNING`]: a pass's end, or a cancelled subscription's.
    PassEndsSoon,
}

/// One desktop notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// What it is about.
    pub kind: NoticeKind,
    /// The title (Korean).
    pub title: String,
    /// The text (Korean; order ids at most, no buyer data).
    pub body: String,
}

/// What changed since the last call.
#[derive(Debug, Clone, Copy)]
pub struct Changes<'a> {
    /// New order events.
    pub order_events: &'a [OrderEvent],
    /// New subscription events.
    pub subscription_events: &'a [SubscriptionEvent],
    /// The jobs parked now.
    pub parked_jobs: &'a [Job],
    /// When the shop's music ends, if a pass or a subscription that will not renew ends it
    /// ([`crate::Store::pass_end_at`]).
    pub pass_ends_at: Option<DateTime<Utc>>,
    /// Now.
    pub now: DateTime<Utc>,
}

/// What was already said, kept between calls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Said {
    parked: Option<HashSet<i64>>,
    pass_end: Option<DateTime<Utc>>,
}

/// The notices for `changes`, given what was already `said` (updated).
///
/// Parked jobs present at the first call are summed up in one notice; later, each newly parked
/// job gets its own. The pass end is said once per end date.
pub fn decide(changes: Changes<'_>, said: &mut Said) -> Vec<Notice> {
    let mut notices = Vec::new();
    for event in changes.order_events {
        if event.to_state == OrderState::Paid && event.from_state == Some(OrderState::VbankIssued) {
            notices.push(Notice {
                kind: NoticeKind::DepositArrived,
                title: "가상계좌 입금 확인".into(),
                body: format!(
                    "주문 {}의 입금이 확인되어 결제가 완료되었습니다.",
                    short(&event.merchant_uid)
                ),
            });
        }
    }
    for event in changes.subscription_events {
        let declined = matches!(
            event.to_state,
            SubscriptionState::PastDue | SubscriptionState::Unpaid
        );
        if declined && event.from_state != Some(event.to_state) {
            let body = if event.to_state == SubscriptionState::Unpaid {
                "정기결제 갱신이 여러 번 거절되어 구독이 미납 상태가 되었습니다. 구독 화면에서 카드를 바꿔 주세요."
            } else {
                "정기결제 갱신 결제가 거절되었습니다. 구독 화면에서 카드를 확인해 주세요. 다시 시도합니다."
            };
            notices.push(Notice {
                kind: NoticeKind::RenewalDeclined,
                title: "정기결제 갱신 거절".into(),
                body: body.into(),
            });
        }
    }
    let parked_now: HashSet<i64> = changes.parked_jobs.iter().map(|job| job.id).collect();
    match &said.parked {
        None if !parked_now.is_empty() => notices.push(Notice {
            kind: NoticeKind::WorkParked,
            title: "확인이 필요한 작업".into(),
            body: format!(
                "처리하지 못한 작업이 {}건 있습니다. 작업 화면에서 확인해 주세요.",
                parked_now.len()
            ),
        }),
        None => {}
        Some(seen) => {
            for job in changes
                .parked_jobs
                .iter()
                .filter(|job| !seen.contains(&job.id))
            {
                let what = if job.kind.contains("cancel") || job.kind.contains("refund") {
                    "환불"
                } else {
                    "작업"
                };
                notices.push(Notice {
                    kind: NoticeKind::WorkParked,
                    title: format!("{what} 처리 중단"),
                    body: format!(
                        "주문 {}의 {what}을(를) 처리하지 못해 멈췄습니다. 작업 화면에서 확인해 주세요.",
                        short(&job.merchant_uid)
                    ),
                });
            }
        }
    }
    said.parked = Some(parked_now);
    if let Some(ends) = changes.pass_ends_at {
        let soon = ends > changes.now && ends - changes.now <= PASS_WARNING;
        if soon && said.pass_end != Some(ends) {
            said.pass_end = Some(ends);
            notices.push(Notice {
                kind: NoticeKind::PassEndsSoon,
                title: "이용권 만료 예정".into(),
                body: format!(
                    "판뮤직 이용 기간이 {}에 끝납니다. 계속 들으려면 이용권을 구매하거나 정기결제를 다시 시작해 주세요.",
                    kst_minute(ends)
                ),
            });
        }
    }
    notices
}

/// An order id short enough to read (its last 8 characters).
fn short(merchant_uid: &str) -> String {
    let count = merchant_uid.chars().count();
    if count <= 12 {
        return merchant_uid.to_owned();
    }
    let tail: String = merchant_uid.chars().skip(count - 8).collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests;
