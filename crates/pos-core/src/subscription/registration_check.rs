//! A card registration whose window's result never reached the app (the app was killed, the
//! window's return was lost): the sync engine finds it the way Iamport's `billing_key` webhook
//! would have told a server. Each cycle, an `incomplete` subscription whose key was never
//! confirmed is looked up by its `billing_` merchant_uid (payment lookup) and, when a payment
//! issued the key, by its `customer_uid` (customer lookup, inside the verification): a paid
//! issuance is confirmed exactly as the window's return would have (first period, next
//! schedule). A window that Iamport records as declined is recorded as 카드 거절.
//!
//! While nothing has been learned the registration shows as 확인 중. It is given up when
//! [`REGISTRATION_CHECK_TIMEOUT`] has passed on Iamport's clock since its window was opened:
//! the subscription is cancelled, its billing order abandoned, and a `key_delete` job (the
//! durable queue: offline-safe, repeated safely) deletes whatever key the window may have left
//! at Iamport. A registration whose ending is known (등록 취소, 카드 거절) is looked up until the
//! same deadline too, then left to the owner (다시 등록 or 취소); it is never given up by itself.

use chrono::{DateTime, Duration, TimeZone, Utc};
use iamport::{CustomerUidUsage, Payment, PaymentStatus};

use super::error::SubscriptionError;
use super::registration::RegistrationEnd;
use super::settle::Settled;
use super::Subscriptions;
use crate::clock::{ClockSource, IamportClock};
use crate::store::{
    Job, NewJob, OrderPatch, OrderState, Subscription, SubscriptionPatch, SubscriptionState,
};
use crate::work::{JobDone, JobFailure, WorkContext};

/// How long after its window opened (Iamport's clock) an unconfirmed card registration is
/// looked up before it is given up.
pub const REGISTRATION_CHECK_TIMEOUT: Duration = Duration::hours(1);

/// Job kind that deletes the billing key a given-up registration may have left at Iamport,
/// keyed by the subscription's `billing_` merchant_uid.
pub const KEY_DELETE_JOB: &str = "key_delete";

/// Timeline cause that (re)starts the check: the window was opened at `iamportAt` (ms).
pub(crate) const OPENED: &str = "registration_opened";

/// Timeline cause of every opening of a registration's window, numbered (`attempt`).
const WINDOW: &str = "registration_window";

/// Held while a registration is confirmed, so the window's return and the engine's lookup in
/// one process never confirm the same issuance at once.
pub(crate) static CONFIRMING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Why a given-up registration ended (shown on the subscription).
pub const GAVE_UP_REASON: &str =
    "카드 등록 확인 시간 초과: 아임포트에서 등록 완료를 찾지 못해 취소했습니다. 구독하기로 다시 시작하세요.";

impl Subscriptions {
    /// Whether `sub` waits for its card registration: `incomplete` and no period charged yet
    /// (the key was never confirmed for it).
    pub(crate) fn awaits_registration(
        &self,
        sub: &Subscription,
    ) -> Result<bool, SubscriptionError> {
        Ok(sub.state == SubscriptionState::Incomplete
            && self.store.subscription_charges(&sub.id)?.is_empty())
    }

    /// Whether `sub` is 확인 중: it waits for its card registration and no ending (등록 취소,
    /// 카드 거절) is known, so its window may have completed at Iamport.
    pub fn registration_checking(&self, sub: &Subscription) -> Result<bool, SubscriptionError> {
        Ok(self.awaits_registration(sub)? && sub.last_failure_reason.is_none())
    }

    /// Records that the billing window of `id` is (re)opened now on Iamport's clock as this
    /// client knows it (no request is sent): the check's deadline runs from here, and an
    /// earlier ending is cleared (the registration is 확인 중 again). While Iamport's time is
    /// unknown nothing is recorded and the engine's first look starts the check (a reopen then
    /// keeps its earlier opening's deadline). Returns this opening's number (1, 2, …).
    pub(crate) fn registration_opened(&self, id: &str) -> Result<u32, SubscriptionError> {
        let reading = IamportClock::new(&self.client).read();
        let sub = self.store.subscription(id)?;
        if sub.last_failure_reason.is_some() {
            self.store.update_subscription(
                id,
                SubscriptionState::Incomplete,
                "registration_reopened",
                &SubscriptionPatch {
                    last_failure_reason: Some(None),
                    ..SubscriptionPatch::default()
                },
            )?;
        }
        // Iamport's time not known yet: the engine's first look starts the check instead,
        // on Iamport's clock (this PC's clock may be off by a year).
        if reading.source == ClockSource::Iamport {
            self.store.note_subscription_event(
                id,
                OPENED,
                &serde_json::json!({ "iamportAt": reading.now.timestamp_millis() }),
            )?;
        }
        let attempt = self.registration_attempt(id)?.saturating_add(1);
        self.store.note_subscription_event(
            id,
            WINDOW,
            &serde_json::json!({ "attempt": attempt }),
        )?;
        Ok(attempt)
    }

