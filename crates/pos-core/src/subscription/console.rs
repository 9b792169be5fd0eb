//! What can happen to a renewal's payment outside the app, mirrored on the subscription:
//! a refund made in the Iamport console (full or partial) and a renewal paid with the wrong
//! amount (cancelled automatically like a one-time mismatch; its period goes to dunning under a
//! new merchant_uid, since Iamport never pays one twice). Network-free.
//!
//! [`entitled_until`] is the one definition of how far a subscription's paid periods reach,
//! refunds counted: a fully refunded period gives no access; a partial refund keeps it.

use chrono::{DateTime, Utc};
use iamport::Payment;

use super::ahead::still_owed;
use super::error::SubscriptionError;
use super::settle::{secs, Ledger, Settled};
use crate::checkout::{apply_payment, CANCEL_JOB};
use crate::store::{Order, OrderState, Store, Subscription, SubscriptionCharge, SubscriptionPatch};

/// The end of the latest period of subscription `id` that is paid and not fully refunded
/// (a partial refund keeps the period), if any: how far its paid access reaches.
pub fn entitled_until(store: &Store, id: &str) -> Result<Option<DateTime<Utc>>, SubscriptionError> {
    Ok(kept_periods(store, id)?
        .into_iter()
        .map(|(_, end)| end)
        .max())
}

/// A period `(start, end)`.
type Span = (DateTime<Utc>, DateTime<Utc>);

/// Periods of `id` whose money is kept (paid or partially refunded).
fn kept_periods(store: &Store, id: &str) -> Result<Vec<Span>, SubscriptionError> {
    let mut kept = Vec::new();
    for charge in store.subscription_charges(id)? {
        let state = store.order(&charge.merchant_uid)?.state;
        if !matches!(state, OrderState::Paid | OrderState::PartiallyRefunded) {
            continue;
        }
        if let (Some(start), Some(end)) = (charge.period_start, charge.period_end) {
            kept.push((start, end));
        }
    }
    Ok(kept)
}

/// The renewals of a subscription that renews (`active`, not ending at its period end) which
/// are owed but not scheduled at Iamport (unscheduled in the console): the subscription then
/// says "다음 결제 예약 없음" and offers to schedule them again.
pub fn unscheduled_renewals(
    store: &Store,
    sub: &Subscription,
) -> Result<Vec<SubscriptionCharge>, crate::store::StoreError> {
    if sub.state != crate::store::SubscriptionState::Active || sub.cancel_at_period_end {
        return Ok(Vec::new());
    }
    let mut missing = Vec::new();
    for charge in store.subscription_charges(&sub.id)? {
        if charge.via == crate::store::ChargeVia::Schedule
            && charge.request == crate::store::ChargeRequest::Revoked
            && charge.superseded_by.is_none()
            && still_owed(store.order(&charge.merchant_uid)?.state)
        {
            missing.push(charge);
        }
    }
    Ok(missing)
}

/// "다음 결제 예약 없음" when the next renewal is not scheduled at Iamport, or how many later
/// ones are not; `None` when every renewal is scheduled.
pub fn schedule_notice_ko(
    store: &Store,
    sub: &Subscription,
) -> Result<Option<String>, crate::store::StoreError> {
    let missing = unscheduled_renewals(store, sub)?;
    if missing.is_empty() {
        return Ok(None);
    }
    let next_missing = missing
        .iter()
        .any(|c| sub.next_charge_merchant_uid.as_deref() == Some(c.merchant_uid.as_str()));
    Ok(Some(if next_missing {
        "다음 결제 예약 없음 (아임포트에서 예약이 취소됨: 다시 예약하세요)".to_string()
    } else {
        format!(
            "예약되지 않은 정기결제 {}건 (아임포트에서 예약이 취소됨: 다시 예약하세요)",
            missing.len()
        )
    }))
}

