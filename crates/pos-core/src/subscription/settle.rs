//! Applying what came of a charge: [`Ledger::settle`] moves the `renew_` order and the
//! subscription for one payment; it is idempotent (a payment already applied changes nothing),
//! so the sender, the poller and the sync engine's change feed may all call it. Needs no
//! network: only the order book and the dunning policy.

use chrono::{DateTime, TimeZone, Utc};
use iamport::{Payment, PaymentStatus};

use super::dunning::{classify_decline, next_step, DunningPolicy, DunningStep};
use super::error::SubscriptionError;
use super::period::{anchor_day_of, next_boundary};
use crate::store::{
    ChargePatch, ChargeRequest, ChargeVia, OrderPatch, OrderState, Store, SubscriptionCharge,
    SubscriptionPatch, SubscriptionState,
};

/// What applying a payment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// The period is paid.
    Paid,
    /// The charge failed (dunning started or continued, or the first charge stays open).
    Failed,
    /// A refund of a paid period was mirrored.
    Refunded,
    /// Already applied, or not a final state: nothing changed.
    Unchanged,
}

/// Unix seconds to an instant (0 or out of range: `None`).
pub(crate) fn secs(t: Option<i64>) -> Option<DateTime<Utc>> {
    t.filter(|s| *s > 0)
        .and_then(|s| Utc.timestamp_opt(s, 0).single())
}

/// The order book and the dunning policy: everything applying a payment needs.
#[derive(Debug, Clone, Copy)]
pub struct Ledger<'a> {
    /// The order book.
    pub store: &'a Store,
    /// How failed renewals are retried.
    pub policy: &'a DunningPolicy,
}