    /// The number of the latest opening of `id`'s registration window (0: none recorded).
    pub fn registration_attempt(&self, id: &str) -> Result<u32, SubscriptionError> {
        Ok(self
            .store
            .subscription_events(id)?
            .iter()
            .rev()
            .find(|e| e.cause == WINDOW)
            .and_then(|e| e.detail.get("attempt").and_then(serde_json::Value::as_u64))
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0))
    }

    /// When the check of `sub`'s registration gives up (Iamport's clock): the deadline after
    /// its last window opening. A registration with no recorded opening (made by an older
    /// version) starts its check now.
    pub fn registration_deadline(
        &self,
        sub: &Subscription,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, SubscriptionError> {
        let opened = self
            .store
            .subscription_events(&sub.id)?
            .into_iter()
            .rev()
            .find(|e| e.cause == OPENED)
            .and_then(|e| {
                e.detail
                    .get("iamportAt")
                    .and_then(serde_json::Value::as_i64)
            })
            .and_then(|ms| Utc.timestamp_millis_opt(ms).single());
        let opened = match opened {
            Some(at) => at,
            None => {
                self.store.note_subscription_event(
                    &sub.id,
                    OPENED,
                    &serde_json::json!({ "iamportAt": now.timestamp_millis(), "noticedBy": "sync" }),
                )?;
                now
            }
        };
        Ok(opened
            .checked_add_signed(REGISTRATION_CHECK_TIMEOUT)
            .unwrap_or(DateTime::<Utc>::MAX_UTC))
    }

    /// One check of a registration that waits (the sync engine's step, safe to repeat): looks
    /// the billing order up at Iamport and confirms a paid issuance; records a decline; gives a
    /// 확인 중 registration up after its deadline. `Paid` when the first period got paid.
    pub async fn check_registration(
        &self,
        sub: &Subscription,
        now: DateTime<Utc>,
    ) -> Result<Settled, SubscriptionError> {
        if !self.awaits_registration(sub)? {
            return Ok(Settled::Unchanged);
        }
        let deadline = self.registration_deadline(sub, now)?;
        let checking = sub.last_failure_reason.is_none();
        if now >= deadline && !checking {
            // Its ending is known and the owner decides (다시 등록 or 취소).
            return Ok(Settled::Unchanged);
        }
        match self.issuance_payment(sub).await? {
            Some(payment) if issued_here(sub, &payment) => {
                let pg = payment.pg_provider.clone();
                match self
                    .verify_issuance(&sub.id, &payment.imp_uid, pg.as_deref(), now)
                    .await
                {
                    Ok(after) => {
                        tracing::info!(subscription = %sub.id, "a card registration was confirmed by lookup");
                        return Ok(if after.state == SubscriptionState::Active {
                            Settled::Paid
                        } else {
                            Settled::Unchanged
                        });
                    }
                    // Not a valid issuance (wrong amount, no key): never confirmed; given up below.
                    Err(SubscriptionError::IssuanceNotVerified { reason }) => {
                        tracing::warn!(subscription = %sub.id, %reason, "a found card registration does not check out");
                    }
                    Err(SubscriptionError::UnknownBillingKey { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            Some(payment)
                if checking
                    && payment.status == PaymentStatus::Failed
                    && payment.merchant_uid == sub.billing_merchant_uid =>
            {
                self.registration_ended(
                    &sub.id,
                    &RegistrationEnd::Declined {
                        reason: payment.fail_reason.unwrap_or_default(),
                    },
                )?;
                return Ok(Settled::Failed);
            }
            _ => {}
        }
        if checking && now >= deadline {
            self.give_up_registration(sub, "registration_gave_up", GAVE_UP_REASON, now)?;
        }
        Ok(Settled::Unchanged)
    }

    /// The payment of `sub`'s billing window: the paid one if any, else the newest attempt.
    async fn issuance_payment(
        &self,
        sub: &Subscription,
    ) -> Result<Option<Payment>, SubscriptionError> {
        let m = &sub.billing_merchant_uid;
        for status in [Some(PaymentStatus::Paid), None] {
            match self.client.find_payment(m, status).await {
                Ok(p) => return Ok(Some(p)),
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(SubscriptionError::iamport("find_payment")(e)),
            }
        }
        Ok(None)
    }

    /// Ends a registration that waits: its billing order is abandoned with a `key_delete` job
    /// (in one transaction) and the subscription is cancelled with `reason`. Repeating it after
    /// a crash finishes it without a second job. Network-free.
    pub(crate) fn give_up_registration(
        &self,
        sub: &Subscription,
        cause: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription, SubscriptionError> {
        let order = self.store.order(&sub.billing_merchant_uid)?;
        let jobs = if self
            .store
            .open_job(KEY_DELETE_JOB, &sub.billing_merchant_uid)?
            .is_some()
        {
            Vec::new()
        } else {
            vec![NewJob {
                kind: KEY_DELETE_JOB.to_string(),
                merchant_uid: sub.billing_merchant_uid.clone(),
                payload: serde_json::json!({
                    "subscriptionId": sub.id,
                    "customerUid": sub.customer_uid,
                }),
                run_at: None,
            }]
        };
        let to = match order.state {
            OrderState::Created | OrderState::AwaitingPayment => OrderState::Abandoned,
            other => other,
        };
        if !jobs.is_empty() || to != order.state {
            self.store.apply_transition(
                &order,
                to,
                cause,
                &OrderPatch {
                    jobs,
                    ..OrderPatch::default()
                },
            )?;
        }
        self.store.update_subscription(
            &sub.id,
            SubscriptionState::Incomplete,
            cause,
            &SubscriptionPatch {
                state: Some(SubscriptionState::Cancelled),
                cancelled_at: Some(now),
                last_failure_reason: Some(Some(reason.to_string())),
                ..SubscriptionPatch::default()
            },
        )
    }
}

/// A paid issuance of this subscription's own window and key.
fn issued_here(sub: &Subscription, payment: &Payment) -> bool {
    payment.merchant_uid == sub.billing_merchant_uid
        && payment.customer_uid.as_deref() == Some(sub.customer_uid.as_str())
        && payment.customer_uid_usage == Some(CustomerUidUsage::Issue)
        && matches!(
            payment.status,
            PaymentStatus::Paid | PaymentStatus::Cancelled
        )
}

/// Runs a `key_delete` job: deletes the billing key of a given-up (cancelled) registration at
/// Iamport. A key Iamport does not have is done; a key still in use, or not ours, is parked.
pub async fn execute_key_delete_job(ctx: &WorkContext, job: &Job) -> Result<JobDone, JobFailure> {
    const WHAT: &str = "남은 빌링키 삭제";
    let field = |name: &str| {
        job.payload
            .get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    let (Some(id), Some(customer_uid)) = (field("subscriptionId"), field("customerUid")) else {
        return Err(JobFailure::Permanent {
            message: format!("{WHAT}: 작업 내용이 올바르지 않습니다."),
        });
    };
    let subs = Subscriptions::new(ctx.store.clone(), ctx.client.clone());
    match subs.store.subscription(&id) {
        Ok(sub) if sub.state == SubscriptionState::Cancelled => {}
        Ok(_) => {
            return Err(JobFailure::Permanent {
                message: format!(
                    "{WHAT}: 구독 {id}이(가) 취소되지 않아 카드를 삭제하지 않았습니다."
                ),
            })
        }
        Err(e) => {
            return Err(JobFailure::Retryable {
                message: format!("{WHAT}: {e}"),
            })
        }
    }
    let now = IamportClock::new(&ctx.client).now().await.now;
    let done = |note: String| JobDone { order: None, note };
    match subs.delete_billing_key(&customer_uid, now).await {
        Ok(()) => Ok(done(format!("{WHAT}: {customer_uid} 삭제됨"))),
        Err(SubscriptionError::Iamport { source, .. }) if source.is_not_found() => Ok(done(
            format!("{WHAT}: 아임포트에 {customer_uid} 빌링키가 없습니다 (삭제할 것 없음)"),
        )),
        Err(SubscriptionError::Iamport { source, .. }) => {
            Err(JobFailure::from_iamport(WHAT, &source))
        }
        Err(e) => Err(JobFailure::Permanent {
            message: format!("{WHAT}: {e}"),
        }),
    }
}
