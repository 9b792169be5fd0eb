//! Starting a subscription: the billing-key window's ticket, verifying the issued key, or
//! subscribing with a key that already exists; then the first period (a `charge` job) and the
//! next period's schedule. Cancel/resume live in `cancel`, retries in `retry`, card change and
//! key deletion in `card`.
//!
//! Every refusal is checked before anything is sent or written. `now` is the Iamport-side
//! clock (the sandbox's in tests, the system clock in the app).

use chrono::{DateTime, Utc};
use iamport::{CustomerUidUsage, PaymentStatus};

use super::error::SubscriptionError;
use super::issuance::{issuance_rule, IssuanceRule, IssuanceTicket};
use super::Subscriptions;
use crate::checkout::{request_refund, RefundRequest};
use crate::store::{
    ChargeRequest, ChargeVia, KeyPurpose, NewCharge, NewJob, NewSubscription, OrderPatch,
    OrderState, StoreError, Subscription, SubscriptionCharge, SubscriptionPatch, SubscriptionState,
};
use crate::work::{run_job_now, WorkContext};

impl Subscriptions {
    /// (a) Starts a subscription to `plan_id`: a fresh `customer_uid`, the `billing_` order and
    /// the ticket the SDK window needs (amount per the billing PG's rule). Nothing is sent. An
    /// unfinished registration of the plan (window closed, card declined) is reopened instead.
    pub fn start(
        &self,
        plan_id: &str,
        billing_pg: Option<&str>,
    ) -> Result<IssuanceTicket, SubscriptionError> {
        if let Some(unfinished) = self.unfinished_registration(plan_id)? {
            // Refused while 확인 중 (`reopen_registration` says why).
            return self.reopen_registration(&unfinished.id, billing_pg);
        }
        let plan = self.store.plan(plan_id)?;
        let rule = issuance_rule(billing_pg);
        let customer_uid = self.store.mint_customer_uid();
        let sub = self.store.create_subscription(&NewSubscription {
            plan_id: plan.id.clone(),
            customer_uid: customer_uid.clone(),
            issuance_amount: rule.window_amount(plan.price),
            card_masked: None,
            key_verified: false,
        })?;
        self.store
            .record_minted_key(&customer_uid, &sub.id, KeyPurpose::Issuance)?;
        let attempt = self.registration_opened(&sub.id)?;
        Ok(IssuanceTicket {
            subscription_id: sub.id,
            merchant_uid: sub.billing_merchant_uid,
            customer_uid,
            amount: rule.window_amount(plan.price),
            rule,
            pg: billing_pg.map(str::to_string),
            name: format!("{} 카드 등록", plan.name_ko),
            attempt,
        })
    }

