//! Questions about renewal charges across every subscription, asked in one query each (the
//! engine asks them every cycle, whatever the number of subscriptions).

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::codec::to_ms;
use super::error::{SqlContext, StoreError};
use super::subscription_charges::{from_row, SubscriptionCharge, COLUMNS};
use super::Store;

/// `COLUMNS` qualified by the charges table's alias `c`.
fn qualified() -> String {
    COLUMNS
        .split(',')
        .map(|col| format!("c.{}", col.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Renewals registered at Iamport (`schedule`, `sent`, live) of subscriptions not
    /// cancelled, whose order still awaits the schedule's first run, with `charge_at` at or
    /// before `until` (Iamport's clock): oldest first, then by period.
    pub fn scheduled_charges_until(
        &self,
        until: DateTime<Utc>,
    ) -> Result<Vec<SubscriptionCharge>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {} FROM subscription_charges c \
                 JOIN orders o ON o.merchant_uid = c.merchant_uid \
                 JOIN subscriptions s ON s.id = c.subscription_id \
                 WHERE c.via = 'schedule' AND c.request = 'sent' AND c.superseded_by IS NULL \
                 AND c.charge_at <= ?1 AND o.state = 'awaiting_payment' AND o.imp_uid IS NULL \
                 AND s.state <> 'cancelled' \
                 ORDER BY c.charge_at, c.period_no, c.merchant_uid",
                qualified()
            ))
            .ctx("list scheduled charges")?;
        let rows = stmt
            .query_map(params![to_ms(until)], from_row)
            .ctx("list scheduled charges")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("list scheduled charges")?;
        Ok(rows)
    }
}
