//! Cancelling and resuming: cancel at the period end (the default: every renewal scheduled
//! ahead is unscheduled at Iamport, access is kept until the period ends), cancel now, and
//! resume before the end (the same merchant_uids are rescheduled, so each period is still
//! charged once). Unscheduling is keyed by merchant_uid and checked by lookup, so repeating it
//! after a crash is safe.

use chrono::{DateTime, Utc};
use iamport::ScheduleStatus;

use super::ahead::still_owed;
use super::error::SubscriptionError;
use super::lifecycle::not_allowed;
use super::Subscriptions;
use crate::format::kst_minute;
use crate::store::{
    ChargePatch, ChargeRequest, ChargeVia, OrderPatch, OrderState, Subscription,
    SubscriptionCharge, SubscriptionPatch, SubscriptionState,
};

/// An executed schedule whose payment failed (a retry that is not in flight).
fn declined(s: &iamport::Schedule) -> bool {
    s.schedule_status == ScheduleStatus::Executed
        && s.payment_status == Some(iamport::PaymentStatus::Failed)
}

/// What a cancel did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancelled {
    /// The subscription after the cancel.
    pub subscription: Subscription,
    /// How many future renewals were unscheduled (at Iamport, or before they were sent).
    pub unscheduled: u32,
}

impl Subscriptions {
    /// The schedule charges of `sub` that Iamport may still run (or that were never sent):
    /// not revoked, not replaced, their period still owed.
    pub(crate) fn live_schedules(
        &self,
        sub: &Subscription,
    ) -> Result<Vec<SubscriptionCharge>, SubscriptionError> {
        let mut live = Vec::new();
        for charge in self.store.subscription_charges(&sub.id)? {
            if charge.via != ChargeVia::Schedule
                || charge.request == ChargeRequest::Revoked
                || charge.superseded_by.is_some()
            {
                continue;
            }
            if still_owed(self.store.order(&charge.merchant_uid)?.state) {
                live.push(charge);
            }
        }
        Ok(live)
    }

