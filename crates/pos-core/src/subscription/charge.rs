//! Sending a charge to Iamport at most once.
//!
//! Every charge has a `renew_` merchant_uid stored before any request. Before a request leaves,
//! the charge is marked `sending` (committed); only a stored answer moves it on. A charge found
//! `sending` (timeout, crash, SIGKILL) is looked up by merchant_uid first: `find_payment` for
//! `again`, `schedule_by_merchant_uid` for `schedule`; it is re-sent only when Iamport has
//! nothing. Iamport itself also refuses to pay a merchant_uid twice.
//! What came of it is applied by [`super::settle::Ledger::settle`].

use chrono::{DateTime, Utc};
use iamport::{AgainRequest, ScheduleItem, ScheduleRequest, ScheduleStatus};

use super::error::SubscriptionError;
use super::settle::Settled;
use super::Subscriptions;
use crate::store::{
    ChargePatch, ChargeRequest, ChargeVia, OrderPatch, OrderState, Subscription, SubscriptionCharge,
};

/// The order name of a charge, as Iamport shows it.
fn charge_name(sub: &Subscription) -> String {
    format!("판뮤직 정기결제 ({})", sub.plan_id)
}

impl Subscriptions {
    /// Sends (or, after an unknown outcome, looks up and only then re-sends) an `again` charge,
    /// and applies the result.
    pub(crate) async fn charge_now(
        &self,
        charge: &SubscriptionCharge,
        now: DateTime<Utc>,
    ) -> Result<Settled, SubscriptionError> {
        let mut charge = charge.clone();
        if charge.request == ChargeRequest::Sending {
            match self.client.find_payment(&charge.merchant_uid, None).await {
                Ok(payment) => {
                    self.ledger().mark_sent(&charge)?;
                    return self.ledger().settle(&payment, now);
                }
                Err(e) if e.is_not_found() => {
                    charge = self.store.update_subscription_charge(
                        &charge.merchant_uid,
                        ChargeRequest::Sending,
                        &ChargePatch {
                            request: Some(ChargeRequest::Pending),
                            ..ChargePatch::default()
                        },
                    )?;
                }
                Err(e) => return Err(SubscriptionError::iamport("find_payment")(e)),
            }
        }
        if charge.request != ChargeRequest::Pending {
            return Ok(Settled::Unchanged);
        }
        let sub = self.store.subscription(&charge.subscription_id)?;
        let order = self.store.order(&charge.merchant_uid)?;
        if order.state == OrderState::Paid {
            return Ok(Settled::Unchanged);
        }
        self.store.update_subscription_charge(
            &charge.merchant_uid,
            ChargeRequest::Pending,
            &ChargePatch {
                request: Some(ChargeRequest::Sending),
                via: Some(ChargeVia::Again),
                ..ChargePatch::default()
            },
        )?;
        if order.state != OrderState::AwaitingPayment {
            self.store.apply_transition(
                &order,
                OrderState::AwaitingPayment,
                "again_sent",
                &OrderPatch::default(),
            )?;
        }
        let request = AgainRequest {
            customer_uid: charge.customer_uid.clone(),
            merchant_uid: charge.merchant_uid.clone(),
            amount: order.amount,
            name: charge_name(&sub),
            custom_data: order.custom_data.clone(),
            ..AgainRequest::default()
        };
        match self.client.again(&request).await {
            Ok(payment) => {
                self.ledger().mark_sent(&charge)?;
                self.ledger().settle(&payment, now)
            }
            Err(e) if e.is_outcome_unknown() => Err(SubscriptionError::iamport("again")(e)),
            // HTTP 429 (too many requests: Iamport's, or a relay's per-store limit) is no
            // decline: it falls through to the retry below and counts as no attempt.
            Err(iamport::Error::Api {
                message,
                http_status,
                ..
            }) if http_status != 429 => {
                // Refused before any card company saw it (e.g. unknown billing key): nothing was
                // charged, so the charge may be sent again later.
                self.back_to_pending(&charge.merchant_uid)?;
                self.ledger()
                    .record_failure(&charge.merchant_uid, None, Some(message), now)
                    .map(|_| Settled::Failed)
            }
            Err(e) => {
                self.back_to_pending(&charge.merchant_uid)?;
                Err(SubscriptionError::iamport("again")(e))
            }
        }
    }

