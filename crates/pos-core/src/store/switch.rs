//! What of the live book a relay store could not reach: work whose uids lack its prefix.

use rusqlite::params;

use super::error::{SqlContext, StoreError};
use super::Store;
use crate::ids::UidPrefix;

/// Unfinished work in the book whose uids do not carry a given prefix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutsideWork {
    /// Orders still open (created, awaiting payment, vbank issued).
    pub open_orders: u64,
    /// Subscriptions not cancelled (their billing key is charged again).
    pub live_subscriptions: u64,
    /// Jobs not done (cancels, verifications, charges owed to Iamport).
    pub open_jobs: u64,
}

impl OutsideWork {
    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        *self == OutsideWork::default()
    }
}

impl Store {
    /// Counts the unfinished work whose `merchant_uid` (or a subscription's `customer_uid`)
    /// does not start with `prefix`.
    pub fn work_outside_prefix(&self, prefix: &UidPrefix) -> Result<OutsideWork, StoreError> {
        let conn = self.lock();
        let p = prefix.as_str();
        let count = |sql: &str| -> Result<u64, StoreError> {
            conn.query_row(sql, params![p], |row| row.get::<_, i64>(0))
                .ctx("count work outside the relay prefix")
                .map(|n| u64::try_from(n).unwrap_or(0))
        };
        Ok(OutsideWork {
            open_orders: count(
                "SELECT COUNT(*) FROM orders WHERE state IN ('created', 'awaiting_payment', \
                 'vbank_issued') AND substr(merchant_uid, 1, length(?1)) <> ?1",
            )?,
            live_subscriptions: count(
                "SELECT COUNT(*) FROM subscriptions WHERE state <> 'cancelled' \
                 AND substr(customer_uid, 1, length(?1)) <> ?1",
            )?,
            open_jobs: count(
                "SELECT COUNT(*) FROM jobs WHERE state <> 'done' \
                 AND substr(merchant_uid, 1, length(?1)) <> ?1",
            )?,
        })
    }
}
