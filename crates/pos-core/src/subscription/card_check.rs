//! The check charge of a card-change window on a PG that charges whatever its billing window
//! carries (REFERENCE §8 pitfall 6): verified against its order, then refunded in full before
//! the subscription moves to the new key. It is never a period: the periods keep their own
//! `renew_` charges, so a card change never charges a period twice.

use iamport::CustomerUidUsage;

use super::error::SubscriptionError;
use super::issuance::issuance_rule;
use super::Subscriptions;
use crate::checkout::{apply_payment, request_refund, RefundRequest, CANCEL_JOB};
use crate::store::{JobState, Order, OrderKind, OrderState, StoreError};
use crate::work::{run_job_now, WorkContext};

/// Why the check charge of a card change is refunded (on the cancel receipt and the timeline).
pub const CARD_CHECK_REFUND_REASON: &str = "카드 변경 확인용 결제 환불";

/// What the card-change window is opened with. The UI never chooses the amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardChangeWindow {
    /// The window's `billing_` merchant_uid.
    pub merchant_uid: String,
    /// The new billing key's handle (minted for this subscription's card change only).
    pub customer_uid: String,
    /// Won the window carries: 0, or a check charge refunded once the key is verified.
    pub amount: i64,
}

/// Where a card-check charge stands after [`Subscriptions::settle_check_order`].
enum Check {
    /// Paid and refunded (or its refund owed durably): the key may be used.
    Settled,
    /// No money taken with the order's amount.
    NotPaid,
}

impl Subscriptions {
    /// "카드 변경", step one, for the billing channel `billing_pg`: mints the key (see
    /// [`Self::open_card_change`]) and the window's merchant_uid, with the window amount of
    /// the PG ([`super::IssuanceRule::card_change_amount`]). When that amount is not 0 its
    /// order is written first, so the charge is verified and refunded like any payment.
    pub fn open_card_change_window(
        &self,
        id: &str,
        billing_pg: Option<&str>,
    ) -> Result<CardChangeWindow, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        let customer_uid = self.open_card_change(id)?;
        let merchant_uid = self.store.mint_merchant_uid(OrderKind::Billing);
        let amount = issuance_rule(billing_pg).card_change_amount();
        if amount > 0 {
            self.store.create_card_check_order(
                &merchant_uid,
                &sub.plan_id,
                amount,
                &customer_uid,
            )?;
        }
        Ok(CardChangeWindow {
            merchant_uid,
            customer_uid,
            amount,
        })
    }

    /// Settles the check charge of the card-change window that issued `customer_uid`, if it
    /// charged: the payment must be this order's (paid, this key's issuance, the order's
    /// amount), then its whole balance is refunded (a cancel job run at once, queued when
    /// Iamport is unreachable). Repeatable: a refunded or refund-pending charge is left as is.
    /// A window that did not charge has no order and needs nothing.
    pub(super) async fn settle_card_check(
        &self,
        customer_uid: &str,
    ) -> Result<(), SubscriptionError> {
        let Some(order) = self.store.card_check_order(customer_uid)? else {
            return Ok(());
        };
        match self.settle_check_order(order).await? {
            Check::Settled => Ok(()),
            Check::NotPaid => Err(SubscriptionError::IssuanceNotVerified {
                reason: "카드 변경 확인용 결제가 완료되지 않았거나 금액이 다릅니다".to_string(),
            }),
        }
    }

    /// Every card-check charge of the last two days that may still be owed back (a window whose
    /// result never reached the app, a card change interrupted before its refund): looked up
    /// (one seen unpaid, a window left open or closed, only for its first hour) and, once paid,
    /// refunded. Run by the sync engine's subscription poll; returns how many it
    /// refunded. The window is this PC's own clock on both ends (how long to keep looking, not
    /// when money moves).
    pub async fn settle_card_checks(&self) -> Result<usize, SubscriptionError> {
        let local_now = chrono::Utc::now();
        let since = local_now - chrono::Duration::days(2);
        let closed_since = local_now - chrono::Duration::hours(1);
        let mut refunded = 0;
        for order in self.store.unsettled_card_checks(since, closed_since)? {
            let was_paid = order.state == OrderState::Paid;
            match self.settle_check_order(order).await {
                Ok(Check::Settled) => refunded += 1,
                Ok(Check::NotPaid) => {}
                Err(e) if was_paid => return Err(e),
                // Nothing was paid that we know of: looked up again next cycle.
                Err(e) => tracing::debug!(error = %e, "card check not found yet"),
            }
        }
        Ok(refunded)
    }

    /// The check charge `order`: looked up when not yet seen paid, refunded once paid.
    async fn settle_check_order(&self, mut order: Order) -> Result<Check, SubscriptionError> {
        if matches!(
            order.state,
            OrderState::Created | OrderState::AwaitingPayment | OrderState::Failed
        ) {
            let payment = self
                .client
                .find_payment(&order.merchant_uid, None)
                .await
                .map_err(SubscriptionError::iamport("find_payment"))?;
            if payment.customer_uid.as_deref() != order.customer_uid.as_deref()
                || payment.customer_uid_usage != Some(CustomerUidUsage::Issue)
            {
                return Err(SubscriptionError::IssuanceNotVerified {
                    reason: "카드 변경 결제가 이 카드의 발급 결제가 아닙니다".to_string(),
                });
            }
            order = apply_payment(&self.store, &payment, "card_check_verified")
                .map_err(|source| SubscriptionError::IssuanceRefund { source })?
                .order;
        }
        match order.state {
            OrderState::Paid if !self.refund_open(&order)? => {
                self.refund_check(&order).await?;
                Ok(Check::Settled)
            }
            OrderState::Paid | OrderState::PartiallyRefunded | OrderState::Refunded => {
                Ok(Check::Settled)
            }
            // Not paid (window closed, declined), or a wrong amount, which its own automatic
            // cancel returns: the key is not used.
            _ => Ok(Check::NotPaid),
        }
    }

    fn refund_open(&self, order: &Order) -> Result<bool, StoreError> {
        Ok(self
            .store
            .open_job(CANCEL_JOB, &order.merchant_uid)?
            .is_some_and(|j| j.state != JobState::Done))
    }

    async fn refund_check(&self, order: &Order) -> Result<(), SubscriptionError> {
        let queued = request_refund(
            &self.store,
            &order.merchant_uid,
            &RefundRequest {
                amount: None,
                reason: CARD_CHECK_REFUND_REASON.to_string(),
                refund_account: None,
            },
        );
        let queued = match queued {
            Ok(queued) => queued,
            // The sync engine's sweep asked for the same refund a moment ago: it is owed.
            Err(_) if self.refund_open(order)? => return Ok(()),
            Err(source) => return Err(SubscriptionError::IssuanceRefund { source }),
        };
        let ctx = WorkContext {
            store: self.store.clone(),
            client: self.client.clone(),
        };
        // Done, or left queued for the sync engine (offline, outcome unknown): either way the
        // refund is owed durably and the key may move.
        if let Err(e) = run_job_now(&ctx, queued.job_id).await {
            tracing::warn!(error = %e, merchant_uid = %order.merchant_uid, "the card-check refund stays queued");
        }
        Ok(())
    }
}