    fn back_to_pending(&self, merchant_uid: &str) -> Result<(), SubscriptionError> {
        self.store.update_subscription_charge(
            merchant_uid,
            ChargeRequest::Sending,
            &ChargePatch {
                request: Some(ChargeRequest::Pending),
                ..ChargePatch::default()
            },
        )?;
        Ok(())
    }

    /// Registers a `schedule` charge at Iamport, once: a charge left `sending` is looked up by
    /// merchant_uid before it is sent again. A charge whose time has come is charged with
    /// `again` instead (a schedule in the past is refused by Iamport).
    pub(crate) async fn register(
        &self,
        charge: &SubscriptionCharge,
        now: DateTime<Utc>,
    ) -> Result<Settled, SubscriptionError> {
        let mut charge = charge.clone();
        if charge.request == ChargeRequest::Sending {
            match self
                .client
                .schedule_by_merchant_uid(&charge.merchant_uid)
                .await
            {
                Ok(found) if found.schedule_status != ScheduleStatus::Revoked => {
                    self.mark_registered(&charge)?;
                    return Ok(Settled::Unchanged);
                }
                Ok(_) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(SubscriptionError::iamport("schedule_by_merchant_uid")(e)),
            }
            charge = self.store.update_subscription_charge(
                &charge.merchant_uid,
                ChargeRequest::Sending,
                &ChargePatch {
                    request: Some(ChargeRequest::Pending),
                    ..ChargePatch::default()
                },
            )?;
        }
        if charge.request != ChargeRequest::Pending {
            return Ok(Settled::Unchanged);
        }
        if charge.charge_at <= now + chrono::Duration::minutes(1) {
            return self.charge_now(&charge, now).await;
        }
        let sub = self.store.subscription(&charge.subscription_id)?;
        let order = self.store.order(&charge.merchant_uid)?;
        self.store.update_subscription_charge(
            &charge.merchant_uid,
            ChargeRequest::Pending,
            &ChargePatch {
                request: Some(ChargeRequest::Sending),
                ..ChargePatch::default()
            },
        )?;
        let request = ScheduleRequest {
            customer_uid: charge.customer_uid.clone(),
            schedules: vec![ScheduleItem {
                merchant_uid: charge.merchant_uid.clone(),
                schedule_at: charge.charge_at.timestamp(),
                amount: order.amount,
                name: charge_name(&sub),
                custom_data: order.custom_data.clone(),
                ..ScheduleItem::default()
            }],
        };
        match self.client.schedule(&request).await {
            Ok(_) => {
                self.mark_registered(&charge)?;
                Ok(Settled::Unchanged)
            }
            Err(e) if e.is_outcome_unknown() => Err(SubscriptionError::iamport("schedule")(e)),
            Err(e) => {
                self.back_to_pending(&charge.merchant_uid)?;
                Err(SubscriptionError::iamport("schedule")(e))
            }
        }
    }

    fn mark_registered(&self, charge: &SubscriptionCharge) -> Result<(), SubscriptionError> {
        self.ledger().mark_sent(charge)?;
        let order = self.store.order(&charge.merchant_uid)?;
        if order.state == OrderState::Created {
            self.store.apply_transition(
                &order,
                OrderState::AwaitingPayment,
                "scheduled",
                &OrderPatch {
                    detail: Some(serde_json::json!({"scheduleAt": charge.charge_at.timestamp()})),
                    ..OrderPatch::default()
                },
            )?;
        }
        Ok(())
    }
}
