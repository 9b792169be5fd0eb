//! What a payment leaves on an order's timeline for the receipt: Iamport's receipt links (the
//! order page opens the newest `https://` one) and the card approval number (승인번호) the printed
//! receipt shows, recorded by `reconcile` and read back from the events.

use iamport::Payment;

/// The audit detail that keeps the receipt links (the order page opens the newest one) and
/// the card approval the printed receipt shows.
pub(super) fn receipt_detail(payment: &Payment) -> Option<serde_json::Value> {
    let cancel_receipts: Vec<&str> = payment
        .cancel_history
        .iter()
        .filter_map(|c| c.receipt_url.as_deref())
        .collect();
    let card = super::card_details::card_detail(payment);
    let approval = payment
        .apply_num
        .as_deref()
        .filter(|a| !a.trim().is_empty());
    if payment.receipt_url.is_none()
        && cancel_receipts.is_empty()
        && card.is_none()
        && approval.is_none()
    {
        return None;
    }
    let mut detail = serde_json::json!({
        RECEIPT_URL_KEY: payment.receipt_url,
        "cancelReceiptUrls": cancel_receipts,
        APPROVAL_KEY: approval,
        "cardName": payment.card_name,
        "cardQuota": payment.card_quota,
    });
    if let (Some(card), Some(map)) = (card, detail.as_object_mut()) {
        map.insert(super::card_details::CARD_KEY.to_string(), card);
    }
    Some(detail)
}

/// Key of the card approval number (승인번호) in an event's `detail` (see [`approval_number`]).
pub const APPROVAL_KEY: &str = "applyNum";

/// The newest approval number recorded in an order's timeline, with the card's name.
pub fn approval_number(events: &[crate::store::OrderEvent]) -> Option<(String, Option<String>)> {
    events.iter().rev().find_map(|e| {
        let d = e.detail.get("detail")?;
        let num = d.get(APPROVAL_KEY)?.as_str()?.to_string();
        let card = d
            .get("cardName")
            .and_then(serde_json::Value::as_str)
            .map(str::to_string);
        Some((num, card))
    })
}

/// Key of the receipt URL in an event's `detail` (see [`receipt_url`]).
pub const RECEIPT_URL_KEY: &str = "receiptUrl";

/// The newest `https://` receipt URL recorded in an order's timeline (`Store::order_events`),
/// to open in the system browser. The address comes from Iamport's reply: anything else
/// (`file:`, `javascript:`, a custom scheme, plain `http:`) is never offered for opening.
pub fn receipt_url(events: &[crate::store::OrderEvent]) -> Option<String> {
    // `apply_transition` records the patch, whose own `detail` holds the receipt.
    events.iter().rev().find_map(|e| {
        e.detail
            .get("detail")
            .and_then(|d| d.get(RECEIPT_URL_KEY))
            .and_then(serde_json::Value::as_str)
            .filter(|url| is_https_url(url))
            .map(str::to_string)
    })
}

/// Whether `url` is an absolute `https://` address with a host (what the system browser may be
/// asked to open).
pub fn is_https_url(url: &str) -> bool {
    url::Url::parse(url)
        .is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some_and(|h| !h.is_empty()))
}
