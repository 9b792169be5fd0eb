//! The `subscription_charges` table: one row per charge of a subscription, each with its
//! `renew_` order (minted and stored before any request), the period number it pays for (unique
//! per subscription: a period is charged at most once) and where its request to Iamport stands.
//!
//! `request` is the never-twice guard: `pending` was never sent; `sending` was (maybe) sent and
//! its answer not stored, so it must be looked up by merchant_uid before anything is re-sent;
//! `sent` Iamport has it; `revoked` was unscheduled.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, ErrorCode as SqliteCode, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::batch::begin_write;
use super::codec::{ms_col, ms_col_opt, now, text_enum, to_ms};
use super::error::{SqlContext, StoreError};
use super::orders::OrderKind;
use super::subscription_access::{insert_key_order, KeyOrder};
use super::subscriptions::{subscription_in, update_in, Subscription, SubscriptionPatch};
use super::Store;
use crate::subscription::error::SubscriptionError;

/// How a charge is made at Iamport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChargeVia {
    /// `POST /subscribe/payments/again`, now.
    Again,
    /// `POST /subscribe/payments/schedule`, executed by Iamport at `charge_at`.
    Schedule,
}

text_enum!(ChargeVia, "subscription_charges.via", { Again => "again", Schedule => "schedule" });

/// Where a charge's request to Iamport stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChargeRequest {
    /// Minted and stored; nothing sent.
    Pending,
    /// Sent (or about to be); the answer was not stored. Look it up before re-sending.
    Sending,
    /// Iamport has it (charged, or scheduled).
    Sent,
    /// Unscheduled at Iamport.
    Revoked,
}

text_enum!(ChargeRequest, "subscription_charges.request", {
    Pending => "pending",
    Sending => "sending",
    Sent => "sent",
    Revoked => "revoked",
});

/// One charge of a subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SubscriptionCharge {
    /// The `renew_` order.
    pub merchant_uid: String,
    /// The subscription.
    pub subscription_id: String,
    /// 0 for the first period, then 1, 2, …
    pub period_no: u32,
    /// Start of the period paid for (the first period's is set when it is paid).
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub period_start: Option<DateTime<Utc>>,
    /// End of the period paid for.
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub period_end: Option<DateTime<Utc>>,
    /// `again` or `schedule`.
    pub via: ChargeVia,
    /// When it is to run.
    #[serde(with = "chrono::serde::ts_milliseconds")]
    #[ts(type = "number")]
    pub charge_at: DateTime<Utc>,
    /// The billing key it is sent on.
    pub customer_uid: String,
    /// Where the request stands.
    pub request: ChargeRequest,
    /// The charge that replaced this one for the same period (this one was paid with the wrong
    /// amount and cancelled), if any.
    pub superseded_by: Option<String>,
}

/// A charge to mint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCharge {
    /// Period number.
    pub period_no: u32,
    /// The period, when known.
    pub period: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// How.
    pub via: ChargeVia,
    /// When.
    pub charge_at: DateTime<Utc>,
}

/// Changes to a charge; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChargePatch {
    /// New request state.
    pub request: Option<ChargeRequest>,
    /// Switch `again`/`schedule`.
    pub via: Option<ChargeVia>,
    /// New run time.
    pub charge_at: Option<DateTime<Utc>>,
    /// Another billing key.
    pub customer_uid: Option<String>,
    /// The period paid for.
    pub period: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

pub(super) const COLUMNS: &str =
    "merchant_uid, subscription_id, period_no, period_start, period_end, via, \
     charge_at, customer_uid, request, superseded_by";

pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<SubscriptionCharge> {
    Ok(SubscriptionCharge {
        merchant_uid: row.get(0)?,
        subscription_id: row.get(1)?,
        period_no: row.get(2)?,
        period_start: ms_col_opt(row, 3)?,
        period_end: ms_col_opt(row, 4)?,
        via: row.get(5)?,
        charge_at: ms_col(row, 6)?,
        customer_uid: row.get(7)?,
        request: row.get(8)?,
        superseded_by: row.get(9)?,
    })
}

