//! The `subscriptions` table and its append-only `subscription_events` trail.
//!
//! A subscription row is the state machine of one store's subscription to one plan; every
//! change goes through `Store::update_subscription` (in `subscription_access.rs`), which checks the state the caller decided
//! from and appends an event, in one transaction. Its charges live in
//! `subscription_charges` (see `subscription_charges.rs`). Times of periods and charges are
//! Iamport-side instants chosen by the caller's clock; `created_at`/`updated_at` are local.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codec::{ms_col, ms_col_opt, now, text_enum, to_ms};
use super::error::{SqlContext, StoreError};
use super::subscription_events::insert_subscription_event;
use crate::subscription::error::SubscriptionError;

/// Where a subscription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SubscriptionState {
    /// The billing key is (being) issued; the first period is not paid yet.
    Incomplete,
    /// Paid for the current period.
    Active,
    /// A renewal failed and is being retried; the music keeps playing.
    PastDue,
    /// Retries ran out or the card cannot be used; the owner must act.
    Unpaid,
    /// Ended.
    Cancelled,
}

text_enum!(SubscriptionState, "subscriptions.state", {
    Incomplete => "incomplete",
    Active => "active",
    PastDue => "past_due",
    Unpaid => "unpaid",
    Cancelled => "cancelled",
});

impl SubscriptionState {
    /// The Korean label.
    pub fn label_ko(self) -> &'static str {
        match self {
            SubscriptionState::Incomplete => "카드 등록 중",
            SubscriptionState::Active => "이용 중",
            SubscriptionState::PastDue => "결제 재시도 중",
            SubscriptionState::Unpaid => "미결제",
            SubscriptionState::Cancelled => "해지됨",
        }
    }

    /// Whether the music plays in this state.
    pub fn has_access(self) -> bool {
        matches!(self, SubscriptionState::Active | SubscriptionState::PastDue)
    }

    /// Whether the owner should look at it (status bar count).
    pub fn needs_attention(self) -> bool {
        matches!(self, SubscriptionState::PastDue | SubscriptionState::Unpaid)
    }
}

/// A subscription as stored. Times are UTC; over IPC, ms since the UNIX epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Subscription {
    /// `sub_` + ULID.
    pub id: String,
    /// The subscription plan.
    pub plan_id: String,
    /// The billing key charged.
    pub customer_uid: String,
    /// Won per period, fixed from the catalog at creation.
    #[ts(type = "number")]
    pub amount: i64,
    /// Where it stands.
    pub state: SubscriptionState,
    /// The `billing_` order of the key issuance.
    pub billing_merchant_uid: String,
    /// KST day of the month periods end on (set when the first period is paid).
    pub anchor_day: Option<u32>,
    /// Start of the paid period.
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub current_period_start: Option<DateTime<Utc>>,
    /// End of the paid period (access until then).
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub current_period_end: Option<DateTime<Utc>>,
    /// Ends at the period end instead of renewing.
    pub cancel_at_period_end: bool,
    /// The `renew_` order of the next charge.
    pub next_charge_merchant_uid: Option<String>,
    /// When the next charge runs.
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub next_charge_at: Option<DateTime<Utc>>,
    /// Policy retries made since the first failure of the period.
    pub retry_count: u32,
    /// When the next retry runs (past_due only).
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub next_retry_at: Option<DateTime<Utc>>,
    /// First failure of the period being dunned.
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub first_failed_at: Option<DateTime<Utc>>,
    /// Why the last charge failed (Iamport's words) or why dunning stopped.
    pub last_failure_reason: Option<String>,
    /// The card, masked by Iamport.
    pub card_masked: Option<String>,
    /// Created (local clock).
    #[serde(with = "chrono::serde::ts_milliseconds")]
    #[ts(type = "number")]
    pub created_at: DateTime<Utc>,
    /// Last changed (local clock).
    #[serde(with = "chrono::serde::ts_milliseconds")]
    #[ts(type = "number")]
    pub updated_at: DateTime<Utc>,
    /// When it was cancelled.
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// What a new subscription starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription {
    /// The plan (must be a subscription plan).
    pub plan_id: String,
    /// The billing key's handle.
    pub customer_uid: String,
    /// Won the key-issuing window charges (0 where the PG allows).
    pub issuance_amount: i64,
    /// Masked card, when the key is already verified.
    pub card_masked: Option<String>,
    /// True when the key already exists at Iamport (the billing order is then `paid`).
    pub key_verified: bool,
}

/// Fields to change. `None` leaves a field alone; `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionPatch {
    /// New state (`None`: unchanged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<SubscriptionState>,
    /// Another billing key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_uid: Option<String>,
    /// Anchor day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor_day: Option<u32>,
    /// The paid period `(start, end)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_period: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Cancel at period end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_at_period_end: Option<bool>,
    /// Next charge `(merchant_uid, at)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_charge: Option<Option<(String, DateTime<Utc>)>>,
    /// Retries made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_count: Option<u32>,
    /// Next retry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_retry_at: Option<Option<DateTime<Utc>>>,
    /// First failure of the period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_failed_at: Option<Option<DateTime<Utc>>>,
    /// Last failure reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_failure_reason: Option<Option<String>>,
    /// Masked card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_masked: Option<String>,
    /// Cancellation time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<DateTime<Utc>>,
}