    /// Unschedules every renewal of `sub` still scheduled (one `unschedule` per billing key,
    /// listing the merchant_uids) and marks each `revoked`. One that Iamport no longer has
    /// waiting is looked up: revoked already, never arrived, or run and declined are fine; run
    /// and paid refuses (sync first). Returns the merchant_uids revoked.
    pub(crate) async fn revoke_future(
        &self,
        sub: &Subscription,
    ) -> Result<Vec<String>, SubscriptionError> {
        let live = self.live_schedules(sub)?;
        let mut keys: Vec<&str> = live
            .iter()
            .filter(|c| c.request != ChargeRequest::Pending)
            .map(|c| c.customer_uid.as_str())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let listed: Vec<String> = live
                .iter()
                .filter(|c| c.customer_uid == key && c.request != ChargeRequest::Pending)
                .map(|c| c.merchant_uid.clone())
                .collect();
            self.unschedule_confirmed(sub, key, &listed).await?;
        }
        for charge in &live {
            self.set_request(charge, ChargeRequest::Revoked)?;
        }
        Ok(live.into_iter().map(|c| c.merchant_uid).collect())
    }

    /// Unschedules `listed` (schedules on billing key `key`) in one call; any the call did not
    /// revoke is looked up ([`Self::confirm_not_waiting`]).
    pub(crate) async fn unschedule_confirmed(
        &self,
        sub: &Subscription,
        key: &str,
        listed: &[String],
    ) -> Result<(), SubscriptionError> {
        if listed.is_empty() {
            return Ok(());
        }
        let revoked: Vec<String> = match self.client.unschedule(key, listed).await {
            Ok(list) => list.into_iter().map(|s| s.merchant_uid).collect(),
            Err(e) if e.is_outcome_unknown() => {
                return Err(SubscriptionError::iamport("unschedule")(e))
            }
            Err(_) => Vec::new(),
        };
        for m in listed.iter().filter(|m| !revoked.contains(m)) {
            self.confirm_not_waiting(sub, m).await?;
        }
        Ok(())
    }

    /// A schedule the unschedule call did not revoke: fine unless it is still waiting or ran
    /// and was paid.
    async fn confirm_not_waiting(
        &self,
        sub: &Subscription,
        merchant_uid: &str,
    ) -> Result<(), SubscriptionError> {
        match self.client.schedule_by_merchant_uid(merchant_uid).await {
            Ok(s) if s.schedule_status == ScheduleStatus::Revoked => Ok(()),
            Err(nf) if nf.is_not_found() => Ok(()),
            // It ran and was declined (a `past_due` or `unpaid` subscription): nothing is left
            // to revoke, and cancelling stops the retries.
            Ok(s) if declined(&s) => Ok(()),
            Ok(_) => Err(SubscriptionError::NotAllowed {
                id: sub.id.clone(),
                state: sub.state.as_str(),
                action: "예약을 취소 (이미 실행된 정기결제가 있어 동기화 후 다시 시도)",
            }),
            Err(e) => Err(SubscriptionError::iamport("schedule_by_merchant_uid")(e)),
        }
    }

    /// Cancels at the period end (the default): see [`Self::cancel_counted`].
    pub async fn cancel(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        Ok(self.cancel_counted(id, now).await?.subscription)
    }

    /// Cancels at the period end: the flag is stored first (a crash leaves it for the engine to
    /// finish), then every renewal scheduled ahead is unscheduled; the music plays until the
    /// period ends, then the subscription is `cancelled`. A subscription that is not paid up
    /// (`incomplete`, `past_due`, `unpaid`) has no paid period left to wait for: it is cancelled
    /// now, which also stops its dunning retries.
    pub async fn cancel_counted(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Cancelled, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        match sub.state {
            SubscriptionState::Cancelled => Err(SubscriptionError::AlreadyCancelled { id: sub.id }),
            SubscriptionState::Active if sub.cancel_at_period_end => {
                Err(SubscriptionError::AlreadyCancelled { id: sub.id })
            }
            SubscriptionState::Active => {
                let flagged = self.set_cancel_flag(id, true, "cancel_at_period_end")?;
                let revoked = match self.revoke_future(&flagged).await {
                    Ok(revoked) => revoked,
                    Err(e @ SubscriptionError::NotAllowed { .. }) => {
                        self.set_cancel_flag(id, false, "cancel_refused")?;
                        return Err(e);
                    }
                    Err(e) => return Err(e),
                };
                self.note_unscheduled(id, &revoked, "renewals_unscheduled")?;
                Ok(Cancelled {
                    subscription: self.store.subscription(id)?,
                    unscheduled: count(&revoked),
                })
            }
            // A card registration that waits: its window may have left a key at Iamport,
            // so the cancel also deletes it (a `key_delete` job).
            SubscriptionState::Incomplete if self.awaits_registration(&sub)? => Ok(Cancelled {
                subscription: self.give_up_registration(
                    &sub,
                    "registration_cancelled",
                    "등록 취소 (주인이 취소)",
                    now,
                )?,
                unscheduled: 0,
            }),
            _ => self.cancel_now_counted(id, now).await,
        }
    }

    fn set_cancel_flag(
        &self,
        id: &str,
        flag: bool,
        cause: &str,
    ) -> Result<Subscription, SubscriptionError> {
        self.store.update_subscription(
            id,
            SubscriptionState::Active,
            cause,
            &SubscriptionPatch {
                cancel_at_period_end: Some(flag),
                ..SubscriptionPatch::default()
            },
        )
    }

    fn note_unscheduled(
        &self,
        id: &str,
        merchant_uids: &[String],
        cause: &str,
    ) -> Result<(), SubscriptionError> {
        self.store.note_subscription_event(
            id,
            cause,
            &serde_json::json!({ "count": merchant_uids.len(), "merchantUids": merchant_uids }),
        )
    }

    /// Ends the subscription now: see [`Self::cancel_now_counted`].
    pub async fn cancel_now(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        Ok(self.cancel_now_counted(id, now).await?.subscription)
    }

    /// Ends the subscription now: every future renewal is unscheduled and its order given up,
    /// access ends, retries stop.
    pub async fn cancel_now_counted(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Cancelled, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if sub.state == SubscriptionState::Cancelled {
            return Err(SubscriptionError::AlreadyCancelled { id: sub.id });
        }
        let revoked = self.revoke_future(&sub).await?;
        for charge in self.store.subscription_charges(id)? {
            let order = self.store.order(&charge.merchant_uid)?;
            if still_owed(order.state) {
                self.store.apply_transition(
                    &order,
                    OrderState::Abandoned,
                    "subscription_cancelled",
                    &OrderPatch::default(),
                )?;
            }
        }
        if sub.state == SubscriptionState::Incomplete {
            // An unfinished registration: its billing window's order is given up too.
            let billing = self.store.order(&sub.billing_merchant_uid)?;
            if billing.state.is_open() || billing.state == OrderState::Failed {
                self.store.apply_transition(
                    &billing,
                    OrderState::Abandoned,
                    "subscription_cancelled",
                    &OrderPatch::default(),
                )?;
            }
        }
        self.note_unscheduled(id, &revoked, "renewals_unscheduled")?;
        let subscription = self.store.update_subscription(
            id,
            sub.state,
            "cancelled",
            &SubscriptionPatch {
                state: Some(SubscriptionState::Cancelled),
                cancelled_at: Some(now),
                next_retry_at: Some(None),
                ..SubscriptionPatch::default()
            },
        )?;
        Ok(Cancelled {
            subscription,
            unscheduled: count(&revoked),
        })
    }

    /// Undoes a cancel-at-period-end before the period ends: the renewals are scheduled again
    /// (the same merchant_uids, `reschedule`), and any missing period ahead is minted.
    pub async fn resume(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if sub.state != SubscriptionState::Active || !sub.cancel_at_period_end {
            return Err(not_allowed(&sub, "구독 재개"));
        }
        if let Some(charge) = self.next_charge(&sub)? {
            if charge.charge_at <= now {
                return Err(SubscriptionError::ScheduleInPast {
                    at: kst_minute(charge.charge_at),
                    now: kst_minute(now),
                });
            }
        }
        self.set_cancel_flag(id, false, "resumed")?;
        self.reschedule_revoked(id, now).await?;
        self.store.subscription(id)
    }

    /// "다시 예약": schedules again the renewals that are not scheduled at Iamport (unscheduled
    /// in the console), for a subscription that renews. Returns it and how many were scheduled
    /// again. A renewal whose time passed while it was unscheduled is charged now.
    pub async fn schedule_again(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<(Subscription, u32), SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if sub.state != SubscriptionState::Active || sub.cancel_at_period_end {
            return Err(not_allowed(&sub, "결제 다시 예약"));
        }
        let count = self.reschedule_revoked(id, now).await?;
        Ok((self.store.subscription(id)?, count))
    }

    /// Puts every revoked, still owed renewal of `id` back: `reschedule` at its own time when
    /// Iamport knows it, else registered anew; then registers whatever is pending.
    async fn reschedule_revoked(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<u32, SubscriptionError> {
        let mut count = 0u32;
        for charge in self.store.subscription_charges(id)? {
            if charge.via != ChargeVia::Schedule
                || charge.request != ChargeRequest::Revoked
                || charge.superseded_by.is_some()
                || !still_owed(self.store.order(&charge.merchant_uid)?.state)
            {
                continue;
            }
            count = count.saturating_add(1);
            if charge.charge_at <= now + chrono::Duration::minutes(1) {
                self.set_request(&charge, ChargeRequest::Pending)?;
                continue;
            }
            match self
                .client
                .reschedule(&charge.merchant_uid, charge.charge_at.timestamp())
                .await
            {
                Ok(_) => self.set_request(&charge, ChargeRequest::Sent)?,
                // Never registered at Iamport: register it normally.
                Err(e) if e.is_not_found() => self.set_request(&charge, ChargeRequest::Pending)?,
                Err(e) => return Err(SubscriptionError::iamport("reschedule")(e)),
            }
        }
        self.register_next(id, now).await?;
        Ok(count)
    }

    pub(crate) fn set_request(
        &self,
        charge: &SubscriptionCharge,
        to: ChargeRequest,
    ) -> Result<(), SubscriptionError> {
        let current = self
            .store
            .subscription_charge(&charge.merchant_uid)?
            .map_or(charge.request, |c| c.request);
        self.store.update_subscription_charge(
            &charge.merchant_uid,
            current,
            &ChargePatch {
                request: Some(to),
                ..ChargePatch::default()
            },
        )?;
        Ok(())
    }
}

fn count(list: &[String]) -> u32 {
    u32::try_from(list.len()).unwrap_or(u32::MAX)
}
