//! The `Store` methods over the `subscriptions` table: create, read, list and the one
//! checked update. The row types and the row codec are in `subscriptions.rs`.

use rusqlite::{params, Connection, OptionalExtension};

use super::batch::begin_write;
use super::codec::{now, to_ms};
use super::error::{SqlContext, StoreError};
use super::order_events::insert_event;
use super::orders::{OrderKind, OrderState, PayMethod};
use super::plans::{plan_in, PlanKind};
use super::subscription_events::insert_subscription_event;
use super::subscriptions::{
    from_row, subscription_in, update_in, NewSubscription, Subscription, SubscriptionPatch,
    SubscriptionState, COLUMNS,
};
use super::Store;
use crate::subscription::error::SubscriptionError;

impl Store {
    /// Creates an `incomplete` subscription to `new.plan_id` at the catalog price with its
    /// `billing_` order (amount = the issuance amount; `paid` when the key is already verified),
    /// in one transaction. A plan that is not a subscription, or one this store already
    /// subscribes to (any state but cancelled), is refused and nothing is written.
    pub fn create_subscription(
        &self,
        new: &NewSubscription,
    ) -> Result<Subscription, SubscriptionError> {
        let mut conn = self.lock();
        let tx = begin_write(&mut conn).ctx("start creating a subscription")?;
        let plan = plan_in(&tx, &new.plan_id)?;
        if plan.kind != PlanKind::Subscription {
            return Err(SubscriptionError::NotASubscriptionPlan { plan_id: plan.id });
        }
        let existing: Option<String> = tx
            .prepare_cached(
                "SELECT id FROM subscriptions WHERE plan_id = ?1 AND state <> 'cancelled'",
            )
            .ctx("check for a live subscription")?
            .query_row([&plan.id], |row| row.get(0))
            .optional()
            .ctx("check for a live subscription")?;
        if let Some(existing) = existing {
            return Err(SubscriptionError::AlreadySubscribed {
                plan_id: plan.id,
                existing,
            });
        }
        let at = to_ms(now());
        let billing = self.mint_merchant_uid(OrderKind::Billing);
        let billing_state = if new.key_verified {
            OrderState::Paid
        } else {
            OrderState::Created
        };
        let detail = serde_json::json!({"planId": plan.id, "amount": new.issuance_amount, "customerUid": new.customer_uid});
        insert_key_order(
            &tx,
            &KeyOrder {
                merchant_uid: &billing,
                kind: OrderKind::Billing,
                plan_id: &plan.id,
                amount: new.issuance_amount,
                customer_uid: &new.customer_uid,
                custom_data: self.custom_data_for(&plan.id).as_deref(),
            },
            at,
            &detail,
            "create a billing order",
        )?;
        if billing_state == OrderState::Paid {
            tx.execute(
                "UPDATE orders SET state = ?2, version = version + 1 WHERE merchant_uid = ?1",
                params![billing, billing_state],
            )
            .ctx("mark a billing key verified")?;
            insert_event(
                &tx,
                &billing,
                at,
                Some(OrderState::Created),
                billing_state,
                "billing_key_verified",
                None,
            )?;
        }
        let id = format!("sub_{}", ulid::Ulid::generate());
        tx.execute(
            "INSERT INTO subscriptions (id, plan_id, customer_uid, amount, state, billing_merchant_uid, \
             card_masked, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![
                id,
                plan.id,
                new.customer_uid,
                plan.price,
                SubscriptionState::Incomplete,
                billing,
                new.card_masked,
                at
            ],
        )
        .ctx("create a subscription")?;
        let detail = serde_json::json!({"planId": plan.id, "amount": plan.price, "billingMerchantUid": billing});
        insert_subscription_event(
            &tx,
            &id,
            None,
            SubscriptionState::Incomplete,
            "created",
            Some(&detail),
        )?;
        let sub = subscription_in(&tx, &id)?;
        tx.commit().ctx("commit a new subscription")?;
        Ok(sub)
    }

    /// One subscription. Unknown: [`SubscriptionError::NotFound`].
    pub fn subscription(&self, id: &str) -> Result<Subscription, SubscriptionError> {
        let conn = self.lock();
        subscription_in(&conn, id)
    }

    /// Every subscription, newest first.
    pub fn subscriptions(&self) -> Result<Vec<Subscription>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM subscriptions ORDER BY created_at DESC, id DESC"
            ))
            .ctx("list subscriptions")?;
        let rows = stmt
            .query_map([], from_row)
            .ctx("list subscriptions")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("list subscriptions")?;
        Ok(rows)
    }

    /// How many subscriptions need the owner (`past_due` or `unpaid`), for the status bar.
    pub fn subscriptions_needing_attention(&self) -> Result<i64, StoreError> {
        let conn = self.lock();
        let count = conn
            .prepare_cached(
                "SELECT COUNT(*) FROM subscriptions WHERE state IN ('past_due', 'unpaid')",
            )
            .ctx("count subscriptions needing attention")?
            .query_row([], |row| row.get(0))
            .ctx("count subscriptions needing attention")?;
        Ok(count)
    }

    /// The subscription whose key issuance is the `billing_` order `merchant_uid`.
    pub fn subscription_by_billing_order(
        &self,
        merchant_uid: &str,
    ) -> Result<Option<Subscription>, StoreError> {
        let conn = self.lock();
        let sub = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM subscriptions WHERE billing_merchant_uid = ?1"
            ))
            .ctx("find a subscription by its billing order")?
            .query_row([merchant_uid], from_row)
            .optional()
            .ctx("find a subscription by its billing order")?;
        Ok(sub)
    }

    /// Applies `patch` if the subscription is still in `from`, appending an event with `cause`.
    pub fn update_subscription(
        &self,
        id: &str,
        from: SubscriptionState,
        cause: &str,
        patch: &SubscriptionPatch,
    ) -> Result<Subscription, SubscriptionError> {
        let mut conn = self.lock();
        let tx = begin_write(&mut conn).ctx("start a subscription change")?;
        let sub = update_in(&tx, id, from, cause, patch)?;
        tx.commit().ctx("commit a subscription change")?;
        Ok(sub)
    }
}

/// An order a subscription's billing key pays (its `billing_` order, each `renew_` order), as
/// first stored: by card, in `created`.
pub(super) struct KeyOrder<'a> {
    pub(super) merchant_uid: &'a str,
    pub(super) kind: OrderKind,
    pub(super) plan_id: &'a str,
    pub(super) amount: i64,
    pub(super) customer_uid: &'a str,
    /// The shop's account tag every payment of the order carries (`None`: no account set).
    pub(super) custom_data: Option<&'a str>,
}

/// Inserts `order` and its `created` event (`detail` says what it is for); `context` names the
/// write in errors. Callers run it in the transaction that needs the order.
pub(super) fn insert_key_order(
    tx: &Connection,
    order: &KeyOrder<'_>,
    at: i64,
    detail: &serde_json::Value,
    context: &'static str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO orders (merchant_uid, kind, plan_id, amount, currency, state, pay_method, \
         customer_uid, created_at, updated_at, custom_data) \
         VALUES (?1, ?2, ?3, ?4, 'KRW', ?5, ?6, ?7, ?8, ?8, ?9)",
        params![
            order.merchant_uid,
            order.kind,
            order.plan_id,
            order.amount,
            OrderState::Created,
            PayMethod::Card,
            order.customer_uid,
            at,
            order.custom_data
        ],
    )
    .ctx(context)?;
    insert_event(
        tx,
        order.merchant_uid,
        at,
        None,
        OrderState::Created,
        "created",
        Some(detail),
    )
}
