//! Card registration that did not finish: the billing window was closed (등록 취소) or the card
//! declined (카드 거절). The subscription stays `incomplete`, shown with 다시 등록 and 취소, and a
//! new 구독하기 for the same plan reopens it instead of being refused: the same `billing_` order
//! (its amount fixed when it was made, its merchant_uid reused, so nothing can be charged twice)
//! and the same `customer_uid`.

use serde::Deserialize;
use ts_rs::TS;

use super::error::SubscriptionError;
use super::issuance::{issuance_rule, IssuanceTicket};
use super::lifecycle::not_allowed;
use super::Subscriptions;
use crate::store::{OrderState, Subscription, SubscriptionPatch, SubscriptionState};

/// How a billing window ended without a key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum RegistrationEnd {
    /// The owner closed the window: 등록 취소.
    Closed,
    /// The PG refused the card: 카드 거절, with the PG's words.
    Declined {
        /// What the window said (shown to the owner; never a secret).
        reason: String,
    },
}

impl RegistrationEnd {
    /// What the subscription shows afterwards.
    pub fn label(&self) -> String {
        match self {
            RegistrationEnd::Closed => "등록 취소".to_string(),
            RegistrationEnd::Declined { reason } => {
                let reason: String = reason.trim().chars().take(200).collect();
                if reason.is_empty() {
                    "카드 거절".to_string()
                } else {
                    format!("카드 거절: {reason}")
                }
            }
        }
    }
}

impl Subscriptions {
    /// The plan's unfinished registration, if any: an `incomplete` subscription whose key was
    /// never verified (its `billing_` order is not paid and no period was charged).
    pub fn unfinished_registration(
        &self,
        plan_id: &str,
    ) -> Result<Option<Subscription>, SubscriptionError> {
        for sub in self.store.subscriptions()? {
            if sub.plan_id == plan_id && self.is_unfinished(&sub)? {
                return Ok(Some(sub));
            }
        }
        Ok(None)
    }

    fn is_unfinished(&self, sub: &Subscription) -> Result<bool, SubscriptionError> {
        if sub.state != SubscriptionState::Incomplete {
            return Ok(false);
        }
        let billing = self.store.order(&sub.billing_merchant_uid)?;
        // Closed or declined windows leave the order open, failed, or abandoned by the sync engine.
        let unpaid = matches!(
            billing.state,
            OrderState::Created
                | OrderState::AwaitingPayment
                | OrderState::Failed
                | OrderState::Abandoned
        );
        Ok(unpaid && self.store.subscription_charges(&sub.id)?.is_empty())
    }

    /// 다시 등록: the billing window of unfinished subscription `id` again (same `billing_`
    /// order and amount, same `customer_uid`). Nothing is sent.
    pub fn reopen_registration(
        &self,
        id: &str,
        billing_pg: Option<&str>,
    ) -> Result<IssuanceTicket, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if !self.is_unfinished(&sub)? {
            return Err(not_allowed(&sub, "카드를 다시 등록"));
        }
        let plan = self.store.plan(&sub.plan_id)?;
        let billing = self.store.order(&sub.billing_merchant_uid)?;
        Ok(IssuanceTicket {
            subscription_id: sub.id,
            merchant_uid: billing.merchant_uid,
            customer_uid: sub.customer_uid,
            amount: billing.amount,
            rule: issuance_rule(billing_pg),
            pg: billing_pg.map(str::to_string),
            name: format!("{} 카드 등록", plan.name_ko),
        })
    }

    /// Records how the window of unfinished subscription `id` ended (shown on the subscription).
    pub fn registration_ended(
        &self,
        id: &str,
        end: &RegistrationEnd,
    ) -> Result<Subscription, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if !self.is_unfinished(&sub)? {
            return Err(not_allowed(&sub, "카드 등록 결과를 기록"));
        }
        let cause = match end {
            RegistrationEnd::Closed => "registration_closed",
            RegistrationEnd::Declined { .. } => "registration_declined",
        };
        self.store.update_subscription(
            id,
            SubscriptionState::Incomplete,
            cause,
            &SubscriptionPatch {
                last_failure_reason: Some(Some(end.label())),
                ..SubscriptionPatch::default()
            },
        )
    }
}
