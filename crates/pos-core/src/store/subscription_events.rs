//! The append-only `subscription_events` table: every change of a subscription with its cause.
//! Triggers refuse UPDATE and DELETE.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codec::{detail_text, now, to_ms};
use super::error::{SqlContext, StoreError};
use super::subscriptions::{subscription_in, SubscriptionState};
use super::trail::{read_trail, TrailEvent, TrailRow, TrailSlice};
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

impl TrailEvent for SubscriptionEvent {
    type State = SubscriptionState;
    const TABLE: &'static str = "subscription_events";
    const OWNER_COLUMN: &'static str = "subscription_id";
    const DETAIL_CONTEXT: &'static str = "decode a subscription event's detail";
}

impl From<TrailRow<SubscriptionState>> for SubscriptionEvent {
    fn from(row: TrailRow<SubscriptionState>) -> Self {
        SubscriptionEvent {
            id: row.id,
            subscription_id: row.owner,
            at: row.at,
            from_state: row.from_state,
            to_state: row.to_state,
            cause: row.cause,
            detail: row.detail,
        }
    }
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
        Ok(read_trail(
            &conn,
            TrailSlice::Of(id),
            "read subscription events",
        )?)
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