pub(super) const COLUMNS: &str = "id, plan_id, customer_uid, amount, state, billing_merchant_uid, anchor_day, \
     current_period_start, current_period_end, cancel_at_period_end, next_charge_merchant_uid, \
     next_charge_at, retry_count, next_retry_at, first_failed_at, last_failure_reason, card_masked, \
     created_at, updated_at, cancelled_at";

pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<Subscription> {
    Ok(Subscription {
        id: row.get(0)?,
        plan_id: row.get(1)?,
        customer_uid: row.get(2)?,
        amount: row.get(3)?,
        state: row.get(4)?,
        billing_merchant_uid: row.get(5)?,
        anchor_day: row.get(6)?,
        current_period_start: ms_col_opt(row, 7)?,
        current_period_end: ms_col_opt(row, 8)?,
        cancel_at_period_end: row.get(9)?,
        next_charge_merchant_uid: row.get(10)?,
        next_charge_at: ms_col_opt(row, 11)?,
        retry_count: row.get(12)?,
        next_retry_at: ms_col_opt(row, 13)?,
        first_failed_at: ms_col_opt(row, 14)?,
        last_failure_reason: row.get(15)?,
        card_masked: row.get(16)?,
        created_at: ms_col(row, 17)?,
        updated_at: ms_col(row, 18)?,
        cancelled_at: ms_col_opt(row, 19)?,
    })
}

/// Reads one subscription inside a transaction or on a locked connection.
pub(crate) fn subscription_in(
    conn: &Connection,
    id: &str,
) -> Result<Subscription, SubscriptionError> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM subscriptions WHERE id = ?1"
    ))
    .ctx("read a subscription")?
    .query_row([id], from_row)
    .optional()
    .ctx("read a subscription")?
    .ok_or_else(|| SubscriptionError::NotFound { id: id.to_string() })
}

fn apply(sub: &mut Subscription, patch: &SubscriptionPatch) {
    if let Some(state) = patch.state {
        sub.state = state;
    }
    if let Some(uid) = &patch.customer_uid {
        sub.customer_uid = uid.clone();
    }
    if let Some(day) = patch.anchor_day {
        sub.anchor_day = Some(day);
    }
    if let Some((start, end)) = patch.current_period {
        sub.current_period_start = Some(start);
        sub.current_period_end = Some(end);
    }
    if let Some(flag) = patch.cancel_at_period_end {
        sub.cancel_at_period_end = flag;
    }
    if let Some(next) = &patch.next_charge {
        sub.next_charge_merchant_uid = next.as_ref().map(|(m, _)| m.clone());
        sub.next_charge_at = next.as_ref().map(|(_, at)| *at);
    }
    if let Some(count) = patch.retry_count {
        sub.retry_count = count;
    }
    if let Some(at) = patch.next_retry_at {
        sub.next_retry_at = at;
    }
    if let Some(at) = patch.first_failed_at {
        sub.first_failed_at = at;
    }
    if let Some(reason) = &patch.last_failure_reason {
        sub.last_failure_reason = reason.clone();
    }
    if let Some(card) = &patch.card_masked {
        sub.card_masked = Some(card.clone());
    }
    if let Some(at) = patch.cancelled_at {
        sub.cancelled_at = Some(at);
    }
}

/// Writes every column of `sub` back (inside the caller's transaction).
pub(crate) fn write_subscription(conn: &Connection, sub: &Subscription) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE subscriptions SET customer_uid = ?2, state = ?3, anchor_day = ?4, \
         current_period_start = ?5, current_period_end = ?6, cancel_at_period_end = ?7, \
         next_charge_merchant_uid = ?8, next_charge_at = ?9, retry_count = ?10, next_retry_at = ?11, \
         first_failed_at = ?12, last_failure_reason = ?13, card_masked = ?14, updated_at = ?15, \
         cancelled_at = ?16 WHERE id = ?1",
    )
    .ctx("update a subscription")?
    .execute(params![
        sub.id,
        sub.customer_uid,
        sub.state,
        sub.anchor_day,
        sub.current_period_start.map(to_ms),
        sub.current_period_end.map(to_ms),
        sub.cancel_at_period_end,
        sub.next_charge_merchant_uid,
        sub.next_charge_at.map(to_ms),
        sub.retry_count,
        sub.next_retry_at.map(to_ms),
        sub.first_failed_at.map(to_ms),
        sub.last_failure_reason,
        sub.card_masked,
        to_ms(sub.updated_at),
        sub.cancelled_at.map(to_ms),
    ])
    .ctx("update a subscription")?;
    Ok(())
}

/// Applies `patch` to the subscription read in `conn`, checking it is still in `from`.
pub(crate) fn update_in(
    conn: &Connection,
    id: &str,
    from: SubscriptionState,
    cause: &str,
    patch: &SubscriptionPatch,
) -> Result<Subscription, SubscriptionError> {
    let mut sub = subscription_in(conn, id)?;
    if sub.state != from {
        return Err(SubscriptionError::StateMoved {
            id: id.to_string(),
            expected: from.as_str(),
            actual: sub.state.as_str(),
        });
    }
    apply(&mut sub, patch);
    sub.updated_at = now();
    write_subscription(conn, &sub)?;
    let detail = serde_json::to_value(patch).map_err(|source| StoreError::Json {
        context: "encode a subscription change",
        source,
    })?;
    insert_subscription_event(conn, id, Some(from), sub.state, cause, Some(&detail))?;
    Ok(sub)
}
