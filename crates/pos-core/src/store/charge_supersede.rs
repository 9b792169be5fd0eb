//! Replacing a renewal charge for the same period: a renewal paid with the wrong amount is
//! cancelled automatically, and its period is charged again under a new `renew_` merchant_uid
//! (Iamport never pays a merchant_uid twice, even after a cancel).

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::batch::begin_write;
use super::codec::{now, to_ms};
use super::error::SqlContext;
use super::orders::OrderKind;
use super::subscription_charges::{
    charge_in, insert_charge_row, insert_renewal_order, ChargeVia, NewCharge,
};
use super::subscriptions::{subscription_in, update_in, SubscriptionPatch};
use super::Store;
use crate::store::SubscriptionCharge;
use crate::subscription::error::SubscriptionError;

impl Store {
    /// Mints a new `renew_` order and charge (`again`, `pending`, at `charge_at`) for the period
    /// of charge `old`, marks `old` superseded by it and, when `old` was the subscription's next
    /// charge, points the subscription at the new one; in one transaction. A charge already
    /// superseded returns its replacement (nothing written).
    pub fn supersede_charge(
        &self,
        old: &str,
        charge_at: DateTime<Utc>,
    ) -> Result<SubscriptionCharge, SubscriptionError> {
        let mut conn = self.lock();
        let tx = begin_write(&mut conn).ctx("start replacing a charge")?;
        let missing = |m: &str| SubscriptionError::ChargeNotFound {
            merchant_uid: m.to_string(),
        };
        let charge = charge_in(&tx, old)?.ok_or_else(|| missing(old))?;
        if let Some(replacement) = &charge.superseded_by {
            return charge_in(&tx, replacement)?.ok_or_else(|| missing(replacement));
        }
        let sub = subscription_in(&tx, &charge.subscription_id)?;
        let merchant_uid = self.mint_merchant_uid(OrderKind::Renewal);
        let new = NewCharge {
            period_no: charge.period_no,
            period: charge.period_start.zip(charge.period_end),
            via: ChargeVia::Again,
            charge_at,
        };
        let at = to_ms(now());
        // Tagged like every new renewal: the shop's account as it is now.
        let custom_data = self.custom_data_for(&sub.plan_id);
        insert_renewal_order(&tx, &sub, &merchant_uid, &new, at, custom_data.as_deref())?;
        tx.execute(
            "UPDATE subscription_charges SET superseded_by = ?2, updated_at = ?3 WHERE merchant_uid = ?1",
            params![old, merchant_uid, at],
        )
        .ctx("supersede a subscription charge")?;
        insert_charge_row(&tx, &sub, &merchant_uid, &new, at).ctx("store a replacement charge")?;
        let was_next = sub.next_charge_merchant_uid.as_deref() == Some(old);
        let patch = SubscriptionPatch {
            next_charge: was_next.then(|| Some((merchant_uid.clone(), charge_at))),
            ..SubscriptionPatch::default()
        };
        update_in(&tx, &sub.id, sub.state, "charge_superseded", &patch)?;
        let replacement = charge_in(&tx, &merchant_uid)?.ok_or_else(|| missing(&merchant_uid))?;
        tx.commit().ctx("commit a replacement charge")?;
        Ok(replacement)
    }
}
