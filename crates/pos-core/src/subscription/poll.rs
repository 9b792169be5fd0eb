//! What the sync engine runs for subscriptions each cycle ([`poll_due`]), what its change feed
//! hands over ([`apply_renewal_payment`]) and the `charge` job ([`execute_charge_job`]).
//!
//! `poll_due` does what is due, each step safe to repeat: apply what Iamport ran meanwhile
//! (`executions`: batch lookups by merchant_uid, oldest first), notice renewals unscheduled in
//! the console (a daily sweep), then per subscription: finish a card change, keep the periods
//! ahead minted and registered (looked up first if a send was interrupted), retry a `past_due`
//! charge when the policy says, end a subscription cancelled at its period end. One
//! subscription's failure does not stop the others; it is reported.

use chrono::{DateTime, Utc};
use iamport::Payment;
use serde::Serialize;
use ts_rs::TS;

use super::error::SubscriptionError;
use super::settle::{Ledger, Settled};
use super::{DunningPolicy, Subscriptions};
use crate::clock::IamportClock;
use crate::store::{ChargeRequest, Job, Store, Subscription, SubscriptionPatch, SubscriptionState};
use crate::work::{JobDone, JobFailure, WorkContext};

/// Job kind of a first-period charge (`again`), keyed by its `renew_` merchant_uid.
pub const CHARGE_JOB: &str = "charge";

/// What one [`poll_due`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PollReport {
    /// Live subscriptions looked at.
    pub checked: u32,
    /// Periods paid.
    pub paid: u32,
    /// Charges that failed.
    pub failed: u32,
    /// Subscriptions ended at their period end.
    pub ended: u32,
    /// Per-subscription failures (`id: message`), left for the next cycle.
    pub errors: Vec<String>,
}

/// Applies a payment seen by the sync engine (change feed or lookup) if it belongs to a
/// subscription charge; any other payment is [`Settled::Unchanged`]. Network-free, idempotent.
pub fn apply_renewal_payment(
    store: &Store,
    payment: &Payment,
    now: DateTime<Utc>,
) -> Result<Settled, SubscriptionError> {
    let policy = DunningPolicy::default();
    Ledger {
        store,
        policy: &policy,
    }
    .settle(payment, now)
}

/// Does whatever is due for every live subscription at `now` (Iamport's clock): first what
/// Iamport ran meanwhile (every renewal whose time has come, in the order it ran), then the
/// daily comparison with Iamport's schedule list, then each subscription's own work.
pub async fn poll_due(
    subs: &Subscriptions,
    now: DateTime<Utc>,
) -> Result<PollReport, SubscriptionError> {
    let mut report = PollReport::default();
    if let Err(e) = subs.reconcile_executions(now, &mut report).await {
        report.errors.push(format!("renewals: {e}"));
    }
    if let Err(e) = subs.sweep_schedules(now, &mut report).await {
        report.errors.push(format!("schedules: {e}"));
    }
    if let Err(e) = subs.settle_card_checks().await {
        report.errors.push(format!("card checks: {e}"));
    }
    for sub in subs.store.subscriptions()? {
        if !matches!(
            sub.state,
            SubscriptionState::Incomplete | SubscriptionState::Active | SubscriptionState::PastDue
        ) {
            continue;
        }
        report.checked += 1;
        match subs.poll_one(&sub, now).await {
            Ok(Settled::Paid) => report.paid += 1,
            Ok(Settled::Failed) => report.failed += 1,
            Ok(Settled::Refunded | Settled::Unchanged) => {}
            Err(e) => report.errors.push(format!("{}: {e}", sub.id)),
        }
        if let Ok(after) = subs.store.subscription(&sub.id) {
            if after.state == SubscriptionState::Cancelled && sub.state != after.state {
                report.ended += 1;
            }
        }
    }
    Ok(report)
}

impl Subscriptions {
    async fn poll_one(
        &self,
        sub: &Subscription,
        now: DateTime<Utc>,
    ) -> Result<Settled, SubscriptionError> {
        // A card change or a cancel interrupted by a crash is finished first.
        self.finish_key_move(sub).await?;
        let charge = self.next_charge(sub)?;
        match sub.state {
            SubscriptionState::Incomplete => match charge {
                // Only an interrupted first charge is resumed (looked up first); a declined
                // one waits for the owner ("다시 시도" or a new card).
                Some(c) if c.request == ChargeRequest::Sending => {
                    let settled = self.charge_now(&c, now).await?;
                    if settled == Settled::Paid {
                        self.register_next(&sub.id, now).await?;
                    }
                    Ok(settled)
                }
                // The card registration itself may have completed unseen: look it up.
                None => self.check_registration(sub, now).await,
                _ => Ok(Settled::Unchanged),
            },
            SubscriptionState::Active => {
                if sub.cancel_at_period_end {
                    if !self.live_schedules(sub)?.is_empty() {
                        self.revoke_future(sub).await?;
                    }
                    if sub.current_period_end.is_some_and(|end| end <= now) {
                        self.store.update_subscription(
                            &sub.id,
                            SubscriptionState::Active,
                            "period_ended",
                            &SubscriptionPatch {
                                state: Some(SubscriptionState::Cancelled),
                                cancelled_at: Some(now),
                                ..SubscriptionPatch::default()
                            },
                        )?;
                    }
                    return Ok(Settled::Unchanged);
                }
                // Mints what is missing ahead (also after a crash between a payment and the
                // minting) and registers whatever is not registered yet.
                self.register_next(&sub.id, now).await?;
                Ok(Settled::Unchanged)
            }
            SubscriptionState::PastDue => {
                let Some(charge) = charge else {
                    return Ok(Settled::Unchanged);
                };
                if sub.next_retry_at.is_none_or(|at| at > now)
                    || self.ledger().refund_pending_before(sub, &charge)?
                {
                    return Ok(Settled::Unchanged);
                }
                let settled = self.retry_charge(&charge, now).await?;
                if settled == Settled::Paid {
                    self.register_next(&sub.id, now).await?;
                }
                Ok(settled)
            }
            SubscriptionState::Unpaid | SubscriptionState::Cancelled => Ok(Settled::Unchanged),
        }
    }
}

/// Runs a `charge` job: the first-period `again` of the charge `job.merchant_uid`, looked up
/// first when a previous attempt's outcome is unknown. Timed on Iamport's clock.
pub async fn execute_charge_job(ctx: &WorkContext, job: &Job) -> Result<JobDone, JobFailure> {
    const WHAT: &str = "정기결제 청구";
    let subs = Subscriptions::new(ctx.store.clone(), ctx.client.clone());
    let charge = match ctx.store.subscription_charge(&job.merchant_uid) {
        Ok(Some(c)) => c,
        Ok(None) => {
            return Err(JobFailure::Permanent {
                message: format!("{WHAT}: '{}' 정기결제 주문이 없습니다.", job.merchant_uid),
            })
        }
        Err(e) => {
            return Err(JobFailure::Retryable {
                message: format!("{WHAT}: {e}"),
            })
        }
    };
    let now = IamportClock::new(&ctx.client).now().await.now;
    match subs.charge_now(&charge, now).await {
        Ok(settled) => Ok(JobDone {
            order: ctx.store.order(&job.merchant_uid).ok().map(Box::new),
            note: format!("{WHAT}: {settled:?}"),
        }),
        Err(SubscriptionError::Iamport { source, .. }) => {
            Err(JobFailure::from_iamport(WHAT, &source))
        }
        Err(e) => Err(JobFailure::Permanent {
            message: format!("{WHAT}: {e}"),
        }),
    }
}
