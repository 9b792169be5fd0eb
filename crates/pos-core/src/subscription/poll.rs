//! What the sync engine runs for subscriptions each cycle ([`poll_due`]), what its change feed
//! hands over ([`apply_renewal_payment`]) and the `charge` job ([`execute_charge_job`]).
//!
//! `poll_due` walks the live subscriptions and does what is due, each step safe to repeat:
//! register the next period's schedule (looked up first if a send was interrupted), detect an
//! executed schedule (`schedule_by_merchant_uid`: `executed` + the payment it made), retry a
//! `past_due` charge when the policy says, end a subscription cancelled at its period end. One
//! subscription's failure does not stop the others; it is reported.

use chrono::{DateTime, Utc};
use iamport::{Payment, ScheduleStatus};
use serde::Serialize;
use ts_rs::TS;

use super::error::SubscriptionError;
use super::settle::{Ledger, Settled};
use super::{DunningPolicy, Subscriptions};
use crate::clock::IamportClock;
use crate::store::{
    ChargeRequest, ChargeVia, Job, OrderState, Store, Subscription, SubscriptionPatch,
    SubscriptionState,
};
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

/// Does whatever is due for every live subscription at `now` (Iamport's clock).
pub async fn poll_due(
    subs: &Subscriptions,
    now: DateTime<Utc>,
) -> Result<PollReport, SubscriptionError> {
    let mut report = PollReport::default();
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
            Ok(Settled::Unchanged) => {}
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
                let charge = match charge {
                    Some(c) => c,
                    None => {
                        // Paid but the next period was never minted (a crash in between).
                        let last = self
                            .store
                            .subscription_charges(&sub.id)?
                            .last()
                            .map_or(0, |c| c.period_no);
                        match self.ledger().mint_next(sub, last)? {
                            Some(c) => c,
                            None => return Ok(Settled::Unchanged),
                        }
                    }
                };
                let settled = match charge.request {
                    ChargeRequest::Pending | ChargeRequest::Sending => {
                        self.register(&charge, now).await?
                    }
                    ChargeRequest::Sent
                        if charge.via == ChargeVia::Schedule && charge.charge_at <= now =>
                    {
                        self.detect_execution(&charge.merchant_uid, now).await?
                    }
                    _ => Settled::Unchanged,
                };
                if settled == Settled::Paid {
                    self.register_next(&sub.id, now).await?;
                }
                Ok(settled)
            }
            SubscriptionState::PastDue => {
                let Some(charge) = charge else {
                    return Ok(Settled::Unchanged);
                };
                if sub.next_retry_at.is_none_or(|at| at > now) {
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

    /// Looks an executed schedule up and applies the payment it made.
    async fn detect_execution(
        &self,
        merchant_uid: &str,
        now: DateTime<Utc>,
    ) -> Result<Settled, SubscriptionError> {
        let order = self.store.order(merchant_uid)?;
        if order.state != OrderState::AwaitingPayment {
            return Ok(Settled::Unchanged);
        }
        let schedule = self
            .client
            .schedule_by_merchant_uid(merchant_uid)
            .await
            .map_err(SubscriptionError::iamport("schedule_by_merchant_uid"))?;
        if schedule.schedule_status != ScheduleStatus::Executed {
            return Ok(Settled::Unchanged);
        }
        let Some(imp_uid) = schedule.imp_uid else {
            return Ok(Settled::Unchanged);
        };
        let payment = self
            .client
            .payment(&imp_uid)
            .await
            .map_err(SubscriptionError::iamport("payment"))?;
        self.ledger().settle(&payment, now)
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
