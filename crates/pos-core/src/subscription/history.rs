//! A subscription's payment history: every money event of its charges (paid, declined,
//! retried, refunded, wrong amount), in the order the book recorded them. The engine applies
//! what Iamport ran in the order it ran, so after weeks with the PC off this is also Iamport's
//! order.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::SubscriptionError;
use crate::store::{OrderState, Store};

/// One line of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// The period (0 is the first).
    pub period_no: u32,
    /// The charge's `renew_` (or `billing_`) order.
    pub merchant_uid: String,
    /// What the order became.
    pub state: OrderState,
    /// A charge of a period that was declined before (a dunning retry or "다시 시도").
    pub retry: bool,
    /// When the book recorded it (this PC's clock).
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub recorded_at: DateTime<Utc>,
    /// The order event's id (the book's order).
    pub event_id: i64,
}

impl HistoryEntry {
    /// The Korean line, e.g. "2번째 기간: 결제 실패".
    pub fn label_ko(&self) -> String {
        let what = match (self.state, self.retry) {
            (OrderState::Paid, true) => "재시도 결제 완료",
            (OrderState::Paid, false) => "결제 완료",
            (OrderState::Failed, true) => "재시도 실패",
            (OrderState::Failed, false) => "결제 실패",
            (OrderState::PartiallyRefunded, _) => "부분 환불",
            (OrderState::Refunded, _) => "환불",
            (OrderState::AmountMismatch, _) => "금액 불일치 (자동 취소)",
            (other, _) => other.label_ko(),
        };
        format!("{}번째 기간: {what}", self.period_no.saturating_add(1))
    }
}

fn is_money_event(state: OrderState) -> bool {
    matches!(
        state,
        OrderState::Paid
            | OrderState::Failed
            | OrderState::PartiallyRefunded
            | OrderState::Refunded
            | OrderState::AmountMismatch
    )
}

/// The payment history of subscription `id`, oldest first.
pub fn history(store: &Store, id: &str) -> Result<Vec<HistoryEntry>, SubscriptionError> {
    let mut entries = Vec::new();
    for charge in store.subscription_charges(id)? {
        for event in store.order_events(&charge.merchant_uid)? {
            if !is_money_event(event.to_state) || event.from_state == Some(event.to_state) {
                continue;
            }
            entries.push(HistoryEntry {
                period_no: charge.period_no,
                merchant_uid: charge.merchant_uid.clone(),
                state: event.to_state,
                retry: false,
                recorded_at: event.at,
                event_id: event.id,
            });
        }
    }
    entries.sort_by_key(|e| e.event_id);
    let mut declined = std::collections::HashSet::new();
    for entry in &mut entries {
        entry.retry = declined.contains(&entry.period_no)
            && matches!(entry.state, OrderState::Paid | OrderState::Failed);
        if entry.state == OrderState::Failed || entry.state == OrderState::AmountMismatch {
            declined.insert(entry.period_no);
        }
    }
    Ok(entries)
}
