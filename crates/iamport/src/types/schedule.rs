//! Scheduled payments (`ScheduleResultAnnotation`) and their paged lists.

use serde::{Deserialize, Deserializer, Serialize};

use super::enums::{PaymentStatus, ScheduleStatus};
use crate::de;

/// A scheduled payment as Iamport reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Billing key the schedule charges.
    pub customer_uid: String,
    /// Order id of the scheduled charge.
    pub merchant_uid: String,
    /// The payment made by the execution; `None` until executed.
    #[serde(default)]
    pub imp_uid: Option<String>,
    /// PG actually used.
    #[serde(default)]
    pub pg_provider: Option<String>,
    /// PG merchant id actually used.
    #[serde(default)]
    pub pg_id: Option<String>,
    /// Toss Payments customer id.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Planned execution time.
    #[serde(deserialize_with = "de::seconds")]
    pub schedule_at: i64,
    /// When it was executed (`None`: not yet).
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub executed_at: Option<i64>,
    /// When it was revoked (`None`: not revoked).
    #[serde(default, deserialize_with = "de::opt_seconds")]
    pub revoked_at: Option<i64>,
    /// Amount in won.
    #[serde(deserialize_with = "de::won")]
    pub amount: i64,
    /// Currency (default KRW).
    #[serde(default)]
    pub currency: Option<String>,
    /// Order name.
    #[serde(default)]
    pub name: Option<String>,
    /// Buyer name.
    #[serde(default)]
    pub buyer_name: Option<String>,
    /// Buyer e-mail.
    #[serde(default)]
    pub buyer_email: Option<String>,
    /// Buyer phone.
    #[serde(default)]
    pub buyer_tel: Option<String>,
    /// Buyer address.
    #[serde(default)]
    pub buyer_addr: Option<String>,
    /// Buyer postcode.
    #[serde(default)]
    pub buyer_postcode: Option<String>,
    /// Custom data, as JSON text.
    #[serde(default, deserialize_with = "de::custom_data")]
    pub custom_data: Option<String>,
    /// `scheduled`, `executed` or `revoked`.
    pub schedule_status: ScheduleStatus,
    /// Outcome of the execution; `None` before it (`paid`, `failed`, or `cancelled` later).
    #[serde(default)]
    pub payment_status: Option<PaymentStatus>,
    /// Why the executed payment failed.
    #[serde(default)]
    pub fail_reason: Option<String>,
    /// Promotion id.
    #[serde(default)]
    pub promotion_id: Option<String>,
}

/// One page of a schedule list.
///
/// The spec declares a bare array while the official clients parse `{total, previous, next,
/// list}` (UNCONFIRMED which the live server sends): both shapes decode; a bare array becomes a
/// single page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchedulePage {
    /// Number of matches over all pages.
    pub total: u64,
    /// Previous page number (`None` on the first page).
    pub previous: Option<u32>,
    /// Next page number (`None` on the last page).
    pub next: Option<u32>,
    /// The schedules of this page.
    pub list: Vec<Schedule>,
}

impl<'de> Deserialize<'de> for SchedulePage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Paged {
            #[serde(default)]
            total: Option<u64>,
            #[serde(default, deserialize_with = "de::opt_page")]
            previous: Option<u32>,
            #[serde(default, deserialize_with = "de::opt_page")]
            next: Option<u32>,
            #[serde(default, deserialize_with = "de::null_as_default")]
            list: Vec<Schedule>,
        }
        enum Shape {
            Paged(Paged),
            Bare(Vec<Schedule>),
        }
        // Decode the shape first, then the items, so a bad schedule reports what was wrong
        // with it (an untagged enum would hide the inner error).
        let value = serde_json::Value::deserialize(d)?;
        let shape = if value.is_array() {
            Shape::Bare(serde_json::from_value(value).map_err(serde::de::Error::custom)?)
        } else {
            Shape::Paged(serde_json::from_value(value).map_err(serde::de::Error::custom)?)
        };
        Ok(match shape {
            Shape::Paged(p) => SchedulePage {
                total: p.total.unwrap_or(p.list.len() as u64),
                previous: p.previous,
                next: p.next,
                list: p.list,
            },
            Shape::Bare(list) => SchedulePage {
                total: list.len() as u64,
                previous: None,
                next: None,
                list,
            },
        })
    }
}
