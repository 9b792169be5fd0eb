//! The order of a card-change window that charges (a PG that charges whatever its billing
//! window carries): the check charge is verified and refunded like any order's payment, so it
//! is created before the window opens, under the window's `billing_` merchant_uid and the
//! card-change key it issues.

use super::batch::begin_write;
use super::codec::{now, to_ms};
use rusqlite::OptionalExtension;

use super::error::{SqlContext, StoreError};
use super::orders::{order_in, Order, OrderKind};
use super::subscription_access::{insert_key_order, KeyOrder};
use super::Store;

impl Store {
    /// Creates the `billing_` order `merchant_uid` of `amount` won for the card-change window
    /// that issues `customer_uid` (subscription plan `plan_id`), before the window opens.
    pub fn create_card_check_order(
        &self,
        merchant_uid: &str,
        plan_id: &str,
        amount: i64,
        customer_uid: &str,
    ) -> Result<Order, StoreError> {
        let mut conn = self.lock();
        let tx = begin_write(&mut conn).ctx("start creating a card-check order")?;
        let detail = serde_json::json!({
            "planId": plan_id, "amount": amount, "customerUid": customer_uid, "purpose": "card_change",
        });
        insert_key_order(
            &tx,
            &KeyOrder {
                merchant_uid,
                kind: OrderKind::Billing,
                plan_id,
                amount,
                customer_uid,
                custom_data: self.custom_data_for(plan_id).as_deref(),
            },
            to_ms(now()),
            &detail,
            "create a card-check order",
        )?;
        let order = order_in(&tx, merchant_uid)?;
        tx.commit().ctx("commit a card-check order")?;
        Ok(order)
    }

    /// The card-check order of the card-change window that issues `customer_uid`, if that
    /// window charged (see [`Self::create_card_check_order`]).
    pub fn card_check_order(&self, customer_uid: &str) -> Result<Option<Order>, StoreError> {
        let conn = self.lock();
        let merchant_uid: Option<String> = conn
            .prepare_cached(
                "SELECT o.merchant_uid FROM orders o JOIN minted_keys k ON k.customer_uid = o.customer_uid \
                 WHERE o.customer_uid = ?1 AND o.kind = 'billing' AND k.purpose = 'card_change' \
                 ORDER BY o.created_at DESC LIMIT 1",
            )
            .ctx("find a card-check order")?
            .query_row([customer_uid], |row| row.get(0))
            .optional()
            .ctx("find a card-check order")?;
        merchant_uid.map(|m| order_in(&conn, &m)).transpose()
    }

    /// Card-check orders whose charge may still be owed back: paid without a refund asked for,
    /// or not yet seen paid (the window's result may have been lost) — created since `since`,
    /// or since `closed_since` for one whose window Iamport already showed unpaid (`ready`: a
    /// closed window stays so; it is not looked up for long).
    pub fn unsettled_card_checks(
        &self,
        since: chrono::DateTime<chrono::Utc>,
        closed_since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Order>, StoreError> {
        let conn = self.lock();
        let uids: Vec<String> = conn
            .prepare_cached(
                "SELECT o.merchant_uid FROM orders o JOIN minted_keys k ON k.customer_uid = o.customer_uid \
                 WHERE o.kind = 'billing' AND k.purpose = 'card_change' \
                   AND ((o.state IN ('created', 'paid') AND o.created_at >= ?1) \
                        OR (o.state = 'awaiting_payment' AND o.created_at >= ?2)) \
                   AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'cancel' \
                                   AND j.merchant_uid = o.merchant_uid AND j.state <> 'done') \
                 ORDER BY o.created_at",
            )
            .ctx("list unsettled card checks")?
            .query_map([to_ms(since), to_ms(closed_since)], |row| row.get(0))
            .ctx("list unsettled card checks")?
            .collect::<Result<_, _>>()
            .ctx("list unsettled card checks")?;
        uids.iter().map(|m| order_in(&conn, m)).collect()
    }
}
