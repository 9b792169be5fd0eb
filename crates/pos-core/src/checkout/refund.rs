//! Refunds: `request_refund` validates against the balance as we know it and writes a `cancel`
//! job plus an order event in one transaction; `refund_now` also runs the job once, inline.
//!
//! The job carries `checksum` = our refundable balance; Iamport refuses the cancel when its
//! balance differs (a console cancel behind our back), so nothing is ever refunded twice.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::apply::{CancelPayload, CANCEL_JOB};
use super::banks::clean_account;
use super::error::CheckoutError;
use crate::store::{JobState, NewJob, Order, OrderPatch, OrderState, PayMethod, Store, StoreError};
use crate::work::{run_job_now, JobRun, WorkContext};

/// Longest refund reason accepted.
pub const REFUND_REASON_MAX_CHARS: usize = 200;

/// The buyer's account for a virtual-account refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RefundAccount {
    /// Standard bank code (three digits, from the bank list; never a name).
    pub bank: String,
    /// Account number (digits and dashes).
    pub number: String,
    /// Account holder.
    pub holder: String,
}

/// What the owner asks to refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RefundRequest {
    /// Won to refund; `None` refunds the whole remaining balance.
    #[ts(type = "number | null")]
    pub amount: Option<i64>,
    /// Why (required, at most 200 characters).
    pub reason: String,
    /// Required for virtual-account orders.
    pub refund_account: Option<RefundAccount>,
}

/// A refund written to the queue.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RefundQueued {
    /// The `cancel` job.
    #[ts(type = "number")]
    pub job_id: i64,
    /// Won to refund.
    #[ts(type = "number")]
    pub amount: i64,
    /// The refundable balance sent as `checksum`.
    #[ts(type = "number")]
    pub checksum: i64,
    /// The order (unchanged state; the timeline has a `refund_requested` event).
    pub order: Order,
}

/// How `refund_now` ended.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(
    tag = "status",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum RefundOutcome {
    /// Refunded; the order shows `partially_refunded` or `refunded`.
    Done { order: Box<Order> },
    /// Iamport could not be reached (or did not answer): the refund waits in the queue and the
    /// sync engine sends it (after checking, if an answer was lost). Not an error.
    Queued {
        #[ts(type = "number")]
        job_id: i64,
        message: String,
    },
}

