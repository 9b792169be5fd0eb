//! The `order_events` table: the append-only audit trail of every state change and its cause.
//! A trigger refuses UPDATE and DELETE, so history cannot be rewritten even by hand-written SQL.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codec::{detail_text, detail_value, ms_col};
use super::error::{SqlContext, StoreError};
use super::orders::OrderState;
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
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, merchant_uid, at, from_state, to_state, cause, detail \
                 FROM order_events WHERE merchant_uid = ?1 ORDER BY id",
            )
            .ctx("read an order's events")?;
        let rows = stmt
            .query_map([merchant_uid], |row| {
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
            .ctx("read an order's events")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("read an order's events")?;
        rows.into_iter()
            .map(|(mut event, detail)| {
                event.detail = detail_value(detail, "decode an event's detail")?;
                Ok(event)
            })
            .collect()
    }
}
