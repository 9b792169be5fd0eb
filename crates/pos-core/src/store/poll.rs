//! What the poll planner reads and writes: the open orders and their `next_check_at`.
//! Scheduling the next check is bookkeeping, not a state change, so it adds no audit event.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::batch::begin_write;

use super::codec::to_ms;
use super::error::{SqlContext, StoreError};
use super::orders::{order_from_row, Order, ORDER_COLUMNS};
use super::Store;

impl Store {
    /// Every order in an open state (`created`, `awaiting_payment`, `vbank_issued`).
    pub fn open_orders(&self) -> Result<Vec<Order>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {ORDER_COLUMNS} FROM orders \
                 WHERE state IN ('created', 'awaiting_payment', 'vbank_issued')"
            ))
            .ctx("list open orders")?;
        let orders = stmt
            .query_map([], order_from_row)
            .ctx("list open orders")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("list open orders")?;
        Ok(orders)
    }

    /// Sets `next_check_at` of each listed order that is still open, in one transaction.
    pub fn schedule_checks(
        &self,
        checks: &[(String, Option<DateTime<Utc>>)],
    ) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = begin_write(&mut conn).ctx("start scheduling checks")?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "UPDATE orders SET next_check_at = ?2 WHERE merchant_uid = ?1 \
                     AND state IN ('created', 'awaiting_payment', 'vbank_issued')",
                )
                .ctx("schedule a check")?;
            for (merchant_uid, at) in checks {
                stmt.execute(params![merchant_uid, at.map(to_ms)])
                    .ctx("schedule a check")?;
            }
        }
        tx.commit().ctx("commit scheduled checks")?;
        Ok(())
    }
}
