//! The automatic cancel of a mismatched virtual-account payment needs the buyer's refund
//! account, which only a person can ask for. `resume_mismatch_cancel` takes it, replaces the
//! parked cancel job with one that carries it (same imp_uid, same checksum, full balance), and
//! runs it once.

use super::apply::{CancelPayload, CANCEL_JOB};
use super::banks::clean_account;
use super::error::CheckoutError;
use super::refund::{RefundAccount, RefundOutcome};
use crate::store::{JobState, NewJob, OrderPatch, OrderState, Store, StoreError};
use crate::work::{run_job_now, JobRun, WorkContext};

/// Gives the parked automatic cancel of a mismatched order the buyer's refund account and runs
/// it once (queued when Iamport is unreachable). Refused, nothing changed: an order that is not
/// flagged `amount_mismatch`, one without a parked cancel, a malformed account.
pub async fn resume_mismatch_cancel(
    store: &Store,
    client: Option<&iamport::Client>,
    merchant_uid: &str,
    account: &RefundAccount,
) -> Result<RefundOutcome, CheckoutError> {
    let order = store.order(merchant_uid)?;
    let account = clean_account(store, account)?;
    let parked = store
        .open_job(CANCEL_JOB, merchant_uid)?
        .filter(|j| j.state == JobState::NeedsAttention);
    let (OrderState::AmountMismatch, Some(parked)) = (order.state, parked) else {
        return Err(CheckoutError::NotRefundable {
            merchant_uid: order.merchant_uid,
            state: order.state.as_str(),
        });
    };
    let mut payload: CancelPayload =
        serde_json::from_value(parked.payload.clone()).map_err(|source| StoreError::Json {
            context: "decode a cancel job",
            source,
        })?;
    payload.refund_bank = Some(account.bank);
    payload.refund_account = Some(account.number);
    payload.refund_holder = Some(account.holder);
    let payload = serde_json::to_value(&payload).map_err(|source| StoreError::Json {
        context: "encode a cancel job",
        source,
    })?;
    store.retire_parked_job(
        parked.id,
        "환불 계좌를 받아 새 작업으로 대체됨",
        chrono::Utc::now(),
    )?;
    let patch = OrderPatch {
        detail: Some(serde_json::json!({ "refundAccountGiven": true })),
        jobs: vec![NewJob {
            kind: CANCEL_JOB.to_string(),
            merchant_uid: merchant_uid.to_string(),
            payload,
            run_at: None,
        }],
        ..OrderPatch::default()
    };
    store.apply_transition(
        &order,
        OrderState::AmountMismatch,
        "refund_account_given",
        &patch,
    )?;
    let job =
        store
            .open_job(CANCEL_JOB, merchant_uid)?
            .ok_or_else(|| StoreError::OrderNotFound {
                merchant_uid: merchant_uid.to_string(),
            })?;
    let Some(client) = client else {
        return Ok(RefundOutcome::Queued {
            job_id: job.id,
            message: "아임포트 연결 정보가 없어 취소를 대기열에 등록했습니다".to_string(),
        });
    };
    let ctx = WorkContext {
        store: store.clone(),
        client: client.clone(),
    };
    match run_job_now(&ctx, job.id).await? {
        JobRun::Done(_) => Ok(RefundOutcome::Done {
            order: Box::new(store.order(merchant_uid)?),
        }),
        JobRun::Queued { job_id, message } => Ok(RefundOutcome::Queued { job_id, message }),
        JobRun::NotPending { job_id } => Ok(RefundOutcome::Queued {
            job_id,
            message: "동기화 엔진이 취소를 처리하고 있습니다".to_string(),
        }),
        JobRun::Parked { message, .. } => Err(CheckoutError::RefundRefused { message }),
    }
}