pub(super) fn charge_in(
    conn: &Connection,
    merchant_uid: &str,
) -> Result<Option<SubscriptionCharge>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM subscription_charges WHERE merchant_uid = ?1"
    ))
    .ctx("read a subscription charge")?
    .query_row([merchant_uid], from_row)
    .optional()
    .ctx("read a subscription charge")
}

impl Store {
    /// Mints a `renew_` order for period `new.period_no` of subscription `id` at the
    /// subscription's amount, stores it with its charge row (`pending`) and points the
    /// subscription's next charge at it, in one transaction. A second charge for the same
    /// period: [`SubscriptionError::PeriodAlreadyCharged`], nothing written.
    pub fn add_subscription_charge(
        &self,
        id: &str,
        new: &NewCharge,
    ) -> Result<SubscriptionCharge, SubscriptionError> {
        self.insert_charge(id, new, false, true)
    }

    /// Mints a charge for a period after the next one (a renewal scheduled ahead): like
    /// [`Self::add_subscription_charge`], but the subscription's next charge is pointed at it
    /// only when it has none.
    pub fn add_lookahead_charge(
        &self,
        id: &str,
        new: &NewCharge,
    ) -> Result<SubscriptionCharge, SubscriptionError> {
        self.insert_charge(id, new, false, false)
    }

    /// The first period's charge row on the subscription's own `billing_` order, for a PG
    /// whose billing window charged the first period: that one payment is then one order and
    /// one period, never a second order counting the same money again.
    pub fn add_first_charge_on_billing_order(
        &self,
        id: &str,
        new: &NewCharge,
    ) -> Result<SubscriptionCharge, SubscriptionError> {
        self.insert_charge(id, new, true, true)
    }

    fn insert_charge(
        &self,
        id: &str,
        new: &NewCharge,
        on_billing_order: bool,
        point: bool,
    ) -> Result<SubscriptionCharge, SubscriptionError> {
        let mut conn = self.lock();
        let tx = begin_write(&mut conn).ctx("start minting a charge")?;
        let sub = subscription_in(&tx, id)?;
        let at = to_ms(now());
        let merchant_uid = if on_billing_order {
            sub.billing_merchant_uid.clone()
        } else {
            let merchant_uid = self.mint_merchant_uid(OrderKind::Renewal);
            let custom_data = self.custom_data_for(&sub.plan_id);
            insert_renewal_order(&tx, &sub, &merchant_uid, new, at, custom_data.as_deref())?;
            merchant_uid
        };
        let inserted = insert_charge_row(&tx, &sub, &merchant_uid, new, at);
        match inserted {
            Ok(_) => {}
            Err(e) if e.sqlite_error_code() == Some(SqliteCode::ConstraintViolation) => {
                return Err(SubscriptionError::PeriodAlreadyCharged {
                    id: sub.id,
                    period_no: new.period_no,
                });
            }
            Err(source) => {
                return Err(StoreError::Sqlite {
                    context: "store a subscription charge",
                    source,
                }
                .into())
            }
        }
        if point || sub.next_charge_merchant_uid.is_none() {
            let patch = SubscriptionPatch {
                next_charge: Some(Some((merchant_uid.clone(), new.charge_at))),
                ..SubscriptionPatch::default()
            };
            update_in(&tx, &sub.id, sub.state, "next_charge_minted", &patch)?;
        } else {
            let detail = serde_json::json!({
                "merchantUid": merchant_uid, "periodNo": new.period_no,
                "chargeAt": new.charge_at.timestamp_millis(),
            });
            super::subscription_events::insert_subscription_event(
                &tx,
                &sub.id,
                Some(sub.state),
                sub.state,
                "renewal_minted_ahead",
                Some(&detail),
            )?;
        }
        let charge =
            charge_in(&tx, &merchant_uid)?.ok_or_else(|| SubscriptionError::ChargeNotFound {
                merchant_uid: merchant_uid.clone(),
            })?;
        tx.commit().ctx("commit a subscription charge")?;
        Ok(charge)
    }

    /// The charge with this `merchant_uid`, if it is one.
    pub fn subscription_charge(
        &self,
        merchant_uid: &str,
    ) -> Result<Option<SubscriptionCharge>, StoreError> {
        let conn = self.lock();
        charge_in(&conn, merchant_uid)
    }

