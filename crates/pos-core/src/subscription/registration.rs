//! Card registration that did not finish: the billing window was closed (등록 취소) or the card
//! declined (카드 거절). The subscription stays `incomplete`, shown with 다시 등록 and 취소, and a
//! new 구독하기 for the same plan reopens it instead of being refused: the same `billing_` order
//! (its amount fixed when it was made, its merchant_uid reused, so nothing can be charged twice)
//! and the same `customer_uid`.
//!
//! A registration whose ending is not known (확인 중: the window may have completed at Iamport
//! without the app hearing of it) is neither reopened nor started again: that is refused with
//! the reason until the sync engine confirms it or gives it up (`registration_check`), or the
//! owner cancels it. Reopening is safe only once Iamport has said the window did not complete.

use iamport::PaymentStatus;
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
    /// order and amount, same `customer_uid`). Nothing is sent; the registration is 확인 중
    /// again from now. Refused while it is 확인 중 already.
    pub fn reopen_registration(
        &self,
        id: &str,
        billing_pg: Option<&str>,
    ) -> Result<IssuanceTicket, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if !self.is_unfinished(&sub)? {
            return Err(not_allowed(&sub, "카드를 다시 등록"));
        }
        if self.registration_checking(&sub)? {
            // Its window may have completed at Iamport unseen: a second window could issue a
            // second key (or, with a PG that charges at issuance, try to charge again). The
            // engine confirms or gives it up; the owner can 취소 it.
            return Err(SubscriptionError::RegistrationChecking {
                plan_id: sub.plan_id,
                existing: sub.id,
            });
        }
        let attempt = self.registration_opened(&sub.id)?;
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
            attempt,
        })
    }

    /// The billing window `attempt` of unfinished subscription `id` ended without a verified
    /// key: decides from Iamport how (the window's own words are never believed) and records it.
    /// With no payment id, or a payment Iamport still holds as `ready` (the window closed), it is
    /// 등록 취소; a payment of this billing order that Iamport marks `failed` is 카드 거절 with
    /// the PG's reason; a paid one records nothing (`None`). A window that a later one replaced
    /// (다시 등록) records nothing: its end says nothing of the window open now. When Iamport
    /// cannot be asked, nothing is recorded (the error says why). Returns the ending recorded.
    pub async fn window_ended(
        &self,
        id: &str,
        imp_uid: Option<&str>,
        attempt: u32,
    ) -> Result<Option<RegistrationEnd>, SubscriptionError> {
        let latest = self.registration_attempt(id)?;
        if attempt != latest {
            tracing::info!(subscription = %id, attempt, latest, "the end of a replaced card-registration window is not recorded");
            return Ok(None);
        }
        let sub = self.store.subscription(id)?;
        let end = match imp_uid.filter(|uid| !uid.is_empty()) {
            None => RegistrationEnd::Closed,
            Some(imp_uid) => {
                let payment = self
                    .client
                    .payment(imp_uid)
                    .await
                    .map_err(SubscriptionError::iamport("payment"))?;
                if payment.merchant_uid != sub.billing_merchant_uid {
                    RegistrationEnd::Closed
                } else {
                    match payment.status {
                        PaymentStatus::Failed => RegistrationEnd::Declined {
                            reason: payment.fail_reason.unwrap_or_default(),
                        },
                        PaymentStatus::Ready => RegistrationEnd::Closed,
                        // Paid (or anything else): not an ending to record; the sync engine
                        // and the verification path deal with it.
                        _ => return Ok(None),
                    }
                }
            }
        };
        self.registration_ended(id, &end)?;
        Ok(Some(end))
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
