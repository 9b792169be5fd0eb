//! What Iamport did with the renewals it holds, found by lookup: every renewal whose time has
//! come is looked up by merchant_uid (100 to a request) and what it made is applied in the
//! order Iamport ran them, so after weeks with the PC off the paid periods are granted and the
//! declines enter dunning in order. A renewal Iamport never ran is looked up as a schedule: one
//! revoked in the console is marked so ("다음 결제 예약 없음"). A daily sweep of Iamport's
//! schedule list notices such an unschedule before its time comes.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use iamport::{Payment, ScheduleQuery, ScheduleStatus};

use super::error::SubscriptionError;
use super::poll::PollReport;
use super::settle::Settled;
use super::Subscriptions;
use crate::store::{ChargeRequest, OrderState, SubscriptionCharge};
use crate::sync::feed::status_time;

/// How long after its time a renewal with no payment is looked up as a schedule.
const EXECUTION_GRACE_MINUTES: i64 = 10;
/// How often (Iamport's clock) the schedule list is compared with the renewals we registered.
const SWEEP_EVERY_HOURS: i64 = 24;
/// The widest window of Iamport's schedule list (3 months).
const SWEEP_WINDOW_DAYS: i64 = 93;
/// Page size of the schedule list.
const SWEEP_PAGE: u32 = 1000;
/// `sync_state` key: Iamport's time (ms) of the last schedule sweep.
pub const SCHEDULE_SWEEP_AT: &str = "subscription_schedule_sweep_at";

impl Subscriptions {
    /// Looks up every registered renewal whose time has come and applies what Iamport made of
    /// it, oldest first. Failures of one charge are reported and left for the next cycle.
    pub(crate) async fn reconcile_executions(
        &self,
        now: DateTime<Utc>,
        report: &mut PollReport,
    ) -> Result<(), SubscriptionError> {
        let due = self.store.scheduled_charges_until(now)?;
        if due.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = due.iter().map(|c| c.merchant_uid.clone()).collect();
        let found = self
            .client
            .payments_by_ids(&[], &ids)
            .await
            .map_err(SubscriptionError::iamport("payments_by_ids"))?;
        let mut by_order: HashMap<String, Vec<Payment>> = HashMap::new();
        for p in found {
            by_order.entry(p.merchant_uid.clone()).or_default().push(p);
        }
        for charge in &due {
            let outcome = match by_order.remove(&charge.merchant_uid) {
                Some(mut payments) => {
                    payments.sort_by_key(status_time);
                    let mut last = Ok(Settled::Unchanged);
                    for p in &payments {
                        last = self.ledger().settle(p, now);
                        if last.is_err() {
                            break;
                        }
                    }
                    last
                }
                None if charge.charge_at + Duration::minutes(EXECUTION_GRACE_MINUTES) <= now => {
                    self.detect_execution(charge, now).await
                }
                None => Ok(Settled::Unchanged),
            };
            match outcome {
                Ok(Settled::Paid) => report.paid += 1,
                Ok(Settled::Failed) => report.failed += 1,
                Ok(Settled::Refunded | Settled::Unchanged) => {}
                Err(e) => report.errors.push(format!(
                    "{} ({}): {e}",
                    charge.subscription_id, charge.merchant_uid
                )),
            }
        }
        Ok(())
    }

