//! Cancelling and resuming: cancel at the period end (the default: the next charge is
//! unscheduled at Iamport, access is kept until the period ends), cancel now, and resume before
//! the end (the same merchant_uid is rescheduled, so the period is still charged once).

use chrono::{DateTime, Utc};
use iamport::ScheduleStatus;

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

impl Subscriptions {
    /// Revokes the next charge at Iamport if it is registered and has not run. A charge that
    /// was never sent is simply marked revoked.
    pub(crate) async fn revoke_next(&self, sub: &Subscription) -> Result<(), SubscriptionError> {
        let Some(charge) = self.next_charge(sub)? else {
            return Ok(());
        };
        if charge.via != ChargeVia::Schedule {
            return Ok(());
        }
        match charge.request {
            ChargeRequest::Revoked => return Ok(()),
            ChargeRequest::Pending => {}
            ChargeRequest::Sending | ChargeRequest::Sent => {
                let done = self
                    .client
                    .unschedule(
                        &charge.customer_uid,
                        std::slice::from_ref(&charge.merchant_uid),
                    )
                    .await;
                if let Err(e) = done {
                    // Nothing to revoke: see whether it never arrived or already ran.
                    match self
                        .client
                        .schedule_by_merchant_uid(&charge.merchant_uid)
                        .await
                    {
                        Ok(s) if s.schedule_status == ScheduleStatus::Revoked => {}
                        Err(nf) if nf.is_not_found() => {}
                        // It ran and was declined (a `past_due` or `unpaid` subscription):
                        // nothing is left to revoke, and cancelling stops the retries.
                        Ok(s) if declined(&s) => {}
                        Ok(_) => {
                            return Err(SubscriptionError::NotAllowed {
                                id: sub.id.clone(),
                                state: sub.state.as_str(),
                                action:
                                    "예약을 취소 (이미 실행된 정기결제가 있어 동기화 후 다시 시도)",
                            })
                        }
                        Err(_) => return Err(SubscriptionError::iamport("unschedule")(e)),
                    }
                }
            }
        }
        self.store.update_subscription_charge(
            &charge.merchant_uid,
            charge.request,
            &ChargePatch {
                request: Some(ChargeRequest::Revoked),
                ..ChargePatch::default()
            },
        )?;
        Ok(())
    }

    /// Cancels at the period end (the default): the next charge is unscheduled, the music
    /// plays until the period ends, then the subscription is `cancelled`. A subscription that
    /// is not paid up (`incomplete`, `past_due`, `unpaid`) has no paid period left to wait for:
    /// it is cancelled now, which also stops its dunning retries.
    pub async fn cancel(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        match sub.state {
            SubscriptionState::Cancelled => Err(SubscriptionError::AlreadyCancelled { id: sub.id }),
            SubscriptionState::Active if sub.cancel_at_period_end => {
                Err(SubscriptionError::AlreadyCancelled { id: sub.id })
            }
            SubscriptionState::Active => {
                self.revoke_next(&sub).await?;
                Ok(self.store.update_subscription(
                    id,
                    SubscriptionState::Active,
                    "cancel_at_period_end",
                    &SubscriptionPatch {
                        cancel_at_period_end: Some(true),
                        ..SubscriptionPatch::default()
                    },
                )?)
            }
            // A card registration that waits: its window may have left a key at Iamport,
            // so the cancel also deletes it (a `key_delete` job).
            SubscriptionState::Incomplete if self.awaits_registration(&sub)? => self
                .give_up_registration(
                    &sub,
                    "registration_cancelled",
                    "등록 취소 (주인이 취소)",
                    now,
                ),
            _ => self.cancel_now(id, now).await,
        }
    }

    /// Ends the subscription now: the next charge is unscheduled, access ends.
    pub async fn cancel_now(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if sub.state == SubscriptionState::Cancelled {
            return Err(SubscriptionError::AlreadyCancelled { id: sub.id });
        }
        self.revoke_next(&sub).await?;
        if let Some(charge) = self.next_charge(&sub)? {
            let order = self.store.order(&charge.merchant_uid)?;
            if order.state.is_open() || order.state == OrderState::Failed {
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
        self.store.update_subscription(
            id,
            sub.state,
            "cancelled",
            &SubscriptionPatch {
                state: Some(SubscriptionState::Cancelled),
                cancelled_at: Some(now),
                next_retry_at: Some(None),
                ..SubscriptionPatch::default()
            },
        )
    }

    /// Undoes a cancel-at-period-end before the period ends: the next charge is scheduled
    /// again (the same merchant_uid, `reschedule`).
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
            if charge.request == ChargeRequest::Revoked {
                match self
                    .client
                    .reschedule(&charge.merchant_uid, charge.charge_at.timestamp())
                    .await
                {
                    Ok(_) => self.set_request(&charge, ChargeRequest::Sent)?,
                    // Never registered at Iamport: register it normally.
                    Err(e) if e.is_not_found() => {
                        self.set_request(&charge, ChargeRequest::Pending)?
                    }
                    Err(e) => return Err(SubscriptionError::iamport("reschedule")(e)),
                }
            }
        }
        let sub = self.store.update_subscription(
            id,
            SubscriptionState::Active,
            "resumed",
            &SubscriptionPatch {
                cancel_at_period_end: Some(false),
                ..SubscriptionPatch::default()
            },
        )?;
        if sub.next_charge_merchant_uid.is_none() {
            let period_no = self
                .store
                .subscription_charges(id)?
                .last()
                .map_or(0, |c| c.period_no);
            self.ledger().mint_next(&sub, period_no)?;
        }
        self.register_next(id, now).await?;
        self.store.subscription(id)
    }

    pub(crate) fn set_request(
        &self,
        charge: &SubscriptionCharge,
        to: ChargeRequest,
    ) -> Result<(), SubscriptionError> {
        self.store.update_subscription_charge(
            &charge.merchant_uid,
            charge.request,
            &ChargePatch {
                request: Some(to),
                ..ChargePatch::default()
            },
        )?;
        Ok(())
    }
}