/// Validates a refund of `merchant_uid` and queues it: a `cancel` job (amount, checksum = our
/// refundable balance, reason, refund account) and a `refund_requested` event, in one
/// transaction. The order's state does not change until Iamport confirms.
///
/// Refused, nothing written: unknown order; an order that is not `paid`/`partially_refunded`;
/// amount ≤ 0 or above the balance; a missing or malformed reason; a virtual-account order
/// without a valid refund account; another refund still pending. A refund that Iamport refused
/// earlier (its job parked) is retired and replaced by this one.
pub fn request_refund(
    store: &Store,
    merchant_uid: &str,
    request: &RefundRequest,
) -> Result<RefundQueued, CheckoutError> {
    let order = store.order(merchant_uid)?;
    let imp_uid = match (&order.state, &order.imp_uid) {
        (OrderState::Paid | OrderState::PartiallyRefunded, Some(imp_uid)) => imp_uid.clone(),
        _ => {
            return Err(CheckoutError::NotRefundable {
                merchant_uid: order.merchant_uid,
                state: order.state.as_str(),
            })
        }
    };
    let reason = request.reason.trim();
    if reason.is_empty() || reason.chars().count() > REFUND_REASON_MAX_CHARS {
        return Err(CheckoutError::InvalidRefundReason);
    }
    // Saturating: both come from the database, and a corrupt row must not panic the refund.
    let balance = order.amount.saturating_sub(order.refunded_amount);
    let amount = request.amount.unwrap_or(balance);
    if amount <= 0 {
        return Err(CheckoutError::InvalidRefundAmount { amount });
    }
    if amount > balance {
        return Err(CheckoutError::RefundExceedsBalance { amount, balance });
    }
    let account = match (&request.refund_account, order.pay_method) {
        (Some(account), _) => Some(clean_account(store, account)?),
        (None, PayMethod::Vbank) => return Err(CheckoutError::RefundAccountRequired),
        (None, _) => None,
    };
    let payload = CancelPayload {
        imp_uid,
        // A full refund of the whole balance is sent as an explicit amount too: the checksum
        // pins the balance, so "the rest" cannot grow between asking and sending.
        amount: Some(amount),
        checksum: balance,
        reason: reason.to_string(),
        refund_bank: account.as_ref().map(|a| a.bank.clone()),
        refund_account: account.as_ref().map(|a| a.number.clone()),
        refund_holder: account.as_ref().map(|a| a.holder.clone()),
        amount_mismatch: false,
    };
    let payload_json = serde_json::to_value(&payload).map_err(|source| StoreError::Json {
        context: "encode a cancel job",
        source,
    })?;
    let patch = OrderPatch {
        detail: Some(serde_json::json!({
            "refundAmount": amount,
            "checksum": balance,
            "reason": reason,
        })),
        jobs: vec![NewJob {
            kind: CANCEL_JOB.to_string(),
            merchant_uid: order.merchant_uid.clone(),
            payload: payload_json,
            run_at: None,
        }],
        ..OrderPatch::default()
    };
    // A refund Iamport refused earlier (parked) is superseded by this one, decided from the
    // balance as it is now; a refund still waiting to be sent is not.
    if let Some(parked) = store
        .open_job(CANCEL_JOB, merchant_uid)?
        .filter(|j| j.state == JobState::NeedsAttention)
    {
        store.retire_parked_job(parked.id, "새 환불 요청으로 대체됨", chrono::Utc::now())?;
    }
    let updated = match store.apply_transition(&order, order.state, "refund_requested", &patch) {
        Ok(order) => order,
        Err(StoreError::DuplicateJob { .. }) => {
            return Err(CheckoutError::RefundPending {
                merchant_uid: merchant_uid.to_string(),
            })
        }
        Err(e) => return Err(e.into()),
    };
    let job =
        store
            .open_job(CANCEL_JOB, merchant_uid)?
            .ok_or_else(|| StoreError::OrderNotFound {
                merchant_uid: merchant_uid.to_string(),
            })?;
    Ok(RefundQueued {
        job_id: job.id,
        amount,
        checksum: balance,
        order: updated,
    })
}

/// [`request_refund`], then one attempt at once. Unreachable Iamport (or no client) is not an
/// error: the refund stays queued ([`RefundOutcome::Queued`]). A refusal by Iamport parks the
/// job and is [`CheckoutError::RefundRefused`].
pub async fn refund_now(
    store: &Store,
    client: Option<&iamport::Client>,
    merchant_uid: &str,
    request: &RefundRequest,
) -> Result<RefundOutcome, CheckoutError> {
    let queued = request_refund(store, merchant_uid, request)?;
    let Some(client) = client else {
        return Ok(RefundOutcome::Queued {
            job_id: queued.job_id,
            message: "아임포트 연결 정보가 없어 환불을 대기열에 등록했습니다".to_string(),
        });
    };
    let ctx = WorkContext {
        store: store.clone(),
        client: client.clone(),
    };
    match run_job_now(&ctx, queued.job_id).await? {
        JobRun::Done(_) => Ok(RefundOutcome::Done {
            order: Box::new(store.order(merchant_uid)?),
        }),
        JobRun::Queued { job_id, message } => Ok(RefundOutcome::Queued { job_id, message }),
        JobRun::NotPending { job_id } => Ok(RefundOutcome::Queued {
            job_id,
            message: "동기화 엔진이 환불을 처리하고 있습니다".to_string(),
        }),
        JobRun::Parked { message, .. } => Err(CheckoutError::RefundRefused { message }),
    }
}
