//! Renewals scheduled ahead: a subscription keeps the next [`LOOKAHEAD`] periods minted (each
//! with its own `renew_` merchant_uid, stored before anything is sent) so that Iamport goes on
//! charging them while the store PC is off for weeks. Network-free: minting and choosing the
//! next charge; registering them at Iamport is `charge::register`.

use super::error::SubscriptionError;
use super::period::next_boundary;
use super::settle::Ledger;
use crate::store::{
    ChargeVia, NewCharge, OrderState, Subscription, SubscriptionCharge, SubscriptionState,
};

/// How many periods after the last paid one are kept minted and scheduled at Iamport: a PC
/// switched off for up to three months loses no period.
pub const LOOKAHEAD: u32 = 3;

/// Whether money was taken for an order in this state (paid, or paid and then refunded).
pub(crate) fn money_taken(state: OrderState) -> bool {
    matches!(
        state,
        OrderState::Paid | OrderState::PartiallyRefunded | OrderState::Refunded
    )
}

/// Whether a charge in this order state is still owed (not paid, not given up).
pub(crate) fn still_owed(state: OrderState) -> bool {
    matches!(
        state,
        OrderState::Created | OrderState::AwaitingPayment | OrderState::Failed
    )
}

impl Ledger<'_> {
    /// The first charge after period `period_no` that is still owed, if any.
    pub(crate) fn next_owed_after(
        &self,
        id: &str,
        period_no: u32,
    ) -> Result<Option<SubscriptionCharge>, SubscriptionError> {
        for charge in self.store.subscription_charges(id)? {
            if charge.period_no <= period_no {
                continue;
            }
            if still_owed(self.store.order(&charge.merchant_uid)?.state) {
                return Ok(Some(charge));
            }
        }
        Ok(None)
    }

    /// Mints the charges of the periods up to [`LOOKAHEAD`] after the last paid one, for an
    /// active subscription that renews. The subscription's next charge is pointed at the first
    /// of them only when it has none. Returns what was minted (nothing when all exist).
    pub(crate) fn top_up(
        &self,
        sub: &Subscription,
    ) -> Result<Vec<SubscriptionCharge>, SubscriptionError> {
        if sub.state != SubscriptionState::Active || sub.cancel_at_period_end {
            return Ok(Vec::new());
        }
        let Some(anchor) = sub.anchor_day else {
            return Ok(Vec::new());
        };
        let charges = self.store.subscription_charges(&sub.id)?;
        let mut paid_through = None;
        for charge in &charges {
            if money_taken(self.store.order(&charge.merchant_uid)?.state) {
                paid_through = paid_through.max(Some(charge.period_no));
            }
        }
        let (Some(paid_through), Some(mut last)) = (paid_through, charges.last().cloned()) else {
            return Ok(Vec::new());
        };
        let mut minted = Vec::new();
        while last.period_no < paid_through.saturating_add(LOOKAHEAD) {
            let Some(start) = last.period_end else {
                break;
            };
            let end = next_boundary(start, anchor).ok_or(SubscriptionError::PeriodOutOfRange)?;
            let charge = self.store.add_lookahead_charge(
                &sub.id,
                &NewCharge {
                    period_no: last.period_no.saturating_add(1),
                    period: Some((start, end)),
                    via: ChargeVia::Schedule,
                    charge_at: start,
                },
            )?;
            minted.push(charge.clone());
            last = charge;
        }
        Ok(minted)
    }
}
