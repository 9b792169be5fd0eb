//! Billing keys (`CustomerAnnotation`).

use serde::{Deserialize, Serialize};

use crate::de;

/// A billing key registered under a `customer_uid`. The card number is masked by Iamport.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// The merchant's handle for this billing key.
    pub customer_uid: String,
    /// PG code.
    #[serde(default)]
    pub pg_provider: Option<String>,
    /// PG merchant id.
    #[serde(default)]
    pub pg_id: Option<String>,
    /// Issued on a test channel.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub sandbox: bool,
    /// Toss Payments customer id.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Card company name.
    #[serde(default)]
    pub card_name: Option<String>,
    /// Card company code.
    #[serde(default)]
    pub card_code: Option<String>,
    /// Card issuer code.
    #[serde(default)]
    pub card_issuer_code: Option<String>,
    /// Card issuer name.
    #[serde(default)]
    pub card_issuer_name: Option<String>,
    /// Card publisher code.
    #[serde(default)]
    pub card_publisher_code: Option<String>,
    /// Card publisher name.
    #[serde(default)]
    pub card_publisher_name: Option<String>,
    /// Masked card number.
    #[serde(default)]
    pub card_number: Option<String>,
    /// 0 credit, 1 check/debit.
    #[serde(default)]
    pub card_type: Option<i64>,
    /// Card holder name.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// Card holder phone.
    #[serde(default)]
    pub customer_tel: Option<String>,
    /// Card holder e-mail.
    #[serde(default)]
    pub customer_email: Option<String>,
    /// Card holder address.
    #[serde(default)]
    pub customer_addr: Option<String>,
    /// Card holder postcode.
    #[serde(default)]
    pub customer_postcode: Option<String>,
    /// When the key was registered.
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub inserted: Option<i64>,
    /// When the key was last updated.
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub updated: Option<i64>,
}
