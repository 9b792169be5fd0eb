//! Cash receipts (현금영수증, `ReceiptAnnotation`) and the request that issues one.

use serde::{Deserialize, Serialize};

use crate::de;

/// Who a cash receipt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptType {
    /// 소득공제용 (a person; identifier: phone number, cash-receipt card or resident number).
    Person,
    /// 지출증빙용 (a business; identifier: business registration number).
    Company,
}

impl ReceiptType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptType::Person => "person",
            ReceiptType::Company => "company",
        }
    }
}

/// `POST /receipts/{imp_uid}`: issue a cash receipt for a cash-like payment (virtual account,
/// bank transfer; phone by some PGs). The amount is the payment's (its balance after partial
/// cancels); the caller never sends one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptRequest {
    /// Phone number, business registration number, cash-receipt card or resident number (digits).
    pub identifier: String,
    /// `person`, `business`, `phone` or `taxcard` (required by KICC and Settlebank; others infer it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier_type: Option<String>,
    /// 소득공제 or 지출증빙.
    #[serde(rename = "type")]
    pub receipt_type: ReceiptType,
    /// Buyer's name (recommended for tracing the receipt later).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_name: Option<String>,
    /// `digital` for music (required by KSNET).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_type: Option<String>,
}

/// A cash receipt as Iamport reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The payment it is for.
    pub imp_uid: String,
    /// The PG's id of the receipt.
    #[serde(default)]
    pub receipt_tid: Option<String>,
    /// 국세청 approval number.
    #[serde(default)]
    pub apply_num: Option<String>,
    /// `person` or `company`.
    #[serde(rename = "type", default)]
    pub receipt_type: Option<String>,
    /// Won covered.
    #[serde(deserialize_with = "de::won")]
    pub amount: i64,
    /// VAT within `amount`.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub vat: i64,
    /// Where the receipt can be seen.
    #[serde(default)]
    pub receipt_url: Option<String>,
    /// When it was issued (Unix seconds).
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub applied_at: Option<i64>,
    /// When it was cancelled (Unix seconds); `None` while it stands.
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub cancelled_at: Option<i64>,
}

impl Receipt {
    /// True while the receipt stands (issued, not cancelled).
    pub fn is_active(&self) -> bool {
        self.cancelled_at.is_none()
    }
}
