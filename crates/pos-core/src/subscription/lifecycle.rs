//! The owner's actions on a subscription: start (billing-key window ticket), verify the issued
//! key, subscribe with a key that already exists, cancel at period end, resume, cancel now,
//! retry now, change card, delete a billing key.
//!
//! Every refusal is checked before anything is sent or written. `now` is the Iamport-side
//! clock (the sandbox's in tests, the system clock in the app).

use chrono::{DateTime, Duration, Utc};
use iamport::{CustomerUidUsage, PaymentStatus, ScheduleQuery, ScheduleStatus};

use super::error::SubscriptionError;
use super::issuance::{issuance_rule, IssuanceTicket};
use super::settle::Settled;
use super::Subscriptions;
use crate::format::kst_minute;
use crate::ids::mint_customer_uid;
use crate::store::{
    ChargePatch, ChargeRequest, ChargeVia, NewCharge, NewJob, NewSubscription, OrderPatch,
    OrderState, StoreError, Subscription, SubscriptionCharge, SubscriptionPatch, SubscriptionState,
};
use crate::work::{run_job_now, WorkContext};

impl Subscriptions {
    /// (a) Starts a subscription to `plan_id`: a fresh `customer_uid`, the `billing_` order and
    /// the ticket the SDK window needs (amount per the billing PG's rule). Nothing is sent.
    pub fn start(
        &self,
        plan_id: &str,
        billing_pg: Option<&str>,
    ) -> Result<IssuanceTicket, SubscriptionError> {
        let plan = self.store.plan(plan_id)?;
        let rule = issuance_rule(billing_pg);
        let customer_uid = mint_customer_uid();
        let sub = self.store.create_subscription(&NewSubscription {
            plan_id: plan.id.clone(),
            customer_uid: customer_uid.clone(),
            issuance_amount: rule.window_amount(plan.price),
            card_masked: None,
            key_verified: false,
        })?;
        Ok(IssuanceTicket {
            subscription_id: sub.id,
            merchant_uid: sub.billing_merchant_uid,
            customer_uid,
            amount: rule.window_amount(plan.price),
            rule,
            pg: billing_pg.map(str::to_string),
            name: format!("{} 카드 등록", plan.name_ko),
        })
    }

    /// (b) Verifies the key issued by the SDK window (`imp_uid` from its callback): the payment
    /// is this subscription's `billing_` order with `customer_uid_usage = issue`, and Iamport
    /// has the key. Then the first period is charged (unless the issuance payment paid it).
    pub async fn verify_issuance(
        &self,
        id: &str,
        imp_uid: &str,
        billing_pg: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if sub.state != SubscriptionState::Incomplete {
            return Err(not_allowed(&sub, "카드 등록 확인"));
        }
        let payment = self
            .client
            .payment(imp_uid)
            .await
            .map_err(SubscriptionError::iamport("payment"))?;
        let refuse = |reason: &str| SubscriptionError::IssuanceNotVerified {
            reason: reason.to_string(),
        };
        if payment.merchant_uid != sub.billing_merchant_uid {
            return Err(refuse("다른 주문의 결제입니다"));
        }
        if payment.customer_uid.as_deref() != Some(sub.customer_uid.as_str()) {
            return Err(refuse("다른 빌링키(customer_uid)의 결제입니다"));
        }
        if payment.customer_uid_usage != Some(CustomerUidUsage::Issue) {
            return Err(refuse("빌링키 발급 결제가 아닙니다"));
        }
        let key = self.known_key(&sub.customer_uid).await?;
        let order = self.store.order(&sub.billing_merchant_uid)?;
        let pays_first = issuance_rule(billing_pg).pays_first_period()
            && payment.status == PaymentStatus::Paid
            && payment.amount == sub.amount;
        if order.state != OrderState::Paid {
            self.store.apply_transition(
                &order.merchant_uid,
                order.state,
                OrderState::Paid,
                "billing_key_verified",
                &OrderPatch {
                    imp_uid: Some(payment.imp_uid.clone()),
                    customer_uid: Some(sub.customer_uid.clone()),
                    ..OrderPatch::default()
                },
            )?;
        }
        self.store.update_subscription(
            id,
            SubscriptionState::Incomplete,
            "billing_key_verified",
            &SubscriptionPatch {
                card_masked: key.card_number,
                ..SubscriptionPatch::default()
            },
        )?;
        let charge = self.first_charge(id, now)?;
        if pays_first {
            // The window charged the first period under the billing_ order: apply it as paid.
            let mut as_charge = payment.clone();
            as_charge.merchant_uid = charge.merchant_uid.clone();
            self.ledger().settle(&as_charge, now)?;
        } else {
            self.charge_first_period(&charge).await?;
        }
        self.register_next(id, now).await?;
        self.store.subscription(id)
    }

