//! The `order_events` table: the append-only audit trail of every state change and its cause.
//! A trigger refuses UPDATE and DELETE, so history cannot be rewritten even by hand-written SQL.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codec::detail_text;
use super::error::{SqlContext, StoreError};
use super::orders::OrderState;
use super::trail::{read_trail, TrailEvent, TrailRow, TrailSlice};
use super::Store;

/// One entry of an order's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrderEvent {
    /// Increasing id; events of one order sort by it.
    #[ts(type = "number")]
    pub id: i64,
    /// The order.
    pub merchant_uid: String,
    /// When it happened (ms since the UNIX epoch over IPC).
    #[serde(with = "chrono::serde::ts_milliseconds")]
    #[ts(type = "number")]
    pub at: DateTime<Utc>,
    /// The state before; `None` for the creation event.
    pub from_state: Option<OrderState>,
    /// The state after.
    pub to_state: OrderState,
    /// What caused it, e.g. `created`, `sdk_callback`, `poll`, `refund`.
    pub cause: String,
    /// Free-form JSON details (never secrets); `null` when there are none.
    #[ts(type = "unknown")]
    pub detail: serde_json::Value,
}

impl TrailEvent for OrderEvent {
    type State = OrderState;
    const TABLE: &'static str = "order_events";
    const OWNER_COLUMN: &'static str = "merchant_uid";
    const DETAIL_CONTEXT: &'static str = "decode an event's detail";
}

impl From<TrailRow<OrderState>> for OrderEvent {
    fn from(row: TrailRow<OrderState>) -> Self {
        OrderEvent {
            id: row.id,
            merchant_uid: row.owner,
            at: row.at,
            from_state: row.from_state,
            to_state: row.to_state,
            cause: row.cause,
            detail: row.detail,
        }
    }
}

/// Appends an event. Callers run it in the transaction that made the change.
pub(crate) fn insert_event(
    conn: &Connection,
    merchant_uid: &str,
    at_ms: i64,
    from: Option<OrderState>,
    to: OrderState,
    cause: &str,
    detail: Option<&serde_json::Value>,
) -> Result<(), StoreError> {
    let detail = detail_text(detail, "encode an event's detail")?;
    conn.prepare_cached(
        "INSERT INTO order_events (merchant_uid, at, from_state, to_state, cause, detail) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .ctx("record an order event")?
    .execute(params![merchant_uid, at_ms, from, to, cause, detail])
    .ctx("record an order event")?;
    Ok(())
}

impl Store {
    /// The timeline of an order, oldest first. Unknown order: [`StoreError::OrderNotFound`].
    pub fn order_events(&self, merchant_uid: &str) -> Result<Vec<OrderEvent>, StoreError> {
        let conn = self.lock();
        let exists = conn
            .prepare_cached("SELECT 1 FROM orders WHERE merchant_uid = ?1")
            .ctx("read an order's events")?
            .query_row([merchant_uid], |_| Ok(()))
            .optional()
            .ctx("read an order's events")?;
        if exists.is_none() {
            return Err(StoreError::OrderNotFound {
                merchant_uid: merchant_uid.to_string(),
            });
        }
        read_trail(
            &conn,
            TrailSlice::Of(merchant_uid),
            "read an order's events",
        )
    }
}
