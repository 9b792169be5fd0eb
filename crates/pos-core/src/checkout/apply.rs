//! `apply_payment`: reconcile one fetched payment against its order and write the result.
//!
//! Every path that learns about a payment ends here: the SDK callback and the redirect (through
//! `complete_payment`), `posctl payment complete`, the sync engine's poller, and a finished
//! cancel. The transition, its audit event and (on an amount mismatch) the full-cancel job are
//! written in one transaction by `apply_transition`; if the order moved underneath, the order is
//! re-read and reconciled again.

use serde::{Deserialize, Serialize};

use super::error::CheckoutError;
use super::reconcile::{reconcile, Move, Transition};
use crate::store::{NewJob, Order, Store, StoreError};

/// Job kind of a cancel (refund) owed to Iamport.
pub const CANCEL_JOB: &str = "cancel";
/// Job kind of a payment verification owed to Iamport.
pub const VERIFY_JOB: &str = "verify";
/// Job kind of revoking the virtual account of an order the owner gave up (`DELETE /vbanks`).
pub const REVOKE_VBANK_JOB: &str = "revoke_vbank";

/// How often a transition is re-decided when the order moved underneath.
const MAX_RACES: usize = 3;

/// Arguments of a `cancel` job (the jobs table's payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelPayload {
    /// The payment to cancel.
    pub imp_uid: String,
    /// Won to cancel; `None` cancels the whole balance.
    pub amount: Option<i64>,
    /// The refundable balance as we knew it when the cancel was asked for. Iamport refuses the
    /// cancel if its balance differs, so a re-send after an unknown outcome cannot refund twice.
    pub checksum: i64,
    /// Why (shown on the cancel receipt and in the timeline).
    pub reason: String,
    /// Refund bank (virtual-account refunds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_bank: Option<String>,
    /// Refund account number (virtual-account refunds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_account: Option<String>,
    /// Refund account holder (virtual-account refunds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_holder: Option<String>,
    /// True for the automatic cancel of a payment whose amount did not match the order.
    #[serde(default)]
    pub amount_mismatch: bool,
}

impl CancelPayload {
    /// The won this cancel takes off the balance.
    pub fn cancel_amount(&self) -> i64 {
        self.amount.unwrap_or(self.checksum)
    }
}

/// Reason sent with the automatic cancel of a mismatched payment.
pub const MISMATCH_CANCEL_REASON: &str = "결제 금액이 주문 금액과 달라 자동 취소";

/// What [`apply_payment`] did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    /// The order as it is now.
    pub order: Order,
    /// Whether the order changed.
    pub changed: bool,
    /// The id of the full-cancel job enqueued (or already open) for a mismatched payment.
    pub cancel_job_id: Option<i64>,
}

/// Reconciles `payment` against its order (found by the payment's `merchant_uid`) and applies
/// the decision: the transition, its event with `cause`, and on an amount mismatch a full-cancel
/// job, in one transaction. Does not talk to Iamport; the cancel job is run by the caller
/// (`complete_payment` runs it at once) or by the sync engine's worker.
///
/// Errors: unknown merchant_uid ([`StoreError::OrderNotFound`]); a refused payment
/// ([`CheckoutError::Refused`]); nothing is written then.
pub fn apply_payment(
    store: &Store,
    payment: &iamport::Payment,
    cause: &str,
) -> Result<Applied, CheckoutError> {
    let mut order = store.order(&payment.merchant_uid)?;
    for _ in 0..MAX_RACES {
        let decided = match reconcile(&order, payment) {
            Transition::NoChange => {
                let cancel_job_id = open_cancel_for_mismatch(store, &order)?;
                return Ok(Applied {
                    order,
                    changed: false,
                    cancel_job_id,
                });
            }
            Transition::Refuse(refusal) => return Err(refusal.into()),
            Transition::Move(decided) => decided,
        };
        match write(store, &order, payment, cause, decided) {
            Ok(applied) => return Ok(applied),
            Err(CheckoutError::Store(StoreError::StateMoved { .. })) => {
                order = store.order(&payment.merchant_uid)?;
            }
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::StateMoved {
        merchant_uid: order.merchant_uid.clone(),
        expected: order.state.as_str(),
        actual: order.state.as_str(),
    }
    .into())
}

fn open_cancel_for_mismatch(store: &Store, order: &Order) -> Result<Option<i64>, CheckoutError> {
    if order.state != crate::store::OrderState::AmountMismatch {
        return Ok(None);
    }
    Ok(store
        .open_job(CANCEL_JOB, &order.merchant_uid)?
        .map(|j| j.id))
}

fn write(
    store: &Store,
    order: &Order,
    payment: &iamport::Payment,
    cause: &str,
    decided: Move,
) -> Result<Applied, CheckoutError> {
    let Move {
        from,
        to,
        mut patch,
        needs_cancel,
    } = decided;
    let open_cancel = if needs_cancel {
        store.open_job(CANCEL_JOB, &order.merchant_uid)?
    } else {
        None
    };
    if needs_cancel && open_cancel.is_none() {
        let cancel = CancelPayload {
            imp_uid: payment.imp_uid.clone(),
            amount: None,
            checksum: payment.refundable(),
            reason: MISMATCH_CANCEL_REASON.to_string(),
            refund_bank: None,
            refund_account: None,
            refund_holder: None,
            amount_mismatch: true,
        };
        let payload = serde_json::to_value(&cancel).map_err(|source| StoreError::Json {
            context: "encode a cancel job",
            source,
        })?;
        patch.jobs.push(NewJob {
            kind: CANCEL_JOB.to_string(),
            merchant_uid: order.merchant_uid.clone(),
            payload,
            run_at: None,
        });
    }
    // `from` is `order.state`: reconcile decided from this very row (state and version).
    debug_assert_eq!(
        from, order.state,
        "reconcile decides from the order it was given"
    );
    let updated = store.apply_transition(order, to, cause, &patch)?;
    let cancel_job_id = match open_cancel {
        Some(job) => Some(job.id),
        None if needs_cancel => store
            .open_job(CANCEL_JOB, &order.merchant_uid)?
            .map(|j| j.id),
        None => None,
    };
    Ok(Applied {
        order: updated,
        changed: true,
        cancel_job_id,
    })
}
