//! Retrying a failed charge: by the dunning policy (from `poll_due`) or at once ("지금 다시
//! 시도"). A retry whose answer was lost is settled from the schedule's result before anything is
//! sent again.

use chrono::{DateTime, Utc};

use super::error::SubscriptionError;
use super::lifecycle::not_allowed;
use super::settle::Settled;
use super::Subscriptions;
use crate::store::{
    ChargeRequest, ChargeVia, OrderPatch, OrderState, StoreError, Subscription, SubscriptionCharge,
    SubscriptionState,
};

impl Subscriptions {
    /// "지금 다시 시도": charges the open charge now (first period or a failed renewal).
    pub async fn retry_now(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        let charge = match sub.state {
            SubscriptionState::Incomplete
            | SubscriptionState::PastDue
            | SubscriptionState::Unpaid => self.next_charge(&sub)?,
            _ => None,
        };
        let Some(charge) = charge else {
            return Err(not_allowed(&sub, "다시 시도"));
        };
        self.retry_charge(&charge, now).await?;
        self.register_next(id, now).await?;
        self.store.subscription(id)
    }

    /// One retry of a failed charge: `schedule/{merchant_uid}/retry` for an executed schedule,
    /// `again` (same merchant_uid) otherwise. A retry whose answer was lost is found by
    /// merchant_uid before it is sent again.
    pub(crate) async fn retry_charge(
        &self,
        charge: &SubscriptionCharge,
        now: DateTime<Utc>,
    ) -> Result<Settled, SubscriptionError> {
        let mut order = self.store.order(&charge.merchant_uid)?;
        if order.state == OrderState::Paid {
            return Ok(Settled::Unchanged);
        }
        if charge.via == ChargeVia::Again || charge.request != ChargeRequest::Sent {
            if charge.request == ChargeRequest::Sent {
                self.set_request(charge, ChargeRequest::Pending)?;
            }
            let charge = self
                .store
                .subscription_charge(&charge.merchant_uid)?
                .ok_or_else(|| SubscriptionError::ChargeNotFound {
                    merchant_uid: charge.merchant_uid.clone(),
                })?;
            return self.charge_now(&charge, now).await;
        }
        if order.state == OrderState::AwaitingPayment {
            // A retry was sent and its answer lost: its result is on the schedule.
            let schedule = self
                .client
                .schedule_by_merchant_uid(&charge.merchant_uid)
                .await
                .map_err(SubscriptionError::iamport("schedule_by_merchant_uid"))?;
            if let Some(imp_uid) = &schedule.imp_uid {
                let payment = self
                    .client
                    .payment(imp_uid)
                    .await
                    .map_err(SubscriptionError::iamport("payment"))?;
                if order.imp_uid.as_deref() != Some(imp_uid.as_str()) {
                    return self.ledger().settle(&payment, now);
                }
            }
            // The lost retry never ran: back to failed, then send it.
            order = self.store.apply_transition(
                &order,
                OrderState::Failed,
                "retry_not_sent",
                &OrderPatch::default(),
            )?;
        }
        if order.state != OrderState::Failed {
            return Err(StoreError::StateMoved {
                merchant_uid: order.merchant_uid,
                expected: OrderState::Failed.as_str(),
                actual: order.state.as_str(),
            }
            .into());
        }
        self.store.apply_transition(
            &order,
            OrderState::AwaitingPayment,
            "retry_sent",
            &OrderPatch::default(),
        )?;
        match self.client.retry_schedule(&charge.merchant_uid).await {
            Ok(payment) => self.ledger().settle(&payment, now),
            Err(e) => Err(SubscriptionError::iamport("retry_schedule")(e)),
        }
    }
}
