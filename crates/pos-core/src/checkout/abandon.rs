//! 주문 취소 of an order nobody paid: the owner gives it up. An issued virtual account is revoked
//! at Iamport (`DELETE /vbanks`) through the job queue, so a buyer cannot deposit into an order
//! the shop no longer expects; offline the revoke waits in the queue.
//!
//! Money always wins over the owner's intent: before giving up, the payment is looked up when
//! Iamport can be reached, and a paid order is applied and refused here; a deposit that arrives
//! before the revoke is sent makes the revoke job apply the deposit instead (the order is paid).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::error::CheckoutError;
use super::{apply_payment, REVOKE_VBANK_JOB};
use crate::store::{NewJob, Order, OrderPatch, OrderState, Store};
use crate::work::{run_job_now, JobRun, WorkContext};

/// The audit cause of an order the owner gave up.
pub const OWNER_ABANDONED: &str = "owner_abandoned";

/// What the revoke job is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokeVbankPayload {
    /// The virtual account's payment.
    pub imp_uid: String,
}

/// How 주문 취소 ended.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(
    tag = "status",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum AbandonOutcome {
    /// The order is given up; any virtual account of it is revoked at Iamport.
    Done { order: Box<Order> },
    /// The order is given up; revoking its virtual account waits in the queue (offline), and the
    /// sync engine sends it.
    RevokeQueued {
        order: Box<Order>,
        #[ts(type = "number")]
        job_id: i64,
        message: String,
    },
    /// The order is given up, but Iamport refused to revoke its virtual account (some PGs
    /// cannot); the job is parked and the owner is told to revoke it in Iamport's console.
    RevokeRefused {
        order: Box<Order>,
        #[ts(type = "number")]
        job_id: i64,
        message: String,
    },
}

fn abandonable(state: OrderState) -> bool {
    matches!(
        state,
        OrderState::Created
            | OrderState::AwaitingPayment
            | OrderState::Failed
            | OrderState::VbankIssued
    )
}

/// Gives the order up locally: `abandoned` with an [`OWNER_ABANDONED`] event, and for an issued
/// virtual account a `revoke_vbank` job in the same transaction. Refused for an order that is
/// paid, refunded, flagged or already given up; nothing is written then.
pub fn abandon_order(store: &Store, merchant_uid: &str) -> Result<Order, CheckoutError> {
    let order = store.order(merchant_uid)?;
    if !abandonable(order.state) {
        return Err(CheckoutError::NotAbandonable {
            merchant_uid: order.merchant_uid,
            state: order.state.label_ko(),
        });
    }
    let mut jobs = Vec::new();
    if order.state == OrderState::VbankIssued {
        if let Some(imp_uid) = order.imp_uid.clone() {
            let payload =
                serde_json::to_value(RevokeVbankPayload { imp_uid }).map_err(|source| {
                    crate::store::StoreError::Json {
                        context: "encode a revoke_vbank job",
                        source,
                    }
                })?;
            jobs.push(NewJob {
                kind: REVOKE_VBANK_JOB.to_string(),
                merchant_uid: order.merchant_uid.clone(),
                payload,
                run_at: None,
            });
        }
    }
    let patch = OrderPatch {
        next_check_at: Some(None),
        jobs,
        ..OrderPatch::default()
    };
    Ok(store.apply_transition(&order, OrderState::Abandoned, OWNER_ABANDONED, &patch)?)
}

/// 주문 취소 as the app does it: with `client`, the payment is looked up first (a payment that
/// went through is applied, and the order is then refused as paid), the order is given up, and
/// a virtual account is revoked at once. Unreachable Iamport is not an error: the lookup is
/// skipped and the revoke stays queued ([`AbandonOutcome::RevokeQueued`]).
pub async fn abandon_now(
    store: &Store,
    client: Option<&iamport::Client>,
    merchant_uid: &str,
) -> Result<AbandonOutcome, CheckoutError> {
    if let Some(client) = client {
        match client.find_payment(merchant_uid, None).await {
            Ok(payment) if payment.merchant_uid == merchant_uid => {
                apply_payment(store, &payment, "verify")?;
            }
            Ok(_) => {}
            Err(e) if e.is_not_found() || e.is_retryable() => {}
            Err(e) => return Err(e.into()),
        }
    }
    let order = abandon_order(store, merchant_uid)?;
    let Some(job) = store.open_job(REVOKE_VBANK_JOB, merchant_uid)? else {
        return Ok(AbandonOutcome::Done {
            order: Box::new(order),
        });
    };
    let queued = |job_id, message: String| -> Result<AbandonOutcome, CheckoutError> {
        Ok(AbandonOutcome::RevokeQueued {
            order: Box::new(store.order(merchant_uid)?),
            job_id,
            message,
        })
    };
    let Some(client) = client else {
        return queued(
            job.id,
            "아임포트 연결 정보가 없어 가상계좌 발급 취소를 대기열에 등록했습니다".to_string(),
        );
    };
    let ctx = WorkContext {
        store: store.clone(),
        client: client.clone(),
    };
    match run_job_now(&ctx, job.id).await? {
        JobRun::Done(_) => Ok(AbandonOutcome::Done {
            order: Box::new(store.order(merchant_uid)?),
        }),
        JobRun::Queued { job_id, message } => queued(job_id, message),
        JobRun::Parked { job_id, message } => Ok(AbandonOutcome::RevokeRefused {
            order: Box::new(store.order(merchant_uid)?),
            job_id,
            message,
        }),
        JobRun::NotPending { job_id } => queued(
            job_id,
            "동기화 엔진이 가상계좌 발급 취소를 처리하고 있습니다".to_string(),
        ),
    }
}
