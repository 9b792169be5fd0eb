//! The append-only `subscription_events` table: every change of a subscription with its cause.
//! Triggers refuse UPDATE and DELETE.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codec::{detail_text, detail_value, ms_col, now, to_ms};
use super::error::{SqlContext, StoreError};
use super::subscriptions::{subscription_in, SubscriptionState};
use super::Store;
use crate::subscription::error::SubscriptionError;

/// One entry of a subscription's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SubscriptionEvent {
    /// Increasing id.
    #[ts(type = "number")]
    pub id: i64,
    /// The subscription.
    pub subscription_id: String,
    /// When (local clock).
    #[serde(with = "chrono::serde::ts_milliseconds")]
    #[ts(type = "number")]
    pub at: DateTime<Utc>,
    /// State before; `None` for the creation.
    pub from_state: Option<SubscriptionState>,
    /// State after.
    pub to_state: SubscriptionState,
    /// What caused it.
    pub cause: String,
    /// JSON details (never secrets).
    #[ts(type = "unknown")]
    pub detail: serde_json::Value,
}

/// Appends a subscription event.
pub(crate) fn insert_subscription_event(
    conn: &Connection,
    id: &str,
    from: Option<SubscriptionState>,
    to: SubscriptionState,
    cause: &str,
    detail: Option<&serde_json::Value>,
) -> Result<(), StoreError> {
    let detail = detail_text(detail, "encode a subscription event")?;
    conn.prepare_cached(
        "INSERT INTO subscription_events (subscription_id, at, from_state, to_state, cause, detail) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .ctx("record a subscription event")?
    .execute(params![id, to_ms(now()), from, to, cause, detail])
    .ctx("record a subscription event")?;
    Ok(())
}

impl Store {
    /// The timeline of a subscription, oldest first.
    pub fn subscription_events(
        &self,
        id: &str,
    ) -> Result<Vec<SubscriptionEvent>, SubscriptionError> {
        let conn = self.lock();
        subscription_in(&conn, id)?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, subscription_id, at, from_state, to_state, cause, detail \
                 FROM subscription_events WHERE subscription_id = ?1 ORDER BY id",
            )
            .ctx("read subscription events")?;
        let rows = stmt
            .query_map([id], |row| {
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
            .ctx("read subscription events")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("read subscription events")?;
        rows.into_iter()
            .map(|(mut event, detail)| {
                event.detail = detail_value(detail, "decode a subscription event")?;
                Ok(event)
            })
            .collect()
    }
}

impl Store {
    /// Appends a note to a subscription's timeline without changing it (its state stays):
    /// something the engine learned or started, with `detail` (never secrets).
    pub fn note_subscription_event(
        &self,
        id: &str,
        cause: &str,
        detail: &serde_json::Value,
    ) -> Result<(), SubscriptionError> {
        let conn = self.lock();
        let sub = subscription_in(&conn, id)?;
        insert_subscription_event(&conn, id, Some(sub.state), sub.state, cause, Some(detail))?;
        Ok(())
    }
}