    /// (b) Verifies the key issued by the SDK window (`imp_uid` from its callback): the payment
    /// is this subscription's `billing_` order with `customer_uid_usage = issue`, and Iamport
    /// has the key. Then the first period is charged (unless the issuance payment paid it).
    ///
    /// The window's return and the sync engine's lookup (`registration_check`) may both find
    /// the same issuance: they take turns, and the second finds it done and returns it.
    pub async fn verify_issuance(
        &self,
        id: &str,
        imp_uid: &str,
        billing_pg: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let _turn = super::registration_check::CONFIRMING.lock().await;
        let sub = self.store.subscription(id)?;
        if sub.state != SubscriptionState::Incomplete {
            let billing = self.store.order(&sub.billing_merchant_uid)?;
            if billing.state == OrderState::Paid && billing.imp_uid.as_deref() == Some(imp_uid) {
                return Ok(sub);
            }
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
        let order = self.store.order(&sub.billing_merchant_uid)?;
        let rule = issuance_rule(billing_pg);
        issuance_checks_out(rule, order.amount, &payment).map_err(refuse)?;
        let key = self.known_key(&sub.customer_uid).await?;
        // Checked above: with this rule the window's payment is the first period, paid in full.
        let pays_first = rule.pays_first_period();
        if order.state != OrderState::Paid {
            // A PG's own test charge (Danal's 10원) is recorded beside the 0원 registration:
            // received, and returned once the PG has cancelled it. Never a sale or a period.
            let test = crate::checkout::is_issuance_test_charge(&order, &payment);
            self.store.apply_transition(
                &order,
                OrderState::Paid,
                "billing_key_verified",
                &OrderPatch {
                    imp_uid: Some(payment.imp_uid.clone()),
                    customer_uid: Some(sub.customer_uid.clone()),
                    mismatch_received: test.then_some(payment.amount),
                    mismatch_returned: test
                        .then_some(payment.cancel_amount.clamp(0, payment.amount)),
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
        if matches!(rule, IssuanceRule::Minimum { .. }) && payment.is_paid() && payment.amount > 0 {
            // The PG's minimum was charged only to issue the key: give it back (a cancel job).
            request_refund(
                &self.store,
                &sub.billing_merchant_uid,
                &RefundRequest {
                    amount: None,
                    reason: "카드 등록 확인용 결제 환불".to_string(),
                    refund_account: None,
                },
            )
            .map_err(|source| SubscriptionError::IssuanceRefund { source })?;
        }
        if pays_first {
            // The window charged the first period under the billing_ order: that order is the
            // first period (one payment, one order), settled with the payment as it is.
            self.first_charge(id, now, true)?;
            self.ledger().settle(&payment, now)?;
        } else {
            let charge = self.first_charge(id, now, false)?;
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
        let charge = self.first_charge(&sub.id, now, false)?;
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
        on_billing_order: bool,
    ) -> Result<SubscriptionCharge, SubscriptionError> {
        if let Some(first) = self
            .store
            .subscription_charges(id)?
            .into_iter()
            .find(|c| c.period_no == 0)
        {
            return Ok(first);
        }
        let first = NewCharge {
            period_no: 0,
            period: None,
            via: ChargeVia::Again,
            charge_at: now,
        };
        if on_billing_order {
            self.store.add_first_charge_on_billing_order(id, &first)
        } else {
            self.store.add_subscription_charge(id, &first)
        }
    }

    /// Registers at Iamport every charge of the subscription that is owed and not registered
    /// yet: its next charge, and the periods scheduled ahead (minted first when missing, see
    /// [`super::ahead::LOOKAHEAD`]), in period order. A charge found `sending` is looked up
    /// before it is sent again. Stops when the subscription leaves `active` (a charge whose time
    /// had already come was charged now and declined).
    pub(crate) async fn register_next(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), SubscriptionError> {
        let sub = self.store.subscription(id)?;
        if sub.state != SubscriptionState::Active || sub.cancel_at_period_end {
            return Ok(());
        }
        self.ledger().top_up(&sub)?;
        for charge in self.store.subscription_charges(id)? {
            let sub = self.store.subscription(id)?;
            if sub.state != SubscriptionState::Active || sub.cancel_at_period_end {
                break;
            }
            let is_next = sub.next_charge_merchant_uid.as_deref() == Some(&charge.merchant_uid);
            let wanted = matches!(
                charge.request,
                ChargeRequest::Pending | ChargeRequest::Sending
            ) && (is_next || charge.via == ChargeVia::Schedule);
            if !wanted || charge.superseded_by.is_some() {
                continue;
            }
            let order = self.store.order(&charge.merchant_uid)?;
            let open = matches!(
                order.state,
                OrderState::Created | OrderState::AwaitingPayment
            );
            if !open && (!is_next || order.state != OrderState::Failed) {
                continue;
            }
            self.register(&charge, now).await?;
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

    pub(crate) async fn known_key(
        &self,
        customer_uid: &str,
    ) -> Result<iamport::Customer, SubscriptionError> {
        match self.client.billing_key(customer_uid).await {
            Ok(key) => Ok(key),
            Err(e) if e.is_not_found() => Err(SubscriptionError::UnknownBillingKey {
                customer_uid: customer_uid.to_string(),
            }),
            Err(e) => Err(SubscriptionError::iamport("billing_key")(e)),
        }
    }
}

pub(crate) fn not_allowed(sub: &Subscription, action: &'static str) -> SubscriptionError {
    SubscriptionError::NotAllowed {
        id: sub.id.clone(),
        state: sub.state.as_str(),
        action,
    }
}

/// Whether the issuance payment is what the billing PG's rule says the window makes, checked
/// like any payment: its status, and its amount against the `billing_` order's (the window's
/// amount, fixed when the window was opened). `Err` says why not, in Korean.
///
/// - `amount: 0` windows (most PGs): a paid issuance of 0원. A declined or abandoned window
///   (`failed`, `ready`) issues nothing, whatever key happens to exist already.
/// - Danal (`FreeWithTestCharge`): 0원, or its test charge, paid or already auto-cancelled.
/// - A PG that charges the first period, or a minimum: paid, exactly the window's amount.
pub(crate) fn issuance_checks_out(
    rule: IssuanceRule,
    window_amount: i64,
    payment: &iamport::Payment,
) -> Result<(), &'static str> {
    let amount_ok = match rule {
        IssuanceRule::FreeWithTestCharge { test_amount } => {
            payment.amount == window_amount || payment.amount == test_amount
        }
        _ => payment.amount == window_amount,
    };
    let status_ok = match rule {
        IssuanceRule::FreeWithTestCharge { .. } => matches!(
            payment.status,
            PaymentStatus::Paid | PaymentStatus::Cancelled
        ),
        _ => payment.status == PaymentStatus::Paid,
    };
    if !status_ok {
        return Err("카드 등록 결제가 완료되지 않았습니다 (실패했거나 중단된 결제)");
    }
    if !amount_ok {
        return Err("카드 등록 결제의 금액이 이 PG의 카드 등록 금액과 다릅니다");
    }
    Ok(())
}
