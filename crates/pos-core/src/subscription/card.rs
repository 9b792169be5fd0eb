//! Card change (future charges move to a new billing key) and billing-key deletion (only after
//! checking that nothing still uses the key).

use chrono::{DateTime, Utc};

use super::ahead::still_owed;
use super::error::SubscriptionError;
use super::Subscriptions;
use crate::store::{
    ChargePatch, ChargeRequest, ChargeVia, KeyPurpose, OrderState, Subscription, SubscriptionPatch,
    SubscriptionState,
};
use chrono::Duration;
use iamport::{ScheduleQuery, ScheduleStatus};

impl Subscriptions {
    /// "카드 변경", step one: mints the `customer_uid` the card-change window of subscription
    /// `id` will issue, and records it as that window's key (the only key [`Self::change_card`]
    /// will accept for `id`). Nothing is sent.
    pub fn open_card_change(&self, id: &str) -> Result<String, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if sub.state == SubscriptionState::Cancelled {
            return Err(SubscriptionError::AlreadyCancelled { id: sub.id });
        }
        let customer_uid = self.store.mint_customer_uid();
        self.store
            .record_minted_key(&customer_uid, &sub.id, KeyPurpose::CardChange)?;
        Ok(customer_uid)
    }

    /// "카드 변경", step two: future charges move to the billing key `customer_uid`, which must
    /// be the key [`Self::open_card_change`] minted for this subscription (and must exist at
    /// Iamport). Any other key, even one that exists at Iamport, is refused with
    /// [`SubscriptionError::KeyNotMinted`] before anything is sent. When the window charged
    /// (see [`Self::open_card_change_window`]) the charge is verified and refunded first.
    pub async fn change_card(
        &self,
        id: &str,
        customer_uid: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let minted = self.store.minted_key(customer_uid)?;
        let for_this_window =
            minted.is_some_and(|k| k.subscription_id == id && k.purpose == KeyPurpose::CardChange);
        if !for_this_window {
            return Err(SubscriptionError::KeyNotMinted {
                customer_uid: customer_uid.to_string(),
            });
        }
        // A window that charged (a PG that charges with the issuance): verified and refunded
        // before the key is used.
        self.settle_card_check(customer_uid).await?;
        self.move_to_key(id, customer_uid, now).await
    }

    /// The owner at the terminal (`posctl subscriptions change-card`) moves subscription `id`
    /// to a billing key that already exists at Iamport (support work). Not reachable from the
    /// webview, which can only use [`Self::change_card`]. A key issued by a card-change window
    /// that charged (the owner's card change, confirmed here when the app missed its result)
    /// has its check verified and refunded first, as [`Self::change_card`] does.
    pub async fn change_card_to_existing_key(
        &self,
        id: &str,
        customer_uid: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        self.settle_card_check(customer_uid).await?;
        self.move_to_key(id, customer_uid, now).await
    }

    /// The subscription's key is changed first (stored), then its owed charges follow it
    /// ([`Self::finish_key_move`]); then whatever is pending is registered on the new key.
    async fn move_to_key(
        &self,
        id: &str,
        customer_uid: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if sub.state == SubscriptionState::Cancelled {
            return Err(SubscriptionError::AlreadyCancelled { id: sub.id });
        }
        let key = self.known_key(customer_uid).await?;
        let sub = self.store.update_subscription(
            id,
            sub.state,
            "card_changed",
            &SubscriptionPatch {
                customer_uid: Some(customer_uid.to_string()),
                card_masked: key.card_number,
                ..SubscriptionPatch::default()
            },
        )?;
        self.finish_key_move(&sub).await?;
        self.register_next(id, now).await?;
        self.store.subscription(id)
    }

    /// Moves every owed charge still on another billing key than the subscription's to its
    /// key: a registered schedule is unscheduled on the old key and left `pending` for the new
    /// one (same merchant_uid); a failed charge is retried with `again` on the new key; one
    /// revoked stays revoked. Each charge is updated only after its old schedule is confirmed
    /// gone, so the engine finishes a move interrupted by a crash and nothing runs twice.
    pub(crate) async fn finish_key_move(
        &self,
        sub: &Subscription,
    ) -> Result<(), SubscriptionError> {
        let mut stale = Vec::new();
        for charge in self.store.subscription_charges(&sub.id)? {
            if charge.customer_uid == sub.customer_uid || charge.superseded_by.is_some() {
                continue;
            }
            let order = self.store.order(&charge.merchant_uid)?;
            if still_owed(order.state) {
                stale.push((charge, order.state));
            }
        }
        let mut keys: Vec<String> = stale.iter().map(|(c, _)| c.customer_uid.clone()).collect();
        keys.sort_unstable();
        keys.dedup();
        for key in &keys {
            let listed: Vec<String> = stale
                .iter()
                .filter(|(c, state)| {
                    &c.customer_uid == key
                        && c.via == ChargeVia::Schedule
                        && *state != OrderState::Failed
                        && matches!(c.request, ChargeRequest::Sent | ChargeRequest::Sending)
                })
                .map(|(c, _)| c.merchant_uid.clone())
                .collect();
            self.unschedule_confirmed(sub, key, &listed).await?;
        }
        for (charge, state) in stale {
            let failed = state == OrderState::Failed;
            let request = match charge.request {
                ChargeRequest::Revoked if !failed => ChargeRequest::Revoked,
                _ => ChargeRequest::Pending,
            };
            self.store.update_subscription_charge(
                &charge.merchant_uid,
                charge.request,
                &ChargePatch {
                    request: Some(request),
                    via: failed.then_some(ChargeVia::Again),
                    customer_uid: Some(sub.customer_uid.clone()),
                    ..ChargePatch::default()
                },
            )?;
        }
        Ok(())
    }

    /// Deletes a billing key at Iamport, only if it is one of ours (minted by the app or held
    /// by one of its subscriptions: [`SubscriptionError::KeyNotOurs`] otherwise) and after
    /// checking that no live subscription and no waiting schedule (ours or any at Iamport in
    /// the next three months) still uses it.
    pub async fn delete_billing_key(
        &self,
        customer_uid: &str,
        now: DateTime<Utc>,
    ) -> Result<(), SubscriptionError> {
        if !self.store.is_our_billing_key(customer_uid)? {
            return Err(SubscriptionError::KeyNotOurs {
                customer_uid: customer_uid.to_string(),
            });
        }
        let in_use = SubscriptionError::KeyInUse {
            customer_uid: customer_uid.to_string(),
        };
        for sub in self.store.subscriptions()? {
            if sub.state != SubscriptionState::Cancelled && sub.customer_uid == customer_uid {
                return Err(in_use);
            }
        }
        let waiting = self
            .client
            .schedules_by_customer(
                customer_uid,
                &ScheduleQuery {
                    from: now.timestamp(),
                    to: (now + Duration::days(90)).timestamp(),
                    status: Some(ScheduleStatus::Scheduled),
                    ..ScheduleQuery::default()
                },
            )
            .await;
        match waiting {
            Ok(page) if page.list.is_empty() => {}
            Ok(_) => return Err(in_use),
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(SubscriptionError::iamport("schedules_by_customer")(e)),
        }
        self.client
            .delete_billing_key(customer_uid, Some("판뮤직 POS: 카드 삭제"))
            .await
            .map_err(SubscriptionError::iamport("delete_billing_key"))?;
        Ok(())
    }
}