impl Ledger<'_> {
    pub(crate) fn mark_sent(&self, charge: &SubscriptionCharge) -> Result<(), SubscriptionError> {
        let current = self.store.subscription_charge(&charge.merchant_uid)?;
        if let Some(current) = current.filter(|c| c.request != ChargeRequest::Sent) {
            self.store.update_subscription_charge(
                &current.merchant_uid,
                current.request,
                &ChargePatch {
                    request: Some(ChargeRequest::Sent),
                    ..ChargePatch::default()
                },
            )?;
        }
        Ok(())
    }

    /// Applies a payment of a subscription charge to its order and subscription. Payments of
    /// other orders are [`Settled::Unchanged`]. Idempotent.
    pub fn settle(
        &self,
        payment: &Payment,
        now: DateTime<Utc>,
    ) -> Result<Settled, SubscriptionError> {
        let Some(charge) = self.store.subscription_charge(&payment.merchant_uid)? else {
            return Ok(Settled::Unchanged);
        };
        if self.earlier_still_running(&charge, payment, now)? {
            // Applied in the order Iamport ran them: the subscription poll looks the earlier
            // one up and then applies this one (it stays open until then).
            return Ok(Settled::Unchanged);
        }
        let order = self.store.order(&charge.merchant_uid)?;
        if let Err(m) = crate::account::same_account(
            order.custom_data.as_deref(),
            payment.custom_data.as_deref(),
        ) {
            // Not this shop's payment: like a payment of another order, it changes nothing.
            tracing::warn!(
                merchant_uid = %order.merchant_uid,
                imp_uid = %payment.imp_uid,
                expected = %m.expected,
                found = ?m.found,
                "a subscription payment names another Panmusic account; not applied"
            );
            return Ok(Settled::Unchanged);
        }
        let holds_money = payment.status == PaymentStatus::Paid
            || (payment.status == PaymentStatus::Cancelled
                && (payment.paid_at.is_some_and(|t| t > 0) || payment.cancel_amount > 0));
        match payment.status {
            _ if holds_money && payment.amount != order.amount => {
                // Never extend on a payment for another amount: it is cancelled, and the
                // period is charged again (dunning).
                self.wrong_amount(&charge, payment, now)
            }
            _ if holds_money && payment.cancel_amount > 0 => self.refunded(&charge, payment, now),
            PaymentStatus::Paid => self.record_paid(&charge, payment, now),
            PaymentStatus::Failed => {
                // Every attempt moves the order to awaiting_payment before it is sent, so a
                // failure counts only while one is awaited: a repeat, or an older attempt seen
                // late by the change feed (even after a retry paid), changes nothing.
                if order.state != OrderState::AwaitingPayment {
                    return Ok(Settled::Unchanged);
                }
                let at = secs(payment.failed_at).unwrap_or(now);
                self.record_failure(
                    &charge.merchant_uid,
                    Some(&payment.imp_uid),
                    payment.fail_reason.clone(),
                    at,
                )?;
                Ok(Settled::Failed)
            }
            _ => Ok(Settled::Unchanged),
        }
    }

    /// Whether an earlier renewal of the same subscription, registered at Iamport and due
    /// before this payment happened, has not been seen yet (its result is unknown here).
    fn earlier_still_running(
        &self,
        charge: &SubscriptionCharge,
        payment: &Payment,
        now: DateTime<Utc>,
    ) -> Result<bool, SubscriptionError> {
        if charge.period_no == 0 {
            return Ok(false);
        }
        let happened = secs(Some(crate::sync::feed::status_time(payment))).unwrap_or(now);
        for earlier in self.store.subscription_charges(&charge.subscription_id)? {
            if earlier.period_no >= charge.period_no {
                break;
            }
            if earlier.via != ChargeVia::Schedule
                || earlier.request != ChargeRequest::Sent
                || earlier.superseded_by.is_some()
                || earlier.charge_at > happened
            {
                continue;
            }
            let order = self.store.order(&earlier.merchant_uid)?;
            if order.state == OrderState::AwaitingPayment && order.imp_uid.is_none() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn record_paid(
        &self,
        charge: &SubscriptionCharge,
        payment: &Payment,
        now: DateTime<Utc>,
    ) -> Result<Settled, SubscriptionError> {
        let order = self.store.order(&charge.merchant_uid)?;
        let paid_at = secs(payment.paid_at).unwrap_or(now);
        if order.state != OrderState::Paid {
            self.store.apply_transition(
                &order,
                OrderState::Paid,
                "subscription_charge",
                &OrderPatch {
                    imp_uid: Some(payment.imp_uid.clone()),
                    paid_at: Some(paid_at),
                    card_number: payment.card_number.clone().filter(|card| !card.is_empty()),
                    ..OrderPatch::default()
                },
            )?;
        }
        let sub = self.store.subscription(&charge.subscription_id)?;
        let pointer = match &sub.next_charge_merchant_uid {
            Some(m) => self.store.subscription_charge(m)?,
            None => None,
        };
        let is_next = pointer
            .as_ref()
            .is_some_and(|p| p.merchant_uid == charge.merchant_uid);
        // A period scheduled ahead, paid while an earlier one is still owed (in dunning): the
        // money was taken, so its period is granted; the earlier one keeps being retried.
        let ahead = !is_next
            && pointer
                .as_ref()
                .is_some_and(|p| charge.period_no > p.period_no);
        if !is_next && !ahead {
            return Ok(Settled::Unchanged);
        }
        let anchor = sub.anchor_day.unwrap_or_else(|| anchor_day_of(paid_at));
        let (start, end) = match (charge.period_start, charge.period_end) {
            (Some(s), Some(e)) => (s, e),
            _ => {
                let end =
                    next_boundary(paid_at, anchor).ok_or(SubscriptionError::PeriodOutOfRange)?;
                self.store.update_subscription_charge(
                    &charge.merchant_uid,
                    self.store
                        .subscription_charge(&charge.merchant_uid)?
                        .map_or(charge.request, |c| c.request),
                    &ChargePatch {
                        period: Some((paid_at, end)),
                        ..ChargePatch::default()
                    },
                )?;
                (paid_at, end)
            }
        };
        // Access only grows: a retry that pays an earlier period after a later one was paid
        // leaves the later period current.
        let current_period = sub
            .current_period_end
            .is_none_or(|e| end > e)
            .then_some((start, end));
        let sub = if is_next {
            let to = if sub.state == SubscriptionState::Cancelled {
                SubscriptionState::Cancelled
            } else {
                SubscriptionState::Active
            };
            let next = self.next_owed_after(&sub.id, charge.period_no)?;
            let sub = self.store.update_subscription(
                &sub.id,
                sub.state,
                "period_paid",
                &SubscriptionPatch {
                    state: Some(to),
                    anchor_day: Some(anchor),
                    current_period,
                    next_charge: Some(next.as_ref().map(|c| (c.merchant_uid.clone(), c.charge_at))),
                    retry_count: Some(0),
                    next_retry_at: Some(None),
                    first_failed_at: Some(None),
                    last_failure_reason: Some(None),
                    ..SubscriptionPatch::default()
                },
            )?;
            if let Some(next) = next {
                // Declined while the PC was off, seen before this payment: dunning starts now,
                // counted from when Iamport ran it (its schedule time, on Iamport's clock).
                let order = self.store.order(&next.merchant_uid)?;
                if order.state == OrderState::Failed {
                    self.dun(&next.merchant_uid, order.fail_reason, next.charge_at)?;
                }
            }
            self.store.subscription(&sub.id)?
        } else {
            self.store.update_subscription(
                &sub.id,
                sub.state,
                "period_paid_ahead",
                &SubscriptionPatch {
                    current_period,
                    ..SubscriptionPatch::default()
                },
            )?
        };
        self.top_up(&sub)?;
        Ok(Settled::Paid)
    }

    /// A failed attempt: the order fails, and the subscription starts or continues dunning
    /// (the first period's failure leaves it `incomplete`).
    pub(crate) fn record_failure(
        &self,
        merchant_uid: &str,
        imp_uid: Option<&str>,
        reason: Option<String>,
        at: DateTime<Utc>,
    ) -> Result<(), SubscriptionError> {
        let order = self.store.order(merchant_uid)?;
        if order.state != OrderState::Failed || imp_uid.is_some() {
            self.store.apply_transition(
                &order,
                OrderState::Failed,
                "subscription_charge",
                &OrderPatch {
                    imp_uid: imp_uid.map(str::to_string),
                    fail_reason: reason.clone(),
                    ..OrderPatch::default()
                },
            )?;
        }
        self.dun(merchant_uid, reason, at)
    }

    /// The subscription side of a failed attempt of charge `merchant_uid`: when it is the
    /// subscription's next charge, dunning starts (or continues) by the policy.
    pub(crate) fn dun(
        &self,
        merchant_uid: &str,
        reason: Option<String>,
        at: DateTime<Utc>,
    ) -> Result<(), SubscriptionError> {
        let Some(charge) = self.store.subscription_charge(merchant_uid)? else {
            return Ok(());
        };
        let sub = self.store.subscription(&charge.subscription_id)?;
        if sub.next_charge_merchant_uid.as_deref() != Some(merchant_uid) {
            return Ok(());
        }
        let decline = classify_decline(reason.as_deref());
        let mut patch = SubscriptionPatch {
            last_failure_reason: Some(reason.clone()),
            ..SubscriptionPatch::default()
        };
        let (first_failed, retries_done) = match sub.state {
            SubscriptionState::Incomplete
            | SubscriptionState::Unpaid
            | SubscriptionState::Cancelled => {
                self.store
                    .update_subscription(&sub.id, sub.state, "charge_failed", &patch)?;
                return Ok(());
            }
            SubscriptionState::Active => (at, 0),
            SubscriptionState::PastDue => (
                sub.first_failed_at.unwrap_or(at),
                sub.retry_count.saturating_add(1),
            ),
        };
        patch.first_failed_at = Some(Some(first_failed));
        patch.retry_count = Some(retries_done);
        match next_step(self.policy, first_failed, retries_done, decline) {
            DunningStep::RetryAt(when) => {
                patch.state = Some(SubscriptionState::PastDue);
                patch.next_retry_at = Some(Some(when));
            }
            DunningStep::GiveUp(why) => {
                patch.state = Some(SubscriptionState::Unpaid);
                patch.next_retry_at = Some(None);
                patch.last_failure_reason = Some(Some(format!(
                    "{} ({})",
                    why.label_ko(),
                    reason.unwrap_or_default()
                )));
            }
        }
        self.store
            .update_subscription(&sub.id, sub.state, "charge_failed", &patch)?;
        Ok(())
    }
}
