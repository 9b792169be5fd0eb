//! The payment object (`PaymentAnnotation`) and its sub-objects.

use serde::{Deserialize, Serialize};

use super::enums::{CustomerUidUsage, PayMethod, PaymentStatus};
use crate::de;

/// A payment as Iamport reports it. Unknown fields are ignored; every field the spec does not
/// require is optional. Amounts are whole KRW won; timestamps are Unix seconds, `None` when unset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// Iamport's transaction id (`imp_…`).
    pub imp_uid: String,
    /// The merchant's order id.
    pub merchant_uid: String,
    /// Payment method.
    #[serde(default)]
    pub pay_method: Option<PayMethod>,
    /// `pc`, `mobile` (payment window) or `api` (billing key / non-auth).
    #[serde(default)]
    pub channel: Option<String>,
    /// PG code (`html5_inicis`, `kcp`, `kakaopay`, …).
    #[serde(default)]
    pub pg_provider: Option<String>,
    /// Easy-pay brand when paid inside a PG window.
    #[serde(default)]
    pub emb_pg_provider: Option<String>,
    /// PG transaction id.
    #[serde(default)]
    pub pg_tid: Option<String>,
    /// PG merchant id (MID).
    #[serde(default)]
    pub pg_id: Option<String>,
    /// Made on a test channel. Absent in some real bodies: defaults to `false`.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub sandbox: bool,
    /// Escrow payment.
    #[serde(default)]
    pub escrow: Option<bool>,
    /// Card approval number (may be empty).
    #[serde(default)]
    pub apply_num: Option<String>,
    /// Bank code (bank transfer).
    #[serde(default)]
    pub bank_code: Option<String>,
    /// Bank name (bank transfer).
    #[serde(default)]
    pub bank_name: Option<String>,
    /// Card company code.
    #[serde(default)]
    pub card_code: Option<String>,
    /// Card company name.
    #[serde(default)]
    pub card_name: Option<String>,
    /// Card issuer code (some PGs only).
    #[serde(default)]
    pub card_issuer_code: Option<String>,
    /// Card issuer name (some PGs only).
    #[serde(default)]
    pub card_issuer_name: Option<String>,
    /// Card publisher code (some PGs only).
    #[serde(default)]
    pub card_publisher_code: Option<String>,
    /// Card publisher name (some PGs only).
    #[serde(default)]
    pub card_publisher_name: Option<String>,
    /// Installment months; 0 = lump sum.
    #[serde(default)]
    pub card_quota: Option<i64>,
    /// Masked card number.
    #[serde(default)]
    pub card_number: Option<String>,
    /// 0 credit, 1 check/debit.
    #[serde(default)]
    pub card_type: Option<i64>,
    /// Virtual-account bank code.
    #[serde(default)]
    pub vbank_code: Option<String>,
    /// Virtual-account bank name.
    #[serde(default)]
    pub vbank_name: Option<String>,
    /// Virtual-account number (may contain dashes).
    #[serde(default)]
    pub vbank_num: Option<String>,
    /// Virtual-account holder.
    #[serde(default)]
    pub vbank_holder: Option<String>,
    /// Deposit deadline.
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub vbank_date: Option<i64>,
    /// When the virtual account was issued.
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub vbank_issued_at: Option<i64>,
    /// Order name.
    #[serde(default)]
    pub name: Option<String>,
    /// Payment amount in won.
    #[serde(deserialize_with = "de::won")]
    pub amount: i64,
    /// Total cancelled or refunded so far, in won.
    #[serde(deserialize_with = "de::won")]
    pub cancel_amount: i64,
    /// Currency (`KRW`).
    pub currency: String,
    /// Buyer name as sent.
    #[serde(default)]
    pub buyer_name: Option<String>,
    /// Buyer e-mail as sent.
    #[serde(default)]
    pub buyer_email: Option<String>,
    /// Buyer phone as sent.
    #[serde(default)]
    pub buyer_tel: Option<String>,
    /// Buyer address as sent.
    #[serde(default)]
    pub buyer_addr: Option<String>,
    /// Buyer postcode as sent.
    #[serde(default)]
    pub buyer_postcode: Option<String>,
    /// The merchant's custom data, as JSON text.
    #[serde(default, deserialize_with = "de::custom_data")]
    pub custom_data: Option<String>,
    /// Browser user agent.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// Status. Check it: a `code == 0` reply is not "paid".
    pub status: PaymentStatus,
    /// When the payment window opened.
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub started_at: Option<i64>,
    /// When it was paid.
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub paid_at: Option<i64>,
    /// When it failed.
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub failed_at: Option<i64>,
    /// When it was (last) cancelled.
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub cancelled_at: Option<i64>,
    /// Why it failed (free PG text; do not parse).
    #[serde(default)]
    pub fail_reason: Option<String>,
    /// Reason of the last cancel.
    #[serde(default)]
    pub cancel_reason: Option<String>,
    /// Sales slip URL.
    #[serde(default)]
    pub receipt_url: Option<String>,
    /// Every (partial) cancel, oldest first.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub cancel_history: Vec<CancelHistory>,
    /// Deposits into a fixed virtual account.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub deposit_history: Vec<VbankDeposit>,
    /// Deprecated: one receipt URL per cancel.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub cancel_receipt_urls: Vec<String>,
    /// A cash receipt was issued automatically.
    #[serde(default)]
    pub cash_receipt_issued: Option<bool>,
    /// Billing key used, if any.
    #[serde(default)]
    pub customer_uid: Option<String>,
    /// What the payment did with the billing key.
    #[serde(default)]
    pub customer_uid_usage: Option<CustomerUidUsage>,
    /// Promotion data (shape not specified by Iamport).
    #[serde(default)]
    pub promotion: Option<serde_json::Value>,
}

