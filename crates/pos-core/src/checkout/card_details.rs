//! What the order page shows of a card payment: card company, masked number, approval number
//! and installment months, as Iamport reported them when the payment was verified (kept in the
//! paid event's audit detail, beside the sales-slip link).

use iamport::Payment;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::store::OrderEvent;

/// Key of the card details in an event's `detail`.
pub const CARD_KEY: &str = "card";

/// A card payment's details, for the order page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CardDetails {
    /// Card company, e.g. `신한카드`.
    pub name: Option<String>,
    /// The number as the PG masks it, e.g. `559410*********4`.
    pub number: Option<String>,
    /// Approval number (승인번호).
    pub approval: Option<String>,
    /// Installment months; 0 is a lump sum (일시불).
    #[ts(type = "number | null")]
    pub installments: Option<i64>,
}

/// The card details of `payment`, when it is a card payment that reported any.
pub(crate) fn card_detail(payment: &Payment) -> Option<serde_json::Value> {
    let blank = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let details = CardDetails {
        name: blank(&payment.card_name),
        number: blank(&payment.card_number),
        approval: blank(&payment.apply_num),
        installments: payment.card_quota,
    };
    let any = details.name.is_some() || details.number.is_some() || details.approval.is_some();
    (payment.pay_method == Some(iamport::PayMethod::Card) && any)
        .then(|| serde_json::to_value(details).ok())
        .flatten()
}

/// The newest card details recorded in an order's timeline.
pub fn card_details(events: &[OrderEvent]) -> Option<CardDetails> {
    events.iter().rev().find_map(|e| {
        e.detail
            .get("detail")
            .and_then(|d| d.get(CARD_KEY))
            .and_then(|c| serde_json::from_value(c.clone()).ok())
    })
}
