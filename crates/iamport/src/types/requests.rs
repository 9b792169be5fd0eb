//! Request bodies and list queries. Amounts are whole won (`i64`).

use serde::{Deserialize, Serialize};

use super::enums::{PaymentStatus, ScheduleSorting, ScheduleStatus, Sorting};

/// Query of `GET /payments/status/{status}`. All fields optional; the server defaults to
/// status `all`, page 1, limit 20, `to` = now, `from` = `to` − 90 days (the maximum window).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusQuery {
    /// Status filter; `None` means `all`.
    pub status: Option<PaymentStatus>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Page size, 1 to 1000.
    pub limit: Option<u32>,
    /// Window start, Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Window end, Unix seconds.
    pub to: Option<i64>,
    /// Order.
    pub sorting: Option<Sorting>,
}

/// Query of the schedule lists (window at most 3 months).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleQuery {
    /// Window start (`schedule_at >= from`), Unix seconds.
    pub from: i64,
    /// Window end (`schedule_at < to`), Unix seconds.
    pub to: i64,
    /// Status filter.
    pub status: Option<ScheduleStatus>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Page size, 1 to 1000 (the per-customer list ignores it).
    pub limit: Option<u32>,
    /// Order (the per-customer list ignores it).
    pub sorting: Option<ScheduleSorting>,
}

/// Body of `POST /payments/cancel`.
///
/// Exactly one target is needed (`imp_uid` wins when both are set). `amount: None` cancels the
/// whole refundable balance; `Some(0)` is refused by the client because the API reads 0 as "full".
/// `checksum` is the refundable balance the caller believes exists before this cancel; Iamport
/// refuses the cancel when its own balance differs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelRequest {
    /// Target payment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imp_uid: Option<String>,
    /// Target order (used when `imp_uid` is `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_uid: Option<String>,
    /// Amount to cancel in won; `None` = full cancel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// Refundable balance before this cancel, as the caller believes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum: Option<i64>,
    /// Cancel reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Tax-free part of the cancelled amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_free: Option<i64>,
    /// VAT part of the cancelled amount (some PGs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_amount: Option<i64>,
    /// Refund account holder (virtual-account refunds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_holder: Option<String>,
    /// Refund bank code (virtual-account refunds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_bank: Option<String>,
    /// Refund account number (virtual-account refunds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_account: Option<String>,
    /// Refund account holder's phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_tel: Option<String>,
}

/// Body of `POST /subscribe/payments/again`: charge a stored billing key now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgainRequest {
    /// Billing key to charge.
    pub customer_uid: String,
    /// Order id, unique per charge; reuse it on a retry.
    pub merchant_uid: String,
    /// Amount in won (> 0).
    pub amount: i64,
    /// Order name.
    pub name: String,
    /// Currency (default KRW).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Tax-free part of the amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_free: Option<i64>,
    /// Buyer name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_name: Option<String>,
    /// Buyer e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_email: Option<String>,
    /// Buyer phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_tel: Option<String>,
    /// Buyer address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_addr: Option<String>,
    /// Buyer postcode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_postcode: Option<String>,
    /// Custom data (a JSON string), echoed on the payment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_data: Option<String>,
    /// Webhook URL for this charge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice_url: Option<String>,
}

/// Body of `POST /subscribe/payments/schedule`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRequest {
    /// Billing key the schedules charge.
    pub customer_uid: String,
    /// The charges to schedule (at least one).
    pub schedules: Vec<ScheduleItem>,
}

/// One scheduled charge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleItem {
    /// Order id, unique.
    pub merchant_uid: String,
    /// Execution time, Unix seconds.
    pub schedule_at: i64,
    /// Amount in won (> 0).
    pub amount: i64,
    /// Order name.
    pub name: String,
    /// Currency; the API requires it, so `None` is sent as `KRW`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Tax-free part of the amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_free: Option<i64>,
    /// Buyer name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_name: Option<String>,
    /// Buyer e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_email: Option<String>,
    /// Buyer phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_tel: Option<String>,
    /// Buyer address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_addr: Option<String>,
    /// Buyer postcode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_postcode: Option<String>,
    /// Custom data (a JSON string), copied to the executed payment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_data: Option<String>,
    /// Webhook URL for this execution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice_url: Option<String>,
}
