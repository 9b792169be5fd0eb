//! Reading the audit trails forward from an id: what changed since a reader last looked (the
//! app's desktop notifications follow the trails this way).

use super::codec::{detail_value, ms_col};
use super::error::{SqlContext, StoreError};
use super::order_events::OrderEvent;
use super::subscription_events::SubscriptionEvent;
use super::Store;

impl Store {
    /// The newest order-event id and subscription-event id (0 when a trail is empty): where a
    /// reader that starts now begins.
    pub fn event_cursors(&self) -> Result<(i64, i64), StoreError> {
        let conn = self.lock();
        let read = |sql: &str| -> Result<i64, StoreError> {
            conn.query_row(sql, [], |row| row.get::<_, Option<i64>>(0))
                .map(Option::unwrap_or_default)
                .ctx("read the event cursors")
        };
        Ok((
            read("SELECT MAX(id) FROM order_events")?,
            read("SELECT MAX(id) FROM subscription_events")?,
        ))
    }

    /// Order events with an id above `after`, oldest first, at most `limit`.
    pub fn order_events_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<OrderEvent>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, merchant_uid, at, from_state, to_state, cause, detail \
                 FROM order_events WHERE id > ?1 ORDER BY id LIMIT ?2",
            )
            .ctx("read new order events")?;
        let rows = stmt
            .query_map(rusqlite::params![after, limit], |row| {
                Ok((
                    OrderEvent {
                        id: row.get(0)?,
                        merchant_uid: row.get(1)?,
                        at: ms_col(row, 2)?,
                        from_state: row.get(3)?,
                        to_state: row.get(4)?,
                        cause: row.get(5)?,
                        detail: serde_json::Value::Null,
                    },
                    row.get::<_, Option<String>>(6)?,
                ))
            })
            .ctx("read new order events")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("read new order events")?;
        rows.into_iter()
            .map(|(mut event, detail)| {
                event.detail = detail_value(detail, "decode an event's detail")?;
                Ok(event)
            })
            .collect()
    }

    /// Subscription events with an id above `after`, oldest first, at most `limit`.
    pub fn subscription_events_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<SubscriptionEvent>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, subscription_id, at, from_state, to_state, cause, detail \
                 FROM subscription_events WHERE id > ?1 ORDER BY id LIMIT ?2",
            )
            .ctx("read new subscription events")?;
        let rows = stmt
            .query_map(rusqlite::params![after, limit], |row| {
                Ok((
                    SubscriptionEvent {
                        id: row.get(0)?,
                        subscription_id: row.get(1)?,
                        at: ms_col(row, 2)?,
                        from_state: row.get(3)?,
                        to_state: row.get(4)?,
                        cause: row.get(5)?,
                        detail: serde_json::Value::Null,
                    },
                    row.get::<_, Option<String>>(6)?,
                ))
            })
            .ctx("read new subscription events")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("read new subscription events")?;
        rows.into_iter()
            .map(|(mut event, detail)| {
                event.detail = detail_value(detail, "decode a subscription event's detail")?;
                Ok(event)
            })
            .collect()
    }
}