    /// Looks a renewal with no payment up as a schedule: an executed one's payment is applied;
    /// one revoked at Iamport (or unknown there) is marked revoked with the reason.
    pub(crate) async fn detect_execution(
        &self,
        charge: &SubscriptionCharge,
        now: DateTime<Utc>,
    ) -> Result<Settled, SubscriptionError> {
        let order = self.store.order(&charge.merchant_uid)?;
        if order.state != OrderState::AwaitingPayment {
            return Ok(Settled::Unchanged);
        }
        let schedule = match self
            .client
            .schedule_by_merchant_uid(&charge.merchant_uid)
            .await
        {
            Ok(s) => s,
            Err(e) if e.is_not_found() => {
                self.unscheduled_at_iamport(charge)?;
                return Ok(Settled::Unchanged);
            }
            Err(e) => return Err(SubscriptionError::iamport("schedule_by_merchant_uid")(e)),
        };
        match schedule.schedule_status {
            ScheduleStatus::Revoked => {
                self.unscheduled_at_iamport(charge)?;
                Ok(Settled::Unchanged)
            }
            ScheduleStatus::Executed => {
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
            _ => Ok(Settled::Unchanged),
        }
    }

    /// A renewal we registered that Iamport no longer holds (unscheduled in the console): it is
    /// marked revoked and the subscription's history says so. Nothing is sent; the owner
    /// schedules it again ([`Self::schedule_again`]). A renewal still on a billing key its
    /// subscription has left was unscheduled by a card change cut short (the answer lost with
    /// the process): left alone, the move registers it on the new key (`finish_key_move`).
    fn unscheduled_at_iamport(&self, charge: &SubscriptionCharge) -> Result<(), SubscriptionError> {
        if charge.request != ChargeRequest::Sent {
            return Ok(());
        }
        if self
            .store
            .subscription(&charge.subscription_id)?
            .customer_uid
            != charge.customer_uid
        {
            return Ok(());
        }
        self.set_request(charge, ChargeRequest::Revoked)?;
        self.store.note_subscription_event(
            &charge.subscription_id,
            "schedule_revoked_at_iamport",
            &serde_json::json!({
                "merchantUid": charge.merchant_uid,
                "periodNo": charge.period_no,
                "chargeAt": charge.charge_at.timestamp_millis(),
            }),
        )
    }

    /// Once a day on Iamport's clock: lists the schedules Iamport holds for the next three
    /// months and looks up each of our registered renewals missing from it.
    pub(crate) async fn sweep_schedules(
        &self,
        now: DateTime<Utc>,
        report: &mut PollReport,
    ) -> Result<(), SubscriptionError> {
        let last = self
            .store
            .sync_value(SCHEDULE_SWEEP_AT)?
            .and_then(|v| v.parse::<i64>().ok());
        let due = last.is_none_or(|ms| {
            now.timestamp_millis().saturating_sub(ms)
                >= Duration::hours(SWEEP_EVERY_HOURS).num_milliseconds()
        });
        if !due {
            return Ok(());
        }
        let to = now + Duration::days(SWEEP_WINDOW_DAYS);
        let ours: Vec<SubscriptionCharge> = self
            .store
            .scheduled_charges_until(to - Duration::seconds(1))?
            .into_iter()
            .filter(|c| c.charge_at > now)
            .collect();
        if !ours.is_empty() {
            let window = (now.timestamp(), to.timestamp());
            let held = match self.held_schedules(None, window).await {
                Ok(held) => held,
                // The merchant-wide list is refused (through the relay it would show other
                // stores' schedules): the same question per billing key.
                Err(e) if !e.is_retryable() => {
                    let mut keys: Vec<&str> =
                        ours.iter().map(|c| c.customer_uid.as_str()).collect();
                    keys.sort_unstable();
                    keys.dedup();
                    let mut held = HashSet::new();
                    for key in keys {
                        held.extend(
                            self.held_schedules(Some(key), window)
                                .await
                                .map_err(SubscriptionError::iamport("schedules_by_customer"))?,
                        );
                    }
                    held
                }
                Err(e) => return Err(SubscriptionError::iamport("schedules")(e)),
            };
            for charge in ours.iter().filter(|c| !held.contains(&c.merchant_uid)) {
                if let Err(e) = self.detect_missing(charge).await {
                    report
                        .errors
                        .push(format!("{}: {e}", charge.subscription_id));
                }
            }
        }
        self.store
            .set_sync_value(SCHEDULE_SWEEP_AT, &now.timestamp_millis().to_string())?;
        Ok(())
    }

    /// The merchant_uids of the schedules Iamport holds waiting in `window` (Unix seconds),
    /// every page: all of the merchant's, or one billing key's.
    async fn held_schedules(
        &self,
        key: Option<&str>,
        (from, to): (i64, i64),
    ) -> Result<HashSet<String>, iamport::Error> {
        let mut held = HashSet::new();
        let mut page = 1;
        loop {
            let query = ScheduleQuery {
                from,
                to,
                status: Some(ScheduleStatus::Scheduled),
                page: Some(page),
                limit: Some(SWEEP_PAGE),
                ..ScheduleQuery::default()
            };
            let list = match key {
                None => self.client.schedules(&query).await,
                Some(key) => self.client.schedules_by_customer(key, &query).await,
            };
            let list = match list {
                Ok(list) => list,
                Err(e) if e.is_not_found() => break,
                Err(e) => return Err(e),
            };
            held.extend(list.list.into_iter().map(|s| s.merchant_uid));
            match list.next {
                Some(next) if next > page => page = next,
                _ => break,
            }
        }
        Ok(held)
    }

    /// A future renewal missing from Iamport's list of waiting schedules: looked up one by
    /// one before anything is marked (the list may lag).
    async fn detect_missing(&self, charge: &SubscriptionCharge) -> Result<(), SubscriptionError> {
        match self
            .client
            .schedule_by_merchant_uid(&charge.merchant_uid)
            .await
        {
            Ok(s) if s.schedule_status == ScheduleStatus::Revoked => {
                self.unscheduled_at_iamport(charge)
            }
            Err(e) if e.is_not_found() => self.unscheduled_at_iamport(charge),
            Ok(_) => Ok(()),
            Err(e) => Err(SubscriptionError::iamport("schedule_by_merchant_uid")(e)),
        }
    }
}