    /// A subscription's charges, first period first.
    pub fn subscription_charges(&self, id: &str) -> Result<Vec<SubscriptionCharge>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM subscription_charges WHERE subscription_id = ?1 \
                 ORDER BY period_no, superseded_by IS NULL, created_at"
            ))
            .ctx("list subscription charges")?;
        let rows = stmt
            .query_map([id], from_row)
            .ctx("list subscription charges")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("list subscription charges")?;
        Ok(rows)
    }

    /// Changes a charge if its request is still `from` (a moved one is
    /// [`SubscriptionError::StateMoved`]).
    pub fn update_subscription_charge(
        &self,
        merchant_uid: &str,
        from: ChargeRequest,
        patch: &ChargePatch,
    ) -> Result<SubscriptionCharge, SubscriptionError> {
        let mut conn = self.lock();
        let tx = begin_write(&mut conn).ctx("start a charge change")?;
        let mut charge =
            charge_in(&tx, merchant_uid)?.ok_or_else(|| SubscriptionError::ChargeNotFound {
                merchant_uid: merchant_uid.to_string(),
            })?;
        if charge.request != from {
            return Err(SubscriptionError::StateMoved {
                id: merchant_uid.to_string(),
                expected: from.as_str(),
                actual: charge.request.as_str(),
            });
        }
        if let Some(request) = patch.request {
            charge.request = request;
        }
        if let Some(via) = patch.via {
            charge.via = via;
        }
        if let Some(at) = patch.charge_at {
            charge.charge_at = at;
        }
        if let Some(uid) = &patch.customer_uid {
            charge.customer_uid = uid.clone();
        }
        if let Some((start, end)) = patch.period {
            charge.period_start = Some(start);
            charge.period_end = Some(end);
        }
        tx.execute(
            "UPDATE subscription_charges SET request = ?2, via = ?3, charge_at = ?4, customer_uid = ?5, \
             period_start = ?6, period_end = ?7, updated_at = ?8 WHERE merchant_uid = ?1",
            params![
                merchant_uid,
                charge.request,
                charge.via,
                to_ms(charge.charge_at),
                charge.customer_uid,
                charge.period_start.map(to_ms),
                charge.period_end.map(to_ms),
                to_ms(now())
            ],
        )
        .ctx("update a subscription charge")?;
        tx.commit().ctx("commit a charge change")?;
        Ok(charge)
    }
}

/// Inserts the `pending` row of charge `new` of `sub` under `merchant_uid` (its order already
/// stored). The period number is unique per subscription: a second charge of a period is a
/// constraint violation, for the caller to name.
pub(super) fn insert_charge_row(
    tx: &Connection,
    sub: &Subscription,
    merchant_uid: &str,
    new: &NewCharge,
    at: i64,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO subscription_charges (merchant_uid, subscription_id, period_no, period_start, \
         period_end, via, charge_at, customer_uid, request, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?9)",
        params![
            merchant_uid,
            sub.id,
            new.period_no,
            new.period.map(|(s, _)| to_ms(s)),
            new.period.map(|(_, e)| to_ms(e)),
            new.via,
            to_ms(new.charge_at),
            sub.customer_uid,
            at
        ],
    )
}

/// Inserts the `renew_` order of a new charge and its `created` event.
pub(super) fn insert_renewal_order(
    tx: &Connection,
    sub: &Subscription,
    merchant_uid: &str,
    new: &NewCharge,
    at: i64,
    custom_data: Option<&str>,
) -> Result<(), SubscriptionError> {
    let detail = serde_json::json!({
        "subscriptionId": sub.id, "periodNo": new.period_no, "amount": sub.amount,
        "chargeAt": new.charge_at.timestamp_millis(),
    });
    insert_key_order(
        tx,
        &KeyOrder {
            merchant_uid,
            kind: OrderKind::Renewal,
            plan_id: &sub.plan_id,
            amount: sub.amount,
            customer_uid: &sub.customer_uid,
            custom_data,
        },
        at,
        &detail,
        "create a renewal order",
    )?;
    Ok(())
}
