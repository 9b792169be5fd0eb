//! Wire shapes of the objects the V1 API returns (Payment, Customer, Schedule).
//!
//! Field order is alphabetical on purpose: the real API returns its keys sorted, and a faithful
//! fake keeps that. Money is `i64` won; unset timestamps are `0`, never `null`.

use serde::{Deserialize, Serialize};

/// Payment status as the V1 API spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentStatus {
    /// Not paid yet (window open or abandoned, or a virtual account waiting for a deposit).
    Ready,
    /// Paid.
    Paid,
    /// Cancelled, fully or partially (see the crate README on partial cancels).
    Cancelled,
    /// Failed (declined, or a failed scheduled charge).
    Failed,
}

impl PaymentStatus {
    /// Parses the path segment used by `find`, `findAll` and `status/{status}`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ready" => Some(Self::Ready),
            "paid" => Some(Self::Paid),
            "cancelled" => Some(Self::Cancelled),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// One entry of `cancel_history` (`PaymentCancelAnnotation`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CancelEntry {
    pub amount: i64,
    pub cancellation_id: String,
    pub cancelled_at: i64,
    pub pg_tid: String,
    pub reason: Option<String>,
    pub receipt_url: Option<String>,
}

/// The `Payment` object (`PaymentAnnotation`) with every field of REFERENCE §3.3.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Payment {
    pub amount: i64,
    pub apply_num: Option<String>,
    pub bank_code: Option<String>,
    pub bank_name: Option<String>,
    pub buyer_addr: Option<String>,
    pub buyer_email: Option<String>,
    pub buyer_name: Option<String>,
    pub buyer_postcode: Option<String>,
    pub buyer_tel: Option<String>,
    pub cancel_amount: i64,
    pub cancel_history: Vec<CancelEntry>,
    pub cancel_reason: Option<String>,
    pub cancel_receipt_urls: Vec<String>,
    pub cancelled_at: i64,
    pub card_code: Option<String>,
    pub card_issuer_code: Option<String>,
    pub card_issuer_name: Option<String>,
    pub card_name: Option<String>,
    pub card_number: Option<String>,
    pub card_publisher_code: Option<String>,
    pub card_publisher_name: Option<String>,
    pub card_quota: i64,
    pub card_type: Option<i64>,
    pub cash_receipt_issued: bool,
    pub channel: String,
    pub currency: String,
    pub custom_data: Option<String>,
    pub customer_uid: Option<String>,
    pub customer_uid_usage: Option<String>,
    pub deposit_history: Vec<serde_json::Value>,
    pub emb_pg_provider: Option<String>,
    pub escrow: bool,
    pub fail_reason: Option<String>,
    pub failed_at: i64,
    pub imp_uid: String,
    pub merchant_uid: String,
    pub name: Option<String>,
    pub paid_at: i64,
    pub pay_method: String,
    pub pg_id: String,
    pub pg_provider: String,
    pub pg_tid: Option<String>,
    pub promotion: Option<serde_json::Value>,
    pub receipt_url: Option<String>,
    pub sandbox: bool,
    pub started_at: i64,
    pub status: PaymentStatus,
    pub user_agent: Option<String>,
    pub vbank_code: Option<String>,
    pub vbank_date: i64,
    pub vbank_holder: Option<String>,
    pub vbank_issued_at: i64,
    pub vbank_name: Option<String>,
    pub vbank_num: Option<String>,
}

/// The `Customer` object (`CustomerAnnotation`): one billing key.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Customer {
    pub card_code: Option<String>,
    pub card_issuer_code: Option<String>,
    pub card_issuer_name: Option<String>,
    pub card_name: String,
    pub card_number: Option<String>,
    pub card_publisher_code: Option<String>,
    pub card_publisher_name: Option<String>,
    pub card_type: Option<i64>,
    pub customer_addr: Option<String>,
    pub customer_email: Option<String>,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub customer_postcode: Option<String>,
    pub customer_tel: Option<String>,
    pub customer_uid: String,
    pub inserted: i64,
    pub pg_id: String,
    pub pg_provider: String,
    pub sandbox: bool,
    pub updated: i64,
}

/// Schedule status as the V1 API spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScheduleStatus {
    /// Waiting for `schedule_at`.
    Scheduled,
    /// Attempted (see `payment_status` for the outcome).
    Executed,
    /// Revoked by `unschedule`.
    Revoked,
}

impl ScheduleStatus {
    /// Parses the `schedule_status` / `schedule-status` query value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "scheduled" => Some(Self::Scheduled),
            "executed" => Some(Self::Executed),
            "revoked" => Some(Self::Revoked),
            _ => None,
        }
    }
}

/// The schedule object (`ScheduleResultAnnotation`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Schedule {
    pub amount: i64,
    pub buyer_addr: Option<String>,
    pub buyer_email: Option<String>,
    pub buyer_name: Option<String>,
    pub buyer_postcode: Option<String>,
    pub buyer_tel: Option<String>,
    pub currency: String,
    pub custom_data: Option<String>,
    pub customer_id: Option<String>,
    pub customer_uid: String,
    pub executed_at: i64,
    pub fail_reason: Option<String>,
    pub imp_uid: Option<String>,
    pub merchant_uid: String,
    pub name: Option<String>,
    pub payment_status: Option<PaymentStatus>,
    pub pg_id: String,
    pub pg_provider: String,
    pub promotion_id: Option<String>,
    pub revoked_at: i64,
    pub schedule_at: i64,
    pub schedule_status: ScheduleStatus,
}

/// A paged list (`PagedPaymentAnnotation` and the paged schedule list clients parse).
#[derive(Clone, Debug, Serialize)]
pub struct Paged<T> {
    pub list: Vec<T>,
    pub next: u64,
    pub previous: u64,
    pub total: u64,
}

/// `PaymentPrepareAnnotation`: an expected amount registered before the window opens.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Prepared {
    pub amount: i64,
    pub currency: Option<String>,
    pub merchant_uid: String,
}