    /// Subscribes with a billing key that already exists at Iamport (posctl, support): checks
    /// the plan and the key first (a refusal changes nothing), then charges the first period
    /// with `again` and registers the next period with `schedule`.
    pub async fn create_with_key(
        &self,
        plan_id: &str,
        customer_uid: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let plan = self.store.plan(plan_id)?;
        if plan.kind != crate::store::PlanKind::Subscription {
            return Err(SubscriptionError::NotASubscriptionPlan { plan_id: plan.id });
        }
        if let Some(live) = self
            .store
            .subscriptions()?
            .into_iter()
            .find(|s| s.plan_id == plan.id && s.state != SubscriptionState::Cancelled)
        {
            return Err(SubscriptionError::AlreadySubscribed {
                plan_id: plan.id,
                existing: live.id,
            });
        }
        let key = self.known_key(customer_uid).await?;
        let sub = self.store.create_subscription(&NewSubscription {
            plan_id: plan.id,
            customer_uid: customer_uid.to_string(),
            issuance_amount: 0,
            card_masked: key.card_number,
            key_verified: true,
        })?;
        let charge = self.first_charge(&sub.id, now)?;
        self.charge_first_period(&charge).await?;
        self.register_next(&sub.id, now).await?;
        self.store.subscription(&sub.id)
    }

