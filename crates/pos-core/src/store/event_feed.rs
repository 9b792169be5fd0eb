//! Reading the audit trails forward from an id: what changed since a reader last looked (the
//! app's desktop notifications follow the trails this way).

use super::error::{SqlContext, StoreError};
use super::order_events::OrderEvent;
use super::subscription_events::SubscriptionEvent;
use super::trail::{read_trail, TrailSlice};
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
        read_trail(
            &conn,
            TrailSlice::After { after, limit },
            "read new order events",
        )
    }

    /// Subscription events with an id above `after`, oldest first, at most `limit`.
    pub fn subscription_events_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<SubscriptionEvent>, StoreError> {
        let conn = self.lock();
        read_trail(
            &conn,
            TrailSlice::After { after, limit },
            "read new subscription events",
        )
    }
}