impl Ledger<'_> {
    /// A payment of a renewal that was (partly) refunded: the period is granted first if this
    /// is the first we hear of the payment, then the refund is mirrored on the order and on
    /// the subscription ([`Self::period_refunded`]).
    pub(crate) fn refunded(
        &self,
        charge: &SubscriptionCharge,
        payment: &Payment,
        now: DateTime<Utc>,
    ) -> Result<Settled, SubscriptionError> {
        let order = self.store.order(&charge.merchant_uid)?;
        let other_payment = order
            .imp_uid
            .as_deref()
            .is_some_and(|imp| imp != payment.imp_uid);
        if other_payment && !still_owed(order.state) {
            return Ok(Settled::Unchanged);
        }
        let mut settled = Settled::Unchanged;
        if still_owed(order.state) {
            // Paid and refunded while the PC was off: the period was paid, then refunded.
            let mut paid = payment.clone();
            paid.status = iamport::PaymentStatus::Paid;
            paid.cancel_amount = 0;
            settled = self.settle(&paid, now)?;
        }
        let applied = apply_payment(self.store, payment, "subscription_refund")
            .map_err(|source| SubscriptionError::ChargeMirror { source })?;
        if applied.changed {
            self.period_refunded(charge, &applied.order)?;
            return Ok(Settled::Refunded);
        }
        Ok(settled)
    }

    /// A renewal's order was (partly) refunded, in the console or in the app: the history says
    /// so; a full refund withdraws the period (the current period goes back to the latest one
    /// still paid for).
    pub fn period_refunded(
        &self,
        charge: &SubscriptionCharge,
        order: &Order,
    ) -> Result<(), SubscriptionError> {
        let full = order.state == OrderState::Refunded;
        self.store.note_subscription_event(
            &charge.subscription_id,
            "period_refunded",
            &serde_json::json!({
                "merchantUid": charge.merchant_uid,
                "periodNo": charge.period_no,
                "refundedAmount": order.refunded_amount,
                "amount": order.amount,
                "full": full,
            }),
        )?;
        if !full {
            return Ok(());
        }
        let sub = self.store.subscription(&charge.subscription_id)?;
        let kept = kept_periods(self.store, &sub.id)?
            .into_iter()
            .max_by_key(|(_, end)| *end);
        let withdrawn = charge.period_start.map(|start| (start, start));
        let Some(current) = kept.or(withdrawn) else {
            return Ok(());
        };
        if (sub.current_period_start, sub.current_period_end) != (Some(current.0), Some(current.1))
        {
            self.store.update_subscription(
                &sub.id,
                sub.state,
                "period_withdrawn",
                &SubscriptionPatch {
                    current_period: Some(current),
                    ..SubscriptionPatch::default()
                },
            )?;
        }
        Ok(())
    }

    /// A renewal paid with another amount than its order's: the order is flagged and a full
    /// cancel queued (like a one-time mismatch); the period gets a new charge (a new
    /// merchant_uid) and goes to dunning. Repeats change nothing.
    pub(crate) fn wrong_amount(
        &self,
        charge: &SubscriptionCharge,
        payment: &Payment,
        now: DateTime<Utc>,
    ) -> Result<Settled, SubscriptionError> {
        let order = self.store.order(&charge.merchant_uid)?;
        let flagged_here =
            order.imp_uid.as_deref() == Some(payment.imp_uid.as_str()) || still_owed(order.state);
        if !flagged_here {
            return Ok(Settled::Unchanged);
        }
        apply_payment(self.store, payment, "subscription_charge")
            .map_err(|source| SubscriptionError::ChargeMirror { source })?;
        if charge.superseded_by.is_some() {
            return Ok(Settled::Unchanged);
        }
        let at = secs(payment.paid_at).unwrap_or(now);
        let replacement = self.store.supersede_charge(&charge.merchant_uid, at)?;
        self.store.note_subscription_event(
            &charge.subscription_id,
            "renewal_wrong_amount",
            &serde_json::json!({
                "merchantUid": charge.merchant_uid,
                "periodNo": charge.period_no,
                "paidAmount": payment.amount,
                "orderAmount": order.amount,
                "replacedBy": replacement.merchant_uid,
            }),
        )?;
        let reason = format!(
            "결제 금액({})이 주문 금액({})과 달라 자동 취소했습니다.",
            crate::format::won(payment.amount),
            crate::format::won(order.amount)
        );
        self.dun(&replacement.merchant_uid, Some(reason), at)?;
        Ok(Settled::Failed)
    }

    /// Whether a wrong-amount payment replaced by `charge` is still being cancelled: its
    /// period is not charged again before the money is back.
    pub(crate) fn refund_pending_before(
        &self,
        sub: &Subscription,
        charge: &SubscriptionCharge,
    ) -> Result<bool, SubscriptionError> {
        for old in self.store.subscription_charges(&sub.id)? {
            if old.superseded_by.as_deref() == Some(charge.merchant_uid.as_str())
                && self
                    .store
                    .open_job(CANCEL_JOB, &old.merchant_uid)?
                    .is_some()
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