    /// (c) The first period's `again` as a `charge` job (the outbox), run at once like one
    /// turn of the worker: left queued when Iamport is unreachable or the outcome is unknown,
    /// for the sync engine to finish (looking the merchant_uid up first).
    async fn charge_first_period(
        &self,
        charge: &SubscriptionCharge,
    ) -> Result<(), SubscriptionError> {
        let job = NewJob {
            kind: super::CHARGE_JOB.to_string(),
            merchant_uid: charge.merchant_uid.clone(),
            payload: serde_json::json!({ "subscriptionId": charge.subscription_id }),
            run_at: None,
        };
        let ctx = WorkContext {
            store: self.store.clone(),
            client: self.client.clone(),
        };
        match self.store.enqueue_job(&job) {
            Ok(job_id) => {
                run_job_now(&ctx, job_id).await?;
            }
            // Already queued (a repeated call): the worker or this call's lookup finishes it.
            Err(StoreError::DuplicateJob { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// The first period's charge, minted once.
    fn first_charge(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<SubscriptionCharge, SubscriptionError> {
        if let Some(first) = self
            .store
            .subscription_charges(id)?
            .into_iter()
            .find(|c| c.period_no == 0)
        {
            return Ok(first);
        }
        self.store.add_subscription_charge(
            id,
            &NewCharge {
                period_no: 0,
                period: None,
                via: ChargeVia::Again,
                charge_at: now,
            },
        )
    }

    /// Registers the subscription's next charge at Iamport if it is not registered yet.
    pub(crate) async fn register_next(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if let Some(charge) = self.next_charge(&sub)? {
            if sub.state == SubscriptionState::Active
                && matches!(
                    charge.request,
                    ChargeRequest::Pending | ChargeRequest::Sending
                )
            {
                self.register(&charge, now).await?;
            }
        }
        Ok(())
    }

    pub(crate) fn next_charge(
        &self,
        sub: &Subscription,
    ) -> Result<Option<SubscriptionCharge>, SubscriptionError> {
        match &sub.next_charge_merchant_uid {
            Some(m) => Ok(self.store.subscription_charge(m)?),
            None => Ok(None),
        }
    }

    async fn known_key(&self, customer_uid: &str) -> Result<iamport::Customer, SubscriptionError> {
        match self.client.billing_key(customer_uid).await {
            Ok(key) => Ok(key),
            Err(e) if e.is_not_found() => Err(SubscriptionError::UnknownBillingKey {
                customer_uid: customer_uid.to_string(),
            }),
            Err(e) => Err(SubscriptionError::iamport("billing_key")(e)),
        }
    }

    /// Revokes the next charge at Iamport if it is registered and has not run. A charge that
    /// was never sent is simply marked revoked.
    async fn revoke_next(&self, sub: &Subscription) -> Result<(), SubscriptionError> {
        let Some(charge) = self.next_charge(sub)? else {
            return Ok(());
        };
        if charge.via != ChargeVia::Schedule {
            return Ok(());
        }
        match charge.request {
            ChargeRequest::Revoked => return Ok(()),
            ChargeRequest::Pending => {}
            ChargeRequest::Sending | ChargeRequest::Sent => {
                let done = self
                    .client
                    .unschedule(
                        &charge.customer_uid,
                        std::slice::from_ref(&charge.merchant_uid),
                    )
                    .await;
                if let Err(e) = done {
                    // Nothing to revoke: see whether it never arrived or already ran.
                    match self
                        .client
                        .schedule_by_merchant_uid(&charge.merchant_uid)
                        .await
                    {
                        Ok(s) if s.schedule_status == ScheduleStatus::Revoked => {}
                        Err(nf) if nf.is_not_found() => {}
                        Ok(_) => {
                            return Err(SubscriptionError::NotAllowed {
                                id: sub.id.clone(),
                                state: sub.state.as_str(),
                                action:
                                    "예약을 취소 (이미 실행된 정기결제가 있어 동기화 후 다시 시도)",
                            })
                        }
                        Err(_) => return Err(SubscriptionError::iamport("unschedule")(e)),
                    }
                }
            }
        }
        self.store.update_subscription_charge(
            &charge.merchant_uid,
            charge.request,
            &ChargePatch {
                request: Some(ChargeRequest::Revoked),
                ..ChargePatch::default()
            },
        )?;
        Ok(())
    }

    /// Cancels at the period end (the default): the next charge is unscheduled, the music
    /// plays until the period ends, then the subscription is `cancelled`. A subscription that
    /// is not paid up (`incomplete`, `past_due`, `unpaid`) is cancelled now.
    pub async fn cancel(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        match sub.state {
            SubscriptionState::Cancelled => Err(SubscriptionError::AlreadyCancelled { id: sub.id }),
            SubscriptionState::Active if sub.cancel_at_period_end => {
                Err(SubscriptionError::AlreadyCancelled { id: sub.id })
            }
            SubscriptionState::Active => {
                self.revoke_next(&sub).await?;
                Ok(self.store.update_subscription(
                    id,
                    SubscriptionState::Active,
                    "cancel_at_period_end",
                    &SubscriptionPatch {
                        cancel_at_period_end: Some(true),
                        ..SubscriptionPatch::default()
                    },
                )?)
            }
            _ => self.cancel_now(id, now).await,
        }
    }

    /// Ends the subscription now: the next charge is unscheduled, access ends.
    pub async fn cancel_now(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if sub.state == SubscriptionState::Cancelled {
            return Err(SubscriptionError::AlreadyCancelled { id: sub.id });
        }
        self.revoke_next(&sub).await?;
        if let Some(charge) = self.next_charge(&sub)? {
            let order = self.store.order(&charge.merchant_uid)?;
            if order.state.is_open() || order.state == OrderState::Failed {
                self.store.apply_transition(
                    &order.merchant_uid,
                    order.state,
                    OrderState::Abandoned,
                    "subscription_cancelled",
                    &OrderPatch::default(),
                )?;
            }
        }
        self.store.update_subscription(
            id,
            sub.state,
            "cancelled",
            &SubscriptionPatch {
                state: Some(SubscriptionState::Cancelled),
                cancelled_at: Some(now),
                next_retry_at: Some(None),
                ..SubscriptionPatch::default()
            },
        )
    }

    /// Undoes a cancel-at-period-end before the period ends: the next charge is scheduled
    /// again (the same merchant_uid, `reschedule`).
    pub async fn resume(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if sub.state != SubscriptionState::Active || !sub.cancel_at_period_end {
            return Err(not_allowed(&sub, "구독 재개"));
        }
        if let Some(charge) = self.next_charge(&sub)? {
            if charge.charge_at <= now {
                return Err(SubscriptionError::ScheduleInPast {
                    at: kst_minute(charge.charge_at),
                    now: kst_minute(now),
                });
            }
            if charge.request == ChargeRequest::Revoked {
                match self
                    .client
                    .reschedule(&charge.merchant_uid, charge.charge_at.timestamp())
                    .await
                {
                    Ok(_) => self.set_request(&charge, ChargeRequest::Sent)?,
                    // Never registered at Iamport: register it normally.
                    Err(e) if e.is_not_found() => {
                        self.set_request(&charge, ChargeRequest::Pending)?
                    }
                    Err(e) => return Err(SubscriptionError::iamport("reschedule")(e)),
                }
            }
        }
        let sub = self.store.update_subscription(
            id,
            SubscriptionState::Active,
            "resumed",
            &SubscriptionPatch {
                cancel_at_period_end: Some(false),
                ..SubscriptionPatch::default()
            },
        )?;
        if sub.next_charge_merchant_uid.is_none() {
            let period_no = self
                .store
                .subscription_charges(id)?
                .last()
                .map_or(0, |c| c.period_no);
            self.ledger().mint_next(&sub, period_no)?;
        }
        self.register_next(id, now).await?;
        self.store.subscription(id)
    }

    fn set_request(
        &self,
        charge: &SubscriptionCharge,
        to: ChargeRequest,
    ) -> Result<(), SubscriptionError> {
        self.store.update_subscription_charge(
            &charge.merchant_uid,
            charge.request,
            &ChargePatch {
                request: Some(to),
                ..ChargePatch::default()
            },
        )?;
        Ok(())
    }

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
        let order = self.store.order(&charge.merchant_uid)?;
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
            self.store.apply_transition(
                &order.merchant_uid,
                OrderState::AwaitingPayment,
                OrderState::Failed,
                "retry_not_sent",
                &OrderPatch::default(),
            )?;
        }
        self.store.apply_transition(
            &order.merchant_uid,
            OrderState::Failed,
            OrderState::AwaitingPayment,
            "retry_sent",
            &OrderPatch::default(),
        )?;
        match self.client.retry_schedule(&charge.merchant_uid).await {
            Ok(payment) => self.ledger().settle(&payment, now),
            Err(e) => Err(SubscriptionError::iamport("retry_schedule")(e)),
        }
    }

    /// "카드 변경": future charges move to the billing key `customer_uid` (which must exist at
    /// Iamport). A registered schedule is revoked on the old key and registered on the new one
    /// under the same merchant_uid; a failed renewal is retried on the new key with `again`.
    pub async fn change_card(
        &self,
        id: &str,
        customer_uid: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if sub.state == SubscriptionState::Cancelled {
            return Err(SubscriptionError::AlreadyCancelled { id: sub.id });
        }
        let key = self.known_key(customer_uid).await?;
        if let Some(charge) = self.next_charge(&sub)? {
            let order = self.store.order(&charge.merchant_uid)?;
            let open_schedule = charge.via == ChargeVia::Schedule
                && matches!(charge.request, ChargeRequest::Sent | ChargeRequest::Sending)
                && order.state != OrderState::Failed;
            if open_schedule {
                self.revoke_next(&sub).await?;
            }
            let charge = self
                .store
                .subscription_charge(&charge.merchant_uid)?
                .unwrap_or(charge);
            let via = if order.state == OrderState::Failed {
                ChargeVia::Again
            } else {
                charge.via
            };
            let reopen = (charge.request == ChargeRequest::Revoked && !sub.cancel_at_period_end)
                || order.state == OrderState::Failed;
            let request = if reopen {
                ChargeRequest::Pending
            } else {
                charge.request
            };
            self.store.update_subscription_charge(
                &charge.merchant_uid,
                charge.request,
                &ChargePatch {
                    request: Some(request),
                    via: Some(via),
                    customer_uid: Some(customer_uid.to_string()),
                    ..ChargePatch::default()
                },
            )?;
        }
        self.store.update_subscription(
            id,
            sub.state,
            "card_changed",
            &SubscriptionPatch {
                customer_uid: Some(customer_uid.to_string()),
                card_masked: key.card_number,
                ..SubscriptionPatch::default()
            },
        )?;
        self.register_next(id, now).await?;
        self.store.subscription(id)
    }

    /// Deletes a billing key at Iamport, only after checking that no live subscription and no
    /// waiting schedule (ours or any at Iamport in the next three months) still uses it.
    pub async fn delete_billing_key(
        &self,
        customer_uid: &str,
        now: DateTime<Utc>,
    ) -> Result<(), SubscriptionError> {
        let in_use = SubscriptionError::KeyInUse {
            customer_uid: customer_uid.to_string(),
        };
        for sub in self.store.subscriptions()? {
            if sub.state != SubscriptionState::Cancelled && sub.customer_uid == customer_uid {
                return Err(in_use);
            }
        }
        let waiting = self
            .client
            .schedules_by_customer(
                customer_uid,
                &ScheduleQuery {
                    from: now.timestamp(),
                    to: (now + Duration::days(90)).timestamp(),
                    status: Some(ScheduleStatus::Scheduled),
                    ..ScheduleQuery::default()
                },
            )
            .await;
        match waiting {
            Ok(page) if page.list.is_empty() => {}
            Ok(_) => return Err(in_use),
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(SubscriptionError::iamport("schedules_by_customer")(e)),
        }
        self.client
            .delete_billing_key(customer_uid, Some("판뮤직 POS: 카드 삭제"))
            .await
            .map_err(SubscriptionError::iamport("delete_billing_key"))?;
        Ok(())
    }
}

fn not_allowed(sub: &Subscription, action: &'static str) -> SubscriptionError {
    SubscriptionError::NotAllowed {
        id: sub.id.clone(),
        state: sub.state.as_str(),
        action,
    }
}