impl Payment {
    /// The balance that can still be refunded: `amount - cancel_amount`, never below zero.
    /// This, not `status`, tells a partial cancel from a full one.
    pub fn refundable(&self) -> i64 {
        self.amount.saturating_sub(self.cancel_amount).max(0)
    }

    /// `true` only when the status is `paid`. A billing charge (`again`) that was declined comes
    /// back with `code == 0` and status `failed`: that is a decline, not a success.
    pub fn is_paid(&self) -> bool {
        self.status == PaymentStatus::Paid
    }
}

/// One entry of `Payment.cancel_history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelHistory {
    /// PG cancel transaction id.
    #[serde(default)]
    pub pg_tid: Option<String>,
    /// Amount cancelled in this entry, in won.
    #[serde(deserialize_with = "de::won")]
    pub amount: i64,
    /// When.
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub cancelled_at: Option<i64>,
    /// Reason given.
    #[serde(default)]
    pub reason: Option<String>,
    /// Cancel receipt URL.
    #[serde(default)]
    pub receipt_url: Option<String>,
    /// Cancellation id (required by the spec, absent in older real bodies).
    #[serde(default)]
    pub cancellation_id: Option<String>,
}

/// One entry of `Payment.deposit_history` (fixed virtual accounts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VbankDeposit {
    /// PG transaction id.
    #[serde(default)]
    pub pg_tid: Option<String>,
    /// Deposited amount in won.
    #[serde(deserialize_with = "de::won")]
    pub amount: i64,
    /// Depositor name.
    #[serde(default)]
    pub depositor_name: Option<String>,
    /// When.
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub deposited_at: Option<i64>,
}

/// A pre-registered expected amount (`/payments/prepare`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prepared {
    /// The order id.
    pub merchant_uid: String,
    /// Expected amount in won.
    #[serde(deserialize_with = "de::won")]
    pub amount: i64,
    /// Expected currency (`None`: no currency check).
    #[serde(default)]
    pub currency: Option<String>,
}

/// One page of a payment list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentPage {
    /// Number of matches over all pages.
    pub total: u64,
    /// Previous page number (`None` on the first page).
    #[serde(default, deserialize_with = "de::opt_page")]
    pub previous: Option<u32>,
    /// Next page number (`None` on the last page).
    #[serde(default, deserialize_with = "de::opt_page")]
    pub next: Option<u32>,
    /// The payments of this page.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub list: Vec<Payment>,
}
